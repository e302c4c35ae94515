// Istio's mirroring task through the Gateway API: live traffic to httpbin v1, a copy of every
// request to v2 (an HTTPRoute RequestMirror filter to httpbin-v2's own Service).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryRelease, MeshService, ReleaseVersion, RoutingApi } from '../src';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-httpbin-mirroring', { namespace: 'default' });
  const deployment = (version: string) => new kplus.Deployment(chart, `httpbin-${version}`, {
    metadata: { name: `httpbin-${version}` },
    podMetadata: { labels: { app: 'httpbin' } },
    securityContext: { ensureNonRoot: false },
    containers: [{ image: 'docker.io/kennethreitz/httpbin', portNumber: 80, securityContext: { ensureNonRoot: false } }],
  });
  const v1 = deployment('v1');
  const v2 = deployment('v2');
  const service = new kplus.Service(chart, 'httpbin', { metadata: { name: 'httpbin' }, ports: [{ port: 8000, targetPort: 80, name: 'http' }] });
  service.selectLabel('app', 'httpbin');
  new CanaryRelease(chart, 'httpbin-mirror', {
    service: MeshService.fromService(service),
    versions: [ReleaseVersion.fromDeployment('v1', v1), ReleaseVersion.fromDeployment('v2', v2)],
    mirror: { version: 'v2', percentage: 100 },
  });
}
