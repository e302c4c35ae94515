/**
 * Generators of the edge family: Issuer, ClusterIssuer, CaChain (with IssuerConfig, AcmeSolver,
 * AcmeServer), GatewayCertificate, SecureGateway (+ addRoute), TcpGateway, EgressGateway, ExternalService.
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS } from './drafts';
import { call, constant, MethodStep, ref, Value, ValueObject } from './recipe';
import { meshService, ROUTED_HOSTS } from './traffic';
import {
  certificateDuration, durationValue, enumValue, host, hosts, HOSTILE_NAMES, httpPath, int, labels, Level, list, mix, namespace, objectName, port,
  props, WILDCARD_HOSTS, word,
} from './values';

const secretName = (level: Level) => mix(level.strings, fc.constantFrom('cloudflare-token', 'client-ca', 'tls-secret', 'a.b'), fc.constantFrom(...HOSTILE_NAMES));

function secretKeyRef(level: Level): fc.Arbitrary<Value> {
  return fc.record({ name: secretName(level), key: mix(level.strings, fc.constantFrom('api-token', 'key.json'), fc.constantFrom('', 'a b', 'ü', 'a/b')) });
}

function solverSelector(level: Level) {
  return {
    dnsZones: fc.array(host(level, false), { minLength: 1, maxLength: 2 }),
    dnsNames: fc.array(host(level), { minLength: 1, maxLength: 2 }),
  };
}

export function acmeSolver(level: Level): fc.Arbitrary<Value> {
  const selector = solverSelector(level);
  const region = mix(level.strings, fc.constantFrom('eu-west-1', 'us-east-1'), fc.constantFrom('', 'EU', 'mars', 'eu-west'));
  const staticKeys = fc.option(fc.record({ accessKeyId: fc.constant('AKIAEXAMPLE'), secretAccessKey: secretKeyRef(level) }), { nil: undefined });
  const principal = fc.option(fc.record({ clientId: word(level), clientSecret: secretKeyRef(level), tenantId: word(level) }), { nil: undefined });
  const tsig = fc.option(fc.record({ tsigKeyName: fc.constant('acme-key'), tsigSecret: secretKeyRef(level) }), { nil: undefined });
  return fc.oneof(
    {
      arbitrary: props({}, { ingressClassName: mix(level.strings, fc.constantFrom('istio', 'istio.io'), fc.constantFrom('', 'Istio', 'a b')), ...selector })
        .map((o) => call('AcmeSolver.http01', o as Value)),
      weight: 1,
    },
    { arbitrary: props({ apiToken: secretKeyRef(level) }, selector).map((o) => call('AcmeSolver.dns01Cloudflare', o as Value)), weight: 3 },
    fc.tuple(props({ region }, { hostedZoneId: fc.constant('Z123'), role: fc.constant('arn:aws:iam::1:role/dns'), ...selector }), staticKeys)
      .map(([o, k]) => call('AcmeSolver.dns01Route53', { ...o, ...k } as Value)),
    props({ project: mix(level.strings, fc.constantFrom('my-project-123'), fc.constantFrom('P', 'ab', '')) },
      { serviceAccount: secretKeyRef(level), hostedZoneName: fc.constant('example-com'), ...selector })
      .map((o) => call('AcmeSolver.dns01CloudDns', o as Value)),
    fc.tuple(props({ subscriptionId: fc.constant('sub-1'), resourceGroupName: fc.constant('dns') },
      { hostedZoneName: fc.constant('example.com'), managedIdentityClientId: word(level) }), principal)
      // A managed identity or a service principal (both: hostile).
      .map(([o, p]) => call('AcmeSolver.dns01AzureDns', (p && level.shapes === 0 ? { ...o, managedIdentityClientId: undefined, ...p } : { ...o, ...p }) as Value)),
    fc.tuple(props({ nameserver: mix(level.strings, fc.constantFrom('ns1.example.com:53', '10.0.0.53', '[::1]:53'), fc.constantFrom('ns1:99999', 'a b', '', 'ns1.example.com:0')) },
      { tsigAlgorithm: mix(level.strings, fc.constantFrom('HMACSHA256', 'HMACSHA512'), fc.constantFrom('hmac-sha256', '')) }), tsig)
      .map(([o, t]) => call('AcmeSolver.dns01Rfc2136', { ...o, ...t } as Value)),
  );
}

export function issuerConfig(level: Level): fc.Arbitrary<Value> {
  const server = fc.oneof(enumValue('AcmeServer', ['LETS_ENCRYPT', 'LETS_ENCRYPT_STAGING']) as fc.Arbitrary<Value>,
    mix(level.strings, fc.constant('https://acme.zerossl.com/v2/DV90'), fc.constantFrom('http://acme.example.com', 'https://a b', '')).map((u) => call('AcmeServer.custom', u)));
  const acme = props({ solvers: list(level, acmeSolver(level), 1, 2) }, {
    server,
    email: mix(level.strings, fc.constantFrom('ops@example.com'), fc.constantFrom('ops', '', 'a@b')),
    accountKeySecretName: secretName(level),
  }).map((o) => call('IssuerConfig.acme', o as Value));
  return fc.oneof(
    { arbitrary: acme, weight: 3 },
    fc.constant(call('IssuerConfig.selfSigned')),
    secretName(level).map((s) => call('IssuerConfig.ca', { secretName: s })),
  );
}

export function issuer(level: Level): fc.Arbitrary<ConstructDraft> {
  // Gateways (and so their certificates) live in istio-system by default.
  const issuerNamespace = fc.oneof({ arbitrary: fc.constant('istio-system'), weight: 3 }, namespace(level));
  return props({ config: issuerConfig(level) }, { namespace: issuerNamespace, name: objectName(level) })
    .map((p) => ({ op: 'new' as const, type: 'Issuer', props: p as Value }));
}

export function clusterIssuer(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({ config: issuerConfig(level) }, { name: objectName(level) })
    .map((p) => ({ op: 'new' as const, type: 'ClusterIssuer', props: p as Value }));
}

function privateKey(level: Level): fc.Arbitrary<Value> {
  const valid = fc.oneof(
    props({}, { algorithm: enumValue('PrivateKeyAlgorithm', ['ECDSA']), size: fc.constantFrom(256, 384) }),
    props({ algorithm: enumValue('PrivateKeyAlgorithm', ['RSA']) }, { size: fc.constantFrom(2048, 4096) }),
    props({ algorithm: enumValue('PrivateKeyAlgorithm', ['ED25519']) }, {}),
  ).chain((k) => props({}, { rotationPolicy: enumValue('RotationPolicy', ['ALWAYS', 'NEVER']) }).map((r) => ({ ...k, ...r })));
  const any = props({}, { algorithm: enumValue('PrivateKeyAlgorithm', ['RSA', 'ECDSA', 'ED25519']), size: int(level, 256, 8192) });
  return mix(level.shapes, valid, any) as fc.Arbitrary<Value>;
}

export function caChain(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({ commonName: mix(level.strings, fc.constantFrom('Example Internal Root CA'), fc.constantFrom('', 'x'.repeat(65), 'ü')) }, {
    cluster: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
    namespace: namespace(level),
    duration: certificateDuration(level),
    privateKey: privateKey(level),
    name: objectName(level),
  }).map((p) => ({ op: 'new' as const, type: 'CaChain', props: p as Value }));
}

/**
 * The issuer fixture gateways take certificates from: a cluster-wide one that can sign for any
 * gateway (a namespaced Issuer signs in its own namespace only), or any issuer in hostile apps.
 */
function issuerFixture(level: Level): fc.Arbitrary<ConstructDraft> {
  const dns01 = fc.oneof(fc.constant(call('IssuerConfig.selfSigned')), fc.constant(call('IssuerConfig.ca', { secretName: 'internal-ca' })),
    secretKeyRef(level).map((token) => call('IssuerConfig.acme', { solvers: [call('AcmeSolver.dns01Cloudflare', { apiToken: token })] })));
  const signsAnywhere = fc.oneof(
    props({ config: dns01 }, { name: objectName(level) }).map((p) => ({ op: 'new' as const, type: 'ClusterIssuer', props: p as Value })),
    caChain(level).map((d) => ({ ...d, props: { ...(d as { props: ValueObject }).props, cluster: true } }) as ConstructDraft),
  );
  return mix(level.shapes, signsAnywhere, fc.oneof(clusterIssuer(level), caChain(level), issuer(level)));
}

function certificate(level: Level): fc.Arbitrary<Value> {
  // What an existing issuer is said to sign: HTTP-01 only (no wildcards, no redirect) is a hostile choice.
  const traits = mix(level.shapes, fc.constantFrom({}, { acme: true }),
    props({}, { acme: fc.boolean(), http01: fc.boolean(), http01Only: fc.boolean() }));
  const existingIssuer = fc.oneof(
    fc.tuple(objectName(level), namespace(level), traits).map(([n, ns, t]) => call('Issuer.fromName', n, ns, t as Value)),
    fc.tuple(objectName(level), traits).map(([n, t]) => call('ClusterIssuer.fromName', n, t as Value)),
  );
  const issuerRef = fc.oneof({ arbitrary: fc.constant(ref(FIXTURE_IDS.issuer)), weight: 3 }, existingIssuer);
  const options = props({}, {
    duration: certificateDuration(level),
    renewBefore: certificateDuration(level),
    privateKey: privateKey(level),
    secretName: secretName(level),
  });
  return fc.oneof(
    { arbitrary: fc.tuple(issuerRef, options).map(([i, o]) => call('GatewayCertificate.fromIssuer', i, o as Value)), weight: 3 },
    // The namespace option only restates the gateway's: another one is hostile.
    fc.tuple(secretName(level), mix(level.shapes, fc.constant(undefined), namespace(level)))
      .map(([s, ns]) => (ns === undefined ? call('GatewayCertificate.fromSecret', s) : call('GatewayCertificate.fromSecret', s, { namespace: ns }))),
  );
}

const TLS_VERSIONS = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];
const CIPHERS = ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES256-SHA'];

export function secureGateway(level: Level): fc.Arbitrary<ConstructDraft> {
  const common = {
    namespace: namespace(level),
    selector: labels(level, { istio: 'ingressgateway' }),
    name: objectName(level),
    httpsPort: mix(level.numbers, fc.constantFrom(443, 8443), port(level)),
    httpsRedirect: fc.boolean(),
    httpPort: mix(level.numbers, fc.constantFrom(80, 8080), port(level)),
  };
  const anyNegotiated = {
    minTlsVersion: enumValue('TlsVersion', TLS_VERSIONS),
    maxTlsVersion: enumValue('TlsVersion', TLS_VERSIONS),
    cipherSuites: fc.array(mix(level.strings, fc.constantFrom(...CIPHERS), fc.constantFrom('TLS_AES_128_GCM_SHA256', 'rc4', '')), { minLength: 1, maxLength: 2 }),
  };
  // TLS 1.2 minimum with optional ciphers, or TLS 1.3 only (its suites are fixed).
  const negotiated = mix(level.shapes, fc.oneof(
    props({}, { minTlsVersion: fc.constant(constant('TlsVersion.TLSV1_2')), maxTlsVersion: fc.constant(constant('TlsVersion.TLSV1_3')), cipherSuites: anyNegotiated.cipherSuites }),
    props({ minTlsVersion: fc.constant(constant('TlsVersion.TLSV1_3')) }, { maxTlsVersion: fc.constant(constant('TlsVersion.TLSV1_3')) }),
  ), props({}, anyNegotiated));
  const mutual = {
    // FROM_CREDENTIAL needs a private CA (CaChain); a public ACME CA does not sign clients: a client CA Secret fits every issuer.
    clientCa: mix(level.shapes, secretName(level).map((s) => call('ClientCaSource.fromSecret', s)), fc.constant(constant('ClientCaSource.FROM_CREDENTIAL'))),
    clientSubjectAltNames: fc.array(mix(level.strings, fc.constantFrom('spiffe://example.com/client', 'client.example.com'), fc.constantFrom('', 'a b')), { minLength: 1, maxLength: 2 }),
  };
  const terminating = fc.tuple(
    fc.option(fc.constant(constant('GatewayTlsMode.SIMPLE')), { nil: undefined }),
    props({ certificate: certificate(level) }, common),
    negotiated,
  ).map(([mode, p, n]) => ({ ...(mode ? { tlsMode: mode } : {}), ...p, ...n }));
  const mutualTls = fc.tuple(props({ tlsMode: enumValue('GatewayTlsMode', ['MUTUAL', 'OPTIONAL_MUTUAL']), certificate: certificate(level) },
    { ...mutual, ...common }), negotiated).map(([p, n]) => ({ ...p, ...n }));
  const noCertificate = props({ tlsMode: enumValue('GatewayTlsMode', ['PASSTHROUGH', 'ISTIO_MUTUAL']) }, common);
  const any = props({}, {
    tlsMode: enumValue('GatewayTlsMode', ['SIMPLE', 'PASSTHROUGH', 'MUTUAL', 'OPTIONAL_MUTUAL', 'ISTIO_MUTUAL']),
    certificate: certificate(level),
    ...anyNegotiated,
    ...mutual,
    ...common,
    allowLegacyTls: fc.boolean(),
  });
  const shape = mix(level.shapes, fc.oneof({ arbitrary: terminating, weight: 4 }, mutualTls, noCertificate), any);
  return fc.tuple(hosts(level), shape).map(([h, p]) => ({ op: 'new' as const, type: 'SecureGateway', props: { hosts: h, ...p } as Value }));
}


/** The gateway routes are added to: a SecureGateway serving some of ROUTED_HOSTS. */
function gatewayFixture(level: Level): fc.Arbitrary<ConstructDraft> {
  // Serving every routed host (a wildcard among them) keeps routes valid; fewer is a shape routes may miss.
  const routed = mix(level.shapes, fc.constant(ROUTED_HOSTS), fc.uniqueArray(fc.constantFrom(...ROUTED_HOSTS), { minLength: 1, maxLength: 2 }));
  return fc.tuple(secureGateway(level), mix(level.hosts, routed, hosts(level))).map(([draft, h]) =>
    ({ ...draft, props: { ...(draft as { props: ValueObject }).props, hosts: h } }) as ConstructDraft);
}

function addRoute(level: Level): fc.Arbitrary<MethodStep> {
  return props({ service: meshService(level), host: mix(level.hosts, fc.constantFrom(...ROUTED_HOSTS, 'www.example.com'), host(level)) }, {
    pathPrefix: httpPath(level),
    port: port(level),
    rewritePrefix: httpPath(level),
    timeout: durationValue(level),
  }).map((o) => ({ op: 'method' as const, target: FIXTURE_IDS.gateway, method: 'addRoute', args: [o as Value] }));
}

/** TcpGateway props: one or two TCP ports (named or not), sometimes a namespace, name, selector; hostile apps repeat ports and names. */
export function tcpGateway(level: Level): fc.Arbitrary<ConstructDraft> {
  const tcpPort = props({ port: mix(level.numbers, fc.constantFrom(31400, 15443), port(level)) }, {
    name: mix(level.strings, fc.constantFrom('tcp', 'tcp-echo'), fc.constantFrom(...HOSTILE_NAMES)),
  });
  return props({ ports: list(level, tcpPort, 1, 2) }, {
    namespace: namespace(level),
    name: objectName(level),
    selector: labels(level, { istio: 'ingressgateway' }),
  }).map((p) => ({ op: 'new' as const, type: 'TcpGateway', props: p as Value }));
}

export function egressGateway(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({}, {
    namespace: namespace(level),
    selector: labels(level, { istio: 'egressgateway' }),
    name: objectName(level),
    service: meshService(level),
  }).map((p) => ({ op: 'new' as const, type: 'EgressGateway', props: p as Value }));
}

const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'GRPC', 'HTTP2', 'MONGO'];

/** One port of an external service, as the hostile generator writes them (any protocol, name and target). */
function anyPort(level: Level): fc.Arbitrary<any> {
  return props({ number: port(level), protocol: enumValue('Protocol', PROTOCOLS) }, {
    name: mix(level.strings, fc.constantFrom('http', 'https', 'tcp-db', 'tls'), fc.constantFrom(...HOSTILE_NAMES)),
    targetPort: port(level),
  });
}

/** A well-formed port of a protocol (number and name fit; target port sometimes). */
function portOf(level: Level, protocol: string, numbers: number[]): fc.Arbitrary<any> {
  return fc.tuple(fc.constantFrom(...numbers), props({}, { targetPort: mix(level.numbers, fc.constantFrom(8080, 8443, 5433), port(level)) }))
    .map(([number, extra]) => ({ number, protocol: constant(`Protocol.${protocol}`), ...extra }));
}

/**
 * ExternalService props in the shapes users write: an HTTP(S) API (with TLS origination or the
 * egress gateway), TLS on SNI (with an SNI proxy), a TCP database (with addresses, or static
 * endpoints), a wildcard domain; hostile apps mix any props.
 */
export function externalService(level: Level): fc.Arbitrary<ConstructDraft> {
  const exactHosts = fc.uniqueArray(host(level, false), { minLength: 1, maxLength: 2 });
  const exportTo = fc.oneof(enumValue('ExportTo', ['THIS_NAMESPACE', 'ALL_NAMESPACES', 'NO_NAMESPACE']) as fc.Arbitrary<Value>,
    namespace(level).map((ns) => call('ExportTo.namespace', ns)));
  const common = props({}, {
    namespace: namespace(level),
    name: objectName(level),
    location: enumValue('ServiceLocation', ['MESH_EXTERNAL', 'MESH_INTERNAL']),
    exportTo: mix(level.shapes, exportTo.map((e) => [e]), fc.array(exportTo, { minLength: 0, maxLength: 3 })),
    subjectAltNames: fc.array(mix(level.strings, fc.constantFrom('spiffe://cluster.local/ns/db/sa/db'), fc.constantFrom('', ' ')), { minLength: 1, maxLength: 1 }),
  });
  const origination = (httpPort: number) => props({ port: mix(level.shapes, fc.constant(httpPort), port(level)) }, {
    targetPort: mix(level.numbers, fc.constantFrom(443, 8443), port(level)),
    caCertificates: mix(level.strings, fc.constantFrom('/etc/certs/ca.pem'), fc.constantFrom('ca.pem', '')),
    subjectAltNames: fc.array(mix(level.strings, fc.constantFrom('api.example.com'), fc.constantFrom('', 'a b')), { minLength: 1, maxLength: 2 }),
  }).chain((o) => fc.oneof(fc.constant(o), secretName(level).map((c) => ({ ...o, caCertificates: undefined, mode: constant('OriginationTlsMode.MUTUAL'), credentialName: c }))));
  const httpApi = fc.tuple(exactHosts, portOf(level, 'HTTP', [80, 8080])).chain(([h, p]) => fc.oneof(
    fc.constant({}),
    origination(p.number).map((t) => ({ tlsOrigination: t })),
    fc.constant({ egressGateway: ref(FIXTURE_IDS.egress) }),
    origination(p.number).map((t) => ({ tlsOrigination: t, egressGateway: ref(FIXTURE_IDS.egress) })),
  ).map((r) => ({ hosts: h, ports: [p], ...r })));
  const tls = fc.tuple(exactHosts, portOf(level, 'TLS', [443]), fc.oneof(
    fc.constant({}),
    props({ target: meshService(level) }, { port: port(level) }).map((sni) => ({ sniRouting: sni })),
    fc.constant({ egressGateway: ref(FIXTURE_IDS.egress) }),
  )).map(([h, p, r]) => ({ hosts: h, ports: [p], ...r }));
  const database = fc.tuple(host(level, false), portOf(level, 'TCP', [5432, 3306]), fc.oneof(
    fc.array(fc.constantFrom('10.20.0.15', '10.20.0.16'), { minLength: 1, maxLength: 2 }).map((a) => ({ addresses: a })),
    fc.constant({ addressAutoAllocation: true }),
    fc.constant({ addresses: ['10.20.0.0/24'], resolution: constant('ServiceResolution.NONE') }),
    fc.array(props({ address: fc.constantFrom('10.0.0.1', '10.0.0.2') }, {
      labels: labels(level), network: fc.constant('network1'), locality: fc.constantFrom('us-east1/us-east1-b', 'eu'), weight: int(level, 1, 100),
    }), { minLength: 1, maxLength: 2 }).map((e) => ({ endpoints: e, addresses: ['10.20.0.15'] })),
  )).map(([h, p, r]) => ({ hosts: [h], ports: [p], ...r }));
  const wildcard = fc.tuple(fc.constantFrom(...WILDCARD_HOSTS), portOf(level, 'TLS', [443])).map(([h, p]) => ({ hosts: [h], ports: [p] }));

  const address = mix(level.strings, fc.constantFrom('10.20.0.15', '10.20.0.0/24', '2001:db8::1'), fc.constantFrom('10.0.0.0/33', 'a.b', '', '300.1.1.1'));
  const endpoint = props({ address: mix(level.strings, fc.constantFrom('10.0.0.1', 'db.example.com'), fc.constantFrom('', 'DB.example.com', '*.x.com', '10.0.0.256')) }, {
    ports: fc.dictionary(fc.constantFrom('http', 'https', 'tcp-db', 'tls'), port(level), { minKeys: 1, maxKeys: 1 }),
    labels: labels(level),
    network: mix(level.strings, fc.constantFrom('network1'), fc.constantFrom('', 'Net 1')),
    locality: mix(level.strings, fc.constantFrom('us-east1/us-east1-b', 'eu'), fc.constantFrom('', 'a/b/c/d', 'us-*')),
    weight: int(level, 1, 100),
  });
  const anyShape = fc.tuple(hosts(level), fc.array(anyPort(level), { maxLength: 3 })).chain(([h, ports]) => props({}, {
    resolution: enumValue('ServiceResolution', ['DNS', 'DNS_ROUND_ROBIN', 'STATIC', 'NONE']),
    addresses: fc.array(address, { minLength: 1, maxLength: 2 }),
    endpoints: fc.array(endpoint, { minLength: 1, maxLength: 2 }),
    addressAutoAllocation: fc.boolean(),
    tlsOrigination: props({ port: ports.length > 0 ? fc.constantFrom(...ports.map((p: any) => p.number as number)) : port(level) }, {
      targetPort: port(level), mode: enumValue('OriginationTlsMode', ['SIMPLE', 'MUTUAL']), credentialName: secretName(level),
    }),
    sniRouting: props({ target: meshService(level) }, { port: port(level) }),
    egressGateway: fc.constant(ref(FIXTURE_IDS.egress)),
  }).map((o) => ({ hosts: h, ports, ...o })));

  const shape = mix(level.shapes, fc.oneof({ arbitrary: httpApi, weight: 3 }, tls, database, wildcard), anyShape);
  return fc.tuple(shape, common).map(([sh, c]) => ({ op: 'new' as const, type: 'ExternalService', props: { ...c, ...sh } as Value }));
}

/** For runs focused on EgressGateway: an ExternalService routed through the egress fixture (a lone gateway has no servers). */
export function routedThroughEgress(level: Level): fc.Arbitrary<ConstructDraft> {
  return externalService(level).map((d) =>
    ({ ...d, props: { ...(d as { props: ValueObject }).props, egressGateway: ref(FIXTURE_IDS.egress) } }) as ConstructDraft);
}

export const edgeFamily: Family = {
  constructs: {
    Issuer: issuer,
    ClusterIssuer: clusterIssuer,
    CaChain: caChain,
    SecureGateway: secureGateway,
    TcpGateway: tcpGateway,
    EgressGateway: egressGateway,
    ExternalService: externalService,
  },
  methods: { addRoute },
  fixtures: { gateway: gatewayFixture, egress: egressGateway, issuer: issuerFixture },
};
