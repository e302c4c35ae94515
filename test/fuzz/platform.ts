/**
 * Generators of the platform family: the mesh configuration (MeshConfig with ExtensionProviders
 * and TrustAnchors), observability (Telemetry, PrometheusMonitors), the ingress-nginx front door
 * (+ addIngress) and multicluster meshes (MeshCluster, MeshCa, MeshMulticluster, MeshFederation
 * + publishName, trustEachOther).
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS } from './drafts';
import { call, constant, MethodStep, ref, Value } from './recipe';
import { policyTarget } from './security';
import {
  certificateDuration, durationValue, enumValue, headerName, host, HOSTILE_NAMES, httpPath, int, labels, Level, list, mix, namespace, objectName,
  percentage, port, props, serviceName, word,
} from './values';
import { serviceOfApp } from './workloads';

/** Provider names: the built-in ones, those the MeshConfig generator defines, and unknown or hostile ones. */
const PROVIDER_NAMES = ['otel', 'zipkin', 'my-ext-authz', 'file-log'];
const providerName = (level: Level) => mix(level.strings, fc.constantFrom(...PROVIDER_NAMES), fc.constantFrom('', 'unknown', 'Otel', 'a b'));
const usedProvider = (level: Level) => mix(level.strings, fc.constantFrom('prometheus', 'envoy', ...PROVIDER_NAMES), fc.constantFrom('', 'unknown', 'Otel'));

const providerService = (level: Level) => mix(level.hosts,
  fc.constantFrom('otel-collector.observability.svc.cluster.local', 'zipkin.istio-system.svc.cluster.local', 'ext-authz.foo.svc.cluster.local'),
  fc.constantFrom('', 'otel', 'a b', 'Otel.x.svc', 'http://x.com', '*.x.com'));
const serviceOptions = (level: Level) => props({ service: providerService(level), port: port(level) }, {});
const tagLength = (level: Level) => int(level, 1, 1024);

export function extensionProvider(level: Level): fc.Arbitrary<Value> {
  const named = (factory: string, options: fc.Arbitrary<unknown>, name: fc.Arbitrary<string> = providerName(level)) =>
    fc.tuple(name, options).map(([n, o]) => call(`ExtensionProvider.${factory}`, n, o as Value));
  const withService = <O extends Record<string, fc.Arbitrary<unknown>>>(optional: O) =>
    fc.tuple(serviceOptions(level), props({}, optional)).map(([s, o]) => ({ ...s, ...o }));
  const extAuthz = {
    timeout: durationValue(level),
    failOpen: fc.boolean(),
    statusOnError: int(level, 100, 599),
  };
  return fc.oneof(
    named('openTelemetry', withService({
      maxTagLength: tagLength(level),
      http: props({ path: httpPath(level) }, {
        timeout: durationValue(level),
        headers: fc.dictionary(headerName(level), word(level), { maxKeys: 1 }),
      }),
      resourceDetectors: fc.uniqueArray(enumValue('OpenTelemetryResourceDetector', ['ENVIRONMENT', 'DYNATRACE']),
        { maxLength: 2, selector: (v) => JSON.stringify(v) }),
    }), fc.constant('otel')),
    named('zipkin', withService({ maxTagLength: tagLength(level), enable64bitTraceId: fc.boolean() }), fc.constant('zipkin')),
    named('datadog', withService({ maxTagLength: tagLength(level) })),
    named('skyWalking', withService({ accessToken: word(level) })),
    named('envoyFileAccessLog', fc.oneof(
      props({}, { path: mix(level.strings, fc.constantFrom('/dev/stdout', '/var/log/access.log'), fc.constantFrom('', 'stdout')), textFormat: fc.constantFrom('%START_TIME% %REQ(:METHOD)%\n', '[%START_TIME%]\n') }),
      props({ jsonFormat: fc.constantFrom({ start: '%START_TIME%' }, { method: '%REQ(:METHOD)%', code: '%RESPONSE_CODE%' }) }, {}),
    ), fc.constant('file-log')),
    named('envoyOtelAccessLog', withService({ logName: word(level), attributes: fc.constantFrom({ code: '%RESPONSE_CODE%' }) })),
    named('envoyExtAuthzHttp', withService({
      ...extAuthz,
      pathPrefix: httpPath(level),
      includeRequestHeadersInCheck: fc.array(headerName(level), { minLength: 1, maxLength: 2 }),
      headersToUpstreamOnAllow: fc.array(headerName(level), { minLength: 1, maxLength: 2 }),
      includeRequestBodyInCheck: props({ maxRequestBytes: int(level, 1, 2 ** 32 - 1) }, { allowPartialMessage: fc.boolean() }),
    }), fc.constant('my-ext-authz')),
    named('envoyExtAuthzGrpc', withService({
      ...extAuthz,
      includeRequestBodyInCheck: props({ maxRequestBytes: int(level, 1, 2 ** 32 - 1) }, { packAsBytes: fc.boolean() }),
    })),
  );
}

/** A CA certificate for the mesh: a PEM bundle or a SPIFFE bundle endpoint, possibly scoped to trust domains. */
export function trustAnchor(level: Level): fc.Arbitrary<Value> {
  const trustDomains = props({}, { trustDomains: list(level, mix(level.strings, fc.constantFrom('cluster.local', 'example.org'), fc.constantFrom('', 'A b', 'x/y')), 1, 2) });
  const pem = mix(level.strings, fc.constant(PEM), fc.constantFrom('', 'not a pem', '-----BEGIN CERTIFICATE-----\n'));
  const url = mix(level.hosts, fc.constantFrom('https://spiffe.example.org/bundle', 'https://trust.example.com:8443/b'), fc.constantFrom('', 'http://x.com/b', 'https://a b', 'ftp://x'));
  return fc.oneof(
    fc.tuple(pem, trustDomains).map(([p, o]) => call('TrustAnchor.fromPem', p, o as Value)),
    fc.tuple(url, trustDomains).map(([u, o]) => call('TrustAnchor.fromSpiffeBundleUrl', u, o as Value)),
  );
}

/** A short self-signed certificate (its content is not parsed beyond the PEM armour). */
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowCgYIKoZIzj0EAwIwDzENMAsGA1UEAwwEcm9vdDAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEwMDAwMDBaMA8xDTALBgNVBAMMBHJvb3Q=\n-----END CERTIFICATE-----\n';

export function meshConfig(level: Level): fc.Arbitrary<ConstructDraft> {
  const providers = mix(level.shapes,
    fc.uniqueArray(extensionProvider(level), { minLength: 1, maxLength: 3, selector: (p) => (p as any).args[0] }),
    fc.array(extensionProvider(level), { maxLength: 3 }));
  const names = (level2: Level) => fc.uniqueArray(usedProvider(level2), { minLength: 1, maxLength: 2 });
  return props({}, {
    extensionProviders: providers,
    defaultProviders: props({}, { tracing: names(level), metrics: names(level), accessLogging: names(level) }),
    trustDomain: mix(level.strings, fc.constantFrom('cluster.local', 'example.org'), fc.constantFrom('', 'Example.org', 'a b', 'a..b')),
    rootNamespace: namespace(level),
    valuesFile: mix(level.strings, fc.constantFrom('istiod-values.yaml', 'mesh.yaml'), fc.constantFrom('', 'a.k8s.yaml', 'x.json', '../x.yaml', 'a/b.yaml')),
    caCertificates: list(level, trustAnchor(level), 1, 2),
  }).map((p) => ({ op: 'new' as const, type: 'MeshConfig', props: p as Value }));
}

export function telemetry(level: Level): fc.Arbitrary<ConstructDraft> {
  const mode = enumValue('WorkloadMode', ['CLIENT_AND_SERVER', 'CLIENT', 'SERVER']);
  const customTag = fc.oneof(
    word(level).map((v) => call('CustomTag.literal', v)),
    headerName(level).map((h) => call('CustomTag.header', h)),
    fc.constantFrom('POD_NAME', 'CLUSTER_ID').map((e) => call('CustomTag.environment', e, 'unknown')),
  );
  const tracing = props({}, {
    providers: mix(level.shapes, usedProvider(level).map((n) => [n]), fc.array(usedProvider(level), { maxLength: 2 })),
    randomSamplingPercentage: percentage(level),
    disableSpanReporting: fc.boolean(),
    useRequestIdForTraceSampling: fc.boolean(),
    customTags: fc.dictionary(mix(level.strings, fc.constantFrom('team', 'pod'), fc.constantFrom('', 'a b')), customTag, { minKeys: 1, maxKeys: 2 }),
    mode,
  });
  const accessLogging = props({}, {
    providers: fc.uniqueArray(usedProvider(level), { minLength: 1, maxLength: 2 }),
    filter: mix(level.strings, fc.constantFrom('response.code >= 400', 'request.path.startsWith("/api")'), fc.constantFrom('', 'response.code >=', '1 +')),
    disabled: fc.boolean(),
    mode,
  });
  const override = props({}, {
    metric: enumValue('IstioMetric', ['ALL_METRICS', 'REQUEST_COUNT', 'REQUEST_DURATION', 'TCP_OPENED_CONNECTIONS']),
    mode,
    disabled: fc.boolean(),
    tagOverrides: fc.dictionary(mix(level.strings, fc.constantFrom('request_host', 'team'), fc.constantFrom('', 'a b')),
      fc.oneof(fc.constant(call('TagOverride.remove')), mix(level.strings, fc.constantFrom('request.host', '"static"'), fc.constantFrom('', '1 +')).map((e) => call('TagOverride.upsert', e))),
      { minKeys: 1, maxKeys: 2 }),
  });
  const metrics = props({}, {
    providers: fc.uniqueArray(usedProvider(level), { minLength: 1, maxLength: 2 }),
    overrides: list(level, override, 1, 2),
    reportingInterval: durationValue(level),
  });
  return fc.tuple(policyTarget(level), props({}, {
    name: objectName(level),
    tracing: list(level, tracing, 1, 2),
    accessLogging: list(level, accessLogging, 1, 2),
    metrics: list(level, metrics, 1, 2),
  })).map(([target, p]) => ({ op: 'new' as const, type: 'Telemetry', props: { target, ...p } as Value }));
}

export function prometheusMonitors(level: Level): fc.Arbitrary<ConstructDraft> {
  return props({}, {
    namespace: namespace(level),
    istioNamespace: namespace(level),
    interval: durationValue(level),
    labels: labels(level, { release: 'kube-prometheus-stack' }),
    ztunnel: fc.boolean(),
  }).map((p) => ({ op: 'new' as const, type: 'PrometheusMonitors', props: p as Value }));
}

const dataplane = (level: Level) => fc.oneof(enumValue('Dataplane', ['SIDECAR', 'AMBIENT']) as fc.Arbitrary<Value>,
  mix(level.strings, fc.constantFrom('1-30-3', 'canary'), fc.constantFrom('', 'a b')).map((r) => call('Dataplane.revision', r)));
const cidrs = (level: Level) => list(level, mix(level.strings, fc.constantFrom('10.96.0.0/12', '10.0.0.0/16', 'fd00::/108'), fc.constantFrom('10.0.0.0/33', 'a', '', '10.0.0.1')), 1, 2);

export function ingressNginxFrontDoor(level: Level): fc.Arbitrary<ConstructDraft> {
  const sidecar = props({}, { dataplane: fc.constant(constant('Dataplane.SIDECAR')), serviceCidrs: cidrs(level) });
  const ambient = fc.constant({ dataplane: constant('Dataplane.AMBIENT') });
  const any = props({}, { dataplane: dataplane(level), serviceCidrs: cidrs(level) });
  const common = props({}, {
    ingressClassName: mix(level.strings, fc.constantFrom('nginx', 'public-nginx'), fc.constantFrom(...HOSTILE_NAMES)),
    controllerNamespace: fc.constant(ref(FIXTURE_IDS.kplusNamespace)),
    valuesFile: mix(level.strings, fc.constantFrom('ingress-nginx-values.yaml', 'nginx.yaml'), fc.constantFrom('', 'a.k8s.yaml', 'istiod-values.yaml', 'a/b.yaml')),
  });
  return fc.tuple(mix(level.shapes, fc.oneof(sidecar, ambient), any), common)
    .map(([shape, c]) => ({ op: 'new' as const, type: 'IngressNginxFrontDoor', props: { ...shape, ...c } as Value }));
}

function addIngress(level: Level): fc.Arbitrary<MethodStep> {
  const id = mix(level.strings, fc.constantFrom('productpage', 'api'), fc.constantFrom('', 'A.B', 'x/y'));
  const service = fc.oneof(serviceOfApp(level),
    fc.tuple(serviceName(level), namespace(level), fc.option(port(level), { nil: undefined }))
      .map(([n, ns, p]) => (p === undefined ? call('MeshService.fromName', n, ns) : call('MeshService.fromName', n, ns, { port: p }))));
  const path = props({ path: httpPath(level) }, { pathType: enumValue('IngressNginxPathType', ['PREFIX', 'EXACT']) });
  const hosts = mix(level.shapes, fc.uniqueArray(host(level), { minLength: 1, maxLength: 2 }), fc.constant<string[]>([]));
  const options = fc.tuple(service, props({ hosts }, {
    paths: list(level, path, 1, 2),
    port: port(level),
    tlsSecretName: mix(level.strings, fc.constantFrom('bookinfo-tls', 'api.tls'), fc.constantFrom(...HOSTILE_NAMES)),
    name: objectName(level),
  })).map(([s, o]) => ({ service: s, ...o }));
  return fc.tuple(id, options).map(([i, o]) => ({ op: 'method' as const, target: FIXTURE_IDS.frontDoor, method: 'addIngress', args: [i, o as Value] }));
}

// ---------------------------------------------------------------------------------------------
// Multicluster
// ---------------------------------------------------------------------------------------------

const ipOrHost = (level: Level) => mix(level.hosts, fc.constantFrom('203.0.113.10', 'eastwest.example.com', '2001:db8::1'), fc.constantFrom('', 'a b', '10.0.0.300', 'Eastwest.x', '*.x.com'));

function meshClusterProps(level: Level, name: string): fc.Arbitrary<Value> {
  return props({}, {
    clusterName: mix(level.strings, fc.constant(name), fc.constantFrom(...HOSTILE_NAMES)),
    network: mix(level.strings, fc.constantFrom('network1', 'network2'), fc.constantFrom('', 'a b', 'x'.repeat(64))),
    // Federated clusters need their own domains; a multicluster mesh shares one.
    clusterDomain: mix(level.strings, fc.constantFrom('cluster.local', `${name}.local`), fc.constantFrom('', 'Cluster.local', 'a..b')),
    trustDomain: mix(level.strings, fc.constantFrom('cluster.local', `${name}.example.org`), fc.constantFrom('', 'A b')),
    gatewayAddress: ipOrHost(level),
    gatewayPort: mix(level.numbers, fc.constantFrom(15443, 443), fc.constantFrom(0, 65536, NaN, 1.5)),
    rootCertificate: trustAnchor(level),
  }) as fc.Arbitrary<Value>;
}

export function meshCluster(level: Level): fc.Arbitrary<ConstructDraft> {
  return meshClusterProps(level, 'cluster-c').map((p) => ({ op: 'new' as const, type: 'MeshCluster', props: p }));
}

const clusterFixture = (name: string) => (level: Level): fc.Arbitrary<ConstructDraft> =>
  // The clusters a multicluster mesh joins: well-formed but for the network and gateway settings.
  meshClusterProps({ ...level, strings: 0 }, name).map((p) => ({ op: 'new' as const, type: 'MeshCluster', props: p }));

export function meshCa(level: Level): fc.Arbitrary<ConstructDraft> {
  const root = fc.oneof(
    props({}, { commonName: word(level), duration: certificateDuration(level) }).map((o) => call('MeshCaRoot.selfSigned', o as Value)),
    fc.constant(call('MeshCaRoot.fromIssuer', ref(FIXTURE_IDS.issuer))),
    mix(level.strings, fc.constantFrom('cacerts-root', 'mesh-root'), fc.constantFrom(...HOSTILE_NAMES)).map((s) => call('MeshCaRoot.fromSecret', s)),
  );
  const intermediate = props({}, { commonName: word(level), duration: certificateDuration(level), renewBefore: certificateDuration(level) });
  const csr = props({}, {
    namespace: namespace(level),
    maxCertificateDuration: certificateDuration(level),
    ambient: fc.boolean(),
    valuesFile: mix(level.strings, fc.constantFrom('istio-csr-values.yaml'), fc.constantFrom('', 'a.k8s.yaml')),
  });
  const pluginCa = props({}, { mode: fc.constant(constant('MeshCaMode.PLUGIN_CA')) });
  const istioCsr = props({ mode: fc.constant(constant('MeshCaMode.ISTIO_CSR')) }, { istioCsr: csr });
  const any = props({}, { mode: enumValue('MeshCaMode', ['PLUGIN_CA', 'ISTIO_CSR']), istioCsr: csr });
  return fc.tuple(mix(level.shapes, fc.oneof(pluginCa, istioCsr), any), props({}, { root, name: objectName(level), intermediate }))
    .map(([m, p]) => ({ op: 'new' as const, type: 'MeshCa', props: { ...p, ...m } as Value }));
}

function addCluster(level: Level): fc.Arbitrary<MethodStep> {
  const options = props({}, { commonName: word(level), duration: certificateDuration(level) });
  return fc.tuple(fc.constantFrom(FIXTURE_IDS.cluster, FIXTURE_IDS.cluster2), options)
    .map(([c, o]) => ({ op: 'method' as const, target: FIXTURE_IDS.meshCa, method: 'addCluster', args: [ref(c), o as Value] }));
}

export function meshMulticluster(level: Level): fc.Arbitrary<ConstructDraft> {
  const clusters = mix(level.shapes, fc.constant([ref(FIXTURE_IDS.cluster), ref(FIXTURE_IDS.cluster2)]),
    fc.constantFrom([ref(FIXTURE_IDS.cluster)], [ref(FIXTURE_IDS.cluster), ref(FIXTURE_IDS.cluster)], []));
  return fc.tuple(clusters, props({}, {
    meshId: mix(level.strings, fc.constantFrom('mesh1', 'prod'), fc.constantFrom(...HOSTILE_NAMES)),
    flavour: enumValue('MeshFlavour', ['ISTIO', 'DECKHOUSE']),
    meshNetworks: fc.boolean(),
  })).map(([c, p]) => ({ op: 'new' as const, type: 'MeshMulticluster', props: { clusters: c, ...p } as Value }));
}

export function meshFederation(_level: Level): fc.Arbitrary<ConstructDraft> {
  return props({}, { flavour: enumValue('MeshFlavour', ['ISTIO', 'DECKHOUSE']) })
    .map((p) => ({ op: 'new' as const, type: 'MeshFederation', props: p as Value }));
}

function publishName(level: Level): fc.Arbitrary<MethodStep> {
  return fc.tuple(fc.constantFrom(FIXTURE_IDS.cluster, FIXTURE_IDS.cluster2), namespace(level), serviceName(level))
    .map(([c, ns, n]) => ({ op: 'method' as const, target: FIXTURE_IDS.federation, method: 'publishName', args: [ref(c), ns, n] }));
}

function trustEachOther(): fc.Arbitrary<MethodStep> {
  return fc.constant({ op: 'method' as const, target: FIXTURE_IDS.federation, method: 'trustEachOther', args: [ref(FIXTURE_IDS.cluster), ref(FIXTURE_IDS.cluster2)] });
}

export const platformFamily: Family = {
  constructs: {
    'MeshConfig': meshConfig,
    // The value types MeshConfig takes, each the focus of its own run (ExtensionProvider, TrustAnchor factories).
    'MeshConfig.extensionProviders': (level) => fc.tuple(meshConfig(level),
      fc.uniqueArray(extensionProvider(level), { minLength: 1, maxLength: 3, selector: (p) => (p as any).args[0] }))
      .map(([d, providers]) => ({ ...d, props: { ...(d as any).props, extensionProviders: providers } }) as ConstructDraft),
    'MeshConfig.caCertificates': (level) => fc.tuple(meshConfig(level), fc.array(trustAnchor(level), { minLength: 1, maxLength: 2 }))
      .map(([d, anchors]) => ({ ...d, props: { ...(d as any).props, caCertificates: anchors } }) as ConstructDraft),
    'Telemetry': telemetry,
    'PrometheusMonitors': prometheusMonitors,
    'IngressNginxFrontDoor': ingressNginxFrontDoor,
    'MeshCluster': meshCluster,
    'MeshCa': meshCa,
    'MeshMulticluster': meshMulticluster,
    'MeshFederation': meshFederation,
  },
  methods: { addIngress, addCluster, publishName, trustEachOther },
  fixtures: {
    frontDoor: ingressNginxFrontDoor,
    cluster: clusterFixture('cluster-a'),
    cluster2: clusterFixture('cluster-b'),
    meshCa,
    federation: meshFederation,
  },
};

