// Construct ids are checked before the base constructor sees them (uniqueChildId): a repeated,
// empty or non-string id is our error at the path the construct would have, not the constructs
// library's "There is already a Construct with name ...".
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AuthorizationPolicy, CaChain, CanaryRelease, CircuitBreaker, CircuitBreakerPreset, ClusterIssuer, EastWestGateway, EgressGateway, ExternalService,
  GatewayCertificate, IngressNginxFrontDoor, Issuer, IssuerConfig, JwtAuthentication, MeshCa, MeshCluster, MeshConfig, MeshFederation, MeshMtls,
  MeshMulticluster, MeshService, MtlsNamespace, PolicyTarget, PrometheusMonitors, Protocol, ReleaseVersion, RoutingDefaults, SecureGateway,
  TcpGateway, Telemetry, Waypoint,
} from '../../src';
import { uniqueChildId } from '../../src/core/construct-id';

const service = MeshService.fromName('reviews', 'shop', { port: 9080 });

/** Every public construct that takes (scope, id), with props it accepts. */
const CONSTRUCTS: Array<[string, (scope: Construct, id: string) => unknown]> = [
  ['AuthorizationPolicy', (s, id) => new AuthorizationPolicy(s, id, { target: PolicyTarget.namespace('shop') })],
  ['CaChain', (s, id) => new CaChain(s, id, { commonName: 'Example Root CA' })],
  ['CanaryRelease', (s, id) => new CanaryRelease(s, id, { service, versions: [ReleaseVersion.fromLabels('v1')] })],
  ['CircuitBreaker', (s, id) => new CircuitBreaker(s, id, { service, preset: CircuitBreakerPreset.BALANCED })],
  ['ClusterIssuer', (s, id) => new ClusterIssuer(s, id, { config: IssuerConfig.selfSigned() })],
  ['EastWestGateway', (s, id) => new EastWestGateway(s, id, {})],
  ['EgressGateway', (s, id) => new EgressGateway(s, id)],
  ['ExternalService', (s, id) => new ExternalService(s, id, { hosts: ['api.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }] })],
  ['IngressNginxFrontDoor', (s, id) => new IngressNginxFrontDoor(s, id)],
  ['Issuer', (s, id) => new Issuer(s, id, { config: IssuerConfig.selfSigned() })],
  ['JwtAuthentication', (s, id) => new JwtAuthentication(s, id, { target: PolicyTarget.namespace('shop'), issuer: 'https://issuer.example.com' })],
  ['MeshCa', (s, id) => new MeshCa(s, id)],
  ['MeshConfig', (s, id) => new MeshConfig(s, id)],
  ['MeshFederation', (s, id) => new MeshFederation(s, id)],
  ['MeshMtls', (s, id) => new MeshMtls(s, id)],
  ['MtlsNamespace', (s, id) => new MtlsNamespace(s, id, { name: 'shop' })],
  ['PrometheusMonitors', (s, id) => new PrometheusMonitors(s, id)],
  ['RoutingDefaults', (s, id) => new RoutingDefaults(s, id)],
  ['SecureGateway', (s, id) => new SecureGateway(s, id, { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls') })],
  ['TcpGateway', (s, id) => new TcpGateway(s, id, { ports: [{ port: 31400 }] })],
  ['Telemetry', (s, id) => new Telemetry(s, id, { target: PolicyTarget.namespace('shop'), accessLogging: [{ providers: ['envoy'] }] })],
  ['Waypoint', (s, id) => new Waypoint(s, id, { namespace: 'shop' })],
];

test('the table covers every exported construct class', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require('../../src') as Record<string, unknown>;
  const constructClasses = Object.entries(exported)
    .filter(([, v]) => typeof v === 'function' && (v as Function).prototype instanceof Construct)
    .map(([name]) => name)
    .filter((name) => !['MeshCluster', 'MeshMulticluster'].includes(name)); // app-level, tested below
  expect(constructClasses.sort()).toEqual(CONSTRUCTS.map(([name]) => name).sort());
});

describe('a repeated id fails in our format, before the construct does anything', () => {
  test.each(CONSTRUCTS)('%s', (_, create) => {
    // Given a chart with a child 'gw' of another type
    const chart = new Chart(Testing.app(), 'c');
    new EgressGateway(chart, 'gw');
    // When a construct is created with the same id, Then the error names both paths and the fix
    expect(() => create(chart, 'gw')).toThrow(
      "c/gw: id must be unique within 'c', but 'c/gw' already uses it, got 'gw'. Give this construct another id.");
  });

  test('the issue\'s example: SecureGateway after EgressGateway', () => {
    const c = new Chart(Testing.app(), 'c');
    new EgressGateway(c, 'gw');
    expect(() => new SecureGateway(c, 'gw', { hosts: ['a.com'], certificate: GatewayCertificate.fromSecret('a-tls') }))
      .toThrow("c/gw: id must be unique within 'c', but 'c/gw' already uses it, got 'gw'. Give this construct another id.");
  });

  test('charts of ours at the app root (MeshCluster) and MeshMulticluster', () => {
    const app = Testing.app();
    new MeshCluster(app, 'east');
    expect(() => new MeshCluster(app, 'east')).toThrow("east: id must be unique within the app, but 'east' already uses it, got 'east'.");
    const clusters = [new MeshCluster(app, 'a', { network: 'n1' }), new MeshCluster(app, 'b', { network: 'n2' })];
    expect(() => new MeshMulticluster(app, 'east', { clusters })).toThrow("east: id must be unique within the app, but 'east' already uses it");
  });

  test("an id with '/' is stored with '--', and says so when that collides", () => {
    const chart = new Chart(Testing.app(), 'c');
    new EgressGateway(chart, 'a--b');
    expect(() => new EgressGateway(chart, 'a/b')).toThrow(
      "c/a--b: id must be unique within 'c', but 'c/a--b' already uses it ('/' in an id becomes '--'), got 'a/b'. Give this construct another id.");
  });
});

describe('ids and scopes the constructs library would crash on', () => {
  test('an empty id', () => {
    expect(() => new EgressGateway(new Chart(Testing.app(), 'c'), '')).toThrow(
      "c/: id must be a non-empty string, unique within 'c', got ''. Give the construct an id such as 'reviews'; it also names the objects it creates.");
  });

  test('an id that is not a string (JavaScript callers)', () => {
    expect(() => new CircuitBreaker(new Chart(Testing.app(), 'c'), 5 as any, { service, preset: CircuitBreakerPreset.BALANCED })).toThrow(
      "c/5: id must be a non-empty string, unique within 'c', got 5.");
  });

  test('a scope that is not a construct', () => {
    expect(() => new EgressGateway({} as any, 'gw')).toThrow(
      'gw: scope must be a construct (a Chart, or a construct in one), got {}. Pass the chart (or construct) to create it in as the first argument.');
    expect(() => AuthorizationPolicy.allowNothing(undefined as any, 'p', { target: PolicyTarget.namespace('shop') })).toThrow(
      'p: scope must be a construct (a Chart, or a construct in one), got nothing.');
  });

  test('uniqueChildId returns the id unchanged when it is free', () => {
    const app = new App({ outdir: '/tmp/unused' });
    expect(uniqueChildId(app, 'a/b')).toBe('a/b');
    expect(uniqueChildId(new Chart(app, 'c'), 'gw')).toBe('gw');
  });
});
