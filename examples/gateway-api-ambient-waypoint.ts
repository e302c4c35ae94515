// An ambient namespace with a waypoint: its L7 routes are HTTPRoutes the waypoint reads
// (VirtualServices at waypoints are alpha), with no RoutingDefaults needed: 80% of catalog
// traffic to v1, 20% to v2, and requests with 'x-canary: true' to v2.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, Dataplane, MeshService, MtlsNamespace, ReleaseVersion, StringMatch } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'gateway-api-ambient-waypoint', { namespace: 'shop' });
  new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
  new CanaryRelease(chart, 'catalog', {
    service: MeshService.fromName('catalog', 'shop', { port: 8080 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    canaryWeight: 20,
    matchRoutes: [{ matches: [{ headers: { 'x-canary': StringMatch.exact('true') } }], version: 'v2' }],
  });
}
