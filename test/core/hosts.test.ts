import { Chart, Testing } from 'cdk8s';
import { CircuitBreaker, CircuitBreakerPreset, MeshService } from '../../src';
import { cidrRule, dnsLabelRule, gatewayHostRule, hostCovers, hostRule, qualifyServiceHost } from '../../src/core/hosts';

describe('hostRule (istiod ValidateWildcardDomain, stricter)', () => {
  const mesh = hostRule({ shortName: true });
  test.each(['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc.cluster.local', 'api.example.com'])('accepts %s', (host) => {
    expect(mesh(host)).toBeUndefined();
  });
  test.each([
    ['', /must not be empty/],
    ['a'.repeat(256), /at most 253 characters, DNS's limit \(has 256\)/],
    ['Foo.example.com', /must be lowercase/],
    ['foo_bar.example.com', /invalid label 'foo_bar'/],
    ['-a.example.com', /invalid label '-a'/],
    [`${'a'.repeat(64)}.example.com`, /invalid label/],
    ['api.*.example.com', /only use '\*' in the first label/],
    ['*.example.com', /must not be a wildcard here/],
    ['*', /must not be '\*'/],
    ['example.123', /all-numeric top-level domain/],
    ['10.0.0.1', /not an IP address/],
  ])('rejects %s', (host, message) => {
    expect(mesh(host)).toMatch(message);
  });

  test('wildcards only when asked for, whole first label unless partial is allowed', () => {
    expect(hostRule({ wildcard: true })('*.example.com')).toBeUndefined();
    expect(hostRule({ wildcard: true })('*foo.example.com')).toMatch(/partial wildcard/);
    expect(hostRule({ wildcard: true, partialWildcard: true })('*foo.example.com')).toBeUndefined();
    expect(hostRule({ wildcard: true })('a*b.example.com')).toMatch(/only use '\*' at the start/);
  });

  test("DNS's real limits: 253 characters in all, 63 per label, the wildcard's '*' counted in its label", () => {
    const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(longest).toHaveLength(253);
    expect(hostRule()(longest)).toBeUndefined();
    expect(hostRule()(`${longest.slice(0, 252)}d.com`)).toBe("must be at most 253 characters, DNS's limit (has 257)");
    expect(hostRule()(`e${longest}`)).toBe("must be at most 253 characters, DNS's limit (has 254)");
    expect(hostRule({ wildcard: true, partialWildcard: true })(`*${'a'.repeat(62)}.example.com`)).toBeUndefined();
    expect(hostRule({ wildcard: true, partialWildcard: true })(`*${'a'.repeat(63)}.example.com`))
      .toBe(`has a first label of 64 characters, '*${'a'.repeat(63)}' (labels are at most 63, the '*' included)`);
    expect(gatewayHostRule({ wildcard: true })(`istio-system/e${longest}`)).toMatch(/at most 253 characters/);
  });

  test('a MeshService whose fully-qualified host would be longer than 253 characters', () => {
    const domain = `${'x'.repeat(63)}.${'y'.repeat(55)}.local`;
    // Reported by the construct that uses the service, against its prop.
    const service = MeshService.fromName('r'.repeat(63), 'n'.repeat(63), { clusterDomain: domain });
    expect(() => new CircuitBreaker(new Chart(Testing.app(), 'c'), 'cb', { service, preset: CircuitBreakerPreset.BALANCED }))
      .toThrow(`c/cb: service.clusterDomain makes the host '${'r'.repeat(63)}.${'n'.repeat(63)}.svc.${domain}' longer than 253 characters (has 257), got '${domain}'. `
        + 'Use a shorter cluster domain (usually cluster.local), service name or namespace.');
  });

  test('short names only when allowed', () => {
    expect(hostRule()('reviews')).toMatch(/fully-qualified/);
  });

  test('IP addresses when allowed', () => {
    expect(hostRule({ ipAddress: true })('10.0.0.1')).toBeUndefined();
    expect(hostRule({ ipAddress: true })('2001:db8::1')).toBeUndefined();
  });
});

describe('gatewayHostRule', () => {
  const rule = gatewayHostRule();
  test.each(['bookinfo.example.com', 'istio-system/bookinfo.example.com', '*/api.example.com', './api.example.com'])('accepts %s', (h) => {
    expect(rule(h)).toBeUndefined();
  });
  test.each([
    ['reviews', /fully-qualified/],
    ['Bad_NS/api.example.com', /invalid namespace 'Bad_NS'/],
    ['a/b/c.example.com', /'host' or 'namespace\/host'/],
    ['*.example.com', /must not be a wildcard/],
    ['*foo.example.com', /partial wildcard/],
  ])('rejects %s', (h, message) => {
    expect(rule(h)).toMatch(message);
  });
  test('wildcards when asked for', () => {
    expect(gatewayHostRule({ wildcard: true })('*.example.com')).toBeUndefined();
  });
});

test('dnsLabelRule', () => {
  expect(dnsLabelRule('public-gateway')).toBeUndefined();
  expect(dnsLabelRule('public.gateway')).toMatch(/DNS label/);
  expect(dnsLabelRule('a'.repeat(64))).toMatch(/at most 63/);
  expect(dnsLabelRule('')).toMatch(/empty/);
});

test('cidrRule', () => {
  expect(cidrRule('10.0.0.0/16')).toBeUndefined();
  expect(cidrRule('10.0.0.1')).toBeUndefined();
  expect(cidrRule('10.0.0.0/33')).toMatch(/prefix length from 0 to 32/);
  expect(cidrRule('banana/8')).toMatch(/IP address or CIDR/);
});

test('qualifyServiceHost and hostCovers', () => {
  expect(qualifyServiceHost('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
  expect(qualifyServiceHost('api.example.com', 'bookinfo')).toBe('api.example.com');
  expect(hostCovers('*.example.com', 'a.example.com')).toBe(true);
  expect(hostCovers('*.example.com', 'example.com')).toBe(false);
  expect(hostCovers('*.example.com', '*.a.example.com')).toBe(true);
  expect(hostCovers('a.example.com', 'b.example.com')).toBe(false);
});
