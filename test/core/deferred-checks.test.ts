// Value factories run before any construct exists: what is wrong with their arguments is
// reported by the construct that uses the value, against the prop the user wrote
// (`chart/jwt: target.name ...`). Factories that cannot build a value at all throw with the
// factory call as the "where".
import { Chart, Testing } from 'cdk8s';
import {
  AcmeServer, AuthorizationPolicy, CanaryRelease, CircuitBreaker, CircuitBreakerPreset, ClientCaSource, ClusterIssuer, Dataplane, ExtensionProvider,
  GatewayCertificate, GatewayTlsMode, Issuer, IssuerConfig, JwtAuthentication, MeshConfig, MeshGateway, MeshService, MtlsNamespace, PolicyTarget,
  Protocol, ReleaseVersion, SecureGateway, Telemetry, Waypoint, WorkloadIdentity,
} from '../../src';

const chart = () => new Chart(Testing.app(), 'chart');
const ISSUER = 'https://accounts.example.com';

describe('PolicyTarget factories report at the policy that uses the target', () => {
  test('serviceName with an invalid name, at a JwtAuthentication', () => {
    const target = PolicyTarget.serviceName('Reviews', 'default'); // no error yet: no construct to name
    expect(() => new JwtAuthentication(chart(), 'jwt', { target, issuer: ISSUER })).toThrow(
      "chart/jwt: target.name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Reviews'. Service names are DNS labels such as 'reviews'.");
  });

  test('selector with an invalid label key, at an AuthorizationPolicy', () => {
    const target = PolicyTarget.selector('shop', { 'app name': 'x' });
    expect(() => new AuthorizationPolicy(chart(), 'p', { target, rules: [{ to: [{ ports: [80] }] }] })).toThrow(/^chart\/p: target\.matchLabels key /);
  });

  test('namespace and mesh, at a Telemetry', () => {
    expect(() => new Telemetry(chart(), 't', { target: PolicyTarget.namespace('Shop'), accessLogging: [{ providers: ['envoy'] }] })).toThrow(
      "chart/t: target.namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Shop'.");
    expect(() => new Telemetry(chart(), 't', { target: PolicyTarget.mesh('Istio_System'), accessLogging: [{ providers: ['envoy'] }] })).toThrow(
      'chart/t: target.rootNamespace must be a DNS label');
  });

  test('a factory given no value to read throws, named by the factory call', () => {
    expect(() => PolicyTarget.service({} as any)).toThrow('PolicyTarget.service(service): service must be a cdk8s-plus object of this app, got {}.');
    expect(() => PolicyTarget.waypoint('waypoint' as any)).toThrow("PolicyTarget.waypoint(waypoint): waypoint must be a waypoint, got 'waypoint'.");
  });
});

describe('MeshService, MeshGateway and ReleaseVersion report at the release', () => {
  test('MeshService.fromName with an invalid namespace, port or selector', () => {
    const release = (service: MeshService) => () => new CanaryRelease(chart(), 'r', { service, versions: [ReleaseVersion.fromLabels('v1')] });
    expect(release(MeshService.fromName('reviews', 'Bookinfo'))).toThrow(
      "chart/r: service.namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Bookinfo'. Namespaces are DNS labels such as 'bookinfo'.");
    expect(release(MeshService.fromName('reviews', 'bookinfo', { port: 0 }))).toThrow(
      'chart/r: service.port must be a whole number from 1 to 65535, got 0. Use the service port number, e.g. 9080.');
    expect(release(MeshService.fromName('reviews', 'bookinfo', { selector: { 'a b': 'c' } }))).toThrow(/^chart\/r: service\.selector key /);
    expect(() => new CircuitBreaker(chart(), 'cb', { service: MeshService.fromName('Reviews', 'bookinfo'), preset: CircuitBreakerPreset.BALANCED }))
      .toThrow('chart/cb: service.name must be a DNS label');
  });

  test('MeshGateway.fromName with an invalid host, at the release bound to it', () => {
    const gateway = MeshGateway.fromName('public', 'istio-system', { hosts: ['Bookinfo.example.com'] });
    expect(() => new CanaryRelease(chart(), 'r', { service: MeshService.fromName('reviews', 'bookinfo'), versions: [ReleaseVersion.fromLabels('v1')], gateway }))
      .toThrow(/^chart\/r: gateway\.hosts must be lowercase/);
    expect(() => MeshGateway.fromName('public', 'istio-system', { hosts: 'a.example.com' } as any)).toThrow(
      "MeshGateway.fromName(name, namespace, options): options.hosts must be a list, got 'a.example.com'.");
  });

  test('ReleaseVersion.fromDeployment without a Deployment throws, named by the factory call', () => {
    expect(() => ReleaseVersion.fromDeployment('v1', {} as any)).toThrow("ReleaseVersion.fromDeployment('v1', deployment): deployment must be a cdk8s-plus object of this app, got {}.");
  });
});

describe('identities, waypoints, data planes, issuers and certificates', () => {
  test('WorkloadIdentity.fromName, at the rule that uses it', () => {
    const identity = WorkloadIdentity.fromName('sleep', 'Foo');
    expect(() => AuthorizationPolicy.allowOnlyFrom(chart(), 'p', { target: PolicyTarget.namespace('foo') }, [identity])).toThrow(
      'chart/p: identities[0].namespace must be a DNS label');
  });

  test('Waypoint.fromName and Dataplane.revision, at the namespace', () => {
    expect(() => new MtlsNamespace(chart(), 'shop', { dataplane: Dataplane.AMBIENT, useWaypoint: Waypoint.fromName('Waypoint', 'shop') })).toThrow(
      'chart/shop: useWaypoint.name must be a DNS label');
    expect(() => new MtlsNamespace(chart(), 'shop', { dataplane: Dataplane.revision('') })).toThrow("chart/shop: dataplane.revision must not be empty, got ''.");
  });

  test('Issuer.fromName, GatewayCertificate and ClientCaSource factories, at the gateway', () => {
    const gateway = (props: Record<string, unknown>) => () => new SecureGateway(chart(), 'gw', { hosts: ['a.example.com'], ...props } as any);
    expect(gateway({ certificate: GatewayCertificate.fromSecret('A_TLS') })).toThrow('chart/gw: certificate.secretName must be a DNS subdomain');
    expect(gateway({ certificate: GatewayCertificate.fromIssuer(Issuer.fromName('ca', 'istio-system'), { namespace: 'Certs' }) })).toThrow(
      'chart/gw: certificate.namespace must be a DNS label');
    expect(gateway({ certificate: GatewayCertificate.fromSecret('a-tls'), tlsMode: GatewayTlsMode.MUTUAL, clientCa: ClientCaSource.fromSecret('Client CA') }))
      .toThrow('chart/gw: clientCa.secretName must be a DNS subdomain');
    expect(() => GatewayCertificate.fromIssuer(ClusterIssuer.fromName('Lets_Encrypt'))).toThrow(
      'GatewayCertificate.fromIssuer(issuer): issuer.name must be a DNS subdomain');
  });

  test('AcmeServer.custom, at the issuer', () => {
    expect(() => new ClusterIssuer(chart(), 'le', { config: IssuerConfig.acme({ server: AcmeServer.custom('http://acme.example.com'), solvers: [] }) }))
      .toThrow(/^chart\/le: acme\.(server\.url must be an https URL|solvers must have at least one solver)/);
    expect(() => new ClusterIssuer(chart(), 'le', { config: IssuerConfig.acme({ server: AcmeServer.custom('http://acme.example.com'), solvers: [{} as any] }) }))
      .toThrow('chart/le: acme.solvers[0] must be an AcmeSolver, got {}.');
  });
});

describe('factories that build their value themselves throw, named by the call', () => {
  test('ExtensionProvider factories name the factory and provider', () => {
    expect(() => ExtensionProvider.zipkin('zipkin', { service: 'zipkin', port: 9411 })).toThrow(
      "ExtensionProvider.zipkin('zipkin', ...): service must be a fully-qualified name");
    expect(() => new MeshConfig(chart(), 'mc', { extensionProviders: [{ name: 'x' } as any] })).toThrow(
      'chart/mc: extensionProviders[0] must be an ExtensionProvider, got {"name":"x"}.');
  });

  test('a well-formed value passes through every consumer unchanged', () => {
    const c = chart();
    const service = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
    new CanaryRelease(c, 'r', { service, versions: [ReleaseVersion.fromLabels('v1')] });
    new JwtAuthentication(c, 'jwt', { target: PolicyTarget.selector('bookinfo', { app: 'reviews' }), issuer: ISSUER });
    new SecureGateway(c, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls') }).addRoute({ service });
    expect(Testing.synth(c).map((o) => o.kind)).toEqual(expect.arrayContaining(['VirtualService', 'RequestAuthentication', 'Gateway']));
    expect(Protocol.HTTP).toBe('HTTP');
  });
});

describe('list items and required values left undefined (from JavaScript)', () => {
  test.each([
    ['caCertificates', (c: Chart) => new MeshConfig(c, 'mc', { caCertificates: [undefined as any] }),
      'chart/mc: caCertificates[0] must be a TrustAnchor, got nothing. Use TrustAnchor.fromPem(pem)'],
    ['extensionProviders', (c: Chart) => new MeshConfig(c, 'mc', { extensionProviders: [undefined as any] }),
      'chart/mc: extensionProviders[0] must be an ExtensionProvider, got nothing.'],
    ['versions', (c: Chart) => new CanaryRelease(c, 'c', {
      service: MeshService.fromName('a', 'b', { port: 80 }), versions: [ReleaseVersion.fromLabels('v1'), undefined as any],
    }), 'chart/c: versions[1] must be a ReleaseVersion, got nothing.'],
  ])('%s: an error at the construct, not a TypeError', (_name, build, message) => {
    expect(() => build(chart())).toThrow(message);
  });
});
