// The federation benchmark: CLUSTERS clusters of N services each, every cluster publishing all
// its services and every pair of clusters trusting each other (plain Istio), built two ways.
//   constructs: MeshCluster, MeshFederation (what a cdk8s-istio user writes)
//   raw:        the identical manifests as raw cdk8s ApiObjects, a chart per cluster
// The Services themselves are raw ApiObjects in both: the user writes them either way.
// Both must synthesize byte-identical YAML (test/multicluster/bench.test.ts).
'use strict';
const { ApiObject, Chart } = require('cdk8s');

const CLUSTERS = 5;
const SERVICES_PER_NAMESPACE = 50;
const PORT = 8080;
const GATEWAY_PORT = 15443;

const clusterName = (c) => `cluster-${c}`;
const clusterDomain = (c) => `cluster-${c}.local`;
const gatewayAddress = (c) => `203.0.113.${10 + c}`;
const namespaceOf = (i) => `mesh-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
/** A PEM-shaped stand-in for each cluster's root (trusted through caCertificates; never parsed). */
const rootOf = (c) => `-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIQY2x1c3Rlci${c}tcm9vdC1jYTAKBggqhkjOPQQDAjAWMRQw\n-----END CERTIFICATE-----\n`;

function serviceObject(chart, i) {
  const name = `svc-${i}`;
  const namespace = namespaceOf(i);
  return new ApiObject(chart, `${namespace}-${name}`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port: PORT, targetPort: PORT }], selector: { app: name } },
  });
}

function constructsFederation(app, n, lib, clusters = CLUSTERS) {
  const meshClusters = [];
  const services = [];
  for (let c = 0; c < clusters; c++) {
    const cluster = new lib.MeshCluster(app, clusterName(c), {
      clusterDomain: clusterDomain(c), gatewayAddress: gatewayAddress(c), rootCertificate: lib.TrustAnchor.fromPem(rootOf(c)),
    });
    meshClusters.push(cluster);
    for (let i = 0; i < n; i++) services.push(serviceObject(cluster, i));
  }
  const federation = new lib.MeshFederation(app, 'federation');
  for (const service of services) federation.publish(service);
  for (let c = 0; c < clusters; c++) {
    for (let d = c + 1; d < clusters; d++) federation.trustEachOther(meshClusters[c], meshClusters[d]);
  }
}

function rawFederation(app, n, clusters = CLUSTERS) {
  for (let c = 0; c < clusters; c++) {
    const chart = new Chart(app, clusterName(c));
    for (let i = 0; i < n; i++) serviceObject(chart, i);
    new ApiObject(chart, 'east-west-gateway', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'eastwestgateway' },
        servers: [{ port: { number: GATEWAY_PORT, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: [`*.${clusterDomain(c)}`] }],
      },
    });
    // Remote services in the order the trusts were declared: publishers by index.
    const remote = [];
    for (let p = 0; p < clusters; p++) {
      if (p === c) continue;
      for (let i = 0; i < n; i++) {
        const host = `svc-${i}.${namespaceOf(i)}.svc.${clusterDomain(p)}`;
        remote.push({ host, name: `${clusterName(p)}-${host.replace(/\./g, '-')}`, p });
      }
    }
    for (const { host, name, p } of remote) {
      new ApiObject(chart, `se-${name}`, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name, namespace: 'istio-system' },
        spec: {
          hosts: [host],
          location: 'MESH_INTERNAL',
          ports: [{ name: 'http', number: PORT, protocol: 'HTTP' }],
          resolution: 'STATIC',
          endpoints: [{ address: gatewayAddress(p), ports: { http: GATEWAY_PORT } }],
        },
      });
    }
    for (const { host, name } of remote) {
      new ApiObject(chart, `dr-${name}`, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name, namespace: 'istio-system' },
        spec: { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      });
    }
  }
}

module.exports = { constructsFederation, rawFederation, CLUSTERS };
