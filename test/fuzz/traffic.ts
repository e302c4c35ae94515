/**
 * Generators of the traffic family: CanaryRelease, CircuitBreaker and their values
 * (MeshService, ReleaseVersion, StringMatch, RequestMatch, FaultInjection, RetryPolicy, LoadBalancer).
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS } from './drafts';
import { call, constant, ref, Value } from './recipe';
import {
  durationValue, enumValue, headerName, host, hosts, httpPath, int, labels, Level, list, mix, namespace, percentage, port,
  props, regex, serviceName, VERSIONS, word,
} from './values';
import { serviceOfApp, versionOfApp } from './workloads';

export function meshService(level: Level): fc.Arbitrary<Value> {
  const options = props({}, {
    port: port(level),
    clusterDomain: mix(level.strings, fc.constantFrom('cluster.local', 'corp.example'), fc.constantFrom('', 'Cluster.Local', 'a..b')),
  });
  const byName = fc.tuple(serviceName(level), namespace(level), fc.option(options, { nil: undefined })).map(([name, ns, o]) =>
    (o === undefined ? call('MeshService.fromName', name, ns) : call('MeshService.fromName', name, ns, o)));
  return fc.oneof({ arbitrary: byName, weight: 4 }, serviceOfApp(level));
}

export function versionName(level: Level): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom(...VERSIONS), fc.constantFrom('', 'V1', 'v.1', 'v_1', 'ü', 'a'.repeat(64)));
}

export function releaseVersion(level: Level, name: string): fc.Arbitrary<Value> {
  const custom = mix(level.shapes,
    fc.constantFrom({ version: name }, { version: name, app: 'reviews' }),
    fc.oneof(labels(level).map((l) => l as Value), fc.constant({ version: `${name}x` })));
  return fc.option(custom, { nil: undefined, freq: 3 }).map((l) => (l === undefined
    ? call('ReleaseVersion.fromLabels', name) : call('ReleaseVersion.fromLabels', name, l)));
}

export function stringMatch(level: Level): fc.Arbitrary<Value> {
  return fc.oneof(
    word(level).map((v) => call('StringMatch.exact', v)),
    httpPath(level).map((v) => call('StringMatch.prefix', v)),
    { arbitrary: regex(level).map((v) => call('StringMatch.regex', v)), weight: 3 },
  );
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'];

export function requestMatch(level: Level): fc.Arbitrary<Value> {
  const dict = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>) => fc.dictionary(key, value, { minKeys: 1, maxKeys: 2 });
  return props({}, {
    headers: dict(headerName(level), stringMatch(level)),
    withoutHeaders: dict(headerName(level), stringMatch(level)),
    uri: stringMatch(level),
    method: enumValue('HttpMethod', HTTP_METHODS),
    queryParams: dict(word(level), stringMatch(level)),
    // One cookie (RE2 cannot match several in any order: two are an error).
    cookies: mix(level.shapes, fc.dictionary(fc.constantFrom('user', 'session'), word(level), { minKeys: 1, maxKeys: 1 }),
      fc.constantFrom<Record<string, string>>({ 'a b': 'x' }, { a: 'x', b: 'y' })),
    sourceLabels: labels(level),
    port: port(level),
    ignoreUriCase: fc.boolean(),
  }) as fc.Arbitrary<Value>;
}

const GRPC_STATUSES = ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED'];

export function fault(level: Level): fc.Arbitrary<Value> {
  const delay = durationValue(level);
  const status = int(level, 200, 599);
  const grpc = enumValue('GrpcStatus', GRPC_STATUSES);
  const valid = fc.oneof(
    props({ delay }, { delayPercentage: percentage(level) }),
    props({ abortHttpStatus: status }, { abortPercentage: percentage(level) }),
    props({ abortGrpcStatus: grpc }, { abortPercentage: percentage(level) }),
    props({ delay, abortHttpStatus: status }, {}),
  );
  const any = props({}, {
    delay, delayPercentage: percentage(level), abortHttpStatus: status, abortGrpcStatus: grpc, abortPercentage: percentage(level),
  });
  return mix(level.shapes, valid, any) as fc.Arbitrary<Value>;
}

const RETRY_ON = ['FIVE_XX', 'GATEWAY_ERROR', 'RESET', 'CONNECT_FAILURE', 'GRPC_UNAVAILABLE'];

export function retries(level: Level): fc.Arbitrary<Value> {
  const valid = fc.oneof(
    props({ attempts: fc.integer({ min: 1, max: 5 }) }, {
      perTryTimeout: durationValue(level),
      retryOn: fc.uniqueArray(enumValue('RetryOn', RETRY_ON), { minLength: 1, maxLength: 2, selector: (c) => c.$const }),
      retryOnStatusCodes: fc.uniqueArray(fc.constantFrom(500, 502, 503, 409), { minLength: 1, maxLength: 2 }),
      retryRemoteLocalities: fc.boolean(),
    }),
    fc.constant({ attempts: 0 }),
  );
  const any = props({ attempts: int(level, 0, 10) }, {
    perTryTimeout: durationValue(level),
    retryOn: fc.array(enumValue('RetryOn', RETRY_ON), { maxLength: 2 }),
    retryOnStatusCodes: fc.array(int(level, 100, 599), { maxLength: 2 }),
  });
  return mix(level.shapes, valid, any) as fc.Arbitrary<Value>;
}

export function loadBalancer(level: Level, sessionAffinityOnly = false): fc.Arbitrary<Value> {
  const simple = enumValue('LoadBalancer', ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH']) as fc.Arbitrary<Value>;
  const hashed = fc.oneof(
    headerName(level).map((h) => call('LoadBalancer.consistentHashOnHeader', h)),
    props({ name: word(level) }, { ttl: durationValue(level), path: httpPath(level) }).map((o) => call('LoadBalancer.consistentHashOnCookie', o as Value)),
    fc.constant(call('LoadBalancer.consistentHashOnSourceIp')),
    word(level).map((q) => call('LoadBalancer.consistentHashOnQueryParameter', q)),
  );
  return sessionAffinityOnly ? mix(level.shapes, hashed, simple) : fc.oneof(simple, hashed);
}

/** Weights of `names` summing to 100 (some may be 0). */
function split(names: readonly string[]): fc.Arbitrary<Record<string, number>> {
  return fc.subarray([...names], { minLength: 1 }).chain((chosen) =>
    fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: chosen.length - 1, maxLength: chosen.length - 1 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 100];
      return Object.fromEntries(chosen.map((n, i) => [n, points[i + 1] - points[i]]));
    }));
}

function weightsFor(level: Level, names: readonly string[]): fc.Arbitrary<Record<string, number>> {
  return mix(level.shapes, split(names), fc.dictionary(fc.constantFrom(...names, 'v9'), int(level, 0, 100), { maxKeys: 3 }));
}

/** Hosts of the gateway fixture (see edge.ts), which routes pick from. */
export const ROUTED_HOSTS = ['bookinfo.example.com', 'api.example.com', '*.example.com'];

/**
 * Where a release is also routed: the gateway fixture or a gateway deployed elsewhere, with the
 * hosts it serves (all, or some of them), and optionally without mesh routing.
 */
function gatewayRouting(level: Level, tcp: boolean): fc.Arbitrary<Record<string, Value>> {
  const fixture = fc.tuple(fc.constant(ref(FIXTURE_IDS.gateway)), fc.constant(ROUTED_HOSTS));
  const existing = fc.tuple(fc.constantFrom('public', 'shared'), namespace(level), fc.uniqueArray(fc.constantFrom(...ROUTED_HOSTS), { minLength: 1, maxLength: 2 }))
    .map(([name, ns, h]) => [call('MeshGateway.fromName', name, ns, { hosts: h }), h] as [Value, string[]]);
  return fc.oneof({ arbitrary: fixture, weight: 3 }, existing).chain(([gateway, served]) => props({ gateway: fc.constant(gateway) }, {
    // The fixture serves some of ROUTED_HOSTS: a host it does not serve is a clear error, fine at any level.
    gatewayHosts: fc.uniqueArray(mix(level.hosts, fc.constantFrom(...served), host(level)), { minLength: 1, maxLength: 2 }),
    meshRouting: fc.boolean(),
    ...(tcp ? { gatewayPort: port(level) } : {}),
  }));
}

/**
 * CanaryRelease props: versions with a split (canaryWeight for two, weights for any), HTTP
 * routes with matches, faults, mirroring, timeouts and retries, or a TCP split by port; mesh
 * routing, gateway routing or both. Hostile apps mix any props.
 */
export function canaryRelease(level: Level): fc.Arbitrary<ConstructDraft> {
  const names = mix(level.shapes, fc.uniqueArray(versionName(level), { minLength: 1, maxLength: 3 }),
    fc.oneof(fc.constant([]), versionName(level).map((n) => [n, n])));
  const isTcp = fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, fc.constant(true));
  return fc.tuple(meshService(level), names, isTcp).chain(([service, versionNames, tcp]) => {
    const pick = mix(level.shapes, fc.constantFrom(...(versionNames.length > 0 ? versionNames : ['v1'])), versionName(level));
    // The first version may run as the app's Deployment (one Deployment is one version).
    const versions = versionNames.length === 0 ? fc.constant([]) : fc.tuple(...versionNames.map((n, i) => (i === 0
      ? fc.oneof({ arbitrary: releaseVersion(level, n), weight: 4 }, fc.constant(versionOfApp(n)))
      : releaseVersion(level, n))));
    // canaryWeight needs exactly two versions: with other counts it is a hostile choice.
    const canaryWeight = int(level, 0, 100).map((w): Record<string, Value> => ({ canaryWeight: w }));
    const defaultSplit = fc.oneof(
      fc.constant({}),
      ...(versionNames.length === 2 || level.shapes > 0 ? [canaryWeight] : []),
      weightsFor(level, versionNames.length > 0 ? versionNames : ['v1']).map((w): Record<string, Value> => ({ weights: w })),
    );
    const matchRoute = props({ matches: list(level, requestMatch(level), 1, 2) }, {
      version: pick,
      timeout: durationValue(level),
      retries: retries(level),
      fault: fault(level),
      name: word(level),
    });
    const httpSettings = props({}, {
      matchRoutes: fc.array(matchRoute, { minLength: 1, maxLength: 2 }),
      protocol: enumValue('Protocol', ['HTTP', 'HTTP2', 'GRPC']),
      fault: fault(level),
      mirror: props({ version: pick }, { percentage: percentage(level) }),
      timeout: durationValue(level),
      retries: retries(level),
      sessionAffinity: loadBalancer(level, true),
    });
    // TCP routes match a port: the service gets one.
    const tcpSettings = port(level).map((p) => ({ protocol: constant('Protocol.TCP'), service: call('MeshService.fromName', 'db', 'default', { port: p }) }));
    const routing = fc.oneof({ arbitrary: fc.constant({}), weight: 2 }, gatewayRouting(level, tcp));
    const coherent = fc.tuple(tcp ? tcpSettings : httpSettings, routing).map(([settings, r]) => ({ ...settings, ...r }));
    const anyProps = props({}, {
      matchRoutes: fc.array(matchRoute, { minLength: 1, maxLength: 2 }),
      protocol: mix(level.shapes, enumValue('Protocol', ['HTTP', 'HTTP2', 'GRPC', 'TCP']), enumValue('Protocol', ['TLS', 'HTTPS', 'MONGO', 'UDP'])),
      fault: fault(level),
      mirror: props({ version: pick }, { percentage: percentage(level) }),
      timeout: durationValue(level),
      retries: retries(level),
      sessionAffinity: loadBalancer(level, true),
      gateway: fc.oneof(fc.constant(ref(FIXTURE_IDS.gateway)), fc.tuple(fc.constantFrom('public', 'shared'), namespace(level), hosts(level))
        .map(([name, ns, h]) => call('MeshGateway.fromName', name, ns, { hosts: h }))),
      gatewayHosts: fc.uniqueArray(host(level), { minLength: 1, maxLength: 2 }),
      gatewayPort: port(level),
      meshRouting: fc.boolean(),
    });
    return fc.tuple(versions, defaultSplit, mix(level.shapes, coherent, anyProps)).map(([v, weighting, o]) => ({
      op: 'new' as const, type: 'CanaryRelease', props: { service, versions: v, ...weighting, ...o } as Value,
    }));
  });
}

export function circuitBreaker(level: Level): fc.Arbitrary<ConstructDraft> {
  const count = (max = 100_000) => int(level, 0, max);
  const connectionPool = props({}, {
    maxConnections: count(),
    connectTimeout: durationValue(level),
    tcpKeepaliveTime: durationValue(level),
    tcpKeepaliveInterval: durationValue(level),
    tcpKeepaliveProbes: int(level, 1, 20),
    maxPendingRequests: count(),
    maxRequests: count(),
    maxRequestsPerConnection: count(100),
    maxRetries: count(100),
    idleTimeout: durationValue(level),
    h2Upgrade: fc.boolean(),
  });
  const outlierDetection = props({}, {
    consecutive5xxErrors: count(100),
    consecutiveGatewayErrors: count(100),
    interval: durationValue(level),
    baseEjectionTime: durationValue(level),
    maxEjectionPercent: int(level, 0, 100),
    minHealthPercent: int(level, 0, 100),
  });
  const region = mix(level.strings, fc.constantFrom('us-east', 'us-west', 'eu-west'), fc.constantFrom('', 'us-*', 'us-east/zone1', '*', 'ü'));
  const localityFailover = fc.array(fc.record({ from: region, to: region }), { minLength: 1, maxLength: 2 });
  const localityDistribute = mix(level.shapes,
    fc.constant({ 'us-west/zone1/*': { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }),
    fc.constantFrom<Record<string, Record<string, number>>>({ 'us-west/*': { 'us-west/*': 50 } }, { 'us-west/*': { 'us-west/*': 0, 'us-east/*': 100 } },
      { 'us-west/*': { 'us-west/*': 100.5 } }, { '': { '': 100 } }));
  const settings = props({}, {
    preset: enumValue('CircuitBreakerPreset', ['TRIP_FAST', 'BALANCED']),
    connectionPool,
    outlierDetection,
    loadBalancer: loadBalancer(level),
  });
  const scope = fc.oneof(
    { arbitrary: fc.constant({}), weight: 3 },
    port(level).map((p) => ({ port: p })),
    mix(level.shapes, fc.constantFrom(...VERSIONS), versionName(level)).map((s) => ({ subset: s })),
  );
  const locality = fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, localityFailover.map((f) => ({ localityFailover: f })),
    localityDistribute.map((d) => ({ localityDistribute: d })));
  return fc.tuple(meshService(level), settings, scope, locality).map(([service, s, p, l]) => ({
    op: 'new' as const, type: 'CircuitBreaker', props: { service, ...s, ...p, ...l } as Value,
  }));
}

export const trafficFamily: Family = {
  constructs: { CanaryRelease: canaryRelease, CircuitBreaker: circuitBreaker },
  methods: {},
  fixtures: {},
};
