import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, CircuitBreaker, MeshService, ReleaseVersion, ExternalService, EgressGateway, Protocol, StringMatch } from '../../src';
process.env.CDK8S_ISTIO_SILENT = '1';
function run(name: string, f: (c: Chart) => void) {
  const t = Date.now();
  const app = new App({ outdir: '/tmp/x' });
  const chart = new Chart(app, 'chart');
  try {
    f(chart);
    const out = app.charts.flatMap((c) => c.toJson());
    console.log(name, 'OK', out.length, 'objects', Date.now() - t, 'ms');
  } catch (e: any) {
    console.log(name, 'ERR', e.constructor.name, JSON.stringify(e.message).slice(0, 600), Date.now() - t, 'ms');
  }
}
run('cb-subset', (chart) => {
  new CanaryRelease(chart, 'rel', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')] });
  new CircuitBreaker(chart, 'cb', { service: MeshService.fromName('reviews', 'default'), subset: 'v1', outlierDetection: { consecutive5xxErrors: 2 ** 32 } });
});
run('cb-subset2', (chart) => {
  new CanaryRelease(chart, 'rel', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')] });
  new CircuitBreaker(chart, 'cb', { service: MeshService.fromName('reviews', 'default'), subset: 'v1', outlierDetection: { consecutive5xxErrors: 3 } });
});
run('maxreq', (chart) => {
  new CircuitBreaker(chart, 'cb', { service: MeshService.fromName('reviews', 'default'), connectionPool: { maxRequests: 2 ** 32 } });
});
run('attempts', (chart) => {
  new CanaryRelease(chart, 'rel', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1')], retries: { attempts: 1e21 } });
});
run('durmin', (chart) => {
  new CanaryRelease(chart, 'rel', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1')], timeout: Duration.minutes(1e20) });
});
run('regex', (chart) => {
  new CanaryRelease(chart, 'rel', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')], matchRoutes: [{ matches: [{ uri: StringMatch.regex('\\q') }], version: 'v2' }] });
});
run('ext', (chart) => {
  new ExternalService(chart, 'ext', { hosts: ['a-b.com', 'a.b-com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressGateway: new EgressGateway(chart, 'egress') });
});
run('ext-ok', (chart) => {
  new ExternalService(chart, 'ext', { hosts: ['a-b.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressGateway: new EgressGateway(chart, 'egress') });
});
