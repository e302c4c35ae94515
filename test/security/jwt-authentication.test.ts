import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { AuthorizationAction, AuthorizationPolicy, JwtAuthentication, MeshAnalysis, PolicyTarget } from '../../src';
import { SecurityRegistry } from '../../src/security/security-registry';
import { findAll, findOne, newChart, synth } from '../helpers';

const api = PolicyTarget.selector('shop', { app: 'api' });
const issuer = 'https://accounts.example.com';

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('JwtAuthentication', () => {
  test('defaults: RequestAuthentication plus a DENY policy for token-less requests', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'api-jwt', { target: api, issuer, jwksUri: `${issuer}/jwks.json` });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'RequestAuthentication', 'api-jwt', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'api' } },
      jwtRules: [{ issuer, jwksUri: `${issuer}/jwks.json` }],
    });
    expect(findOne(manifests, 'AuthorizationPolicy', 'api-jwt-require-jwt', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'api' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }],
    });
  });

  test('every token option renders in wire format', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', {
      target: api,
      issuer,
      jwks: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'abc', e: 'AQAB' }] }),
      audiences: ['api.example.com'],
      fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }],
      fromParams: ['token'],
      fromCookies: ['session'],
      forwardOriginalToken: true,
      outputPayloadToHeader: 'x-jwt-payload',
      outputClaimToHeaders: [{ claim: 'sub', header: 'x-user' }],
      timeout: Duration.seconds(3),
    });
    expect(findOne(synth(chart), 'RequestAuthentication', 'jwt').spec.jwtRules[0]).toEqual({
      issuer,
      audiences: ['api.example.com'],
      jwks: '{"keys":[{"kty":"RSA","kid":"k1","n":"abc","e":"AQAB"}]}',
      fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }],
      fromParams: ['token'],
      fromCookies: ['session'],
      forwardOriginalToken: true,
      outputPayloadToHeader: 'x-jwt-payload',
      outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }],
      timeout: '3s',
    });
  });

  test('paths, subjects and required claims shape the companion policy', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', {
      target: api,
      issuer,
      requireTokenPaths: ['/api/*'],
      subjects: ['alice', 'bob'],
      requiredClaims: [{ claim: 'scope', values: ['orders:read'] }, { claim: 'realm_access.roles', values: ['admin'] }],
    });
    expect(findOne(synth(chart), 'AuthorizationPolicy', 'jwt-require-jwt').spec.rules).toEqual([
      { from: [{ source: { notRequestPrincipals: [`${issuer}/alice`, `${issuer}/bob`] } }], to: [{ operation: { paths: ['/api/*'] } }] },
      { to: [{ operation: { paths: ['/api/*'] } }], when: [{ key: 'request.auth.claims[scope]', notValues: ['orders:read'] }] },
      { to: [{ operation: { paths: ['/api/*'] } }], when: [{ key: 'request.auth.claims[realm_access][roles]', notValues: ['admin'] }] },
    ]);
  });

  test('requireTokenPorts limits the companion DENY to the HTTP ports (no IST0133)', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', { target: api, issuer, requireTokenPaths: ['/api/*'], requireTokenPorts: [8080, 8443] });
    const manifests = synth(chart);
    expect(findOne(manifests, 'AuthorizationPolicy', 'jwt-require-jwt').spec.rules).toEqual([
      { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'], ports: ['8080', '8443'] } }] },
    ]);
    expect(MeshAnalysis.analyze(manifests).filter((f) => f.code === 'IST0133')).toEqual([]);
  });

  test('requireToken false: no companion, and a warning unless a policy requires a principal', () => {
    const chart = newChart();
    const jwt = new JwtAuthentication(chart, 'jwt', { target: api, issuer, requireToken: false });
    const manifests = synth(chart);
    expect(jwt.requirement).toBeUndefined();
    expect(findAll(manifests, 'AuthorizationPolicy')).toHaveLength(0);
    expect(SecurityRegistry.of(chart).warnings).toEqual([
      "test/jwt: requireToken is false and no AuthorizationPolicy in namespace 'shop' requires a request principal, so requests without a token are accepted. Keep requireToken, or add a policy with requestPrincipals.",
    ]);
  });

  test('requireToken false with an ALLOW policy on request principals: no warning', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', { target: api, issuer, requireToken: false });
    new AuthorizationPolicy(chart, 'p', { target: api, action: AuthorizationAction.ALLOW, rules: [{ from: [{ requestPrincipals: [`${issuer}/*`] }] }] });
    synth(chart);
    expect(SecurityRegistry.of(chart).warnings).toEqual([]);
  });

  test('warns about a plain-http jwksUri', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', { target: api, issuer, jwksUri: 'http://keys.internal/jwks.json' });
    synth(chart);
    expect(SecurityRegistry.of(chart).warnings).toEqual([
      "test/jwt: jwksUri 'http://keys.internal/jwks.json' uses plain http; keys fetched without TLS can be tampered with.",
    ]);
  });

  test('escape hatch', () => {
    const chart = newChart();
    const jwt = new JwtAuthentication(chart, 'jwt', { target: api, issuer });
    ApiObject.of(jwt).addJsonPatch(JsonPatch.add('/spec/jwtRules/0/spaceDelimitedClaims', ['roles']));
    expect(findOne(synth(chart), 'RequestAuthentication', 'jwt').spec.jwtRules[0].spaceDelimitedClaims).toEqual(['roles']);
  });

  describe('fails', () => {
    const fails = (props: any, message: string) =>
      expect(() => new JwtAuthentication(newChart(), 'jwt', { target: api, issuer, ...props })).toThrow(message);

    test('an empty issuer', () => {
      fails({ issuer: ' ' }, "test/jwt: issuer must not be empty, got ' '. Use the token's iss claim, e.g. 'https://accounts.example.com'.");
    });
    test('jwks and jwksUri together', () => {
      fails({ jwks: '{"keys":[]}', jwksUri: `${issuer}/jwks` },
        "test/jwt: jwks cannot be combined with jwksUri, got '<inline JWKS>'. Give the keys inline (jwks) or by URL (jwksUri), not both.");
    });
    test('a jwksUri that is not http(s)', () => {
      fails({ jwksUri: 'file:///keys.json' },
        "test/jwt: jwksUri must be an http(s) URL, got 'file:///keys.json'. Use the issuer's JWKS URL, e.g. 'https://accounts.example.com/.well-known/jwks.json'.");
    });
    test('inline jwks that is not JSON', () => {
      fails({ jwks: 'not json' }, "test/jwt: jwks must be a JSON Web Key Set, got 'not json'. Pass the JWKS document as JSON text: {\"keys\": [...]}.");
    });
    test('inline jwks without keys', () => {
      fails({ jwks: '{"keys":[]}' }, 'test/jwt: jwks must have a non-empty "keys" array, got \'{"keys":[]}\'. Pass the JWKS document as JSON text: {"keys": [...]}.');
    });
    test('inline jwks with a private key', () => {
      fails({ jwks: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'a', e: 'AQAB', d: 'secret' }] }) },
        "test/jwt: jwks.keys[0] must not contain private key material (d), got 'k1'. Only public keys are needed to verify tokens; publishing private keys in a manifest leaks them. Export the public JWKS.");
    });
    test('an empty audience list', () => {
      fails({ audiences: [] }, 'test/jwt: audiences must not be an empty list, got []. Leave the field out for the default.');
    });
    test('an empty audience', () => {
      fails({ audiences: [''] }, "test/jwt: audiences must not contain an empty string, got ''. Use the token's aud value, e.g. 'api.example.com'.");
    });
    test('an invalid header name', () => {
      fails({ fromHeaders: [{ name: 'x jwt' }] }, "test/jwt: fromHeaders[0].name must be a valid HTTP header name, got 'x jwt'. Use a header name such as 'x-jwt-payload'.");
    });
    test('an empty fromHeaders list', () => {
      fails({ fromHeaders: [] }, 'test/jwt: fromHeaders must not be an empty list, got []. Leave the field out for the default.');
    });
    test('an empty claim to forward', () => {
      fails({ outputClaimToHeaders: [{ claim: '', header: 'x-user' }] }, "test/jwt: outputClaimToHeaders[0].claim must not be empty, got ''. Name the claim, e.g. 'sub'.");
    });
    test('a timeout under 1ms', () => {
      fails({ timeout: Duration.millis(0) }, "test/jwt: timeout must be at least 1ms, got '0ms'. Istio durations are whole milliseconds, 1ms or more (e.g. Duration.millis(500)).");
    });
    test('paths without requireToken', () => {
      fails({ requireToken: false, requireTokenPaths: ['/api/*'] },
        'test/jwt: requireTokenPaths needs requireToken, got ["/api/*"]. Remove requireTokenPaths, or keep requireToken (the default).');
    });
    test('ports without requireToken', () => {
      fails({ requireToken: false, requireTokenPorts: [8080] },
        'test/jwt: requireTokenPorts needs requireToken, got [8080]. Remove requireTokenPorts, or keep requireToken (the default).');
    });
    test('an invalid port', () => {
      fails({ requireTokenPorts: [0] }, 'test/jwt: requireTokenPorts must be a whole number from 1 to 65535, got 0. Use the workload (container) ports that serve HTTP, e.g. 8080.');
    });
    test('subjects without requireToken', () => {
      fails({ requireToken: false, subjects: ['alice'] }, 'test/jwt: subjects needs requireToken, got ["alice"]. Remove subjects, or keep requireToken (the default).');
    });
    test('an empty subjects list', () => {
      fails({ subjects: [] }, 'test/jwt: subjects must not be empty, got []. Leave subjects out to accept any subject.');
    });
    test('a required claim without values', () => {
      fails({ requiredClaims: [{ claim: 'groups', values: [] }] }, "test/jwt: requiredClaims[0].values must not be empty, got []. List the accepted values, e.g. ['admin'].");
    });
    test('an invalid requireTokenPaths entry', () => {
      fails({ requireTokenPaths: ['api'] },
        "test/jwt/RequireJwt: rules[0].to[0].paths must start with '/' (or '*' for a suffix match), got 'api'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
  });
});
