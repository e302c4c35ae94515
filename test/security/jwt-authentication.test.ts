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

  test('every prop at its limits passes the admission and istiod layers', () => {
    // Given a JwtAuthentication with inline keys of every public type, claims, subjects, paths and ports
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', {
      target: api,
      issuer,
      jwks: JSON.stringify({
        keys: [
          { kty: 'RSA', kid: 'r', n: 'abc', e: 'AQAB' },
          { kty: 'EC', kid: 'e', crv: 'P-256', x: 'abc', y: 'def' },
          { kty: 'OKP', kid: 'o', crv: 'Ed25519', x: 'abc' },
        ],
      }),
      outputClaimToHeaders: [{ claim: 'sub', header: 'X_Jwt-Sub' }],
      subjects: ['alice', 'team-*'],
      requiredClaims: [{ claim: 'realm_access.roles', values: ['admin', 'ops'] }],
      requireTokenPaths: ['/api/{*}/orders/{**}', '*.json'],
      requireTokenPorts: [8080],
    });
    // When it is synthesized and analyzed
    const manifests = synth(chart);
    // Then no layer reports anything
    expect(MeshAnalysis.analyze(manifests)).toEqual([]);
  });

  describe('claims whose names contain dots', () => {
    const claimKeys = (requiredClaims: any[]) => {
      const chart = newChart();
      new JwtAuthentication(chart, 'jwt', { target: api, issuer, requiredClaims });
      return findOne(synth(chart), 'AuthorizationPolicy', 'jwt-require-jwt', 'shop').spec.rules.slice(1).map((r: any) => r.when[0].key);
    };

    test('claimPath takes names literally: a URL-like claim is one claim', () => {
      expect(claimKeys([{ claimPath: ['https://example.com/roles'], values: ['admin'] }])).toEqual(['request.auth.claims[https://example.com/roles]']);
    });

    test('claimPath also writes nested claims, with dots inside a name kept', () => {
      expect(claimKeys([{ claimPath: ['https://example.com/app', 'roles'], values: ['admin'] }]))
        .toEqual(['request.auth.claims[https://example.com/app][roles]']);
    });

    test('claim keeps splitting at dots for nested claims', () => {
      expect(claimKeys([{ claim: 'realm_access.roles', values: ['admin'] }])).toEqual(['request.auth.claims[realm_access][roles]']);
    });

    test('fails: a URL-like claim with dots, which would silently name a nested claim', () => {
      expect(() => new JwtAuthentication(newChart(), 'jwt', { target: api, issuer, requiredClaims: [{ claim: 'https://example.com/roles', values: ['a'] }] })).toThrow(
        "test/jwt: requiredClaims[0].claim must not be a name with dots and '/' or ':' (a URL-like claim): its dots would be read as nested claims, got 'https://example.com/roles'. "
        + "Istio reads 'https://example.com/roles' as the nested claims ['https://example', 'com/roles']; for a claim named 'https://example.com/roles' use claimPath: ['https://example.com/roles'].");
    });

    test('fails: both claim and claimPath, or neither', () => {
      const fails = (requirement: any) => expect(() => new JwtAuthentication(newChart(), 'jwt', { target: api, issuer, requiredClaims: [requirement] }));
      fails({ claim: 'groups', claimPath: ['groups'], values: ['a'] }).toThrow('test/jwt: requiredClaims[0] must set exactly one of claim and claimPath');
      fails({ values: ['a'] }).toThrow('test/jwt: requiredClaims[0] must set exactly one of claim and claimPath, got {"values":["a"]}.');
    });

    test('fails: an empty claimPath or a bracket in a name', () => {
      const fails = (claimPath: any) => expect(() => new JwtAuthentication(newChart(), 'jwt', { target: api, issuer, requiredClaims: [{ claimPath, values: ['a'] }] }));
      fails([]).toThrow("test/jwt: requiredClaims[0].claimPath must not be an empty list, got []. Give the claim's name, e.g. ['https://example.com/roles'].");
      fails(['a[0]']).toThrow("test/jwt: requiredClaims[0].claimPath must not contain '[' or ']' (Istio's claim keys are bracketed), got 'a[0]'.");
      fails(['']).toThrow("test/jwt: requiredClaims[0].claimPath must not contain an empty claim name, got ''.");
    });
  });

  test('a jwksUri with a short in-cluster host and port', () => {
    const chart = newChart();
    new JwtAuthentication(chart, 'jwt', { target: api, issuer, jwksUri: 'https://keycloak:8443/realms/shop/protocol/openid-connect/certs' });
    expect(findOne(synth(chart), 'RequestAuthentication', 'jwt').spec.jwtRules[0].jwksUri).toBe('https://keycloak:8443/realms/shop/protocol/openid-connect/certs');
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
    test('a jwks key without kty (istiod rejects the key set)', () => {
      fails({ jwks: JSON.stringify({ keys: [{ kid: 'k1', n: 'abc', e: 'AQAB' }] }) },
        "test/jwt: jwks.keys[0] must have a \"kty\" (key type) member, got 'k1'. istiod rejects the key set without it; export the JWKS from the issuer (kty is RSA, EC, OKP or oct).");
    });
    test('a jwks key without kty or kid is shown', () => {
      fails({ jwks: '{"keys":[{"n":"a"}]}' }, 'test/jwt: jwks.keys[0] must have a "kty" (key type) member, got \'{"n":"a"}\'.');
    });
    test('a jwks key of an unknown type', () => {
      fails({ jwks: JSON.stringify({ keys: [{ kty: 'rsa', n: 'abc', e: 'AQAB' }] }) },
        "test/jwt: jwks.keys[0].kty must be a known key type (RSA, EC, OKP, oct), got 'rsa'. Key types are case-sensitive, e.g. 'RSA' or 'EC'.");
    });
    test("a jwks key type that is an object property's name", () => {
      fails({ jwks: JSON.stringify({ keys: [{ kty: 'constructor', kid: 'k' }] }) },
        "test/jwt: jwks.keys[0].kty must be a known key type (RSA, EC, OKP, oct), got 'constructor'.");
    });
    test('a jwks key that is not an object', () => {
      fails({ jwks: '{"keys":[null]}' },
        'test/jwt: jwks.keys[0] must be a JSON Web Key object, got null. Each entry of "keys" is an object such as {"kty": "RSA", "n": "...", "e": "AQAB"}.');
    });
    test('a jwks key without its public members', () => {
      fails({ jwks: JSON.stringify({ keys: [{ kty: 'EC', kid: 'ec1', crv: 'P-256', x: 'abc' }] }) },
        "test/jwt: jwks.keys[0] must have the EC members y, got 'ec1'. A key without them cannot verify any token; export the public JWKS from the issuer.");
    });
    test('an outputClaimToHeaders header the CRD rejects', () => {
      fails({ outputClaimToHeaders: [{ claim: 'sub', header: 'x.user' }] },
        "test/jwt: outputClaimToHeaders[0].header must be a header name of letters, digits, '-' and '_', got 'x.user'. Use a header name such as 'x-jwt-sub' (the RequestAuthentication CRD allows no other characters).");
    });
    test('a jwksUri that does not parse', () => {
      fails({ jwksUri: 'https://a b' },
        "test/jwt: jwksUri must not contain spaces or control characters (escape them, e.g. %20), got 'https://a b'. Use the issuer's JWKS URL, e.g. 'https://accounts.example.com/.well-known/jwks.json'.");
    });
    test('a jwksUri without host', () => {
      fails({ jwksUri: 'https://:443/jwks' }, "test/jwt: jwksUri must name a host, got 'https://:443/jwks'.");
    });
    test('a jwksUri with an invalid host', () => {
      fails({ jwksUri: 'https://keys_server.example.com/jwks' },
        "test/jwt: jwksUri must have a valid host ('keys_server.example.com' has an invalid label 'keys_server' (labels are 1-63 lowercase letters, digits or '-', not starting or ending with '-')), got 'https://keys_server.example.com/jwks'.");
    });
    test('a jwksUri longer than the CRD allows', () => {
      const uri = `${issuer}/${'k'.repeat(2048)}`;
      fails({ jwksUri: uri }, `test/jwt: jwksUri must be at most 2048 characters (has ${uri.length}), got '${uri}'.`);
    });
    test('an invalid requireTokenPaths entry', () => {
      fails({ requireTokenPaths: ['api'] },
        "test/jwt: requireTokenPaths must start with '/' (or '*' for a suffix match), got 'api'. Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.");
    });
    test('a requireTokenPaths template istiod rejects', () => {
      fails({ requireTokenPaths: ['/a/{**}/b'] },
        "test/jwt: requireTokenPaths must have '{**}' as its last segment (it matches the rest of the path), got '/a/{**}/b'.");
    });
    test('an empty requireTokenPaths list', () => {
      fails({ requireTokenPaths: [] }, 'test/jwt: requireTokenPaths must not be an empty list, got []. Leave requireTokenPaths out to require the token on every path.');
    });
    test('a repeated requireTokenPaths entry', () => {
      fails({ requireTokenPaths: ['/api/*', '/api/*'] }, 'test/jwt: requireTokenPaths must not repeat a value, got ["/api/*","/api/*"]. List each value once.');
    });
    test('an empty requireTokenPorts list', () => {
      fails({ requireTokenPorts: [] }, 'test/jwt: requireTokenPorts must not be an empty list, got []. Leave requireTokenPorts out to require the token on every port.');
    });
    test('an empty subject', () => {
      fails({ subjects: [''] }, "test/jwt: subjects must not contain an empty subject, got ''. Use the token's sub values, e.g. 'alice' (or 'team-*' for a prefix).");
    });
    test('a repeated subject', () => {
      fails({ subjects: ['alice', 'alice'] }, 'test/jwt: subjects must not repeat a value, got ["alice","alice"]. List each value once.');
    });
    test('a subject with a wildcard that is not at the end', () => {
      fails({ subjects: ['team-*-admin'] }, "test/jwt: subjects may use '*' only at the end (a prefix match), got 'team-*-admin'.");
    });
    test('subjects of an issuer with a wildcard', () => {
      fails({ issuer: 'https://*.example.com', subjects: ['alice'] },
        "test/jwt: subjects give request principals such as 'https://*.example.com/alice', which may use '*' only once, at the start or at the end (prefix, suffix or presence match), got 'alice'. Istio matches principals exactly or by one '*' at the start or end; use an issuer without '*'.");
    });
    test('an empty required claim value', () => {
      fails({ requiredClaims: [{ claim: 'x', values: [''] }] },
        "test/jwt: requiredClaims[0].values must not contain an empty value, got ''. List the accepted values, e.g. ['admin'].");
    });
    test('a repeated required claim value', () => {
      fails({ requiredClaims: [{ claim: 'groups', values: ['admin', 'admin'] }] },
        'test/jwt: requiredClaims[0].values must not repeat a value, got ["admin","admin"]. List each value once.');
    });
    test('a required claim with brackets', () => {
      fails({ requiredClaims: [{ claim: 'a]b', values: ['v'] }] },
        "test/jwt: requiredClaims[0].claim must not contain '[' or ']', got 'a]b'. Name the claim, e.g. 'groups' (or 'realm_access.roles' for a nested claim; claimPath for a name with dots).");
    });
    test('a nested required claim with an empty part', () => {
      fails({ requiredClaims: [{ claim: 'realm_access..roles', values: ['admin'] }] },
        "test/jwt: requiredClaims[0].claim must not have an empty part (nested claims are written 'a.b'), got 'realm_access..roles'.");
    });
    test('more required claims than the companion policy can hold', () => {
      const requiredClaims = Array.from({ length: 512 }, (_, i) => ({ claim: `c${i}`, values: ['x'] }));
      fails({ requiredClaims },
        'test/jwt: requiredClaims must have at most 511 entries (each is a rule of the companion policy, which takes 512), got 512. Merge requirements on the same claim into one entry with several values.');
    });
    test('a name too long for the companion policy', () => {
      const name = 'a'.repeat(242);
      fails({ name }, `test/jwt: name must be at most 241 characters, so that the companion policy's name '<name>-require-jwt' fits in 253, got '${name}'. Use a shorter name (or construct id).`);
    });
  });
});
