// The Gateway API renderer: objects, translations, and a test per error (not expressible on
// Istio 1.30 with the standard CRDs, order conflicts, CRD limits, API choice).
import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  CanaryRelease, CircuitBreaker, CircuitBreakerPreset, ClientCaSource, Dataplane, GatewayApiChannel, GatewayCertificate, GatewayTlsMode, HttpMethod,
  LoadBalancer, MeshGateway, MeshService, MeshWarnings, MtlsNamespace, Protocol, ReleaseVersion, RetryOn, RoutingApi, RoutingDefaults, SecureGateway,
  StringMatch, TlsVersion,
} from '../../src';
import { findAll, findOne, synthApp } from '../helpers';

const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
const productpage = MeshService.fromName('productpage', 'bookinfo', { port: 9080 });
const versions = (...names: string[]) => names.map((n) => ReleaseVersion.fromLabels(n));

/** An app whose routes render through the Gateway API, and a chart in it. */
function gatewayApiApp(props: { channel?: GatewayApiChannel; istioVersion?: string } = {}): { app: App; chart: Chart } {
  const app = Testing.app();
  new RoutingDefaults(app, 'routing', { api: RoutingApi.GATEWAY_API, gatewayApiChannel: props.channel, istioVersion: props.istioVersion });
  return { app, chart: new Chart(app, 'test', { namespace: 'bookinfo' }) };
}

function gateway(chart: Chart, props: Partial<ConstructorParameters<typeof SecureGateway>[2]> = {}): SecureGateway {
  return new SecureGateway(chart, 'public', { hosts: ['bookinfo.example.com'], certificate: GatewayCertificate.fromSecret('bookinfo-tls'), ...props });
}

describe('Gateway', () => {
  test('a Gateway of class istio with a listener per host, explicit infrastructure and the 301 redirect', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart, { hosts: ['bookinfo.example.com', '*.shop.example.com'] });
    const manifests = synthApp(app);
    const gw = findOne(manifests, 'Gateway', 'public');
    expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gw.spec.gatewayClassName).toBe('istio');
    // Without it istiod copies the Gateway's labels and annotations onto its Deployment and Service.
    expect(gw.spec.infrastructure).toEqual({ labels: {}, annotations: {} });
    expect(gw.metadata.annotations?.['gateway.istio.io/controller-version']).toBeUndefined();
    expect(gw.spec.listeners.map((l: any) => [l.name, l.hostname, l.port, l.protocol, l.tls?.mode])).toEqual([
      ['https-bookinfo-example-com', 'bookinfo.example.com', 443, 'HTTPS', 'Terminate'],
      ['https-wildcard-shop-example-com', '*.shop.example.com', 443, 'HTTPS', 'Terminate'],
      ['http', undefined, 80, 'HTTP', undefined],
    ]);
    expect(gw.spec.listeners[0].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'bookinfo-tls' }]);
    const redirect = findOne(manifests, 'HTTPRoute', 'public-https-redirect');
    // The CRD's default status is 302; Istio's httpsRedirect answers 301.
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(redirect.spec.parentRefs).toEqual([{ name: 'public', sectionName: 'http' }]);
  });

  test('a certificate issued into another namespace: the Certificate there, and a ReferenceGrant for the Gateway', () => {
    const { app, chart } = gatewayApiApp();
    const issuer = { issuerName: 'ca', issuerKind: 'ClusterIssuer', issuerTraits: { acme: false, http01: false, http01Only: false } } as any;
    gateway(chart, { namespace: 'istio-ingress', certificate: GatewayCertificate.fromIssuer(issuer, { namespace: 'certs', secretName: 'bookinfo-tls' }) });
    const manifests = synthApp(app);
    expect(findOne(manifests, 'Certificate', 'bookinfo-tls').metadata.namespace).toBe('certs');
    expect(findOne(manifests, 'Gateway', 'public').spec.listeners[0].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'bookinfo-tls', namespace: 'certs' }]);
    const grant = findOne(manifests, 'ReferenceGrant', 'istio-ingress-public', 'certs');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'istio-ingress' }],
      to: [{ group: '', kind: 'Secret', name: 'bookinfo-tls' }],
    });
  });

  test('an Istio gateway still refuses a Secret of another namespace', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => gateway(chart, { certificate: GatewayCertificate.fromSecret('tls', { namespace: 'certs' }) }))
      .toThrow("test/public: certificate secret must be in the gateway workload's namespace 'istio-system'");
  });

  test('MUTUAL with the CA in the credential, ISTIO_MUTUAL, cipher suites: Istio\'s listener options', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart, { tlsMode: GatewayTlsMode.MUTUAL, cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'] });
    new SecureGateway(chart, 'internal', { hosts: ['internal.example.com'], tlsMode: GatewayTlsMode.ISTIO_MUTUAL });
    const manifests = synthApp(app);
    expect(findOne(manifests, 'Gateway', 'public').spec.listeners[0].tls.options).toEqual({
      'gateway.istio.io/tls-terminate-mode': 'MUTUAL', 'gateway.istio.io/tls-cipher-suites': 'ECDHE-ECDSA-AES256-GCM-SHA384',
    });
    expect(findOne(manifests, 'Gateway', 'internal').spec.listeners[0].tls).toEqual({ mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } });
  });

  test('MUTUAL with a separate client CA Secret: the Gateway\'s frontend validation for the port', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart, { tlsMode: GatewayTlsMode.MUTUAL, clientCa: ClientCaSource.fromSecret('client-ca') });
    expect(findOne(synthApp(app), 'Gateway', 'public').spec.tls).toEqual({
      frontend: { default: { validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: 'client-ca' }], mode: 'AllowValidOnly' } } },
    });
  });

  test('bound to an existing gateway Service', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart, { existingService: MeshService.fromName('istio-ingressgateway', 'istio-system') });
    expect(findOne(synthApp(app), 'Gateway', 'public').spec.addresses).toEqual([{ type: 'Hostname', value: 'istio-ingressgateway.istio-system.svc.cluster.local' }]);
  });

  test.each([
    [{ minTlsVersion: TlsVersion.TLSV1_3 }, "test/public: minTlsVersion cannot be expressed through the Gateway API: Istio reads no minimum TLS version from a listener (it keeps TLS 1.2), got 'TLSV1_3'. Keep this gateway on Istio APIs (api: RoutingApi.ISTIO), or drop the setting."],
    [{ maxTlsVersion: TlsVersion.TLSV1_2 }, "test/public: maxTlsVersion cannot be expressed through the Gateway API: Istio reads no maximum TLS version from a listener (it keeps TLS 1.3), got 'TLSV1_2'."],
    [{ tlsMode: GatewayTlsMode.MUTUAL, clientSubjectAltNames: ['spiffe://a/b'] }, 'test/public: clientSubjectAltNames cannot be expressed through the Gateway API: a listener cannot restrict client certificate SANs'],
    [{ selector: { istio: 'ingress' } }, 'test/public: selector selects the pods of an Istio gateway, but a Gateway API Gateway runs its own (istiod deploys it)'],
  ])('fails for %o', (props, message) => {
    const { chart } = gatewayApiApp();
    expect(() => gateway(chart, props)).toThrow(message);
  });

  test('existingService belongs to the Gateway API', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => gateway(chart, { existingService: MeshService.fromName('gw', 'istio-system') }))
      .toThrow("test/public: existingService binds a Gateway API Gateway to a Service, but this gateway uses Istio's APIs");
  });

  test('PASSTHROUGH: a TLS listener and a TLSRoute', () => {
    const { app, chart } = gatewayApiApp();
    const gw = gateway(chart, { tlsMode: GatewayTlsMode.PASSTHROUGH, certificate: undefined, httpsRedirect: false });
    gw.addRoute({ service: MeshService.fromName('nginx', 'web', { port: 443 }) });
    const manifests = synthApp(app);
    expect(findOne(manifests, 'Gateway', 'public').spec.listeners).toEqual([{
      name: 'tls-bookinfo-example-com', hostname: 'bookinfo.example.com', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'Same' } },
    }]);
    expect(findOne(manifests, 'TLSRoute', 'public-bookinfo-example-com').spec).toEqual({
      parentRefs: [{ name: 'public', sectionName: 'tls-bookinfo-example-com' }],
      hostnames: ['bookinfo.example.com'],
      rules: [{ backendRefs: [{ name: 'nginx', namespace: 'web', port: 443 }] }],
    });
    expect(findOne(manifests, 'ReferenceGrant', 'routes-from-istio-system', 'web').spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute', namespace: 'istio-system' }]);
  });
});

describe('routes', () => {
  test('a mesh HTTPRoute whose parent is the Service, one Service and DestinationRule per version', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2'), canaryWeight: 10, sessionAffinity: LoadBalancer.consistentHashOnHeader('x-user') });
    new CircuitBreaker(chart, 'breaker', { service: reviews, preset: CircuitBreakerPreset.BALANCED });
    new CircuitBreaker(chart, 'v2-breaker', { service: reviews, subset: 'v2', outlierDetection: { consecutive5xxErrors: 1 } });
    const manifests = synthApp(app);
    expect(findAll(manifests, 'VirtualService')).toEqual([]);
    expect(findOne(manifests, 'HTTPRoute', 'reviews').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
    // Istio's bookinfo-versions.yaml.
    expect(findOne(manifests, 'Service', 'reviews-v2').spec).toEqual({ ports: [{ name: 'http', port: 9080 }], selector: { app: 'reviews', version: 'v2' } });
    const base = findOne(manifests, 'DestinationRule', 'reviews').spec;
    const v1 = findOne(manifests, 'DestinationRule', 'reviews-v1').spec;
    const v2 = findOne(manifests, 'DestinationRule', 'reviews-v2').spec;
    expect(base.subsets).toBeUndefined();
    expect(v1).toEqual({ host: 'reviews-v1.bookinfo.svc.cluster.local', trafficPolicy: base.trafficPolicy });
    // The version's own policy over the host's, field by field, as Istio applies subset policy.
    expect(v2.trafficPolicy).toEqual({ ...base.trafficPolicy, outlierDetection: { consecutive5xxErrors: 1 } });
    expect(v1.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpHeaderName: 'x-user' } });
  });

  test('matches, header changes, CORS, mirror and timeout in their Gateway API forms', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1', 'v2'),
      matchRoutes: [{
        name: 'testers',
        matches: [{ uri: StringMatch.pathPrefix('/api'), method: HttpMethod.GET, headers: { 'x-tester': StringMatch.prefix('team-') }, queryParams: { v: StringMatch.exact('2') } }],
        version: 'v2',
        requestHeaders: { set: { 'x-env': 'canary' }, remove: ['x-debug'] },
      }],
      timeout: Duration.millis(1500),
      mirror: { version: 'v2', percentage: 12.5 },
      responseHeaders: { add: { 'x-served-by': 'reviews' } },
      cors: { allowOrigins: ['https://app.example.com'], allowMethods: [HttpMethod.GET], maxAge: Duration.minutes(10) },
    });
    const [testers, fallback] = findOne(synthApp(app), 'HTTPRoute', 'reviews').spec.rules;
    expect(testers).toEqual({
      name: 'testers',
      matches: [{
        path: { type: 'PathPrefix', value: '/api' },
        method: 'GET',
        // A header prefix has no Gateway API match: an expression matching the same values.
        headers: [{ name: 'x-tester', type: 'RegularExpression', value: 'team-.*' }],
        queryParams: [{ name: 'v', type: 'Exact', value: '2' }],
      }],
      filters: [
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-env', value: 'canary' }], remove: ['x-debug'] } },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'reviews' }] } },
        { type: 'CORS', cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET'], maxAge: 600 } },
      ],
      timeouts: { request: '1s500ms' },
      backendRefs: [{ name: 'reviews-v2', port: 9080 }],
    });
    expect(fallback.filters[1]).toEqual({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-v2', port: 9080 }, fraction: { numerator: 125000, denominator: 1000000 } } });
  });

  test('a VirtualService renders the same intents (header changes, CORS, whole-segment prefix)', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'bookinfo' });
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1', 'v2'),
      matchRoutes: [{ matches: [{ uri: StringMatch.pathPrefix('/api/') }], version: 'v2', requestHeaders: { set: { 'x-env': 'canary' } } }],
      cors: { allowOrigins: ['https://app.example.com'] },
    });
    const [api] = findOne(synthApp(chart.node.root as App), 'VirtualService', 'reviews').spec.http;
    expect(api.match).toEqual([{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }]);
    expect(api.headers).toEqual({ request: { set: { 'x-env': 'canary' } } });
    expect(api.corsPolicy).toEqual({ allowOrigins: [{ exact: 'https://app.example.com' }], maxAge: '5s', unmatchedPreflights: 'IGNORE' });
  });

  test('a string prefix ending in / becomes a segment prefix, the bare path going where the VirtualService sends it', () => {
    const { app, chart } = gatewayApiApp();
    const gw = gateway(chart);
    gw.addRoute({ service: productpage, pathPrefix: '/api/' });
    gw.addRoute({ service: MeshService.fromName('web', 'bookinfo', { port: 80 }) });
    const rules = findOne(synthApp(app), 'HTTPRoute', 'public-bookinfo-example-com').spec.rules;
    expect(rules.map((r: any) => [r.matches?.[0].path, r.backendRefs[0].name])).toEqual([
      [{ type: 'Exact', value: '/api' }, 'web'],
      [{ type: 'PathPrefix', value: '/api' }, 'productpage'],
      [undefined, 'web'],
    ]);
  });

  test('a segment-prefix rewrite: URLRewrite ReplacePrefixMatch, and an anchored expression for Istio', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart).addRoute({ service: productpage, path: StringMatch.pathPrefix('/shop'), rewritePrefix: '/' });
    const [rule] = findOne(synthApp(app), 'HTTPRoute', 'public-bookinfo-example-com').spec.rules;
    expect(rule.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
    const istio = new Chart(Testing.app(), 'test');
    gateway(istio).addRoute({ service: productpage, path: StringMatch.pathPrefix('/shop'), rewritePrefix: '/' });
    expect(findOne(synthApp(istio.node.root as App), 'VirtualService', 'public-bookinfo-example-com').spec.http[0].rewrite).toEqual({ uriRegexRewrite: { match: '^/shop/?', rewrite: '/' } });
  });

  test('a redirect route: RequestRedirect with its status, no backends', () => {
    const { app, chart } = gatewayApiApp();
    gateway(chart).addRedirect({ path: StringMatch.exact('/old'), replacePath: '/new', statusCode: 302 });
    const [rule] = findOne(synthApp(app), 'HTTPRoute', 'public-bookinfo-example-com').spec.rules;
    expect(rule).toEqual({
      name: 'redirect-old',
      matches: [{ path: { type: 'Exact', value: '/old' } }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 302 } }],
    });
  });

  test('GRPC services get a GRPCRoute with method matches', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'greeter', {
      service: MeshService.fromName('greeter', 'grpc', { port: 50051 }),
      protocol: Protocol.GRPC,
      versions: versions('v1', 'v2'),
      matchRoutes: [{ matches: [{ uri: StringMatch.prefix('/helloworld.Greeter/') }], version: 'v2' }],
    });
    const route = findOne(synthApp(app), 'GRPCRoute', 'greeter');
    expect(route.spec.rules[0].matches).toEqual([{ method: { type: 'Exact', service: 'helloworld.Greeter' } }]);
  });

  test('routes at a Gateway API gateway of another app attach by hostname', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1'),
      meshRouting: false,
      gateway: MeshGateway.fromName('shared', 'edge', { hosts: ['*.example.com'], api: RoutingApi.GATEWAY_API }),
      gatewayHosts: ['reviews.example.com'],
    });
    const route = findOne(synthApp(app), 'HTTPRoute', 'shared-reviews-example-com');
    expect(route.spec.parentRefs).toEqual([{ name: 'shared' }]);
    expect(route.metadata.namespace).toBe('edge');
  });

  test('retries through the experimental channel: HTTPRoute retry and backendRequest', () => {
    const { app, chart } = gatewayApiApp({ channel: GatewayApiChannel.EXPERIMENTAL });
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1'),
      timeout: Duration.seconds(3),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(1), retryOnStatusCodes: [503] },
    });
    // The experimental CRDs are not the ones the tests check against: synthesize without the schema check.
    const route = Testing.synth(app.charts[0]).find((m) => m.kind === 'HTTPRoute');
    // Our analysis knows the standard CRDs only: it is told that this object uses the experimental ones.
    expect(route.metadata.annotations).toEqual({ 'galley.istio.io/analyze-suppress': 'CIS1001' });
    const [rule] = route.spec.rules;
    expect(rule.retry).toEqual({ attempts: 3, codes: [503] });
    expect(rule.timeouts).toEqual({ request: '3s', backendRequest: '1s' });
  });

  test('TCP routes through TCPRoute from Istio 1.31', () => {
    const { app, chart } = gatewayApiApp({ istioVersion: '1.31' });
    new CanaryRelease(chart, 'db', { service: MeshService.fromName('db', 'bookinfo', { port: 5432 }), versions: versions('v1', 'v2'), protocol: Protocol.TCP, canaryWeight: 20 });
    const route = findOne(synthApp(app), 'TCPRoute', 'db');
    expect(route.spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'db', port: 5432 }],
      rules: [{ backendRefs: [{ name: 'db-v1', port: 5432, weight: 80 }, { name: 'db-v2', port: 5432, weight: 20 }] }],
    });
  });
});

describe('not expressible on Istio 1.30 with the standard CRDs', () => {
  test.each([
    ['fault injection', { fault: { delay: Duration.seconds(7) } },
      "test/reviews: fault cannot be expressed through the Gateway API: HTTPRoute has no fault injection (Istio rejects ExtensionRef filters), got {\"delay\":{\"fixedDelayMillis\":7000,\"percentage\":100}}. Inject faults with Istio's APIs: keep this host on Istio APIs (api: RoutingApi.ISTIO on the construct, or on its gateway)."],
    ['typed retries', { retries: { attempts: 2 } },
      "test/reviews: retries cannot be expressed through the Gateway API: HTTPRoute 'retry' is in the experimental channel only (Gateway API v1.6.1), got {\"attempts\":2}. Declare the experimental CRDs (RoutingDefaults gatewayApiChannel: GatewayApiChannel.EXPERIMENTAL), or keep this host on Istio APIs"],
    ['a negative header match', { matchRoutes: [{ matches: [{ withoutHeaders: { 'x-debug': StringMatch.exact('1') } }], version: 'v1' }] },
      'test/reviews: matchRoutes[0].matches[0].withoutHeaders cannot be expressed through the Gateway API: HTTPRoute has no negative header match'],
    ['a source match', { matchRoutes: [{ matches: [{ sourceLabels: { app: 'productpage' } }], version: 'v1' }] },
      'test/reviews: matchRoutes[0].matches[0].sourceLabels cannot be expressed through the Gateway API: HTTPRoute cannot match the calling workload'],
  ])('%s', (_what, props, message) => {
    const { chart } = gatewayApiApp();
    expect(() => new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1'), ...props } as any)).toThrow(message);
  });

  test('typed retries with conditions Istio does not read from HTTPRoute', () => {
    const { chart } = gatewayApiApp({ channel: GatewayApiChannel.EXPERIMENTAL });
    expect(() => new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1'), retries: { attempts: 2, retryOn: [RetryOn.FIVE_XX] } }))
      .toThrow("test/reviews: retries.retryOn cannot be expressed through the Gateway API: Istio always retries on connect-failure,refused-stream,unavailable,cancelled (plus the status codes), got '5xx'.");
  });

  test('TCP routes on Istio 1.30', () => {
    const { chart } = gatewayApiApp();
    expect(() => new CanaryRelease(chart, 'db', { service: MeshService.fromName('db', 'bookinfo', { port: 5432 }), versions: versions('v1'), protocol: Protocol.TCP }))
      .toThrow("test/db: protocol cannot be expressed through the Gateway API on Istio 1.30: Istio reads TCPRoute only as v1alpha2, which the Gateway API v1.6.1 CRDs no longer serve (istio/istio#61540), got 'db.bookinfo.svc.cluster.local'. Declare Istio 1.31 or later (RoutingDefaults istioVersion: '1.31'), or keep this host on Istio APIs");
  });

  test('GRPCRoute has no timeouts', () => {
    const { chart } = gatewayApiApp();
    expect(() => new CanaryRelease(chart, 'greeter', {
      service: MeshService.fromName('greeter', 'grpc', { port: 50051 }), protocol: Protocol.GRPC, versions: versions('v1'), timeout: Duration.seconds(1),
    })).toThrow('test/greeter: timeout cannot be expressed through the Gateway API: GRPCRoute has no timeouts (Gateway API v1.6.1)');
  });

  test('a prefix rewrite after a string prefix', () => {
    const { chart } = gatewayApiApp();
    expect(() => gateway(chart).addRoute({ service: productpage, pathPrefix: '/api', rewritePrefix: '/' }))
      .toThrow("test/public: addRoute /api cannot be expressed through the Gateway API: a prefix rewrite needs exactly one whole-segment path condition (URLRewrite ReplacePrefixMatch), but the route matches [\"prefix /api\"], got '/'. Match the path with StringMatch.pathPrefix");
  });

  test('a backend without a port', () => {
    const { chart } = gatewayApiApp();
    expect(() => gateway(chart).addRoute({ service: MeshService.fromName('web', 'bookinfo') }))
      .toThrow("test/public: addRoute destination 'web.bookinfo.svc.cluster.local' needs a port: a Gateway API backendRef to a Service names its port");
  });

  test('a route to more than 16 versions', () => {
    const { chart } = gatewayApiApp();
    const names = Array.from({ length: 17 }, (_, i) => `v${i}`);
    const weights = Object.fromEntries(names.map((n, i) => [n, i === 0 ? 84 : 1]));
    expect(() => new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions(...names), weights }))
      .toThrow('test/reviews: default route must route to at most 16 backends (HTTPRoute backendRefs limit), got 17.');
  });
});

describe('same behaviour or a clear error: route order', () => {
  test('a later, more specific route that HTTPRoute would try first fails, naming both routes', () => {
    const { app, chart } = gatewayApiApp();
    const gw = gateway(chart);
    gw.addRoute({ service: productpage, path: StringMatch.pathPrefix('/api') });
    gw.addRoute({ service: MeshService.fromName('v2', 'bookinfo', { port: 80 }), path: StringMatch.pathPrefix('/api/v2') });
    expect(() => synthApp(app)).toThrow("test/public: addRoute /api/v2 would take precedence over 'test/public (addRoute /api)' through the Gateway API (HTTPRoute orders matches by specificity");
  });

  test('a string prefix (an expression for HTTPRoute) before the default route fails', () => {
    const { app, chart } = gatewayApiApp();
    const gw = gateway(chart);
    gw.addRoute({ service: productpage, pathPrefix: '/static' });
    gw.addRoute({ service: MeshService.fromName('web', 'bookinfo', { port: 80 }) });
    expect(() => synthApp(app)).toThrow(/test\/public: addRoute would take precedence over 'test\/public \(addRoute \/static\)'.*use StringMatch\.pathPrefix for segment prefixes/);
  });

  test('header routes before the default route keep their order', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1', 'v2', 'v3'),
      matchRoutes: [
        { matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' },
        { matches: [{ headers: { 'end-user': StringMatch.exact('jason') }, queryParams: { beta: StringMatch.exact('1') } }], version: 'v3' },
      ],
    });
    // The second (two conditions) would be tried first through the Gateway API, and jason with ?beta=1 matches both.
    expect(() => synthApp(app)).toThrow(/test\/reviews: matchRoutes\[1\] would take precedence over 'test\/reviews \(matchRoutes\[0\]\)'/);
  });

  test('exclusive conditions in any order are fine', () => {
    const { app, chart } = gatewayApiApp();
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: versions('v1', 'v2', 'v3'),
      matchRoutes: [
        { matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' },
        { matches: [{ headers: { 'end-user': StringMatch.exact('mary') }, queryParams: { beta: StringMatch.exact('1') } }], version: 'v3' },
      ],
    });
    expect(findOne(synthApp(app), 'HTTPRoute', 'reviews').spec.rules).toHaveLength(3);
  });

  test('more than 16 rules fail', () => {
    const { app, chart } = gatewayApiApp();
    const gw = gateway(chart);
    for (let i = 0; i < 17; i++) gw.addRoute({ service: productpage, path: StringMatch.exact(`/page-${i}`) });
    expect(() => synthApp(app)).toThrow("test/public: routes for 'bookinfo.example.com' must be at most 16 rules through the Gateway API (HTTPRoute limit), got 17.");
  });
});

describe('choosing the API', () => {
  test('Istio APIs by default; a construct may choose the Gateway API', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'bookinfo' });
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1') });
    new CanaryRelease(chart, 'ratings', { service: MeshService.fromName('ratings', 'bookinfo', { port: 9080 }), versions: versions('v1'), api: RoutingApi.GATEWAY_API });
    const manifests = synthApp(app);
    expect(findAll(manifests, 'VirtualService').map((m) => m.metadata.name)).toEqual(['reviews']);
    expect(findAll(manifests, 'HTTPRoute').map((m) => m.metadata.name)).toEqual(['ratings']);
  });

  test('an ambient namespace with a waypoint routes with HTTPRoutes, and warns about an explicit VirtualService', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
    new CanaryRelease(chart, 'catalog', { service: MeshService.fromName('catalog', 'shop', { port: 8080 }), versions: versions('v1') });
    new CanaryRelease(chart, 'cart', { service: MeshService.fromName('cart', 'shop', { port: 8080 }), versions: versions('v1'), api: RoutingApi.ISTIO });
    const manifests = synthApp(app);
    expect(findAll(manifests, 'HTTPRoute').map((m) => m.metadata.name)).toEqual(['catalog']);
    expect(findAll(manifests, 'DestinationRule').flatMap((m) => m.spec.subsets ?? []).map((s: any) => s.name)).toEqual(['v1']);
    expect(MeshWarnings.of(app).join('\n')).toMatch(/routes of namespace 'shop' render as a VirtualService \(api: RoutingApi.ISTIO\), but the namespace is ambient with a waypoint, where VirtualServices are alpha/);
  });

  test('an ambient namespace declared after the routes fails', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    new CanaryRelease(chart, 'catalog', { service: MeshService.fromName('catalog', 'shop', { port: 8080 }), versions: versions('v1') });
    new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
    expect(() => synthApp(app)).toThrow("test/catalog: service is routed with Istio's APIs in namespace 'shop', but MtlsNamespace 'test/shop', created after it, makes that namespace ambient with a waypoint");
  });

  test('one host never gets a mesh VirtualService and a mesh HTTPRoute', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'bookinfo' });
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1'), api: RoutingApi.GATEWAY_API });
    expect(() => new CanaryRelease(chart, 'reviews-istio', {
      service: reviews, versions: versions('v1'), api: RoutingApi.ISTIO, matchRoutes: [{ matches: [{ headers: { a: StringMatch.exact('1') } }], version: 'v1' }],
    })).toThrow("test/reviews-istio: service would route 'reviews.bookinfo.svc.cluster.local' with a VirtualService (api: RoutingApi.ISTIO), but 'test/reviews' routes it with an HTTPRoute (api: RoutingApi.GATEWAY_API); Istio's behaviour is undefined when a VirtualService and an HTTPRoute route one host");
  });

  test('RoutingDefaults: before routes, once, and a valid Istio version', () => {
    const late = Testing.app();
    new CanaryRelease(new Chart(late, 'test', { namespace: 'bookinfo' }), 'reviews', { service: reviews, versions: versions('v1') });
    expect(() => new RoutingDefaults(late, 'routing', { api: RoutingApi.GATEWAY_API }))
      .toThrow("routing: id must be created before the constructs that route, but 'test/reviews' already routes 'reviews.bookinfo.svc.cluster.local', got 'routing'.");
    const twice = Testing.app();
    new RoutingDefaults(twice, 'routing');
    expect(() => new RoutingDefaults(twice, 'again')).toThrow("again: id is a second RoutingDefaults of this app ('routing' is the first)");
    expect(() => new RoutingDefaults(Testing.app(), 'routing', { istioVersion: '1.x' })).toThrow("routing: istioVersion must be '1.<minor>', got '1.x'.");
    expect(() => new RoutingDefaults(Testing.app(), 'routing', { istioVersion: '1.20' })).toThrow('routing: istioVersion must be 1.22 or later');
  });

  test('the API of mesh routes needs mesh routing', () => {
    const chart = new Chart(Testing.app(), 'test');
    const gw = gateway(chart);
    expect(() => new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1'), meshRouting: false, gateway: gw, api: RoutingApi.GATEWAY_API }))
      .toThrow("test/reviews: api chooses the API of mesh routes, but meshRouting is false, got 'gateway-api'.");
  });
});

describe('route values', () => {
  test.each([
    [{ requestHeaders: { set: { 'bad header': 'x' } } }, "test/reviews: requestHeaders.set must be a header name (letters, digits and !#$%&'*+-.^_`|~), got 'bad header'."],
    [{ requestHeaders: { set: { a: 'x' }, remove: ['a'] } }, "test/reviews: requestHeaders.remove must not name a header that set also names, got 'a'."],
    [{ requestHeaders: {} }, 'test/reviews: requestHeaders must set, add or remove at least one header, got {}.'],
    [{ responseHeaders: { set: { a: 'line\nbreak' } } }, "test/reviews: responseHeaders.set['a'] must be a string without line breaks"],
    [{ cors: { allowOrigins: ['https://*.example.com'] } }, "test/reviews: cors.allowOrigins must be an exact origin (scheme://host[:port], no path or wildcard), got 'https://*.example.com'."],
    [{ cors: { allowOrigins: [] } }, 'test/reviews: cors.allowOrigins must list at least one origin, got [].'],
    [{ cors: { allowOrigins: ['https://a.example.com'], maxAge: Duration.millis(1500) } }, "test/reviews: cors.maxAge must be a whole number of seconds, got '1500ms'."],
  ])('fails for %o', (props, message) => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1'), ...props } as any)).toThrow(message);
  });

  test.each([
    [{ statusCode: 300, replacePath: '/x' }, 'test/public: addRedirect statusCode must be 301, 302, 303, 307 or 308, got 300.'],
    [{}, 'test/public: addRedirect must change the scheme, host, port or path (a redirect to the same URL loops)'],
    [{ scheme: 'ftp' }, "test/public: addRedirect scheme must be 'http' or 'https', got 'ftp'."],
  ])('addRedirect fails for %o', (options, message) => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => gateway(chart).addRedirect(options)).toThrow(message);
  });

  test('pathPrefix is for paths only', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => new CanaryRelease(chart, 'reviews', {
      service: reviews, versions: versions('v1', 'v2'), matchRoutes: [{ matches: [{ headers: { a: StringMatch.pathPrefix('/x') } }], version: 'v2' }],
    })).toThrow("test/reviews: matchRoutes[0].matches[0].headers['a'] cannot be a pathPrefix (it compares whole path segments), got '/x'.");
  });
});
