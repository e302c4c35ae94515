import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AuthorizationAction, AuthorizationPolicy, ConditionKey, ExtensionProvider, JwtAuthentication, MeshConfig, MeshMtls, MtlsMode, MtlsNamespace,
  PolicyTarget, WorkloadIdentity,
} from '../../src';
import { SecurityRegistry } from '../../src/security/security-registry';
import { findOne, newChart, synth } from '../helpers';

const httpbin = PolicyTarget.selector('foo', { app: 'httpbin' });

/** CUSTOM policies name an ext-authz provider of the app's MeshConfig (checked at synth). */
function withOpa(chart: Chart): void {
  new MeshConfig(chart, 'mesh-config', { extensionProviders: [ExtensionProvider.envoyExtAuthzGrpc('opa', { service: 'opa.opa.svc.cluster.local', port: 9191 })] });
}
const sleep = WorkloadIdentity.fromName('sleep', 'foo');

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('AuthorizationPolicy', () => {
  test('defaults: an ALLOW policy on a workload', () => {
    const chart = newChart();
    new AuthorizationPolicy(chart, 'httpbin', { target: httpbin, rules: [{ from: [{ identities: [sleep] }] }] });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'AuthorizationPolicy', 'httpbin', 'foo').spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }],
    });
  });

  test('every source, operation and condition field renders in wire format', () => {
    const chart = newChart();
    new AuthorizationPolicy(chart, 'full', {
      target: PolicyTarget.namespace('foo'),
      action: AuthorizationAction.DENY,
      rules: [{
        from: [{
          identities: [sleep],
          notIdentities: [WorkloadIdentity.fromName('bad', 'foo', { trustDomain: 'example.org' })],
          principals: ['cluster.local/ns/bar/sa/*'],
          notPrincipals: ['*/ns/evil/sa/x'],
          namespaces: ['bar'],
          notNamespaces: ['test-*'],
          ipBlocks: ['10.0.0.0/8'],
          notIpBlocks: ['10.1.0.0/16'],
          remoteIpBlocks: ['203.0.113.0/24'],
          notRemoteIpBlocks: ['203.0.113.7'],
          requestPrincipals: ['https://issuer.example.com/*'],
          notRequestPrincipals: ['https://issuer.example.com/robot'],
        }],
        to: [{
          hosts: ['api.example.com'],
          notHosts: ['*.internal'],
          ports: [8080],
          notPorts: [9090],
          methods: ['POST'],
          notMethods: ['GET'],
          paths: ['/api/*', '/users/{*}/orders/{**}'],
          notPaths: ['*.html'],
        }],
        when: [
          { key: ConditionKey.claim('groups'), values: ['admin'] },
          { key: ConditionKey.requestHeader('x-tenant'), notValues: ['other'] },
          { key: ConditionKey.DESTINATION_PORT, values: ['8080'] },
        ],
      }],
    });
    const rule = findOne(synth(chart), 'AuthorizationPolicy', 'full', 'foo').spec.rules[0];
    expect(rule.from[0].source.principals).toEqual(['cluster.local/ns/foo/sa/sleep', 'cluster.local/ns/bar/sa/*']);
    expect(rule.from[0].source.notPrincipals).toEqual(['example.org/ns/foo/sa/bad', '*/ns/evil/sa/x']);
    expect(rule.to[0].operation.ports).toEqual(['8080']);
    expect(rule.to[0].operation.notPorts).toEqual(['9090']);
    expect(rule.when[0]).toEqual({ key: 'request.auth.claims[groups]', values: ['admin'] });
  });

  test('rules added after construction are rendered', () => {
    const chart = newChart();
    const policy = new AuthorizationPolicy(chart, 'p', { target: httpbin });
    policy.addRule({ to: [{ methods: ['GET'] }] });
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'p').spec.rules).toEqual([{ to: [{ operation: { methods: ['GET'] } }] }]);
  });

  test('presets', () => {
    const chart = newChart();
    const gateway = WorkloadIdentity.ingressGateway();
    AuthorizationPolicy.allowNothing(chart, 'allow-nothing', { target: PolicyTarget.namespace('foo') });
    AuthorizationPolicy.denyAll(chart, 'deny-all', { target: PolicyTarget.namespace('bar') });
    AuthorizationPolicy.allowOnlyFrom(chart, 'from-sleep', { target: httpbin }, [sleep]);
    AuthorizationPolicy.allowOnlyFromNamespaces(chart, 'from-bar', { target: httpbin, name: 'httpbin-from-bar' }, ['bar']);
    AuthorizationPolicy.allowOnlyFromIngressGateway(chart, 'from-gateway', { target: httpbin });
    const manifests = synth(chart);
    expect(findOne(manifests, 'AuthorizationPolicy', 'allow-nothing', 'foo').spec).toEqual({ action: 'ALLOW' });
    expect(findOne(manifests, 'AuthorizationPolicy', 'deny-all', 'bar').spec).toEqual({ action: 'DENY', rules: [{}] });
    expect(findOne(manifests, 'AuthorizationPolicy', 'httpbin-from-bar').spec.rules).toEqual([{ from: [{ source: { namespaces: ['bar'] } }] }]);
    expect(findOne(manifests, 'AuthorizationPolicy', 'from-gateway').spec.rules[0].from[0].source.principals)
      .toEqual([gateway.principal]);
    expect(gateway.principal).toBe('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
  });

  test('allowAll: one empty rule, on purpose', () => {
    // Given a namespace locked down with allowNothing
    const chart = newChart();
    AuthorizationPolicy.allowNothing(chart, 'allow-nothing', { target: PolicyTarget.namespace('foo') });
    // When one public workload allows everything
    AuthorizationPolicy.allowAll(chart, 'public', { target: httpbin, name: 'httpbin-public' });
    // Then it renders Istio's allow-everything form for that workload only
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'httpbin-public', 'foo').spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } }, action: 'ALLOW', rules: [{}],
    });
    expect(SecurityRegistry.of(chart).warnings).toEqual([]);
  });

  test('AUDIT and CUSTOM rules may be empty (they neither grant nor refuse access by themselves)', () => {
    const chart = newChart();
    new AuthorizationPolicy(chart, 'audit', { target: httpbin, action: AuthorizationAction.AUDIT, rules: [{}] });
    withOpa(chart);
    new AuthorizationPolicy(chart, 'ext', { target: httpbin, action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{}] });
    const manifests = synth(chart);
    expect(findOne(manifests, 'AuthorizationPolicy', 'audit').spec.rules).toEqual([{}]);
    expect(findOne(manifests, 'AuthorizationPolicy', 'ext').spec.rules).toEqual([{}]);
  });

  test('CUSTOM with a provider, mesh-wide', () => {
    const chart = newChart();
    withOpa(chart);
    new AuthorizationPolicy(chart, 'ext-authz', {
      target: PolicyTarget.mesh(), action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [{ paths: ['/admin/*'] }] }],
    });
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'ext-authz', 'istio-system').spec).toEqual({
      action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }],
    });
  });

  test('a kplus workload and service as targets (sidecar namespace)', () => {
    const chart = newChart({ namespace: 'foo' });
    const deployment = new kplus.Deployment(chart, 'httpbin', { containers: [{ image: 'httpbin', portNumber: 8080 }] });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'httpbin' } }));
    const service = deployment.exposeViaService();
    new AuthorizationPolicy(chart, 'by-workload', { target: PolicyTarget.workload(deployment), rules: [{ to: [{ ports: [8080] }] }] });
    new AuthorizationPolicy(chart, 'by-service', { target: PolicyTarget.service(service), rules: [{ to: [{ ports: [8080] }] }] });
    const manifests = synth(chart);
    expect(findOne(manifests, 'AuthorizationPolicy', 'by-workload', 'foo').spec.selector.matchLabels.app).toBe('httpbin');
    const serviceSelector = findOne(manifests, 'Service', service.name).spec.selector;
    expect(Object.keys(serviceSelector).length).toBeGreaterThan(0);
    expect(findOne(manifests, 'AuthorizationPolicy', 'by-service', 'foo').spec.selector.matchLabels).toEqual(serviceSelector);
  });

  test('escape hatch', () => {
    const chart = newChart();
    const policy = AuthorizationPolicy.allowNothing(chart, 'p', { target: httpbin });
    ApiObject.of(policy).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'istio.io/dry-run': 'true' }));
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'p').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
  });

  describe('fails', () => {
    const fails = (rules: any[], message: string, extra: any = {}) =>
      expect(() => new AuthorizationPolicy(newChart(), 'p', { target: httpbin, rules, ...extra })).toThrow(message);

    test('CUSTOM without provider', () => {
      fails([{}], "test/p: provider must be set for CUSTOM, got ''. Name the ext-authz provider from MeshConfig extensionProviders, e.g. provider: 'my-ext-authz'.",
        { action: AuthorizationAction.CUSTOM });
    });
    test('a provider without CUSTOM', () => {
      fails([{}], "test/p: provider is only used with AuthorizationAction.CUSTOM, got 'opa'. Remove provider, or set action: AuthorizationAction.CUSTOM (the action is ALLOW).",
        { provider: 'opa' });
    });
    test('CUSTOM with principals', () => {
      fails([{ from: [{ identities: [sleep] }] }],
        'test/p: rules[0].from[0].principals is not supported with AuthorizationAction.CUSTOM, got ["cluster.local/ns/foo/sa/sleep"]. The external authorizer runs before identities are checked; match on IPs, hosts, paths or methods, and check identities in a DENY or ALLOW policy.',
        { action: AuthorizationAction.CUSTOM, provider: 'opa' });
    });
    test('CUSTOM with a JWT condition', () => {
      fails([{ when: [{ key: 'request.auth.principal', values: ['x/y'] }] }],
        "test/p: rules[0].when[0].key is not supported with AuthorizationAction.CUSTOM, got 'request.auth.principal'. The external authorizer runs before identities and JWTs are checked; use a DENY or ALLOW policy for this condition.",
        { action: AuthorizationAction.CUSTOM, provider: 'opa' });
    });
    test('DENY without rules (at synth)', () => {
      const chart = newChart();
      new AuthorizationPolicy(chart, 'p', { target: httpbin, action: AuthorizationAction.DENY });
      expect(() => synth(chart)).toThrow(
        'test/p: rules must not be empty for action DENY, got []. A DENY policy without rules never matches (istiod rejects it); add a rule, or use AuthorizationPolicy.denyAll to match every request.');
    });
    test('an empty ALLOW rule (allows everything)', () => {
      fails([{}],
        'test/p: rules[0] must set from, to or when (an empty rule matches every request, so the policy allows everything), got {}. To allow every request on purpose, use AuthorizationPolicy.allowAll; otherwise say whom (from), what (to) or when the rule allows.');
    });
    test('an empty ALLOW rule added later', () => {
      const policy = new AuthorizationPolicy(newChart(), 'p', { target: httpbin, rules: [{ to: [{ methods: ['GET'] }] }] });
      expect(() => policy.addRule({})).toThrow('test/p: rules[1] must set from, to or when (an empty rule matches every request, so the policy allows everything), got {}.');
    });
    test('an empty DENY rule (denies everything)', () => {
      fails([{}],
        'test/p: rules[0] must set from, to or when (an empty rule matches every request, so the policy denies everything), got {}. To deny every request on purpose, use AuthorizationPolicy.denyAll; otherwise say whom (from), what (to) or when the rule denies.',
        { action: AuthorizationAction.DENY });
    });
    test('more rules than the CRD allows', () => {
      const policy = new AuthorizationPolicy(newChart(), 'p', { target: httpbin });
      for (let port = 1; port <= 512; port++) policy.addRule({ to: [{ ports: [port] }] });
      expect(() => policy.addRule({ to: [{ ports: [513] }] })).toThrow(
        "test/p: rules must have at most 512 rules (the CRD's limit), got 513. Merge rules that share sources or operations (values within a field are ORed), or split the policy.");
    });
    test('more sources in a rule than the CRD allows', () => {
      const from = Array.from({ length: 513 }, (_, i) => ({ ipBlocks: [`10.0.${Math.floor(i / 256)}.${i % 256}`] }));
      fails([{ from }], "test/p: rules[0].from must have at most 512 sources (the CRD's limit), got 513. Merge sources (values within a field are ORed), or split the rule.");
    });
    test('a rule that is not an object', () => {
      fails([null], 'test/p: rules[0] must be a rule object, got null. Pass { from, to, when } with at least one of them set.');
    });
    test('a path template with a literal segment after {**} (istiod rejects it)', () => {
      fails([{ to: [{ paths: ['/a/{**}/b'] }] }],
        "test/p: rules[0].to[0].paths must have '{**}' as its last segment (it matches the rest of the path), got '/a/{**}/b'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
    test('a path template with a trailing slash after {**}', () => {
      fails([{ to: [{ notPaths: ['/a/{**}/'] }] }],
        "test/p: rules[0].to[0].notPaths must have '{**}' as its last segment (it matches the rest of the path), got '/a/{**}/'.");
    });
    test('allowOnlyFrom without identities names the argument', () => {
      expect(() => AuthorizationPolicy.allowOnlyFrom(newChart(), 'p', { target: httpbin }, [])).toThrow(
        "test/p: identities must not be an empty list (istiod drops it, which changes what the rule matches), got []. Name at least one identity, e.g. [WorkloadIdentity.fromName('sleep', 'foo')]; AuthorizationPolicy.allowNothing allows none.");
    });
    test('allowOnlyFromNamespaces without namespaces names the argument', () => {
      expect(() => AuthorizationPolicy.allowOnlyFromNamespaces(newChart(), 'p', { target: httpbin }, [])).toThrow(
        "test/p: namespaces must not be an empty list (istiod drops it, which changes what the rule matches), got []. Name at least one namespace, e.g. ['foo']; AuthorizationPolicy.allowNothing allows none.");
    });
    test('allowOnlyFromNamespaces with an invalid namespace names the argument', () => {
      expect(() => AuthorizationPolicy.allowOnlyFromNamespaces(newChart(), 'p', { target: httpbin }, ['Foo'])).toThrow(
        "test/p: namespaces must be a namespace name (lowercase letters, digits and -), got 'Foo'. Use namespace names such as 'foo', or 'prod-*'.");
    });
    test('allowOnlyFromNamespaces with a repeated namespace names the argument', () => {
      expect(() => AuthorizationPolicy.allowOnlyFromNamespaces(newChart(), 'p', { target: httpbin }, ['bar', 'bar'])).toThrow(
        'test/p: namespaces must not repeat a value, got ["bar","bar"]. List each value once.');
    });
    test('an empty from list', () => {
      fails([{ from: [] }], 'test/p: rules[0].from must not be an empty list (istiod drops it, which changes what the rule matches), got []. Leave from out to match every source.');
    });
    test('an empty to list', () => {
      fails([{ to: [] }], 'test/p: rules[0].to must not be an empty list (istiod drops it, which changes what the rule matches), got []. Leave to out to match every operation.');
    });
    test('an empty when list', () => {
      fails([{ when: [] }], 'test/p: rules[0].when must not be an empty list (istiod drops it, which changes what the rule matches), got []. Leave when out for no conditions.');
    });
    test('an empty source', () => {
      fails([{ from: [{}] }], 'test/p: rules[0].from[0] must set at least one field, got {}. An empty source is rejected by istiod; leave from out to match every source.');
    });
    test('an empty operation', () => {
      fails([{ to: [{}] }], 'test/p: rules[0].to[0] must set at least one field, got {}. An empty operation is rejected by istiod; leave to out to match every operation.');
    });
    test('an empty identities list', () => {
      fails([{ from: [{ identities: [] }] }],
        'test/p: rules[0].from[0].identities must not be an empty list (istiod drops it, which changes what the rule matches), got []. Leave the field out instead.');
    });
    test('an empty value list', () => {
      fails([{ from: [{ namespaces: [] }] }],
        'test/p: rules[0].from[0].namespaces must not be an empty list (istiod drops it, which changes what the rule matches), got []. Leave the field out instead.');
    });
    test('a repeated value', () => {
      fails([{ to: [{ methods: ['GET', 'GET'] }] }], 'test/p: rules[0].to[0].methods must not repeat a value, got ["GET","GET"]. List each value once.');
    });
    test('a malformed principal', () => {
      fails([{ from: [{ principals: ['sleep'] }] }],
        "test/p: rules[0].from[0].principals must have the form '<trustDomain>/ns/<namespace>/sa/<serviceAccount>', got 'sleep'. Use WorkloadIdentity, or 'cluster.local/ns/<namespace>/sa/<account>'.");
    });
    test('a spiffe:// principal', () => {
      fails([{ from: [{ principals: ['spiffe://cluster.local/ns/a/sa/b'] }] }],
        "test/p: rules[0].from[0].principals must not start with 'spiffe://' (Istio principals leave the scheme out), got 'spiffe://cluster.local/ns/a/sa/b'. Use WorkloadIdentity, or 'cluster.local/ns/<namespace>/sa/<account>'.");
    });
    test('a wildcard in the middle', () => {
      fails([{ from: [{ principals: ['cluster.local/ns/*/sa/x'] }] }],
        "test/p: rules[0].from[0].principals may use '*' only once, at the start or at the end (prefix, suffix or presence match), got 'cluster.local/ns/*/sa/x'. Use WorkloadIdentity, or 'cluster.local/ns/<namespace>/sa/<account>'.");
    });
    test('an invalid namespace', () => {
      fails([{ from: [{ namespaces: ['Foo'] }] }],
        "test/p: rules[0].from[0].namespaces must be a namespace name (lowercase letters, digits and -), got 'Foo'. Use namespace names such as 'foo', or 'prod-*'.");
    });
    test('an invalid IP block', () => {
      fails([{ from: [{ ipBlocks: ['10.0.0.0/33'] }] }],
        "test/p: rules[0].from[0].ipBlocks must have a prefix length from 0 to 32, got '10.0.0.0/33'. Use IPs or CIDR blocks such as 10.0.0.0/16.");
    });
    test('a request principal without subject', () => {
      fails([{ from: [{ requestPrincipals: ['https:'] }] }],
        "test/p: rules[0].from[0].requestPrincipals must have the form '<issuer>/<subject>' (the JWT's iss and sub claims), got 'https:'. Use '<issuer>/<subject>', e.g. 'https://issuer.example.com/*', or '*' for any valid token.");
    });
    test('a lowercase method', () => {
      fails([{ to: [{ methods: ['get'] }] }], "test/p: rules[0].to[0].methods must be uppercase (did you mean 'GET'?), got 'get'. gRPC calls are POST.");
    });
    test('an unknown method', () => {
      fails([{ to: [{ methods: ['FETCH'] }] }],
        "test/p: rules[0].to[0].methods must be an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH), got 'FETCH'. gRPC calls are POST.");
    });
    test('a relative path', () => {
      fails([{ to: [{ paths: ['api/v1'] }] }],
        "test/p: rules[0].to[0].paths must start with '/' (or '*' for a suffix match), got 'api/v1'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
    test('a path template with {**} before another operator', () => {
      fails([{ to: [{ paths: ['/a/{**}/{*}'] }] }],
        "test/p: rules[0].to[0].paths must have '{**}' as its last segment (it matches the rest of the path), got '/a/{**}/{*}'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
    test('a partial path template segment', () => {
      fails([{ to: [{ paths: ['/a/x{*}'] }] }],
        "test/p: rules[0].to[0].paths may use only whole-segment '{*}' or '{**}' operators in a path template, got '/a/x{*}'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
    test('a host with a wildcard in the middle', () => {
      fails([{ to: [{ hosts: ['api.*.com'] }] }],
        "test/p: rules[0].to[0].hosts may use '*' only once, at the start or at the end (prefix, suffix or presence match), got 'api.*.com'. Use hosts such as 'api.example.com' or '*.example.com'.");
    });
    test('an invalid port', () => {
      fails([{ to: [{ ports: [70000] }] }], 'test/p: rules[0].to[0].ports must be a whole number from 1 to 65535, got 70000. Use the workload port number, e.g. 8080.');
    });
    test('an unknown condition key', () => {
      fails([{ when: [{ key: 'request.path', values: ['/'] }] }],
        "test/p: rules[0].when[0].key must be a known attribute (request.headers[<name>], source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<claim>], destination.ip, destination.port, connection.sni), got 'request.path'. Build keys with ConditionKey, e.g. ConditionKey.claim('groups').");
    });
    test('a condition without values', () => {
      fails([{ when: [{ key: 'source.ip' }] }],
        'test/p: rules[0].when[0] must set values or notValues, got {"key":"source.ip"}. Say which values of source.ip match, e.g. values: [\'admin\'].');
    });
    test('a condition on source.ip with a bad IP', () => {
      fails([{ when: [{ key: 'source.ip', values: ['10.0.0'] }] }],
        "test/p: rules[0].when[0].values must be an IP address or CIDR block such as 10.0.0.0/16, got '10.0.0'. Give values source.ip may take.");
    });
    test('an invalid name', () => {
      expect(() => new AuthorizationPolicy(newChart(), 'p', { target: httpbin, name: 'Bad_Name' })).toThrow(
        "test/p: name must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Bad_Name'. Use a name such as 'reviews' or 'reviews.v2' (lowercase, at most 253 characters).");
    });
    test('a service target by name in a sidecar namespace', () => {
      const chart = newChart();
      new MtlsNamespace(chart, 'foo');
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.serviceName('httpbin', 'foo'), rules: [{ to: [{ ports: [80] }] }] });
      expect(() => synth(chart)).toThrow(
        "test/p: target cannot be service 'httpbin' by name in namespace 'foo', which uses sidecars, got 'foo'. Sidecars only honour pod selectors; target PolicyTarget.service(kplus.Service), PolicyTarget.workload or PolicyTarget.selector (or declare the namespace ambient with a waypoint).");
    });
    test('a kplus workload without selector', () => {
      const chart = newChart({ namespace: 'foo' });
      const deployment = new kplus.Deployment(chart, 'app', { containers: [{ image: 'x' }], select: false });
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.workload(deployment), rules: [{ to: [{ ports: [80] }] }] });
      expect(() => synth(chart)).toThrow(
        `test/p: target cannot be enforced: workload '${deployment.name}' has no pod selector labels, got 'foo'. Sidecars and ztunnel find pods by labels; give the workload a selector (workload.select(...)), or target the pods with PolicyTarget.selector.`);
    });
    test('a kplus service without selector', () => {
      const chart = newChart({ namespace: 'foo' });
      const service = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
      new AuthorizationPolicy(chart, 'p', { target: PolicyTarget.service(service), rules: [{ to: [{ ports: [80] }] }] });
      expect(() => synth(chart)).toThrow(
        `test/p: target cannot be enforced: service '${service.name}' has no pod selector labels, got 'foo'. Sidecars and ztunnel find pods by labels; give the Service a selector, or target the pods with PolicyTarget.workload or PolicyTarget.selector.`);
    });
  });

  describe('cross-construct checks', () => {
    test('fails: a DENY on principals where mTLS is PERMISSIVE', () => {
      const chart = newChart();
      new MtlsNamespace(chart, 'foo', { mtls: MtlsMode.PERMISSIVE });
      new AuthorizationPolicy(chart, 'p', { target: httpbin, action: AuthorizationAction.DENY, rules: [{ from: [{ namespaces: ['evil'] }] }] });
      expect(() => synth(chart)).toThrow(
        "test/p: rules use namespaces, which only exist with mutual TLS, but namespace 'foo' is PERMISSIVE, got [\"namespaces\"]. Plaintext requests carry no identity, so they would bypass this DENY policy; make mTLS STRICT, or deny by IP block.");
    });

    test('warns: an ALLOW on principals where the mesh default is DISABLE', () => {
      const chart = newChart();
      new MeshMtls(chart, 'mesh', { mode: MtlsMode.DISABLE });
      AuthorizationPolicy.allowOnlyFrom(chart, 'p', { target: httpbin }, [sleep]);
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([
        "test/p: uses principals, which only exist with mutual TLS, but the mesh (root namespace 'istio-system') is DISABLE; plaintext requests carry no identity, so this policy matches no request. Make mTLS STRICT.",
      ]);
      // Printed once, with the library's one warning prefix (the analysis's CIS2002 on the same policy comes through the same channel).
      const printed = (console.warn as jest.Mock).mock.calls.map((c) => String(c[0])).filter((t) => t.includes('uses principals'));
      expect(printed).toEqual([`[cdk8s-istio] warning: ${SecurityRegistry.of(chart).warnings[0]}`]);
    });

    test('no finding where mTLS is STRICT or unknown', () => {
      const chart = newChart();
      new MtlsNamespace(chart, 'foo');
      AuthorizationPolicy.allowOnlyFrom(chart, 'p', { target: httpbin }, [sleep]);
      AuthorizationPolicy.allowOnlyFrom(chart, 'q', { target: PolicyTarget.namespace('elsewhere') }, [sleep]);
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([]);
    });

    test('warns: ALLOW policies under a namespace-wide denyAll', () => {
      const chart = newChart();
      AuthorizationPolicy.denyAll(chart, 'deny', { target: PolicyTarget.namespace('foo') });
      AuthorizationPolicy.allowOnlyFrom(chart, 'p', { target: httpbin }, [sleep]);
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([
        "test/p: 'test/deny' denies every request before ALLOW policies are evaluated, so this policy never allows anything. Use AuthorizationPolicy.allowNothing as the base of a locked-down namespace.",
      ]);
    });

    test('warns: an ALLOW whose only rule contradicts itself', () => {
      const chart = newChart();
      new AuthorizationPolicy(chart, 'p', { target: httpbin, rules: [{ to: [{ methods: ['GET'], notMethods: ['GET'] }] }] });
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([
        'test/p: every rule lists a value both as required and as excluded, so this ALLOW policy matches no request and denies everything it applies to.',
      ]);
    });

    test('warns: an ALLOW on request principals without any JwtAuthentication', () => {
      const chart = newChart();
      new AuthorizationPolicy(chart, 'p', { target: httpbin, rules: [{ from: [{ requestPrincipals: ['*'] }] }] });
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([
        "test/p: every rule requires a request principal, but no JwtAuthentication of this app covers namespace 'foo'; without a RequestAuthentication no request has one, so this policy allows nothing.",
      ]);
    });

    test('no JWT warning when a JwtAuthentication covers the namespace', () => {
      const chart = newChart();
      new JwtAuthentication(chart, 'jwt', { target: httpbin, issuer: 'https://issuer.example.com', requireToken: false });
      new AuthorizationPolicy(chart, 'p', { target: httpbin, rules: [{ from: [{ requestPrincipals: ['*'] }] }] });
      synth(chart);
      expect(SecurityRegistry.of(chart).warnings).toEqual([]);
    });
  });
});

describe('WorkloadIdentity', () => {
  test('from a kplus ServiceAccount in a chart namespace, with a trust domain', () => {
    const chart = newChart({ namespace: 'foo' });
    const sa = new kplus.ServiceAccount(chart, 'sleep', { metadata: { name: 'sleep' } });
    expect(WorkloadIdentity.fromServiceAccount(sa, { trustDomain: 'prod.example.com' }).principal).toBe('prod.example.com/ns/foo/sa/sleep');
  });

  // The factory cannot say where the identity is used: the policy that uses it reports it, naming its prop.
  const allowFrom = (identity: WorkloadIdentity) => () =>
    AuthorizationPolicy.allowOnlyFrom(newChart(), 'p', { target: PolicyTarget.namespace('foo') }, [identity]);

  test('fails on an invalid namespace, at the policy that uses it', () => {
    const identity = WorkloadIdentity.fromName('sleep', 'Foo');
    expect(allowFrom(identity)).toThrow(
      "test/p: identities[0].namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Foo'. Namespaces are DNS labels such as 'default'.");
  });

  test('fails on an invalid service account, at the rule that uses it', () => {
    const identity = WorkloadIdentity.fromName('Sleep', 'foo');
    expect(() => new AuthorizationPolicy(newChart(), 'p', { target: PolicyTarget.namespace('foo'), rules: [{ from: [{ identities: [identity] }] }] })).toThrow(
      "test/p: rules[0].from[0].identities[0].serviceAccount must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Sleep'. Service account names look like 'sleep' or 'bookinfo-productpage'.");
  });

  test('fails on an invalid trust domain', () => {
    expect(allowFrom(WorkloadIdentity.fromName('sleep', 'foo', { trustDomain: 'Bad Domain' }))).toThrow(
      "test/p: identities[0].trustDomain must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase), got 'Bad Domain'. Use the mesh's trust domain (MeshConfig trustDomain), usually 'cluster.local'.");
  });

  test('fails on a plain object instead of an identity', () => {
    expect(allowFrom({ principal: 'cluster.local/ns/foo/sa/sleep' } as any)).toThrow(
      "test/p: identities[0] must be a WorkloadIdentity, got {\"principal\":\"cluster.local/ns/foo/sa/sleep\"}. Use WorkloadIdentity.fromName('sleep', 'foo') or another WorkloadIdentity factory.");
  });
});
