// `cdk8s import` gives the bare class name to the first version listed in a CRD; a different
// bundle could silently change what `VirtualService` means. Pin every L1 we use.
import * as certManager from '../src/imports/cert-manager.io';
import * as gatewayApi from '../src/imports/gateway.networking.k8s.io';
import * as networking from '../src/imports/networking.istio.io';
import * as security from '../src/imports/security.istio.io';
import * as telemetry from '../src/imports/telemetry.istio.io';

test.each([
  [networking.VirtualService.GVK, 'networking.istio.io/v1', 'VirtualService'],
  [networking.DestinationRule.GVK, 'networking.istio.io/v1', 'DestinationRule'],
  [networking.Gateway.GVK, 'networking.istio.io/v1', 'Gateway'],
  [networking.ServiceEntry.GVK, 'networking.istio.io/v1', 'ServiceEntry'],
  [networking.Sidecar.GVK, 'networking.istio.io/v1', 'Sidecar'],
  [networking.WorkloadEntry.GVK, 'networking.istio.io/v1', 'WorkloadEntry'],
  [security.PeerAuthentication.GVK, 'security.istio.io/v1', 'PeerAuthentication'],
  [security.AuthorizationPolicy.GVK, 'security.istio.io/v1', 'AuthorizationPolicy'],
  [security.RequestAuthentication.GVK, 'security.istio.io/v1', 'RequestAuthentication'],
  [telemetry.Telemetry.GVK, 'telemetry.istio.io/v1', 'Telemetry'],
  [certManager.Certificate.GVK, 'cert-manager.io/v1', 'Certificate'],
  [certManager.Issuer.GVK, 'cert-manager.io/v1', 'Issuer'],
  [certManager.ClusterIssuer.GVK, 'cert-manager.io/v1', 'ClusterIssuer'],
  [gatewayApi.Gateway.GVK, 'gateway.networking.k8s.io/v1', 'Gateway'],
  [gatewayApi.HttpRoute.GVK, 'gateway.networking.k8s.io/v1', 'HTTPRoute'],
])('L1 %o is %s %s', (gvk, apiVersion, kind) => {
  expect(gvk).toEqual({ apiVersion, kind });
});

test('the L1 classes are not part of the public API', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../src');
  expect(Object.keys(api)).not.toContain('VirtualService');
  expect(Object.keys(api)).not.toContain('DestinationRuleSpec');
});
