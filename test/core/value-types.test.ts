// Props given a value of the wrong kind by a caller without a type checker (JavaScript, props
// read from YAML, `as any`): an enum prop given another string, a boolean given 'true', a list
// given a string, one of our classes given a plain object. Each fails at its construct, naming
// the prop, instead of a TypeError or a manifest the API server rejects.
import { Chart, Duration, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, CanaryRelease, CircuitBreaker, CircuitBreakerPreset, Dataplane, EgressGateway, ExternalService, GatewayCertificate,
  IngressNginxFrontDoor, JwtAuthentication, MeshAnalysis, MeshCa, MeshCluster, MeshFederation, MeshGraph, MeshMtls, MeshMulticluster, MeshService,
  MtlsNamespace, PolicyTarget, Protocol, ReleaseVersion, RoutingDefaults, SecureGateway, StringMatch, Telemetry, Waypoint,
} from '../../src';
import { checkEnum } from '../../src/core/value-types';

const chart = () => new Chart(Testing.app(), 'test');
const service = MeshService.fromName('reviews', 'shop', { port: 9080 });
const versions = [ReleaseVersion.fromLabels('v1')];
const release = (props: Record<string, unknown>) => () => new CanaryRelease(chart(), 'r', { service, versions, ...props } as any);
const external = (props: Record<string, unknown>) => () =>
  new ExternalService(chart(), 'ext', { hosts: ['api.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }], ...props } as any);
const gateway = (props: Record<string, unknown>) => () =>
  new SecureGateway(chart(), 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls'), ...props } as any);
const any = (v: unknown) => v as any;

describe('the enum checker', () => {
  test("the issue's example, word for word", () => {
    expect(() => new MtlsNamespace(chart(), 'ns', { mtls: any('strict') })).toThrow(
      "test/ns: mtls must be one of STRICT, PERMISSIVE, DISABLE, got 'strict'. Did you mean 'STRICT'?");
  });

  test('suggests the value for the member name, other separators, or a near spelling', () => {
    const protocol = (v: string) => () => checkEnum('w', 'protocol', any(v), Protocol, 'Protocol');
    expect(protocol('GRPC_WEB')).toThrow("w: protocol must be one of HTTP, HTTP2, HTTPS, GRPC, GRPC-WEB, TCP, TLS, MONGO, MYSQL, REDIS, UDP, got 'GRPC_WEB'. Did you mean 'GRPC-WEB'?");
    expect(protocol('HTPS')).toThrow("got 'HTPS'. Did you mean 'HTTPS'?");
    expect(() => new Waypoint(chart(), 'wp', { namespace: 'shop', trafficType: any('SERVICE') })).toThrow(
      "test/wp: trafficType must be one of service, workload, all, got 'SERVICE'. Did you mean 'service'?");
  });

  test('without a close member, names the enum to use', () => {
    expect(() => checkEnum('w', 'mode', any('ON'), { STRICT: 'STRICT', PERMISSIVE: 'PERMISSIVE' }, 'MtlsMode')).toThrow(
      "w: mode must be one of STRICT, PERMISSIVE, got 'ON'. Use MtlsMode, e.g. MtlsMode.STRICT.");
    expect(() => checkEnum('w', 'mode', any(5), { STRICT: 'STRICT' }, 'MtlsMode')).toThrow('w: mode must be one of STRICT, got 5. Use MtlsMode, e.g. MtlsMode.STRICT.');
  });
});

/** Every enum prop of the library, with the message its wrong value gets. */
const ENUM_PROPS: Array<[string, () => unknown, string]> = [
  ['MtlsNamespace.mtls', () => new MtlsNamespace(chart(), 'ns', { mtls: any('strict') }), "test/ns: mtls must be one of STRICT, PERMISSIVE, DISABLE, got 'strict'."],
  ['MtlsNamespace.egress.outboundTrafficPolicy', () => new MtlsNamespace(chart(), 'ns', { egress: { outboundTrafficPolicy: any('registry-only') } }),
    "test/ns: egress.outboundTrafficPolicy must be one of REGISTRY_ONLY, ALLOW_ANY, got 'registry-only'. Did you mean 'REGISTRY_ONLY'?"],
  ['MtlsNamespace.waypoint.trafficType', () => new MtlsNamespace(chart(), 'ns', { dataplane: Dataplane.AMBIENT, waypoint: { trafficType: any('both') } }),
    "test/ns: waypoint.trafficType must be one of service, workload, all, got 'both'. Use WaypointTrafficType, e.g. WaypointTrafficType.SERVICE."],
  ['MtlsNamespace.addWorkloadMtls mode', () => new MtlsNamespace(chart(), 'ns').addWorkloadMtls('m', { selector: { app: 'a' }, mode: any('permissive') }),
    "test/ns/m: mode must be one of STRICT, PERMISSIVE, DISABLE, got 'permissive'. Did you mean 'PERMISSIVE'?"],
  ['MtlsNamespace.addWorkloadMtls ports[].mode', () => new MtlsNamespace(chart(), 'ns').addWorkloadMtls('m', { selector: { app: 'a' }, ports: [{ port: 9090, mode: any('OFF') }] }),
    "test/ns/m: ports[0].mode must be one of STRICT, PERMISSIVE, DISABLE, got 'OFF'."],
  ['MeshMtls.mode', () => new MeshMtls(chart(), 'm', { mode: any('Strict') }), "test/m: mode must be one of STRICT, PERMISSIVE, DISABLE, got 'Strict'. Did you mean 'STRICT'?"],
  ['Waypoint.trafficType', () => new Waypoint(chart(), 'wp', { namespace: 'shop', trafficType: any('pods') }), "test/wp: trafficType must be one of service, workload, all, got 'pods'."],
  ['AuthorizationPolicy.action', () => new AuthorizationPolicy(chart(), 'p', { target: PolicyTarget.namespace('shop'), action: any('deny'), rules: [{ to: [{ ports: [80] }] }] }),
    "test/p: action must be one of ALLOW, DENY, AUDIT, CUSTOM, got 'deny'. Did you mean 'DENY'?"],
  ['Telemetry tracing[].mode', () => new Telemetry(chart(), 't', { target: PolicyTarget.namespace('shop'), tracing: [{ mode: any('client') }] }),
    "test/t: tracing[0].mode must be one of CLIENT_AND_SERVER, CLIENT, SERVER, got 'client'. Did you mean 'CLIENT'?"],
  ['Telemetry metrics[].overrides[].metric', () => new Telemetry(chart(), 't', { target: PolicyTarget.namespace('shop'), metrics: [{ overrides: [{ metric: any('requests_total'), disabled: true }] }] }),
    'test/t: metrics[0].overrides[0].metric must be one of ALL_METRICS, REQUEST_COUNT,'],
  ['ExternalService ports[].protocol', external({ ports: [{ number: 443, protocol: 'tls' }] }),
    "test/ext: ports[0].protocol must be one of HTTP, HTTP2, HTTPS, GRPC, GRPC-WEB, TCP, TLS, MONGO, MYSQL, REDIS, UDP, got 'tls'. Did you mean 'TLS'?"],
  ['ExternalService.location', external({ location: 'external' }), "test/ext: location must be one of MESH_EXTERNAL, MESH_INTERNAL, got 'external'."],
  ['ExternalService.resolution', external({ resolution: 'dns' }), "test/ext: resolution must be one of DNS, DNS_ROUND_ROBIN, STATIC, NONE, got 'dns'. Did you mean 'DNS'?"],
  ['ExternalService tlsOrigination.mode', () => new ExternalService(chart(), 'ext', {
    hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80, mode: any('simple') },
  }), "test/ext: tlsOrigination.mode must be one of SIMPLE, MUTUAL, got 'simple'. Did you mean 'SIMPLE'?"],
  ['SecureGateway.tlsMode', gateway({ tlsMode: 'https' }), "test/gw: tlsMode must be one of SIMPLE, PASSTHROUGH, MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL, got 'https'."],
  ['SecureGateway.minTlsVersion', gateway({ minTlsVersion: '1.2' }), "test/gw: minTlsVersion must be one of TLSV1_0, TLSV1_1, TLSV1_2, TLSV1_3, got '1.2'."],
  ['SecureGateway.maxTlsVersion', gateway({ maxTlsVersion: 'tlsv1_3' }), "test/gw: maxTlsVersion must be one of TLSV1_0, TLSV1_1, TLSV1_2, TLSV1_3, got 'tlsv1_3'. Did you mean 'TLSV1_3'?"],
  ['GatewayCertificate privateKey.algorithm', () => {
    const issuer = { issuerName: 'ca', issuerKind: 'ClusterIssuer', issuerTraits: {} } as any;
    return new SecureGateway(chart(), 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(issuer, { privateKey: { algorithm: any('ecdsa') } }) });
  }, "test/gw: certificate.privateKey.algorithm must be one of RSA, ECDSA, Ed25519, got 'ecdsa'. Did you mean 'ECDSA'?"],
  ['IngressNginxFrontDoor addIngress paths[].pathType', () => new IngressNginxFrontDoor(chart(), 'door', { serviceCidrs: ['10.96.0.0/12'] }).addIngress('pp', {
    service, hosts: ['a.example.com'], paths: [{ path: '/', pathType: any('prefix') }],
  }), "test/door/pp: paths[0].pathType must be one of Prefix, Exact, got 'prefix'. Did you mean 'Prefix'?"],
  ['CanaryRelease.protocol', release({ protocol: 'http' }), "test/r: protocol must be one of HTTP, HTTP2, HTTPS, GRPC, GRPC-WEB, TCP, TLS, MONGO, MYSQL, REDIS, UDP, got 'http'. Did you mean 'HTTP'?"],
  ['CanaryRelease matchRoutes[].matches[].method', release({ matchRoutes: [{ matches: [{ method: 'get' }], version: 'v1' }] }),
    "test/r: matchRoutes[0].matches[0].method must be one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE, got 'get'. Did you mean 'GET'?"],
  ['CanaryRelease fault.abortGrpcStatus', release({ fault: { abortGrpcStatus: 'unavailable' } }),
    'test/r: fault.abortGrpcStatus must be one of CANCELLED,'],
  ['CanaryRelease retries.retryOn[]', release({ retries: { attempts: 2, retryOn: ['5XX'] } }), 'test/r: retries.retryOn[0] must be one of 5xx, gateway-error,'],
  ['CanaryRelease cors.allowMethods[]', release({ cors: { allowOrigins: ['https://a.example.com'], allowMethods: ['post'] } }),
    "test/r: cors.allowMethods[0] must be one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE, got 'post'. Did you mean 'POST'?"],
  ['RoutingDefaults.gatewayApiChannel', () => new RoutingDefaults(chart(), 'rd', { gatewayApiChannel: any('beta') }),
    "test/rd: gatewayApiChannel must be one of standard, experimental, got 'beta'."],
  ['MeshCa.mode', () => new MeshCa(chart(), 'ca', { mode: any('plugin_ca') }), "test/ca: mode must be one of plugin-ca, istio-csr, got 'plugin_ca'. Did you mean 'plugin-ca'?"],
  ['MeshFederation.flavour', () => new MeshFederation(chart(), 'f', { flavour: any('istio') }), "test/f: flavour must be one of Istio, Deckhouse, got 'istio'. Did you mean 'Istio'?"],
  ['MeshMulticluster.flavour', () => {
    const app = Testing.app();
    const clusters = [new MeshCluster(app, 'a', { network: 'n1' }), new MeshCluster(app, 'b', { network: 'n2' })];
    return new MeshMulticluster(app, 'mesh', { clusters, flavour: any('deckhouse') });
  }, "mesh: flavour must be one of Istio, Deckhouse, got 'deckhouse'. Did you mean 'Deckhouse'?"],
  ['MeshAnalysis.failOn', () => MeshAnalysis.enable(Testing.app(), { failOn: any('warning') }), "MeshAnalysis: failOn must be one of Error, Warning, Info, got 'warning'. Did you mean 'Warning'?"],
  ['MeshAnalysis.checks[]', () => MeshAnalysis.enable(Testing.app(), { checks: [any('istiod')] }), "MeshAnalysis: checks[0] must be one of admission, istioctl, got 'istiod'."],
  ['MeshGraph.layers[]', () => MeshGraph.fromManifests([], { layers: [any('route')] }), "MeshGraph: layers[0] must be one of routes, security, egress, got 'route'. Did you mean 'routes'?"],
];

describe('every enum prop takes only its values', () => {
  test.each(ENUM_PROPS)('%s', (_, create, message) => {
    expect(create).toThrow(message);
  });
});

describe('booleans, lists and options objects', () => {
  test('a boolean given a string', () => {
    expect(() => new MtlsNamespace(chart(), 'ns', { createNamespace: any('false') })).toThrow(
      "test/ns: createNamespace must be true or false, got 'false'. Use a boolean: false, without quotes.");
    expect(release({ matchRoutes: [{ matches: [{ ignoreUriCase: 'yes' }], version: 'v1' }] })).toThrow(
      "test/r: matchRoutes[0].matches[0].ignoreUriCase must be true or false, got 'yes'. Use a boolean.");
    expect(gateway({ httpsRedirect: 1 })).toThrow('test/gw: httpsRedirect must be true or false, got 1. Use a boolean.');
    expect(external({ addressAutoAllocation: 'true' })).toThrow("test/ext: addressAutoAllocation must be true or false, got 'true'.");
    expect(() => new JwtAuthentication(chart(), 'jwt', { target: PolicyTarget.namespace('shop'), issuer: 'https://i.example.com', requireToken: any(0) })).toThrow(
      'test/jwt: requireToken must be true or false, got 0.');
  });

  test('a list given a string or an object', () => {
    expect(external({ hosts: 'api.example.com' })).toThrow("test/ext: hosts must be a list, got 'api.example.com'. Put the value in a list: ['api.example.com'].");
    expect(gateway({ hosts: { a: 'a.example.com' } })).toThrow('test/gw: hosts must be a list, got {"a":"a.example.com"}. Pass an array.');
    expect(release({ versions: ReleaseVersion.fromLabels('v1') })).toThrow('test/r: versions must be a list');
    expect(release({ matchRoutes: {} })).toThrow('test/r: matchRoutes must be a list, got {}.');
    expect(release({ retries: { attempts: 1, retryOnStatusCodes: {} } })).toThrow('test/r: retries.retryOnStatusCodes must be a list, got {}.');
    expect(() => new Telemetry(chart(), 't', { target: PolicyTarget.namespace('shop'), tracing: any({}) })).toThrow('test/t: tracing must be a list, got {}.');
  });

  test('props or an options entry that is not an object', () => {
    expect(() => new EgressGateway(chart(), 'eg', any('istio-system'))).toThrow(
      "test/eg: props must be an object, got 'istio-system'. Pass an object literal such as { ... } with the documented fields.");
    expect(external({ ports: ['443'] })).toThrow("test/ext: ports[0] must be an object, got '443'.");
    expect(() => new SecureGateway(chart(), 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls') }).addRoute(any('productpage')))
      .toThrow("test/gw: addRoute options must be an object, got 'productpage'.");
    expect(() => AuthorizationPolicy.allowNothing(chart(), 'p', any(undefined))).toThrow('test/p: options must be an object, got nothing.');
    expect(() => new CanaryRelease(chart(), 'r', any(undefined))).toThrow('test/r: props must be an object, got nothing.');
  });

  test('a string where a label map is expected', () => {
    expect(() => new MtlsNamespace(chart(), 'ns').addWorkloadMtls('m', { selector: any('app=a'), mode: any('STRICT') })).toThrow(
      "test/ns/m: selector must be a map of label keys to values, got 'app=a'. Give labels as an object, e.g. { app: 'reviews' }.");
  });

  test('a number where a host or address is expected', () => {
    expect(external({ hosts: [5] })).toThrow('test/ext: hosts must be a string, got 5.');
    expect(external({ resolution: 'STATIC', endpoints: [{ address: 10 }] })).toThrow('test/ext: endpoints[0].address must be an IP address with STATIC resolution, got 10.');
    expect(() => new MtlsNamespace(chart(), 'ns', { egress: {} }).allowEgressTo(any(5))).toThrow('test/ns: egress.hosts must be a string, not a number, got 5.');
  });
});

describe('a plain object where one of our classes is expected', () => {
  test('a MeshService', () => {
    expect(release({ service: { name: 'reviews', namespace: 'shop', host: 'reviews.shop.svc.cluster.local' } })).toThrow(
      'test/r: service must be a MeshService, got {"name":"reviews","namespace":"shop","host":"reviews.shop.svc.cluster.local"}. '
      + "Use MeshService.fromName('reviews', 'bookinfo', { port: 9080 }) or MeshService.fromService(service).");
    expect(() => new CircuitBreaker(chart(), 'cb', { service: any('reviews'), preset: CircuitBreakerPreset.BALANCED })).toThrow(
      "test/cb: service must be a MeshService, got 'reviews'.");
    expect(() => new SecureGateway(chart(), 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls') }).addRoute({ service: any({}) }))
      .toThrow('test/gw: addRoute service must be a MeshService, got {}.');
  });

  test('a PolicyTarget, a ReleaseVersion, a StringMatch, a LoadBalancer, a Duration', () => {
    expect(() => new AuthorizationPolicy(chart(), 'p', { target: any({ namespace: 'shop' }) })).toThrow(
      'test/p: target must be a PolicyTarget, got {"namespace":"shop"}.');
    expect(release({ versions: ['v1'] })).toThrow("test/r: versions[0] must be a ReleaseVersion, got 'v1'. Use ReleaseVersion.fromLabels('v1') or ReleaseVersion.fromDeployment('v1', deployment).");
    expect(release({ matchRoutes: [{ matches: [{ headers: { 'end-user': 'jason' } }], version: 'v1' }] })).toThrow(
      "test/r: matchRoutes[0].matches[0].headers['end-user'] must be a StringMatch, got 'jason'. Say how to match it, e.g. StringMatch.exact('jason') or StringMatch.prefix('jason').");
    expect(release({ matchRoutes: [{ matches: [{ uri: StringMatch.exact(any(5)) }], version: 'v1' }] })).toThrow(
      'test/r: matchRoutes[0].matches[0].uri must match a string (StringMatch.exact), got 5.');
    expect(() => new CircuitBreaker(chart(), 'cb', { service, loadBalancer: any('ROUND_ROBIN') })).toThrow("test/cb: loadBalancer must be a LoadBalancer, got 'ROUND_ROBIN'.");
    expect(release({ timeout: '5s' })).toThrow(
      "test/r: timeout must be a cdk8s Duration, got '5s'. Use Duration.seconds(5), Duration.millis(500), Duration.minutes(1)... (Duration.parse('5s') reads an ISO 8601 duration such as 'PT5S')");
    expect(release({ fault: { delay: 7000 } })).toThrow('test/r: fault.delay must be a cdk8s Duration, got 7000.');
    expect(release({ timeout: Duration.seconds(5) })).not.toThrow();
  });

  test('a gateway, a waypoint, a data plane, a kplus object', () => {
    expect(release({ gateway: 'public-gateway' })).toThrow("test/r: gateway must be a gateway, got 'public-gateway'.");
    expect(() => new MtlsNamespace(chart(), 'ns', { dataplane: Dataplane.AMBIENT, useWaypoint: any('waypoint') })).toThrow("test/ns: useWaypoint must be a waypoint, got 'waypoint'.");
    expect(() => new MtlsNamespace(chart(), 'ns', { dataplane: any('ambient') })).toThrow(
      "test/ns: dataplane must be a Dataplane, got 'ambient'. Use Dataplane.SIDECAR, Dataplane.AMBIENT or Dataplane.revision(...).");
    expect(() => MeshService.fromService(any({ name: 'reviews' }))).toThrow(
      'MeshService.fromService(service): service must be a cdk8s-plus object of this app, got {"name":"reviews"}.');
    expect(() => PolicyTarget.workload(any('reviews'))).toThrow("PolicyTarget.workload(workload): workload must be a cdk8s-plus object of this app, got 'reviews'.");
  });

  test('a scope of the analysis', () => {
    expect(() => MeshAnalysis.enable(any('app'))).toThrow("MeshAnalysis.enable(scope): scope must be a construct (the App, or a Chart), got 'app'.");
  });
});
