/**
 * Generators of the security family: MtlsNamespace (+ addWorkloadMtls, allowEgressTo), MeshMtls,
 * Waypoint, AuthorizationPolicy (+ presets, addRule), JwtAuthentication, and their values
 * (PolicyTarget, WorkloadIdentity, Dataplane).
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS } from './drafts';
import { call, constant, MethodStep, ref, Value } from './recipe';
import {
  durationValue, enumValue, headerName, HOSTILE_NAMES, labels, Level, list, mix, namespace, objectName, port, props,
} from './values';

const MTLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLE'];
const TRAFFIC_TYPES = ['SERVICE', 'WORKLOAD', 'ALL'];

function waypointReference(level: Level): fc.Arbitrary<Value> {
  return fc.oneof({ arbitrary: fc.constant(ref(FIXTURE_IDS.waypoint)), weight: 3 },
    fc.tuple(mix(level.strings, fc.constantFrom('waypoint', 'shared'), fc.constantFrom(...HOSTILE_NAMES)), namespace(level))
      .map(([n, ns]) => call('Waypoint.fromName', n, ns)));
}

export function policyTarget(level: Level): fc.Arbitrary<Value> {
  return fc.oneof(
    fc.option(namespace(level), { nil: undefined }).map((ns) => (ns === undefined ? call('PolicyTarget.mesh') : call('PolicyTarget.mesh', ns))),
    { arbitrary: namespace(level).map((ns) => call('PolicyTarget.namespace', ns)), weight: 2 },
    { arbitrary: fc.tuple(namespace(level), labels(level)).map(([ns, l]) => call('PolicyTarget.selector', ns, l)), weight: 3 },
    {
      arbitrary: fc.tuple(mix(level.strings, fc.constantFrom('reviews', 'api'), fc.constantFrom(...HOSTILE_NAMES)), namespace(level))
        .map(([n, ns]) => call('PolicyTarget.serviceName', n, ns)),
      weight: 1,
    },
    props({}, { namespace: namespace(level), labels: labels(level, { istio: 'ingressgateway' }) }).map((o) => call('PolicyTarget.ingressGateway', o as Value)),
    waypointReference(level).map((w) => call('PolicyTarget.waypoint', w)),
    fc.constant(call('PolicyTarget.workload', ref(FIXTURE_IDS.deployment))),
    fc.constant(call('PolicyTarget.service', ref(FIXTURE_IDS.service))),
  );
}

export function workloadIdentity(level: Level): fc.Arbitrary<Value> {
  const trustDomain = props({}, { trustDomain: mix(level.strings, fc.constantFrom('cluster.local', 'example.org'), fc.constantFrom('', 'Example.org', 'a b')) });
  return fc.oneof(
    {
      arbitrary: fc.tuple(mix(level.strings, fc.constantFrom('sleep', 'bookinfo-productpage', 'a.b'), fc.constantFrom(...HOSTILE_NAMES)), namespace(level), trustDomain)
        .map(([sa, ns, o]) => call('WorkloadIdentity.fromName', sa, ns, o as Value)),
      weight: 3,
    },
    props({}, { namespace: namespace(level), serviceAccount: fc.constantFrom('istio-ingressgateway-service-account', 'gw') })
      .map((o) => call('WorkloadIdentity.ingressGateway', o as Value)),
    trustDomain.map((o) => call('WorkloadIdentity.fromServiceAccount', ref(FIXTURE_IDS.serviceAccount), o as Value)),
  );
}

function strings(level: Level, valid: string[], hostile: string[]): fc.Arbitrary<string[]> {
  return mix(level.shapes, fc.uniqueArray(fc.constantFrom(...valid), { minLength: 1, maxLength: 2 }),
    fc.oneof(fc.constant<string[]>([]), fc.constantFrom(...hostile).map((h) => [h]), fc.constantFrom(...valid).map((v) => [v, v])));
}

const principals = (level: Level) => strings(level, ['cluster.local/ns/default/sa/sleep', '*', 'cluster.local/ns/shop/*'],
  ['spiffe://cluster.local/ns/a/sa/b', '', 'a*b*', 'cluster.local/ns/a']);
const sourceNamespaces = (level: Level) => strings(level, ['default', 'shop', 'prod-*'], ['Shop', '*a*', '', 'a.b']);
const ipBlocks = (level: Level) => strings(level, ['10.0.0.0/16', '192.168.1.1', '2001:db8::/32'], ['10.0.0.0/33', 'a', '', '::/129']);
const requestPrincipals = (level: Level) => strings(level, ['https://issuer.example.com/*', '*', 'iss/sub'], ['', 'nosub', '**']);
const operationHosts = (level: Level) => strings(level, ['api.example.com', '*.example.com', 'api.*'], ['', 'a*b', '**']);
const methods = (level: Level) => strings(level, ['GET', 'POST', 'DELETE'], ['get', 'FETCH', '']);
const paths = (level: Level) => strings(level, ['/api/*', '/health', '*.html', '/users/{*}/orders', '/a/{**}'], ['', 'api', '/a/{**}/b', '/a/{x}', '/a*b']);
const ports = (level: Level) => list(level, port(level), 1, 2);

function source(level: Level): fc.Arbitrary<Value> {
  return props({}, {
    identities: list(level, workloadIdentity(level), 1, 2),
    notIdentities: list(level, workloadIdentity(level), 1, 1),
    principals: principals(level),
    notPrincipals: principals(level),
    namespaces: sourceNamespaces(level),
    notNamespaces: sourceNamespaces(level),
    ipBlocks: ipBlocks(level),
    notIpBlocks: ipBlocks(level),
    remoteIpBlocks: ipBlocks(level),
    requestPrincipals: requestPrincipals(level),
    notRequestPrincipals: requestPrincipals(level),
  }) as fc.Arbitrary<Value>;
}

function operation(level: Level): fc.Arbitrary<Value> {
  return props({}, {
    hosts: operationHosts(level),
    notHosts: operationHosts(level),
    ports: ports(level),
    notPorts: ports(level),
    methods: methods(level),
    notMethods: methods(level),
    paths: paths(level),
    notPaths: paths(level),
  }) as fc.Arbitrary<Value>;
}

const CONDITION_KEYS = ['source.ip', 'request.headers[x-tenant]', 'request.auth.claims[groups]', 'destination.port', 'source.namespace',
  'request.auth.principal', 'connection.sni', 'remote.ip'];

function condition(level: Level): fc.Arbitrary<Value> {
  const key = mix(level.strings, fc.constantFrom(...CONDITION_KEYS), fc.constantFrom('', 'request.headers[]', 'foo.bar', 'request.auth.claims[a'));
  return key.chain((k) => {
    const valuesOf = /\.ip$/.test(k) ? ipBlocks(level) : k === 'destination.port' ? strings(level, ['8080', '443'], ['0', 'http', '']) : strings(level, ['admin', 'tenant-a'], ['']);
    const valid = fc.oneof(props({ values: valuesOf }, { notValues: valuesOf }), props({ notValues: valuesOf }, {}));
    return mix(level.shapes, valid, props({}, { values: valuesOf, notValues: valuesOf })).map((v) => ({ key: k, ...v }) as Value);
  });
}

export function authorizationRule(level: Level): fc.Arbitrary<Value> {
  return props({}, {
    from: list(level, source(level), 1, 2),
    to: list(level, operation(level), 1, 2),
    when: list(level, condition(level), 1, 2),
  }) as fc.Arbitrary<Value>;
}

function policyOptions(level: Level): fc.Arbitrary<Value> {
  return props({ target: policyTarget(level) }, { name: objectName(level) }) as fc.Arbitrary<Value>;
}

export function authorizationPolicy(level: Level): fc.Arbitrary<ConstructDraft> {
  const action = fc.oneof(
    { arbitrary: fc.constant({}), weight: 3 },
    { arbitrary: enumValue('AuthorizationAction', ['ALLOW', 'DENY', 'AUDIT']).map((a) => ({ action: a })), weight: 3 },
    // CUSTOM: the external authorizer runs before identities are known; its rules match on operations.
    fc.tuple(enumValue('AuthorizationAction', ['CUSTOM']), mix(level.strings, fc.constantFrom('my-ext-authz'), fc.constantFrom('')),
      mix(level.shapes, fc.array(props({ to: list(level, operation(level), 1, 1) }, {}), { minLength: 1, maxLength: 2 }),
        list(level, authorizationRule(level), 1, 2)))
      .map(([a, p, rules]) => ({ action: a, provider: p, rules })),
  );
  return fc.tuple(policyTarget(level), action, props({}, { rules: list(level, authorizationRule(level), 1, 2), name: objectName(level) }))
    .map(([target, a, o]) => ({ op: 'new' as const, type: 'AuthorizationPolicy', props: { target, ...o, ...a } as Value }));
}

type Extra = (level: Level) => fc.Arbitrary<Value[]>;

/** A preset of AuthorizationPolicy: `Type.method(scope, id, options, ...extra)`. */
const preset = (method: string, extra: Extra = () => fc.constant([])) => (level: Level): fc.Arbitrary<ConstructDraft> =>
  fc.tuple(policyOptions(level), extra(level)).map(([options, more]) => ({
    op: 'preset' as const, type: 'AuthorizationPolicy', method, args: [options, ...more],
  }));

export function jwtAuthentication(level: Level): fc.Arbitrary<ConstructDraft> {
  const keys = fc.oneof(
    { arbitrary: fc.constant({}), weight: 2 },
    mix(level.strings, fc.constantFrom('https://accounts.example.com/.well-known/jwks.json', 'http://keys.internal/jwks'), fc.constantFrom('https://a b', 'ftp://x', ''))
      .map((u) => ({ jwksUri: u })),
    mix(level.strings, fc.constant('{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}'),
      fc.constantFrom('{"keys":[{"n":"abc"}]}', '{}', 'not json', '{"keys":[]}', '{"keys":[{"kty":"RSA","d":"secret"}]}', '{"keys":[null]}'))
      .map((j) => ({ jwks: j })),
  );
  const claim = mix(level.strings, fc.constantFrom('groups', 'scope', 'realm.roles'), fc.constantFrom('', '.', 'a..b', 'a]b'));
  const optional = props({}, {
    audiences: strings(level, ['api.example.com', 'web'], ['']),
    fromHeaders: fc.array(props({ name: headerName(level) }, { prefix: mix(level.strings, fc.constant('Bearer '), fc.constantFrom('', 'x')) }), { minLength: 1, maxLength: 2 }),
    fromParams: strings(level, ['token', 'access_token'], ['']),
    fromCookies: strings(level, ['session'], ['', 'a b']),
    forwardOriginalToken: fc.boolean(),
    outputPayloadToHeader: headerName(level),
    outputClaimToHeaders: fc.array(fc.record({ claim: claim, header: headerName(level) }), { minLength: 1, maxLength: 2 }),
    timeout: durationValue(level),
    requireToken: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
    requireTokenPaths: paths(level),
    requireTokenPorts: ports(level),
    subjects: strings(level, ['alice', 'svc-1'], ['']),
    requiredClaims: fc.array(fc.record({ claim, values: strings(level, ['admin', 'orders:read'], ['']) }), { minLength: 1, maxLength: 2 }),
    name: objectName(level),
  });
  return fc.tuple(policyTarget(level), mix(level.strings, fc.constantFrom('https://accounts.example.com', 'issuer-a'), fc.constantFrom('', ' ')), keys, optional)
    .map(([target, issuer, k, o]) => ({ op: 'new' as const, type: 'JwtAuthentication', props: { target, issuer, ...k, ...o } as Value }));
}

const egressHost = (level: Level) => mix(level.strings, fc.constantFrom('./*', 'istio-system/*', '*/api.example.com', 'shop/*.x.com'),
  fc.constantFrom('*', 'a/b/c', 'Shop/*', './API.com', '/x', '', '*/*'));

export function mtlsNamespace(level: Level): fc.Arbitrary<ConstructDraft> {
  const egress = props({}, {
    hosts: list(level, egressHost(level), 1, 2),
    outboundTrafficPolicy: enumValue('OutboundTrafficPolicy', ['REGISTRY_ONLY', 'ALLOW_ANY']),
  });
  const ownWaypoint = props({}, {
    name: mix(level.strings, fc.constantFrom('waypoint', 'wp'), fc.constantFrom(...HOSTILE_NAMES)),
    trafficType: enumValue('WaypointTrafficType', TRAFFIC_TYPES),
  });
  const revision = mix(level.strings, fc.constantFrom('1-30-3', 'canary'), fc.constantFrom('', 'a b', '-x'));
  const sidecar = fc.tuple(
    fc.oneof(fc.constant({}), fc.constant({ dataplane: constant('Dataplane.SIDECAR') }), revision.map((r) => ({ dataplane: call('Dataplane.revision', r) }))),
    props({}, { egress, mtls: enumValue('MtlsMode', MTLS_MODES) }),
  ).map(([d, o]) => ({ ...d, ...o }));
  const ambient = fc.tuple(
    props({}, { mtls: enumValue('MtlsMode', ['STRICT', 'PERMISSIVE']) }),
    fc.oneof(fc.constant({}), ownWaypoint.map((w) => ({ waypoint: w })), waypointReference(level).map((w) => ({ useWaypoint: w }))),
  ).map(([o, w]) => ({ dataplane: constant('Dataplane.AMBIENT'), ...o, ...w }));
  const any = props({}, {
    dataplane: fc.oneof(enumValue('Dataplane', ['SIDECAR', 'AMBIENT']) as fc.Arbitrary<Value>, revision.map((r) => call('Dataplane.revision', r))),
    mtls: enumValue('MtlsMode', MTLS_MODES),
    egress,
    waypoint: ownWaypoint,
    useWaypoint: waypointReference(level),
  });
  // The namespace by name (created, or existing), or a cdk8s-plus Namespace of the app to enrol.
  const common = fc.oneof({ arbitrary: props({}, { name: namespace(level), createNamespace: fc.boolean() }), weight: 4 },
    fc.constant({ namespace: ref(FIXTURE_IDS.kplusNamespace) }));
  return fc.tuple(mix(level.shapes, fc.oneof(sidecar, ambient), any), common)
    .map(([shape, c]) => ({ op: 'new' as const, type: 'MtlsNamespace', props: { ...c, ...shape } as Value }));
}

/** The namespace methods are called on: often a sidecar namespace with egress (allowEgressTo needs it). */
function namespaceFixture(level: Level): fc.Arbitrary<ConstructDraft> {
  const withEgress = props({}, { name: namespace(level), mtls: enumValue('MtlsMode', MTLS_MODES) })
    .map((p) => ({ op: 'new' as const, type: 'MtlsNamespace', props: { ...p, egress: {} } as Value }));
  return fc.oneof(withEgress, mtlsNamespace(level));
}

function addWorkloadMtls(level: Level): fc.Arbitrary<MethodStep> {
  const id = mix(level.strings, fc.constantFrom('metrics', 'legacy'), fc.constantFrom('', 'A.B', 'ü', 'x/y'));
  const pods = fc.oneof({ arbitrary: labels(level).map((l) => ({ selector: l })), weight: 3 },
    fc.constant({ workload: ref(FIXTURE_IDS.deployment) }));
  const valid = fc.tuple(pods, props({}, {
    mode: enumValue('MtlsMode', MTLS_MODES),
    ports: fc.uniqueArray(fc.record({ port: port(level), mode: enumValue('MtlsMode', MTLS_MODES) }), { minLength: 1, maxLength: 2, selector: (p) => p.port }),
  })).map(([p, o]) => ({ ...p, ...o }));
  const any = props({}, { selector: labels(level), mode: enumValue('MtlsMode', MTLS_MODES), ports: fc.array(fc.record({ port: port(level), mode: enumValue('MtlsMode', MTLS_MODES) }), { maxLength: 2 }) });
  return fc.tuple(id, mix(level.shapes, valid, any)).map(([i, o]) => ({
    op: 'method' as const, target: FIXTURE_IDS.namespace, method: 'addWorkloadMtls', args: [i, o as Value],
  }));
}

function allowEgressTo(level: Level): fc.Arbitrary<MethodStep> {
  // Hosts beyond the defaults ('./*', 'istio-system/*'), which repeated are an error.
  const more = mix(level.strings, fc.constantFrom('*/api.example.com', 'bookinfo/*', 'shop/*.x.com'), egressHost(level));
  return fc.uniqueArray(more, { minLength: 1, maxLength: 2 }).map((h) => ({
    op: 'method' as const, target: FIXTURE_IDS.namespace, method: 'allowEgressTo', args: h,
  }));
}

function addRule(level: Level): fc.Arbitrary<MethodStep> {
  return authorizationRule(level).map((r) => ({ op: 'method' as const, target: FIXTURE_IDS.policy, method: 'addRule', args: [r] }));
}

export function meshMtls(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({}, { mode: enumValue('MtlsMode', MTLS_MODES), rootNamespace: namespace(level) })
    .map((p) => ({ op: 'new' as const, type: 'MeshMtls', props: p as Value }));
}

export function waypoint(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({ namespace: namespace(level) }, {
    name: mix(level.strings, fc.constantFrom('waypoint', 'wp'), fc.constantFrom(...HOSTILE_NAMES)),
    trafficType: enumValue('WaypointTrafficType', TRAFFIC_TYPES),
  }).map((p) => ({ op: 'new' as const, type: 'Waypoint', props: p as Value }));
}

export const securityFamily: Family = {
  constructs: {
    'MtlsNamespace': mtlsNamespace,
    'MeshMtls': meshMtls,
    'Waypoint': waypoint,
    'AuthorizationPolicy': authorizationPolicy,
    'AuthorizationPolicy.allowNothing': preset('allowNothing'),
    'AuthorizationPolicy.denyAll': preset('denyAll'),
    'AuthorizationPolicy.allowOnlyFrom': preset('allowOnlyFrom', (level) => list(level, workloadIdentity(level), 1, 2).map((ids) => [ids as Value])),
    'AuthorizationPolicy.allowOnlyFromNamespaces': preset('allowOnlyFromNamespaces', (level) => sourceNamespaces(level).map((ns) => [ns])),
    'AuthorizationPolicy.allowOnlyFromIngressGateway': preset('allowOnlyFromIngressGateway',
      (level) => fc.option(workloadIdentity(level), { nil: undefined }).map((g) => (g === undefined ? [] : [g]))),
    'JwtAuthentication': jwtAuthentication,
  },
  methods: { addWorkloadMtls, allowEgressTo, addRule },
  fixtures: { waypoint, namespace: namespaceFixture, policy: authorizationPolicy },
};

/** Parameter names of the presets' positional arguments (an error may name them). */
export const PRESET_PARAMETERS: Record<string, string[]> = {
  allowOnlyFrom: ['identities'],
  allowOnlyFromNamespaces: ['namespaces'],
  allowOnlyFromIngressGateway: ['gateway'],
};

