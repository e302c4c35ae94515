// The security objects of the benchmark mesh as a hand-writing cdk8s user would write them:
// an injection-enabled Namespace with STRICT mTLS, and per service an ALLOW policy for one client.
'use strict';
const { ApiObject } = require('cdk8s');

const rawSecurity = {
  namespaceObjects(chart, namespace) {
    new ApiObject(chart, `${namespace}-ns`, {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } }, spec: {},
    });
    new ApiObject(chart, `${namespace}-mtls`, {
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } },
    });
  },
  serviceObjects(chart, service, namespace, client) {
    new ApiObject(chart, `${service}-allow`, {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `${service}-allow`, namespace },
      spec: {
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: [`cluster.local/ns/${namespace}/sa/${client}`] } }] }],
        selector: { matchLabels: { app: service } },
      },
    });
  },
};

module.exports = { rawSecurity };
