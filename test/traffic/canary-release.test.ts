import { Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CanaryRelease, CanaryReleaseProps, CircuitBreaker, CircuitBreakerPreset, GrpcStatus, HttpMethod, LoadBalancer, MeshGateway,
  MeshService, Protocol, ReleaseVersion, RetryOn, StringMatch,
} from '../../src';
import { warningsOf } from '../../src/core/warnings';
import { findAll, findOne, newChart, synth } from '../helpers';

const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
const v = (...names: string[]) => names.map((n) => ReleaseVersion.fromLabels(n));
const HOST = 'reviews.bookinfo.svc.cluster.local';

function release(props: Partial<CanaryReleaseProps> = {}) {
  const chart = newChart();
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: v('v1', 'v2'), ...props });
  return synth(chart);
}

function expectFails(props: Partial<CanaryReleaseProps>, message: string | RegExp) {
  expect(() => release(props)).toThrow(message);
}

describe('CanaryRelease', () => {
  test('defaults: subsets per version, all traffic to the first version', () => {
    const manifests = release();
    expect(manifests).toMatchSnapshot();
    const dr = findOne(manifests, 'DestinationRule', 'reviews', 'bookinfo');
    expect(dr.spec.host).toBe(HOST);
    expect(dr.spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
    const vs = findOne(manifests, 'VirtualService', 'reviews', 'bookinfo');
    expect(vs.spec.hosts).toEqual([HOST]);
    expect(vs.spec.gateways).toBeUndefined();
    expect(vs.spec.http).toEqual([{ route: [{ destination: { host: HOST, subset: 'v1', port: { number: 9080 } } }] }]);
  });

  test('canaryWeight splits stable/canary', () => {
    const vs = findOne(release({ canaryWeight: 10 }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 90], ['v2', 10]]);
  });

  test('N-way weights, in version order', () => {
    const vs = findOne(release({ versions: v('v1', 'v2', 'v3'), weights: { v3: 50, v1: 50 } }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 50], ['v3', 50]]);
  });

  test('match routes come before the default route, in the order given', () => {
    const vs = findOne(release({
      versions: v('v1', 'v2', 'v3'),
      canaryWeight: undefined,
      weights: { v1: 100 },
      matchRoutes: [
        { matches: [{ headers: { 'End-User': StringMatch.exact('jason') } }], version: 'v2', name: 'jason' },
        { matches: [{ uri: StringMatch.prefix('/beta'), method: HttpMethod.GET }, { queryParams: { canary: StringMatch.regex('^(1|true)$') } }], version: 'v3' },
        { matches: [{ cookies: { user: 'tester' } }], weights: { v2: 50, v3: 50 } },
      ],
    }), 'VirtualService', 'reviews');
    expect(vs.spec.http).toHaveLength(4);
    expect(vs.spec.http[0]).toMatchObject({ name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }] });
    expect(vs.spec.http[0].route[0].destination.subset).toBe('v2');
    expect(vs.spec.http[1].match).toEqual([{ uri: { prefix: '/beta' }, method: { exact: 'GET' } }, { queryParams: { canary: { regex: '^(1|true)$' } } }]);
    expect(vs.spec.http[2].match[0].headers.cookie.regex).toBe('(?:^|.*;\\s*)user=tester(?:;.*)?$');
    expect(new RegExp(vs.spec.http[2].match[0].headers.cookie.regex).test('a=b; user=tester; c=d')).toBe(true);
    expect(new RegExp(vs.spec.http[2].match[0].headers.cookie.regex).test('user=testers')).toBe(false);
    expect(vs.spec.http[3].match).toBeUndefined();
  });

  test('regexes valid in RE2 but not in JavaScript are accepted and rendered as written', () => {
    // Given RE2 flag groups and Go's named-group syntax (JavaScript rejects all three)
    const patterns = ['(?i)^/api', '(?s)^/a.b', '^/users/(?P<id>[0-9]+)$'];
    // When each is a route's path match
    const vs = findOne(release({ matchRoutes: patterns.map((p) => ({ matches: [{ uri: StringMatch.regex(p) }], version: 'v2' })) }), 'VirtualService', 'reviews');
    // Then they reach the VirtualService unchanged (and the synth-time istiod layer accepts them)
    expect(vs.spec.http.slice(0, 3).map((r: any) => r.match[0].uri.regex)).toEqual(patterns);
  });

  test('fault injection on a match only', () => {
    const vs = findOne(release({
      matchRoutes: [{
        matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
        version: 'v1',
        fault: { delay: Duration.seconds(7), abortHttpStatus: 500, abortPercentage: 10 },
      }],
    }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].fault).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } }, abort: { httpStatus: 500, percentage: { value: 10 } } });
    expect(vs.spec.http[1].fault).toBeUndefined();
  });

  test('gRPC abort', () => {
    const vs = findOne(release({ fault: { abortGrpcStatus: GrpcStatus.UNAVAILABLE, abortPercentage: 50 } }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].fault).toEqual({ abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } } });
  });

  test('mirroring: live traffic to stable, a copy to the canary', () => {
    const vs = findOne(release({ mirror: { version: 'v2', percentage: 25 } }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: HOST, subset: 'v1', port: { number: 9080 } } }]);
    expect(vs.spec.http[0].mirror).toEqual({ host: HOST, subset: 'v2', port: { number: 9080 } });
    expect(vs.spec.http[0].mirrorPercentage).toEqual({ value: 25 });
  });

  test('timeouts and retries, typed retryOn and status codes', () => {
    const vs = findOne(release({
      timeout: Duration.seconds(10),
      retries: {
        attempts: 3,
        perTryTimeout: Duration.seconds(2),
        retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE],
        retryOnStatusCodes: [409],
      },
    }), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].timeout).toBe('10s');
    expect(vs.spec.http[0].retries).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,retriable-status-codes,409' });
  });

  test('warns when retries cannot finish within the timeout', () => {
    const chart = newChart();
    const r = new CanaryRelease(chart, 'reviews', {
      service: reviews, versions: v('v1'), timeout: Duration.seconds(1), retries: { attempts: 3, perTryTimeout: Duration.seconds(1) },
    });
    expect(warningsOf(r).join()).toMatch(/4 tries x perTryTimeout 1000ms = 4000ms exceeds the route timeout of 1000ms/);
  });

  test('TCP: weighted routes matched on the port', () => {
    const chart = newChart();
    new CanaryRelease(chart, 'tcp-echo', {
      service: MeshService.fromName('tcp-echo', 'demo', { port: 9000 }), versions: v('v1', 'v2'), protocol: Protocol.TCP, canaryWeight: 20,
    });
    const vs = findOne(synth(chart), 'VirtualService', 'tcp-echo');
    expect(vs.spec.http).toBeUndefined();
    expect(vs.spec.tcp).toEqual([{
      match: [{ port: 9000 }],
      route: [
        { destination: { host: 'tcp-echo.demo.svc.cluster.local', subset: 'v1', port: { number: 9000 } }, weight: 80 },
        { destination: { host: 'tcp-echo.demo.svc.cluster.local', subset: 'v2', port: { number: 9000 } }, weight: 20 },
      ],
    }]);
  });

  test('exposure through a gateway, next to the mesh binding', () => {
    const gateway = MeshGateway.fromName('public', 'istio-ingress', { hosts: ['bookinfo.example.com', 'www.example.com'] });
    const manifests = release({ canaryWeight: 10, gateway, gatewayHosts: ['bookinfo.example.com'] });
    expect(findAll(manifests, 'VirtualService')).toHaveLength(2);
    const mesh = findOne(manifests, 'VirtualService', 'reviews', 'bookinfo');
    expect(mesh.spec.gateways).toBeUndefined();
    const edge = findOne(manifests, 'VirtualService', 'public-bookinfo-example-com', 'istio-ingress');
    expect(edge.spec.hosts).toEqual(['bookinfo.example.com']);
    expect(edge.spec.gateways).toEqual(['istio-ingress/public']);
    expect(edge.spec.http[0].route.map((r: any) => r.weight)).toEqual([90, 10]);
  });

  test('session affinity goes to the DestinationRule, with a warning for weighted splits', () => {
    const chart = newChart();
    const r = new CanaryRelease(chart, 'reviews', {
      service: reviews, versions: v('v1', 'v2'), canaryWeight: 10, sessionAffinity: LoadBalancer.consistentHashOnCookie({ name: 'session', ttl: Duration.hours(1) }),
    });
    const dr = findOne(synth(chart), 'DestinationRule', 'reviews');
    expect(dr.spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpCookie: { name: 'session', ttl: '3600s' } } });
    expect(warningsOf(r).join()).toMatch(/sessionAffinity holds within a version only/);
  });

  test('composes with CircuitBreaker: one DestinationRule with subsets and policy, subset override', () => {
    const chart = newChart();
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: v('v1', 'v2'), canaryWeight: 10 });
    new CircuitBreaker(chart, 'breaker', { service: reviews, preset: CircuitBreakerPreset.BALANCED });
    new CircuitBreaker(chart, 'canary-breaker', { service: reviews, subset: 'v2', connectionPool: { maxConnections: 10 } });
    const manifests = synth(chart);
    expect(findAll(manifests, 'DestinationRule')).toHaveLength(1);
    const dr = findOne(manifests, 'DestinationRule', 'reviews');
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
    expect(dr.spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(5);
    expect(dr.spec.subsets[1].trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 10 } } });
  });

  test('kplus Deployments get the version label and must be selected by the service', () => {
    const chart = newChart({ namespace: 'shop' });
    const make = (name: string) => new kplus.Deployment(chart, name, { podMetadata: { labels: { app: 'cart' } }, containers: [{ image: 'cart', portNumber: 8080 }] });
    const v1 = make('cart-v1');
    const v2 = make('cart-v2');
    const service = new kplus.Service(chart, 'cart', { ports: [{ port: 80, targetPort: 8080 }] });
    service.selectLabel('app', 'cart');
    new CanaryRelease(chart, 'cart-release', {
      service: MeshService.fromService(service), versions: [ReleaseVersion.fromDeployment('v1', v1), ReleaseVersion.fromDeployment('v2', v2)], canaryWeight: 5,
    });
    const manifests = synth(chart);
    const deployments = findAll(manifests, 'Deployment');
    expect(deployments.map((d) => d.spec.template.metadata.labels.version)).toEqual(['v1', 'v2']);
    const vs = findOne(manifests, 'VirtualService', service.name);
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: `${service.name}.shop.svc.cluster.local`, subset: 'v1', port: { number: 80 } });
  });

  test('fails when the service does not select a version deployment', () => {
    const chart = newChart({ namespace: 'shop' });
    const d = new kplus.Deployment(chart, 'cart-v1', { podMetadata: { labels: { app: 'cart' } }, containers: [{ image: 'cart', portNumber: 8080 }] });
    const service = new kplus.Service(chart, 'cart', { ports: [{ port: 80 }] });
    service.selectLabel('app', 'basket');
    new CanaryRelease(chart, 'cart-release', { service: MeshService.fromService(service), versions: [ReleaseVersion.fromDeployment('v1', d)] });
    expect(() => Testing.synth(chart)).toThrow(/test\/cart-release: versions\['v1'\] deployment 'test\/cart-v1' is not selected by service '.*' \(service selector \{"app":"basket"\}/);
  });

  test('escape hatch: the rendered VirtualService can be patched', () => {
    const chart = newChart();
    const r = new CanaryRelease(chart, 'reviews', { service: reviews, versions: v('v1') });
    expect(r.virtualServices.map((o) => o.kind)).toEqual(['VirtualService']);
    r.virtualServices[0].addJsonPatch(JsonPatch.add('/spec/exportTo', ['.']));
    r.destinationRule.addJsonPatch(JsonPatch.add('/spec/exportTo', ['.']));
    const manifests = synth(chart);
    expect(findOne(manifests, 'VirtualService', 'reviews').spec.exportTo).toEqual(['.']);
    expect(findOne(manifests, 'DestinationRule', 'reviews').spec.exportTo).toEqual(['.']);
  });
});

describe('CanaryRelease validation', () => {
  test.each<[string, Partial<CanaryReleaseProps>, string | RegExp]>([
    ['no versions', { versions: [] }, "test/reviews: versions must list at least one version, got []. Add ReleaseVersion.fromLabels('v1')."],
    ['bad version name', { versions: v('V1') }, "test/reviews: versions[0].name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'V1'."],
    ['duplicate versions', { versions: v('v1', 'v1') }, "test/reviews: versions must have distinct names, got [\"v1\",\"v1\"]. 'v1' appears twice."],
    ['no version label', { versions: [ReleaseVersion.fromLabels('v1', { track: 'stable' })] }, /test\/reviews: versions\[0\].labels must include the 'version' label, got \{"track":"stable"\}. Without it Istio cannot tell versions apart/],
    ['canary weight over 100', { canaryWeight: 120 }, 'test/reviews: canaryWeight must be from 0 to 100, got 120. Give the canary a whole-number percentage, e.g. 10.'],
    ['fractional canary weight', { canaryWeight: 12.5 }, 'test/reviews: canaryWeight must be a whole number, got 12.5.'],
    ['canaryWeight with 3 versions', { versions: v('v1', 'v2', 'v3'), canaryWeight: 10 }, 'test/reviews: canaryWeight needs exactly two versions (stable, canary), but there are 3, got 10. Use weights for an N-way split.'],
    ['canaryWeight and weights', { canaryWeight: 10, weights: { v1: 100 } }, 'test/reviews: canaryWeight cannot be combined with weights, got 10.'],
    ['zero-total split', { weights: { v1: 0, v2: 0 } }, 'test/reviews: weights must not all be 0 (no version would get traffic), got {"v1":0,"v2":0}. Give at least one version a positive weight.'],
    ['weights not summing to 100', { weights: { v1: 50, v2: 40 } }, 'test/reviews: weights must sum to 100, but sum to 90, got {"v1":50,"v2":40}.'],
    ['unknown version in weights', { weights: { v1: 50, v9: 50 } }, "test/reviews: weights['v9'] must name a version of this release (v1, v2), got 'v9'."],
    ['negative weight', { weights: { v1: 110, v2: -10 } }, "test/reviews: weights['v1'] must be from 0 to 100, got 110."],
    ['match route without matches', { matchRoutes: [{ matches: [], version: 'v2' }] }, 'test/reviews: matchRoutes[0].matches must list at least one match, got [].'],
    ['empty match', { matchRoutes: [{ matches: [{}], version: 'v2' }] }, 'test/reviews: matchRoutes[0].matches[0] must set at least one condition, got {}.'],
    ['empty prefix', { matchRoutes: [{ matches: [{ uri: StringMatch.prefix('') }], version: 'v2' }] }, "test/reviews: matchRoutes[0].matches[0].uri must not be an empty prefix, got ''."],
    ['bad regex', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('(') }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].uri must be a valid RE2 regular expression (RE2: missing closing ): `(`), got '('. Balance the parentheses"],
    ['lookahead regex', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('^(?=a)') }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].uri must be a valid RE2 regular expression (RE2: invalid or unsupported Perl syntax: `(?=`), got '^(?=a)'. RE2 has no lookahead or lookbehind"],
    // JavaScript accepts these; istiod's RE2 (Go regexp) does not.
    ['RE2-invalid escape', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('\\q') }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].uri must be a valid RE2 regular expression (RE2: invalid escape sequence: `\\q`), got '\\q'. RE2 has no escape \\q"],
    ['RE2 repeat limit', { matchRoutes: [{ matches: [{ headers: { 'x-id': StringMatch.regex('a{1001}') } }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].headers['x-id'] must be a valid RE2 regular expression (RE2: invalid repeat count: `{1001}`), got 'a{1001}'. RE2 repeats at most 1000 times"],
    ['RE2 class range', { matchRoutes: [{ matches: [{ queryParams: { id: StringMatch.regex('[a-\\d]') } }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].queryParams['id'] must be a valid RE2 regular expression (RE2: invalid escape sequence: `\\d`)"],
    ['RE2 unknown class', { matchRoutes: [{ matches: [{ withoutHeaders: { 'x-id': StringMatch.regex('\\pz') } }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].withoutHeaders['x-id'] must be a valid RE2 regular expression (RE2: invalid character class range: `\\pz`)"],
    ['RE2 backreference', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('(?P<a>x)\\k<a>') }], version: 'v2' }] },
      "must be a valid RE2 regular expression (RE2: invalid escape sequence: `\\k`), got '(?P<a>x)\\k<a>'. RE2 has no backreferences (\\k)"],
    ['RE2 \\C', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('/\\C') }], version: 'v2' }] }, 'RE2: invalid escape sequence: `\\C`'],
    ['regex over Envoy\'s RE2 program size', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('^/\\pL{40}') }], version: 'v2' }] },
      /^test\/reviews: matchRoutes\[0\]\.matches\[0\]\.uri must compile to an RE2 program Envoy accepts \(at most 32768 instructions/],
    ['regex over 1024 bytes', { matchRoutes: [{ matches: [{ uri: StringMatch.regex('é'.repeat(600)) }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].uri must be at most 1024 bytes long (istiod's limit), but has 1200"],
    ['bad header name', { matchRoutes: [{ matches: [{ headers: { 'bad header': StringMatch.exact('x') } }], version: 'v2' }] }, "test/reviews: matchRoutes[0].matches[0].headers must use valid header names, got 'bad header'."],
    ['two cookies', { matchRoutes: [{ matches: [{ cookies: { a: '1', b: '2' } }], version: 'v2' }] }, /must name a single cookie/],
    ['version and weights on a match route', { matchRoutes: [{ matches: [{ port: 80 }], version: 'v2', weights: { v1: 100 } }] }, "test/reviews: matchRoutes[0].version cannot be combined with weights, got 'v2'."],
    ['unknown match version', { matchRoutes: [{ matches: [{ port: 80 }], version: 'v7' }] }, "test/reviews: matchRoutes[0].version must name a version of this release (v1, v2), got 'v7'."],
    ['sub-millisecond timeout', { timeout: Duration.millis(0.5) }, "test/reviews: timeout must be at least 1ms, got '0.5ms'."],
    ['fault without delay or abort', { fault: {} }, 'test/reviews: fault must set a delay, an abort or both, got {}.'],
    ['abort status out of range', { fault: { abortHttpStatus: 700 } }, 'test/reviews: fault.abortHttpStatus must be a whole number from 200 to 599, got 700.'],
    ['abort http and grpc', { fault: { abortHttpStatus: 500, abortGrpcStatus: GrpcStatus.INTERNAL } }, 'test/reviews: fault.abortHttpStatus cannot be combined with abortGrpcStatus, got 500.'],
    ['fault percentage out of range', { fault: { delay: Duration.seconds(1), delayPercentage: 150 } }, 'test/reviews: fault.delayPercentage must be from 0 to 100, got 150.'],
    ['abortPercentage without abort', { fault: { delay: Duration.seconds(1), abortPercentage: 5 } }, 'test/reviews: fault.abortPercentage needs abortHttpStatus or abortGrpcStatus, got 5.'],
    ['negative retries', { retries: { attempts: -1 } }, 'test/reviews: retries.attempts must be a whole number from 0 to 2147483647 (the largest int32), got -1. Use a whole number of retries, 0 to disable.'],
    ['retries beyond int32', { retries: { attempts: 1e21 } }, 'test/reviews: retries.attempts must be a whole number from 0 to 2147483647 (the largest int32), got 1e+21.'],
    ['match route retries beyond int32', { matchRoutes: [{ matches: [{ port: 80 }], version: 'v2', retries: { attempts: 2 ** 31 } }] },
      'test/reviews: matchRoutes[0].retries.attempts must be a whole number from 0 to 2147483647 (the largest int32), got 2147483648.'],
    ['timeout beyond Go', { timeout: Duration.minutes(1e20) }, "test/reviews: timeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '6e+24ms'."],
    ['match route timeout beyond Go', { matchRoutes: [{ matches: [{ port: 80 }], version: 'v2', timeout: Duration.days(200000) }] },
      "test/reviews: matchRoutes[0].timeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '17280000000000ms'."],
    ['per-try timeout beyond Go', { retries: { attempts: 1, perTryTimeout: Duration.days(1e6) } }, 'test/reviews: retries.perTryTimeout must be at most 9223372036.854s'],
    ['fault delay beyond Go', { fault: { delay: Duration.days(1e6) } }, 'test/reviews: fault.delay must be at most 9223372036.854s'],
    ['affinity cookie ttl beyond Go', { sessionAffinity: LoadBalancer.consistentHashOnCookie({ name: 's', ttl: Duration.days(1e6) }) }, 'test/reviews: sessionAffinity.cookie.ttl must be at most 9223372036.854s'],
    ['abort status beyond int32', { fault: { abortHttpStatus: 2 ** 32 } }, 'test/reviews: fault.abortHttpStatus must be a whole number from 200 to 599, got 4294967296.'],
    ['JWT claim match on mesh routes', { matchRoutes: [{ matches: [{ headers: { '@request.auth.claims.group': StringMatch.exact('beta') } }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].headers['@request.auth.claims.group'] matches a JWT claim, which istiod accepts only on routes bound to a gateway, but this release also routes mesh traffic, got '@request.auth.claims.group'. Route on claims at the gateway only (gateway set, meshRouting: false"],
    ['JWT claim match on mesh and gateway routes', {
      gateway: MeshGateway.fromName('public', 'istio-system', { hosts: ['a.example.com'] }),
      matchRoutes: [{ matches: [{ port: 80 }, { withoutHeaders: { '@request.auth.claims.group': StringMatch.exact('beta') } }], version: 'v2' }],
    }, "test/reviews: matchRoutes[0].matches[1].withoutHeaders['@request.auth.claims.group'] matches a JWT claim, which istiod accepts only on routes bound to a gateway"],
    ['malformed JWT claim key', {
      gateway: MeshGateway.fromName('public', 'istio-system', { hosts: ['a.example.com'] }),
      meshRouting: false,
      matchRoutes: [{ matches: [{ headers: { '@request.auth.claims.a..b': StringMatch.exact('x') } }], version: 'v2' }],
    },
    "test/reviews: matchRoutes[0].matches[0].headers must name a JWT claim as '@request.auth.claims.<claim>' (nested claims joined by '.', no empty parts), got '@request.auth.claims.a..b'."],
    ['bad header name in withoutHeaders', { matchRoutes: [{ matches: [{ withoutHeaders: { 'bad header': StringMatch.exact('x') } }], version: 'v2' }] },
      "test/reviews: matchRoutes[0].matches[0].withoutHeaders must use valid header names, got 'bad header'."],
    ['retry settings with 0 attempts', { retries: { attempts: 0, perTryTimeout: Duration.seconds(1) } }, 'test/reviews: retries.attempts must be more than 0 when perTryTimeout or retryOn is set, got 0.'],
    ['retry status code', { retries: { attempts: 1, retryOnStatusCodes: [99] } }, 'test/reviews: retries.retryOnStatusCodes must be a whole number from 100 to 599, got 99.'],
    ['mirror to unknown version', { mirror: { version: 'v3' } }, "test/reviews: mirror.version must name a version of this release (v1, v2), got 'v3'."],
    ['mirror percentage', { mirror: { version: 'v2', percentage: 101 } }, 'test/reviews: mirror.percentage must be from 0 to 100, got 101.'],
    ['TCP with HTTP-only settings', { protocol: Protocol.TCP, timeout: Duration.seconds(1) }, /test\/reviews: timeout applies to HTTP routes only, but protocol is TCP/],
    ['TLS protocol', { protocol: Protocol.TLS }, "test/reviews: protocol must be HTTP, HTTP2, GRPC, GRPC-WEB or TCP for a release, got 'TLS'."],
    ['gatewayHosts without gateway', { gatewayHosts: ['a.example.com'] }, 'test/reviews: gatewayHosts needs a gateway, got ["a.example.com"].'],
    ['host not served by the gateway', { gateway: MeshGateway.fromName('public', 'istio-system', { hosts: ['a.example.com'] }), gatewayHosts: ['b.example.com'] },
      "test/reviews: gatewayHosts must be served by gateway 'istio-system/public' (hosts: a.example.com), got 'b.example.com'. Add the host to the gateway, or route a host it serves; otherwise the gateway answers 404."],
    ['mesh routing off without gateway', { meshRouting: false }, 'test/reviews: meshRouting can only be false when a gateway is given, got false.'],
    ['affinity that is not a hash', { sessionAffinity: LoadBalancer.ROUND_ROBIN }, "test/reviews: sessionAffinity must be a consistent-hash load balancer, got 'simple'."],
  ])('fails: %s', (_name, props, message) => {
    expectFails(props, message);
  });

  test('JWT claim matches are routed at a gateway-only release, claim names kept as written', () => {
    // Given a release exposed only at a gateway, routing the 'betaTesters' claim group to v2
    const chart = newChart();
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: v('v1', 'v2'),
      gateway: MeshGateway.fromName('public', 'istio-system', { hosts: ['a.example.com'] }),
      meshRouting: false,
      matchRoutes: [{ matches: [{ headers: { '@request.auth.claims.betaTesters': StringMatch.exact('yes'), 'X-Canary': StringMatch.exact('1') } }], version: 'v2' }],
    });
    // Then the gateway VirtualService matches the claim (case kept: claims are case-sensitive) and the header (lowercased)
    const [vs] = findAll(synth(chart), 'VirtualService');
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
    expect(vs.spec.http[0].match).toEqual([{ headers: { '@request.auth.claims.betaTesters': { exact: 'yes' }, 'x-canary': { exact: '1' } } }]);
  });

  test('fails: TCP without a port', () => {
    const chart = newChart();
    expect(() => new CanaryRelease(chart, 'r', { service: MeshService.fromName('db', 'x'), versions: v('v1'), protocol: Protocol.TCP }))
      .toThrow('test/r: service.port is required for TCP routes (they match on a port), got nothing.');
  });

  test('fails: a deployment labelled with another version', () => {
    const chart = newChart();
    const d = new kplus.Deployment(chart, 'd', { podMetadata: { labels: { version: 'v9' } }, containers: [{ image: 'x' }] });
    expect(() => new CanaryRelease(chart, 'r', { service: reviews, versions: [ReleaseVersion.fromDeployment('v1', d)] }))
      .toThrow("test/r: versions['v1'] uses deployment 'test/d' whose pods are labelled version=v9, got 'v1'. Name the version 'v9', or remove the label from the deployment.");
  });
});
