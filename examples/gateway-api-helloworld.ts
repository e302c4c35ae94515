// Istio's samples/helloworld/gateway-api: /hello behind an ingress Gateway
// (helloworld-gateway.yaml), and 90% of mesh traffic to v1, 10% to v2 (helloworld-route.yaml,
// with the per-version Services of helloworld-versions.yaml).
import { App, Chart } from 'cdk8s';
import { CanaryRelease, GatewayCertificate, MeshService, ReleaseVersion, RoutingApi, SecureGateway, StringMatch } from '../src';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-helloworld', { namespace: 'sample' });
  const helloworld = MeshService.fromName('helloworld', 'sample', { port: 5000 });
  const gateway = new SecureGateway(chart, 'helloworld-gateway', {
    namespace: 'sample',
    hosts: ['helloworld.example.com'],
    certificate: GatewayCertificate.fromSecret('helloworld-credential'),
  });
  gateway.addRoute({ service: helloworld, path: StringMatch.exact('/hello') });
  new CanaryRelease(chart, 'helloworld', {
    service: helloworld,
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    canaryWeight: 10,
  });
}
