import { Duration, JsonPatch } from 'cdk8s';
import { CanaryRelease, CircuitBreaker, CircuitBreakerPreset, CircuitBreakerProps, LoadBalancer, MeshService, ReleaseVersion } from '../../src';
import { findOne, newChart, synth } from '../helpers';

const httpbin = MeshService.fromName('httpbin', 'default', { port: 8000 });

function breaker(props: Partial<CircuitBreakerProps>) {
  const chart = newChart();
  new CircuitBreaker(chart, 'httpbin', { service: httpbin, ...props });
  return synth(chart);
}

function policy(props: Partial<CircuitBreakerProps>) {
  return findOne(breaker(props), 'DestinationRule', 'httpbin', 'default').spec.trafficPolicy;
}

describe('CircuitBreaker', () => {
  test('TRIP_FAST is Istio\'s circuit-breaking task', () => {
    const manifests = breaker({ preset: CircuitBreakerPreset.TRIP_FAST });
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'DestinationRule', 'httpbin').spec).toEqual({
      host: 'httpbin.default.svc.cluster.local',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
        outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '180s', maxEjectionPercent: 100 },
      },
    });
  });

  test('explicit fields override the preset', () => {
    const p = policy({ preset: CircuitBreakerPreset.TRIP_FAST, connectionPool: { maxConnections: 5 }, outlierDetection: { maxEjectionPercent: 50 } });
    expect(p.connectionPool.tcp.maxConnections).toBe(5);
    expect(p.connectionPool.http.http1MaxPendingRequests).toBe(1);
    expect(p.outlierDetection).toMatchObject({ consecutive5xxErrors: 1, maxEjectionPercent: 50 });
  });

  test('every connection pool and outlier field', () => {
    const p = policy({
      connectionPool: {
        maxConnections: 100,
        connectTimeout: Duration.millis(250),
        tcpKeepaliveTime: Duration.minutes(2),
        tcpKeepaliveInterval: Duration.seconds(30),
        tcpKeepaliveProbes: 3,
        maxPendingRequests: 10,
        maxRequests: 50,
        maxRequestsPerConnection: 20,
        maxRetries: 3,
        idleTimeout: Duration.seconds(30),
        h2Upgrade: true,
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        consecutiveGatewayErrors: 3,
        interval: Duration.seconds(10),
        baseEjectionTime: Duration.seconds(30),
        maxEjectionPercent: 50,
        minHealthPercent: 20,
      },
    });
    expect(p.connectionPool).toEqual({
      tcp: { maxConnections: 100, connectTimeout: '0.25s', tcpKeepalive: { time: '120s', interval: '30s', probes: 3 } },
      http: { http1MaxPendingRequests: 10, http2MaxRequests: 50, maxRequestsPerConnection: 20, maxRetries: 3, idleTimeout: '30s', h2UpgradePolicy: 'UPGRADE' },
    });
    expect(p.outlierDetection).toEqual({
      consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50, minHealthPercent: 20,
    });
  });

  test.each([
    [LoadBalancer.ROUND_ROBIN, { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.LEAST_REQUEST, { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.RANDOM, { simple: 'RANDOM' }],
    [LoadBalancer.PASSTHROUGH, { simple: 'PASSTHROUGH' }],
    [LoadBalancer.consistentHashOnHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashOnSourceIp(), { consistentHash: { useSourceIp: true } }],
    [LoadBalancer.consistentHashOnQueryParameter('user'), { consistentHash: { httpQueryParameterName: 'user' } }],
    [LoadBalancer.consistentHashOnCookie({ name: 'sticky', path: '/', ttl: Duration.minutes(10) }), { consistentHash: { httpCookie: { name: 'sticky', path: '/', ttl: '600s' } } }],
  ])('load balancer %#', (loadBalancer, expected) => {
    expect(policy({ loadBalancer }).loadBalancer).toEqual(expected);
  });

  test('locality failover (with outlier detection) and distribution', () => {
    expect(policy({ outlierDetection: { consecutive5xxErrors: 5 }, localityFailover: [{ from: 'us-east', to: 'us-west' }] }).loadBalancer)
      .toEqual({ localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'us-west' }] } });
    expect(policy({ localityDistribute: { 'us-west/zone1/*': { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } } }).loadBalancer)
      .toEqual({ localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] } });
  });

  test('per-port override goes to portLevelSettings', () => {
    const p = policy({ port: 8000, connectionPool: { maxConnections: 7 } });
    expect(p).toEqual({ portLevelSettings: [{ port: { number: 8000 }, connectionPool: { tcp: { maxConnections: 7 } } }] });
  });

  test('escape hatch: the DestinationRule can be patched', () => {
    const chart = newChart();
    const b = new CircuitBreaker(chart, 'httpbin', { service: httpbin, preset: CircuitBreakerPreset.BALANCED });
    b.destinationRule.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/tls', { mode: 'ISTIO_MUTUAL' }));
    expect(findOne(synth(chart), 'DestinationRule', 'httpbin').spec.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });
});

describe('CircuitBreaker validation', () => {
  test.each<[string, Partial<CircuitBreakerProps>, string | RegExp]>([
    ['nothing configured', {}, 'test/httpbin: props must configure at least one of preset, connectionPool, outlierDetection, loadBalancer or locality, got {}. An empty traffic policy is rejected by istiod; pass CircuitBreakerPreset.BALANCED to start.'],
    ['negative max connections', { connectionPool: { maxConnections: -1 } }, "test/httpbin: connectionPool.maxConnections must be a whole number from 0 to 2147483647 (the largest int32), got -1. Use a whole number, 0 or more (0 keeps Istio's default)."],
    ['max requests beyond int32', { connectionPool: { maxRequests: 2 ** 32 } }, 'test/httpbin: connectionPool.maxRequests must be a whole number from 0 to 2147483647 (the largest int32), got 4294967296.'],
    ['max connections beyond int32', { connectionPool: { maxConnections: 2 ** 31 } }, 'test/httpbin: connectionPool.maxConnections must be a whole number from 0 to 2147483647 (the largest int32), got 2147483648.'],
    ['max pending requests beyond int32', { connectionPool: { maxPendingRequests: 1e21 } }, 'test/httpbin: connectionPool.maxPendingRequests must be a whole number from 0 to 2147483647 (the largest int32), got 1e+21.'],
    ['max requests per connection fraction', { connectionPool: { maxRequestsPerConnection: 1.5 } }, 'test/httpbin: connectionPool.maxRequestsPerConnection must be a whole number from 0 to 2147483647 (the largest int32), got 1.5.'],
    ['max retries NaN', { connectionPool: { maxRetries: NaN } }, 'test/httpbin: connectionPool.maxRetries must be a whole number from 0 to 2147483647 (the largest int32), got NaN.'],
    ['connect timeout beyond Go', { connectionPool: { connectTimeout: Duration.days(200000) } }, "test/httpbin: connectionPool.connectTimeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '17280000000000ms'."],
    ['idle timeout beyond Go', { connectionPool: { idleTimeout: Duration.minutes(1e20) } }, "test/httpbin: connectionPool.idleTimeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '6e+24ms'."],
    ['keepalive time in fractions of a second', { connectionPool: { tcpKeepaliveTime: Duration.millis(1500) } }, "test/httpbin: connectionPool.tcpKeepaliveTime must be a whole number of seconds, got '1500ms'. Envoy sets keepalive timers in whole seconds"],
    ['keepalive interval under 1s', { connectionPool: { tcpKeepaliveInterval: Duration.millis(500) } }, "test/httpbin: connectionPool.tcpKeepaliveInterval must be at least 1s, got '500ms'."],
    ['keepalive probes beyond uint32', { connectionPool: { tcpKeepaliveProbes: 2 ** 32 } }, 'test/httpbin: connectionPool.tcpKeepaliveProbes must be a whole number from 1 to 4294967295 (the largest uint32), got 4294967296.'],
    ['consecutive 5xx beyond uint32', { outlierDetection: { consecutive5xxErrors: 2 ** 32 } }, 'test/httpbin: outlierDetection.consecutive5xxErrors must be a whole number from 0 to 4294967295 (the largest uint32), got 4294967296. Use a whole number; 0 disables this check.'],
    ['consecutive gateway errors negative', { outlierDetection: { consecutiveGatewayErrors: -1 } }, 'test/httpbin: outlierDetection.consecutiveGatewayErrors must be a whole number from 0 to 4294967295 (the largest uint32), got -1.'],
    ['ejection interval beyond Go', { outlierDetection: { interval: Duration.days(1e6) } }, 'test/httpbin: outlierDetection.interval must be at most 9223372036.854s'],
    ['base ejection time under 1ms', { outlierDetection: { baseEjectionTime: Duration.millis(0) } }, "test/httpbin: outlierDetection.baseEjectionTime must be at least 1ms, got '0ms'."],
    ['cookie ttl beyond Go', { loadBalancer: LoadBalancer.consistentHashOnCookie({ name: 'sticky', ttl: Duration.days(1e6) }) }, 'test/httpbin: loadBalancer.cookie.ttl must be at most 9223372036.854s'],
    ['sub-ms connect timeout', { connectionPool: { connectTimeout: Duration.millis(0.2) } }, "test/httpbin: connectionPool.connectTimeout must be at least 1ms, got '0.2ms'."],
    ['ejection percent over 100', { outlierDetection: { maxEjectionPercent: 150 } }, 'test/httpbin: outlierDetection.maxEjectionPercent must be a whole number from 0 to 100, got 150. A percentage of endpoints, 0 to 100.'],
    ['min health percent', { outlierDetection: { minHealthPercent: -5 } }, 'test/httpbin: outlierDetection.minHealthPercent must be a whole number from 0 to 100, got -5.'],
    ['failover without outlier detection', { localityFailover: [{ from: 'us-east', to: 'us-west' }] }, 'test/httpbin: localityFailover needs outlierDetection (without it no endpoint is ever considered unhealthy), got [{"from":"us-east","to":"us-west"}]. Add outlierDetection, e.g. { consecutive5xxErrors: 5 }.'],
    ['failover to the same region', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: 'us-east', to: 'us-east' }] }, 'test/httpbin: localityFailover[0] must name two different regions, got {"from":"us-east","to":"us-east"}.'],
    ['failover to a wildcard region', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: 'us-east', to: 'us-*' }] },
      "test/httpbin: localityFailover[0].to must not contain the wildcard '*' (istiod rejects it in failover regions), got 'us-*'. Name one region per entry"],
    ['failover from a wildcard region', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: '*', to: 'us-west' }] },
      "test/httpbin: localityFailover[0].from must not contain the wildcard '*' (istiod rejects it in failover regions), got '*'."],
    ['failover to a zone', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: 'us-east', to: 'us-west/zone1' }] },
      "test/httpbin: localityFailover[0].to must be a region, not a zone (no '/'), got 'us-west/zone1'. Failover moves traffic between regions: use 'us-west'."],
    ['failover from nowhere', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: '', to: 'us-west' }] },
      "test/httpbin: localityFailover[0].from must name a region, got ''."],
    ['failover and distribute', { localityFailover: [{ from: 'a', to: 'b' }], localityDistribute: { 'a/*': { 'a/*': 100 } } }, 'test/httpbin: localityFailover cannot be combined with localityDistribute'],
    ['distribute not summing to 100', { localityDistribute: { 'a/*': { 'a/*': 60, 'b/*': 30 } } }, "test/httpbin: localityDistribute['a/*'] weights must sum to 100, got {\"a/*\":60,\"b/*\":30}. They sum to 90; adjust them."],
    ['distribute weight 0', { localityDistribute: { 'a/*': { 'a/*': 100, 'b/*': 0 } } }, "test/httpbin: localityDistribute['a/*']['b/*'] must be a whole number from 1 to 100, got 0."],
    ['keepalive probes', { connectionPool: { tcpKeepaliveProbes: 0 } }, 'test/httpbin: connectionPool.tcpKeepaliveProbes must be a whole number from 1 to 4294967295 (the largest uint32), got 0. Use a small whole number such as 9.'],
    ['bad port', { port: 0, connectionPool: { maxConnections: 1 } }, 'test/httpbin: port must be a whole number from 1 to 65535, got 0.'],
    ['port and subset', { port: 80, subset: 'v1', connectionPool: { maxConnections: 1 } }, 'test/httpbin: port cannot be combined with subset in one CircuitBreaker, got 80.'],
    ['empty hash header', { loadBalancer: LoadBalancer.consistentHashOnHeader('') }, "test/httpbin: loadBalancer.httpHeaderName must not be empty, got ''."],
    ['empty cookie name', { loadBalancer: LoadBalancer.consistentHashOnCookie({ name: '' }) }, "test/httpbin: loadBalancer.cookie.name must not be empty, got ''."],
  ])('fails: %s', (_name, props, message) => {
    expect(() => breaker(props)).toThrow(message);
  });

  test('fails at synth: subset that no construct defines', () => {
    expect(() => breaker({ subset: 'v9', connectionPool: { maxConnections: 1 } }))
      .toThrow("test/httpbin: subset must name a subset of 'httpbin.default.svc.cluster.local', got 'v9'. Known subsets: none (define them with a CanaryRelease).");
  });
});

describe('CircuitBreaker on a subset', () => {
  const HOST = 'httpbin.default.svc.cluster.local';
  const versions = [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')];

  test.each([['release first', true], ['breaker first', false]])('the subset policy is rendered (%s)', (_name, releaseFirst) => {
    // Given a CanaryRelease defining v1/v2 and a CircuitBreaker on v2, created in either order
    const chart = newChart();
    const releaseIt = () => new CanaryRelease(chart, 'release', { service: httpbin, versions });
    if (releaseFirst) releaseIt();
    new CircuitBreaker(chart, 'v2-breaker', { service: httpbin, subset: 'v2', connectionPool: { maxConnections: 10 }, outlierDetection: { consecutive5xxErrors: 3 } });
    if (!releaseFirst) releaseIt();
    // Then the one DestinationRule carries the policy on v2 only
    const dr = findOne(synth(chart), 'DestinationRule', 'httpbin', 'default');
    expect(dr.spec.trafficPolicy).toBeUndefined();
    expect(dr.spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } }, outlierDetection: { consecutive5xxErrors: 3 } } },
    ]);
  });

  test('the subset policy is part of the rendered object before any validation hook runs (the synth analysis sees it)', () => {
    const chart = newChart();
    const subsetBreaker = new CircuitBreaker(chart, 'v1-breaker', { service: httpbin, subset: 'v1', outlierDetection: { consecutive5xxErrors: 2 } });
    new CanaryRelease(chart, 'release', { service: httpbin, versions });
    // toJson renders without running node validations (which is where the policy used to be attached)
    expect(subsetBreaker.destinationRule.toJson().spec.subsets[0]).toEqual({ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 2 } } });
  });

  test('a host-wide breaker and a subset breaker share the DestinationRule', () => {
    const chart = newChart();
    new CanaryRelease(chart, 'release', { service: httpbin, versions });
    new CircuitBreaker(chart, 'all', { service: httpbin, connectionPool: { maxConnections: 100 } });
    new CircuitBreaker(chart, 'v2', { service: httpbin, subset: 'v2', connectionPool: { maxConnections: 5 } });
    const dr = findOne(synth(chart), 'DestinationRule', 'httpbin');
    expect(dr.spec.trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 100 } } });
    expect(dr.spec.subsets[1].trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 5 } } });
  });

  test('two breakers on one subset merge different fields', () => {
    const chart = newChart();
    new CircuitBreaker(chart, 'pool', { service: httpbin, subset: 'v2', connectionPool: { maxConnections: 5 } });
    new CircuitBreaker(chart, 'outlier', { service: httpbin, subset: 'v2', outlierDetection: { consecutive5xxErrors: 1 } });
    new CanaryRelease(chart, 'release', { service: httpbin, versions });
    expect(findOne(synth(chart), 'DestinationRule', 'httpbin').spec.subsets[1].trafficPolicy)
      .toEqual({ connectionPool: { tcp: { maxConnections: 5 } }, outlierDetection: { consecutive5xxErrors: 1 } });
  });

  test('fails at the construct: two breakers setting the same field of one subset', () => {
    const chart = newChart();
    new CircuitBreaker(chart, 'first', { service: httpbin, subset: 'v2', connectionPool: { maxConnections: 5 } });
    expect(() => new CircuitBreaker(chart, 'second', { service: httpbin, subset: 'v2', connectionPool: { maxConnections: 6 } }))
      .toThrow(`test/second: trafficPolicy.connectionPool (subset v2) of '${HOST}' is already set by 'test/first', got {"tcp":{"maxConnections":6}}. Configure this field in one construct only`);
  });

  test.each<[string, Partial<CircuitBreakerProps>, string]>([
    ['consecutive5xxErrors: 2 ** 32', { outlierDetection: { consecutive5xxErrors: 2 ** 32 } },
      'test/cb: outlierDetection.consecutive5xxErrors must be a whole number from 0 to 4294967295 (the largest uint32), got 4294967296.'],
    ['connectTimeout: Duration.days(200000)', { connectionPool: { connectTimeout: Duration.days(200000) } },
      "test/cb: connectionPool.connectTimeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '17280000000000ms'."],
  ])('fails at the construct, not at synth: subset breaker with %s (issue 11 reproduction)', (_name, props, message) => {
    const chart = newChart();
    new CanaryRelease(chart, 'release', { service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromLabels('v1')] });
    expect(() => new CircuitBreaker(chart, 'cb', { service: MeshService.fromName('reviews', 'default'), subset: 'v1', ...props })).toThrow(message);
  });

  test('fails at synth: a subset defined by no construct, naming the construct path and prop', () => {
    const chart = newChart();
    new CanaryRelease(chart, 'release', { service: httpbin, versions });
    new CircuitBreaker(chart, 'typo', { service: httpbin, subset: 'v3', connectionPool: { maxConnections: 1 } });
    expect(() => synth(chart)).toThrow(`test/typo: subset must name a subset of '${HOST}', got 'v3'. Known subsets: v1, v2 (define them with a CanaryRelease).`);
  });
});
