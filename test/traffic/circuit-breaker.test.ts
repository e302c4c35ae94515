import { Duration, JsonPatch } from 'cdk8s';
import { CircuitBreaker, CircuitBreakerPreset, CircuitBreakerProps, LoadBalancer, MeshService } from '../../src';
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
    ['negative max connections', { connectionPool: { maxConnections: -1 } }, 'test/httpbin: connectionPool.maxConnections must be a whole number, 0 or more, got -1. Use a whole number, 0 or more.'],
    ['sub-ms connect timeout', { connectionPool: { connectTimeout: Duration.millis(0.2) } }, "test/httpbin: connectionPool.connectTimeout must be at least 1ms, got '0.2ms'."],
    ['ejection percent over 100', { outlierDetection: { maxEjectionPercent: 150 } }, 'test/httpbin: outlierDetection.maxEjectionPercent must be a whole number from 0 to 100, got 150. A percentage of endpoints, 0 to 100.'],
    ['min health percent', { outlierDetection: { minHealthPercent: -5 } }, 'test/httpbin: outlierDetection.minHealthPercent must be a whole number from 0 to 100, got -5.'],
    ['failover without outlier detection', { localityFailover: [{ from: 'us-east', to: 'us-west' }] }, 'test/httpbin: localityFailover needs outlierDetection (without it no endpoint is ever considered unhealthy), got [{"from":"us-east","to":"us-west"}]. Add outlierDetection, e.g. { consecutive5xxErrors: 5 }.'],
    ['failover to the same region', { outlierDetection: { consecutive5xxErrors: 1 }, localityFailover: [{ from: 'us-east', to: 'us-east' }] }, 'test/httpbin: localityFailover[0] must name two different regions (no zones, no wildcards), got {"from":"us-east","to":"us-east"}.'],
    ['failover and distribute', { localityFailover: [{ from: 'a', to: 'b' }], localityDistribute: { 'a/*': { 'a/*': 100 } } }, 'test/httpbin: localityFailover cannot be combined with localityDistribute'],
    ['distribute not summing to 100', { localityDistribute: { 'a/*': { 'a/*': 60, 'b/*': 30 } } }, "test/httpbin: localityDistribute['a/*'] weights must sum to 100, got {\"a/*\":60,\"b/*\":30}. They sum to 90; adjust them."],
    ['distribute weight 0', { localityDistribute: { 'a/*': { 'a/*': 100, 'b/*': 0 } } }, "test/httpbin: localityDistribute['a/*']['b/*'] must be a whole number from 1 to 100, got 0."],
    ['keepalive probes', { connectionPool: { tcpKeepaliveProbes: 0 } }, 'test/httpbin: connectionPool.tcpKeepaliveProbes must be a whole number from 1 to 1000, got 0.'],
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
