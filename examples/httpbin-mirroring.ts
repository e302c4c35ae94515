// Istio's mirroring task: all live traffic to httpbin v1, a copy of every request to v2, whose
// responses are discarded. The deployments come from cdk8s-plus; the library labels their pods.
// They run httpbin as the task does, so its checks work: the container is named `httpbin`
// (`kubectl logs deploy/httpbin-v2 -c httpbin`), gunicorn logs every request (the mirrored
// ones appear in v2's log), and /tmp is a writable emptyDir, which gunicorn needs under
// cdk8s-plus's read-only root filesystem.
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
    containers: [{
      name: 'httpbin',
      image: 'docker.io/kennethreitz/httpbin',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['gunicorn', '--access-logfile', '-', '-b', '0.0.0.0:80', 'httpbin:app'],
      portNumber: 80,
      securityContext: { ensureNonRoot: false },
      volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, `httpbin-${version}-tmp`, 'tmp') }],
    }],
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
