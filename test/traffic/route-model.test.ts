// The per-host model: however many constructs touch a host, one VirtualService per host and
// binding and one DestinationRule per host; conflicts name both constructs.
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryRelease, CircuitBreaker, CircuitBreakerPreset, LoadBalancer, MeshGateway, MeshService, ReleaseVersion, StringMatch } from '../../src';
import { meshModel } from '../../src/render/model-renderers';
import { findAll, newChart, synth, synthApp } from '../helpers';

const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
const v = (...names: string[]) => names.map((n) => ReleaseVersion.fromLabels(n));

test('two contributors share one VirtualService; matched routes render before the default route', () => {
  const chart = newChart();
  const owner = (id: string) => new Construct(chart, id);
  const key = { host: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo', binding: { kind: 'mesh' } as const, name: 'reviews' };
  const first = owner('defaults');
  const second = owner('testers');
  // Given the default route added first, and a match route added later by another construct
  meshModel(first).routeTable(first, key).addHttp({ owner: first, route: [{ host: key.host, subset: 'v1' }] });
  meshModel(second).routeTable(second, key).addHttp({ owner: second, match: [{ headers: { 'x-tester': { kind: 'exact', value: '1' } } }], route: [{ host: key.host, subset: 'v2' }] });
  // Then one VirtualService holds both, the match first
  const vs = findAll(synth(chart), 'VirtualService');
  expect(vs).toHaveLength(1);
  expect(vs[0].spec.http.map((r: any) => r.route[0].destination.subset)).toEqual(['v2', 'v1']);
});

test('a second default route for the same host fails, naming both constructs', () => {
  const chart = newChart();
  new CanaryRelease(chart, 'first', { service: reviews, versions: v('v1') });
  expect(() => new CanaryRelease(chart, 'second', { service: reviews, versions: v('v1') }))
    .toThrow("test/second: service gives 'reviews.bookinfo.svc.cluster.local' a second default http route (without a match), but 'test/first' already gives it one, got 'reviews.bookinfo.svc.cluster.local'.");
});

test('one subset name with two label sets fails, naming both constructs', () => {
  const chart = newChart();
  new CanaryRelease(chart, 'first', { service: reviews, versions: v('v1') });
  const gateway = MeshGateway.fromName('public', 'istio-system', { hosts: ['reviews.example.com'] });
  expect(() => new CanaryRelease(chart, 'second', { service: reviews, versions: [ReleaseVersion.fromLabels('v1', { version: 'one' })], meshRouting: false, gateway }))
    .toThrow("test/second: versions[0] defines subset 'v1' of 'reviews.bookinfo.svc.cluster.local' with labels {\"version\":\"one\"} but 'test/first' defines it with {\"version\":\"v1\"}");
});

test('two constructs setting the same traffic-policy field fail, naming both', () => {
  const chart = newChart();
  new CircuitBreaker(chart, 'first', { service: reviews, preset: CircuitBreakerPreset.BALANCED });
  expect(() => new CircuitBreaker(chart, 'second', { service: reviews, outlierDetection: { consecutive5xxErrors: 2 } }))
    .toThrow("test/second: trafficPolicy.outlierDetection of 'reviews.bookinfo.svc.cluster.local' is already set by 'test/first'");
});

test('different fields from different constructs merge into one DestinationRule', () => {
  const chart = newChart();
  new CircuitBreaker(chart, 'pool', { service: reviews, connectionPool: { maxConnections: 100 } });
  new CircuitBreaker(chart, 'ejection', { service: reviews, outlierDetection: { consecutive5xxErrors: 3 } });
  const drs = findAll(synth(chart), 'DestinationRule');
  expect(drs).toHaveLength(1);
  expect(Object.keys(drs[0].spec.trafficPolicy).sort()).toEqual(['connectionPool', 'outlierDetection']);
});

test('one VirtualService and one DestinationRule per host across charts of one app', () => {
  const app = Testing.app();
  const a = new Chart(app, 'a');
  const b = new Chart(app, 'b');
  new CanaryRelease(a, 'reviews', { service: reviews, versions: v('v1', 'v2'), canaryWeight: 20 });
  new CircuitBreaker(b, 'reviews-breaker', { service: reviews, preset: CircuitBreakerPreset.BALANCED });
  new CanaryRelease(b, 'ratings', { service: MeshService.fromName('ratings', 'bookinfo'), versions: v('v1') });
  const manifests = synthApp(app);
  expect(findAll(manifests, 'VirtualService').map((o) => o.metadata.name)).toEqual(['reviews', 'ratings']);
  expect(findAll(manifests, 'DestinationRule').map((o) => o.metadata.name)).toEqual(['reviews', 'ratings']);
  // The DestinationRule lives in the chart of the first construct that touched the host.
  expect(findAll(Testing.synth(a), 'DestinationRule').map((o) => o.metadata.name)).toEqual(['reviews']);
});

test('a match repeated by another construct fails (the second route could never match)', () => {
  const chart = newChart();
  const jason = [{ headers: { 'end-user': StringMatch.exact('jason') } }];
  new CanaryRelease(chart, 'first', { service: reviews, versions: v('v1', 'v2'), matchRoutes: [{ matches: jason, version: 'v2' }] });
  expect(() => new CanaryRelease(chart, 'second', {
    service: reviews, versions: v('v1', 'v2'), matchRoutes: [{ matches: jason, version: 'v1' }],
  })).toThrow(/test\/second: matchRoutes\[0\] repeats a match of 'reviews.bookinfo.svc.cluster.local' already routed by 'test\/first'/);
});

test('output is deterministic', () => {
  const build = () => {
    const chart = newChart();
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: v('v1', 'v2', 'v3'), weights: { v3: 30, v1: 70 } });
    new CircuitBreaker(chart, 'breaker', { service: reviews, preset: CircuitBreakerPreset.TRIP_FAST });
    return JSON.stringify(synth(chart));
  };
  expect(build()).toEqual(build());
});

test('a policy field set by two constructs names the prop of the second (sessionAffinity), not a model label', () => {
  const chart = newChart();
  new CircuitBreaker(chart, 'cb', { service: reviews, loadBalancer: LoadBalancer.LEAST_REQUEST });
  expect(() => new CanaryRelease(chart, 'r', { service: reviews, versions: v('v1'), sessionAffinity: LoadBalancer.consistentHashOnCookie({ name: 'session' }) }))
    .toThrow("test/r: sessionAffinity sets trafficPolicy.loadBalancer of 'reviews.bookinfo.svc.cluster.local', which is already set by 'test/cb'");
});
