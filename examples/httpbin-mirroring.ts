// Istio's mirroring task: all live traffic to httpbin v1, a copy of every request to v2, whose
// responses are discarded. The deployments come from cdk8s-plus; the library labels their pods.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryRelease, MeshService, ReleaseVersion } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'httpbin-mirroring', { namespace: 'default' });
  const deployment = (version: string) => new kplus.Deployment(chart, `httpbin-${version}`, {
    metadata: { name: `httpbin-${version}` },
    podMetadata: { labels: { app: 'httpbin' } },
    // httpbin's image runs as root.
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
