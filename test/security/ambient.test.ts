import * as kplus from 'cdk8s-plus-28';
import { AuthorizationAction, AuthorizationPolicy, Dataplane, JwtAuthentication, MtlsNamespace, PolicyTarget, Waypoint, WaypointTrafficType, WorkloadIdentity } from '../../src';
import { findOne, newChart, synth } from '../helpers';

const get = [{ to: [{ methods: ['GET'] }] }];
const fromSleep = [{ from: [{ identities: [WorkloadIdentity.fromName('sleep', 'shop')] }] }];

function ambientChart(waypoint: boolean) {
  const chart = newChart({ namespace: 'shop' });
  new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: waypoint ? {} : undefined });
  return chart;
}

describe('ambient attachment', () => {
  test('L4-only policies keep their selector (enforced by ztunnel)', () => {
    const chart = ambientChart(false);
    new AuthorizationPolicy(chart, 'l4', { target: PolicyTarget.selector('shop', { app: 'db' }), rules: fromSleep });
    const spec = findOne(synth(chart), 'AuthorizationPolicy', 'l4', 'shop').spec;
    expect(spec.selector).toEqual({ matchLabels: { app: 'db' } });
    expect(spec.targetRefs).toBeUndefined();
  });

  test('namespace-wide L7 policies attach to the waypoint', () => {
    const chart = ambientChart(true);
    new AuthorizationPolicy(chart, 'l7', { target: PolicyTarget.namespace('shop'), rules: get });
    const spec = findOne(synth(chart), 'AuthorizationPolicy', 'l7', 'shop').spec;
    expect(spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
    expect(spec.selector).toBeUndefined();
  });

  test('service L7 policies attach to the Service; RequestAuthentication and its companion too', () => {
    const chart = ambientChart(true);
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'api', portNumber: 8080 }] });
    const service = deployment.exposeViaService();
    new AuthorizationPolicy(chart, 'l7', { target: PolicyTarget.service(service), rules: get });
    new JwtAuthentication(chart, 'jwt', { target: PolicyTarget.serviceName('api', 'shop'), issuer: 'https://issuer.example.com' });
    const manifests = synth(chart);
    expect(findOne(manifests, 'AuthorizationPolicy', 'l7', 'shop').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: service.name }]);
    expect(findOne(manifests, 'RequestAuthentication', 'jwt', 'shop').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'api' }]);
    expect(findOne(manifests, 'AuthorizationPolicy', 'jwt-require-jwt', 'shop').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'api' }]);
  });

  test('an explicit waypoint target', () => {
    const chart = newChart();
    const waypoint = new Waypoint(chart, 'wp', { namespace: 'infra', name: 'shared', trafficType: WaypointTrafficType.ALL });
    new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.waypoint(waypoint), rules: get });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Gateway', 'shared', 'infra').metadata.labels).toEqual({ 'istio.io/waypoint-for': 'all' });
    expect(findOne(manifests, 'AuthorizationPolicy', 'p', 'infra').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared' }]);
  });

  test('a service by name keeps L4 policies on the waypoint when no labels are known', () => {
    const chart = ambientChart(true);
    new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.serviceName('api', 'shop'), rules: fromSleep });
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'p', 'shop').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'api' }]);
  });

  describe('fails', () => {
    test('an L7 ALLOW policy without a waypoint', () => {
      const chart = ambientChart(false);
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.namespace('shop'), rules: get });
      expect(() => synth(chart)).toThrow(
        "test/p: target is in ambient namespace 'shop', which has no waypoint, but this policy uses HTTP attributes (methods); ztunnel would drop those rules, so they never match and the policy denies what it should allow, got 'shop'. Ztunnel enforces only L4 and would change the policy's meaning; add waypoint: {} to MtlsNamespace 'test/shop' (the policy then attaches to it), or keep only L4 attributes (ports, principals, namespaces, IP blocks).");
    });
    test('an L7 DENY policy by selector', () => {
      const chart = ambientChart(true);
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.selector('shop', { app: 'api' }), action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin/*'] }] }] });
      expect(() => synth(chart)).toThrow(
        "test/p: target selects pods by labels in ambient namespace 'shop', but this policy uses HTTP attributes (paths); ztunnel would drop those parts, so the rules match more than intended, got 'shop'. Waypoints ignore selector policies and ztunnel enforces only L4; target the service (PolicyTarget.service or PolicyTarget.serviceName) or the whole namespace (PolicyTarget.namespace), which attach to the waypoint.");
    });
    test('AUDIT without a waypoint', () => {
      const chart = ambientChart(false);
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.namespace('shop'), action: AuthorizationAction.AUDIT, rules: fromSleep });
      expect(() => synth(chart)).toThrow(
        "test/p: target is in ambient namespace 'shop', which has no waypoint, but this policy uses action AUDIT, which ztunnel does not support, got 'shop'.");
    });
    test('a RequestAuthentication without a waypoint', () => {
      const chart = ambientChart(false);
      new JwtAuthentication(chart, 'jwt', { target: PolicyTarget.namespace('shop'), issuer: 'https://issuer.example.com', requireToken: false });
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(() => synth(chart)).toThrow(
        "test/jwt: target is in ambient namespace 'shop', which has no waypoint, but this policy validates JWTs, which only a waypoint can do (ztunnel ignores RequestAuthentication), got 'shop'.");
      jest.restoreAllMocks();
    });
    test('a mesh-wide L7 policy when the app has ambient namespaces', () => {
      const chart = ambientChart(true);
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.mesh(), action: AuthorizationAction.DENY, rules: [{ to: [{ methods: ['TRACE'] }] }] });
      expect(() => synth(chart)).toThrow(
        "test/p: target cannot be the mesh: this policy uses HTTP attributes (methods); ztunnel would drop those parts, so the rules match more than intended, and ztunnel enforces it without waypoints in ambient namespace(s) 'shop', got 'istio-system'. Ztunnel enforces only L4, so the policy would change meaning there; create it per namespace (PolicyTarget.namespace) so it attaches to each waypoint.");
    });
    test('a service without labels in an ambient namespace without waypoint', () => {
      const chart = ambientChart(false);
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.serviceName('api', 'shop'), rules: fromSleep });
      expect(() => synth(chart)).toThrow(
        "test/p: target cannot be enforced: service 'api' has no pod labels and ambient namespace 'shop' has no waypoint, got 'shop'. Target the pods by labels (PolicyTarget.selector), or add a waypoint to the MtlsNamespace.");
    });
  });
});

describe('Waypoint', () => {
  test('defaults', () => {
    const chart = newChart();
    new Waypoint(chart, 'wp', { namespace: 'shop' });
    expect(synth(chart)).toMatchSnapshot();
  });
  test('fails on an invalid name', () => {
    expect(() => new Waypoint(newChart(), 'wp', { namespace: 'shop', name: 'my.waypoint' })).toThrow(
      "test/wp: name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'my.waypoint'. Waypoint names are DNS labels such as 'waypoint'.");
  });
  test('fails on an invalid namespace in fromName, at the construct that uses the waypoint', () => {
    const waypoint = Waypoint.fromName('waypoint', 'Shop');
    expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT, useWaypoint: waypoint })).toThrow(
      "test/shop: useWaypoint.namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Shop'. Namespaces are DNS labels such as 'shop'.");
    expect(() => new AuthorizationPolicy(newChart(), 'p', { target: PolicyTarget.waypoint(waypoint), rules: [{ to: [{ methods: ['GET'] }] }] })).toThrow(
      "test/p: target.namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Shop'.");
  });
});

describe('ambient identities behind a waypoint', () => {
  test('a namespace-wide identity policy attaches to the waypoint', () => {
    const chart = ambientChart(true);
    new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.namespace('shop'), rules: fromSleep });
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'p', 'shop').spec.targetRefs)
      .toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
  });
  test('without a waypoint it stays on ztunnel', () => {
    const chart = ambientChart(false);
    new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.namespace('shop'), rules: fromSleep });
    const spec = findOne(synth(chart), 'AuthorizationPolicy', 'p', 'shop').spec;
    expect(spec.targetRefs).toBeUndefined();
    expect(spec.selector).toBeUndefined();
  });
  test('fails: an identity policy by selector behind a waypoint', () => {
    const chart = ambientChart(true);
    new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.selector('shop', { app: 'db' }), rules: fromSleep });
    expect(() => synth(chart)).toThrow(
      "test/p: target selects pods by labels in ambient namespace 'shop', but this policy matches source identities (principals), and behind a waypoint ztunnel sees the waypoint's identity instead of the client's, got 'shop'. Waypoints ignore selector policies and ztunnel enforces only L4; target the service (PolicyTarget.service or PolicyTarget.serviceName) or the whole namespace (PolicyTarget.namespace), which attach to the waypoint.");
  });
});

test("fails at the MtlsNamespace, naming waypoint.name, when its waypoint's name is another Waypoint's", () => {
  // Given a Waypoint named 'waypoint' in 'default'
  const chart = newChart();
  new Waypoint(chart, 'wp', { namespace: 'default' });
  // When a namespace asks for its own waypoint there, under the same default name
  // Then the error is the namespace's, not its internal child's
  expect(() => new MtlsNamespace(chart, 'ns', { name: 'default', dataplane: Dataplane.AMBIENT, waypoint: {} }))
    .toThrow(/^test\/ns: waypoint\.name must be unique, but KubernetesGateway|^test\/ns: waypoint\.name must be unique/);
});
