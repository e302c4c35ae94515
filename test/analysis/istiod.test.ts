import { FindingLevel, MeshAnalysis } from '../../src';

// Layer 2 of the mesh analysis: istiod's validating webhook, reported as istioctl does
// (IST0106 for errors, IST0133 for warnings, analyzer schema.ValidationAnalyzer.<Kind>).

const GROUP: Record<string, string> = {
  Gateway: 'networking.istio.io/v1',
  VirtualService: 'networking.istio.io/v1',
  DestinationRule: 'networking.istio.io/v1',
  ServiceEntry: 'networking.istio.io/v1',
  Sidecar: 'networking.istio.io/v1',
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  RequestAuthentication: 'security.istio.io/v1',
};

const obj = (kind: string, spec: any, name = 'x', labels?: any) => ({
  apiVersion: GROUP[kind], kind, metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) }, spec,
});

/** The istiod findings (IST0106/IST0133) as `code message`. */
const istiod = (manifests: any[]) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.code === 'IST0106' || f.code === 'IST0133')
  .map((f) => `${f.code} ${f.message.replace(/^Schema validation (error|warning): /, '')}`);

// Valid objects of each kind, which the rule tests below break one field at a time.
const route = [{ destination: { host: 'reviews' } }];
const VALID: Record<string, any> = {
  VirtualService: { hosts: ['reviews'], http: [{ route }] },
  DestinationRule: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
  Gateway: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } }] },
  ServiceEntry: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
  Sidecar: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
  PeerAuthentication: { mtls: { mode: 'STRICT' } },
  AuthorizationPolicy: { selector: { matchLabels: { app: 'reviews' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] },
  RequestAuthentication: { selector: { matchLabels: { app: 'web' } }, jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks' }] },
};

test('valid objects of every kind pass istiod validation', () => {
  expect(istiod(Object.entries(VALID).map(([kind, spec]) => obj(kind, spec)))).toEqual([]);
});

test('regexes are judged by RE2 (Go regexp), not JavaScript: RE2-only syntax passes', () => {
  // (?i), (?s) and (?P<name>...) are RE2 (JavaScript's RegExp rejects the first and last); `x{?` is a
  // literal '{' made optional in Go; a name may repeat across groups in Go.
  const regexes = ['(?i)^/api', '(?s)^/a.b', '^/u/(?P<id>[0-9]+)$', 'x{?', '(?P<n>a)|(?P<n>b)', '\\pL+', '\\x{1F600}'];
  const spec = { hosts: ['reviews'], http: regexes.map((regex) => ({ match: [{ uri: { regex } }], route: [{ destination: { host: 'reviews' } }] })) };
  expect(istiod([obj('VirtualService', spec)])).toEqual([]);
});

test('errors are IST0106 and warnings IST0133, per kind analyzer, with istiod\'s message', () => {
  const found = MeshAnalysis.analyze([
    obj('VirtualService', { hosts: ['reviews'], http: [{ route, timeout: '0.5ms' }] }),
    obj('Gateway', { servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'PASSTHROUGH', credentialName: 'c' } }] }),
  ]).filter((f) => f.code === 'IST0106' || f.code === 'IST0133');
  expect(found).toEqual([
    expect.objectContaining({
      code: 'IST0133',
      level: FindingLevel.WARNING,
      analyzer: 'schema.ValidationAnalyzer.Gateway',
      resource: { kind: 'Gateway', namespace: 'shop', name: 'x' },
      message: 'Schema validation warning: PASSTHROUGH mode does not use certificates, they will be ignored',
    }),
    expect.objectContaining({
      code: 'IST0106',
      level: FindingLevel.ERROR,
      analyzer: 'schema.ValidationAnalyzer.VirtualService',
      resource: { kind: 'VirtualService', namespace: 'shop', name: 'x' },
      message: 'Schema validation error: duration must be greater than 1ms',
    }),
  ]);
});

test('objects of other API groups with an Istio kind name are left alone', () => {
  expect(istiod([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'a.b', namespace: 'shop' }, spec: {} }])).toEqual([]);
});

type Case = [string, string, any, string[]];
const vs = (patch: any) => ({ ...VALID.VirtualService, ...patch });
const http = (patch: any) => vs({ http: [{ route, ...patch }] });
const dr = (patch: any) => ({ ...VALID.DestinationRule, ...patch });
const tp = (trafficPolicy: any) => dr({ trafficPolicy });
const server = (patch: any) => ({ servers: [{ ...VALID.Gateway.servers[0], ...patch }] });
const se = (patch: any) => ({ ...VALID.ServiceEntry, ...patch });
const ap = (patch: any) => ({ ...VALID.AuthorizationPolicy, ...patch });
const ra = (rule: any) => ({ jwtRules: [{ issuer: 'https://issuer.example.com', ...rule }] });
const P = 'invalid policy x.shop: ';

const CASES: Case[] = [
  // Shared primitives
  ['1 host label', 'VirtualService', vs({ hosts: ['bad_host.example.com'] }), ['IST0106 domain name "bad_host.example.com" invalid (label "bad_host" invalid)']],
  ['1 host wildcard outside the first label', 'DestinationRule', dr({ host: 'a.*.example.com' }), ['IST0106 domain name "*.example.com" invalid (label "*" invalid)']],
  ['1 numeric TLD', 'DestinationRule', dr({ host: 'a.example.123' }), ['IST0106 domain name "example.123" invalid (top level domain "123" cannot be all-numeric)']],
  ['1 empty host', 'DestinationRule', dr({ host: '' }), ['IST0106 empty domain name not allowed']],
  ['1 host too long', 'DestinationRule', dr({ host: `${'a'.repeat(60)}.`.repeat(5) + 'com' }), [`IST0106 domain name "${`${'a'.repeat(60)}.`.repeat(5)}com" too long (max 255)`]],
  ['2 port range', 'VirtualService', http({ route: [{ destination: { host: 'reviews', port: { number: 70000 } } }] }), ['IST0106 port number 70000 must be in the range 1..65535']],
  ['3 duration below 1ms', 'VirtualService', http({ timeout: '0s' }), ['IST0106 duration must be greater than 1ms']],
  ['3 duration precision', 'DestinationRule', tp({ connectionPool: { tcp: { connectTimeout: '1.0005s' } } }), ['IST0106 only durations to ms precision are supported']],
  ['4 label key', 'DestinationRule', dr({ subsets: [{ name: 'v1', labels: { 'bad key': 'v1' } }] }), ['IST0106 invalid tag key: "bad key"']],
  ['4 label value', 'DestinationRule', dr({ subsets: [{ name: 'v1', labels: { version: 'v1!' } }] }), ['IST0106 invalid tag value: "v1!"']],
  ['5 port name', 'ServiceEntry', se({ ports: [{ number: 443, name: 'TLS_port', protocol: 'TLS' }] }), ['IST0106 invalid port name: TLS_port']],
  ['5 protocol', 'ServiceEntry', se({ ports: [{ number: 443, name: 'tls', protocol: 'QUIC' }] }), ['IST0106 unsupported protocol: QUIC']],
  ['6 exportTo duplicate', 'VirtualService', vs({ exportTo: ['shop', '.'] }), ['IST0106 duplicate entries in exportTo: . and current namespace shop']],
  ['6 exportTo duplicate entry', 'VirtualService', vs({ exportTo: ['web', 'web'] }), ['IST0106 duplicate entries in exportTo for entry web']],
  ['6 exportTo * not alone', 'DestinationRule', dr({ exportTo: ['*', 'web'] }), ['IST0106 cannot have both public (*) and non-public exportTo values for a resource']],
  ['6 exportTo ~ not alone', 'ServiceEntry', se({ exportTo: ['~', 'web'] }), ['IST0106 cannot export service entry to no one (~) and someone']],
  ['6 exportTo ~ outside ServiceEntry', 'VirtualService', vs({ exportTo: ['~'] }), ['IST0106 exportTo ~ (none) is not allowed for Istio configuration objects']],
  ['6 exportTo namespace', 'VirtualService', vs({ exportTo: ['Not_A_Namespace'] }), ['IST0106 only .,*, or a valid DNS 1123 label is allowed as exportTo entry']],
  ['7 selector empty key', 'PeerAuthentication', { selector: { matchLabels: { '': 'x' } } }, ['IST0106 empty key is not supported in selector: "=x"']],
  ['7 selector wildcard', 'RequestAuthentication', { selector: { matchLabels: { app: 'web*' } } }, ['IST0106 wildcard is not supported in selector: "app=web*"']],
  ['7 selector without labels', 'PeerAuthentication', { selector: { matchLabels: {} }, mtls: { mode: 'STRICT' } }, ['IST0133 workload selector specified without labels']],
  ['8 regex too large', 'VirtualService', http({ match: [{ uri: { regex: 'a'.repeat(1025) } }] }), ['IST0106 "uri": regex is too large, max length allowed is 1024']],
  ['8 regex empty', 'VirtualService', http({ match: [{ headers: { 'x-user': { regex: '' } } }] }), ['IST0106 "headers": regex string match should not be empty']],
  ['8 regex not RE2', 'VirtualService', http({ match: [{ uri: { regex: '/(?!admin).*' } }] }),
    ['IST0106 "uri": error parsing regexp: invalid or unsupported Perl syntax: `(?!`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  // Go's regexp rejects these; JavaScript's RegExp accepts them.
  ['8 regex escape RE2 lacks', 'VirtualService', http({ match: [{ headers: { 'x-id': { regex: '\\q' } } }] }),
    ['IST0106 "headers": error parsing regexp: invalid escape sequence: `\\q`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 regex repeat over 1000', 'VirtualService', http({ match: [{ queryParams: { id: { regex: 'a{1001}' } } }] }),
    ['IST0106 "queryParams": error parsing regexp: invalid repeat count: `{1001}`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 regex backreference', 'VirtualService', http({ match: [{ uri: { regex: '(?P<a>x)\\k<a>' } }] }),
    ['IST0106 "uri": error parsing regexp: invalid escape sequence: `\\k`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 regex class range', 'VirtualService', http({ match: [{ uri: { regex: '[a-\\d]' } }] }),
    ['IST0106 "uri": error parsing regexp: invalid escape sequence: `\\d`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 regex unknown class', 'VirtualService', http({ match: [{ authority: { regex: '\\pz' } }] }),
    ['IST0106 "authority": error parsing regexp: invalid character class range: `\\pz`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 regex too large in bytes', 'VirtualService', http({ match: [{ uri: { regex: 'é'.repeat(513) } }] }), ['IST0106 "uri": regex is too large, max length allowed is 1024']],
  ['8 rewrite regex not RE2', 'VirtualService', http({ match: [{ uri: { prefix: '/a' } }], rewrite: { uriRegexRewrite: { match: '\\C', rewrite: '/' } } }),
    ['IST0106 "HTTPRewrite.UriRegexRewrite.Match": error parsing regexp: invalid escape sequence: `\\C`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  ['8 CORS origin regex not RE2', 'VirtualService', http({ corsPolicy: { allowOrigins: [{ regex: '\\Z' }] } }),
    ['IST0106 "corsPolicy.allowOrigins": error parsing regexp: invalid escape sequence: `\\Z`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)']],
  // VirtualService
  ['9 no routes', 'VirtualService', { hosts: ['reviews'] }, ['IST0106 http, tcp or tls must be provided in virtual service']],
  ['9 delegate with gateways', 'VirtualService', { gateways: ['edge/public'], http: [{ route }] }, ['IST0106 delegate virtual service must have no gateways specified']],
  ['10 * bound to the mesh', 'VirtualService', vs({ hosts: ['*'] }), ['IST0106 wildcard host * is not allowed for virtual services bound to the mesh gateway']],
  ['11 overlapping hosts', 'VirtualService', vs({ hosts: ['*.example.com', 'a.example.com'] }), ['IST0106 duplicate hosts in virtual service: *.example.com & a.example.com']],
  ['12 gateway namespace', 'VirtualService', vs({ hosts: ['a.example.com'], gateways: ['bad_ns/public'] }), ['IST0106 invalid value for namespace: "bad_ns"']],
  ['12 gateway name', 'VirtualService', vs({ hosts: ['a.example.com'], gateways: ['edge/pub_lic'] }), ['IST0106 invalid value for gateway name: "pub_lic"']],
  ['12 legacy gateway name', 'VirtualService', vs({ hosts: ['a.example.com'], gateways: ['public.edge'] }), ['IST0133 using legacy gatewayName format "public.edge"; prefer the <namespace>/<name> format: "edge/public"']],
  ['13 JWT claim routing in the mesh', 'VirtualService', http({ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }] }), ['IST0106 JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []']],
  ['14 no action', 'VirtualService', vs({ http: [{ timeout: '1s' }] }), ['IST0106 HTTP route, redirect or direct_response is required']],
  ['14 route and redirect', 'VirtualService', http({ redirect: { uri: '/new' } }), ['IST0106 HTTP route cannot contain both route and redirect']],
  ['14 route and direct_response', 'VirtualService', http({ directResponse: { status: 200 } }), ['IST0106 HTTP route cannot contain both route and direct_response']],
  ['14 rewrite and redirect', 'VirtualService', vs({ http: [{ redirect: { uri: '/a' }, rewrite: { uri: '/b' } }] }), ['IST0106 HTTP route rule cannot contain both rewrite and redirect']],
  ['14 fault and redirect', 'VirtualService', vs({ http: [{ redirect: { uri: '/a' }, fault: { abort: { httpStatus: 500 } } }] }), ['IST0106 HTTP route cannot contain both fault and redirect']],
  ['14 mirror and mirrors', 'VirtualService', http({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] }), ['IST0106 HTTP route cannot contain both mirror and mirrors']],
  ['14 mirror percentage', 'VirtualService', http({ mirror: { host: 'a' }, mirrorPercentage: { value: 150 } }), ['IST0106 mirror_percentage must have a max value of 100 (it has 150.000000)']],
  ['15 negative weight', 'VirtualService', http({ route: [{ destination: { host: 'a' }, weight: -1 }] }), ['IST0106 weight -1 < 0']],
  ['15 total weight 0', 'VirtualService', http({ route: [{ destination: { host: 'a' } }, { destination: { host: 'b' } }] }), ['IST0106 total destination weight = 0']],
  ['16 destination *', 'VirtualService', http({ route: [{ destination: { host: '*' } }] }), ['IST0106 invalid destination host *']],
  ['16 subset name', 'VirtualService', http({ route: [{ destination: { host: 'a', subset: 'V_1' } }] }), ['IST0106 subset name is invalid: V_1']],
  ['16 destination required', 'VirtualService', http({ route: [{ weight: 100 }] }), ['IST0106 destination is required']],
  ['17 pseudo-header', 'VirtualService', http({ headers: { request: { set: { ':path': '/x' } } } }), ['IST0106 invalid header ":path": header cannot have ":" prefix']],
  ['17 Host on responses', 'VirtualService', http({ headers: { response: { set: { Host: 'x' } } } }), ['IST0106 invalid header "Host": cannot set Host header']],
  ['17 header value format', 'VirtualService', http({ headers: { request: { add: { 'x-id': '%REQ(x-id' } } } }), ['IST0106 header value configuration %REQ(x-id is invalid']],
  ['17 authority set twice', 'VirtualService', http({ rewrite: { authority: 'a.example.com' }, headers: { request: { set: { host: 'b.example.com' } } } }), ['IST0106 authority header cannot be set multiple times: have "a.example.com", attempting to set "b.example.com"']],
  ['18 match header name', 'VirtualService', http({ match: [{ headers: { 'bad header': { exact: 'x' } } }] }), ['IST0106 header name bad header is not a valid header name']],
  ['18 sourceNamespace', 'VirtualService', http({ match: [{ sourceNamespace: 'Bad_NS' }] }), ['IST0106 sourceNamespace match Bad_NS is invalid']],
  ['19 negative attempts', 'VirtualService', http({ retries: { attempts: -1 } }), ['IST0106 attempts cannot be negative']],
  ['19 retry settings with 0 attempts', 'VirtualService', http({ retries: { attempts: 0, retryOn: '5xx' } }), ['IST0106 http retry policy configured when attempts are set to 0 (disabled)']],
  ['19 retryOn', 'VirtualService', http({ retries: { attempts: 2, retryOn: '5xx,sometimes' } }), ['IST0106 "sometimes" is not a valid retryOn policy']],
  ['20 empty redirect', 'VirtualService', vs({ http: [{ redirect: {} }] }), ['IST0106 redirect must specify URI, authority, scheme, or port']],
  ['20 redirect code', 'VirtualService', vs({ http: [{ redirect: { uri: '/a', redirectCode: 200 } }] }), ['IST0106 200 is not a valid redirect code, must be 3xx']],
  ['20 redirect scheme', 'VirtualService', vs({ http: [{ redirect: { scheme: 'ftp' } }] }), ['IST0106 invalid redirect scheme, must be "http" or "https"']],
  ['20 rewrite uri and regex', 'VirtualService', http({ rewrite: { uri: '/a', uriRegexRewrite: { match: 'a', rewrite: 'b' } } }), ['IST0106 rewrite may only contain one of URI or UriRegexRewrite']],
  ['20 regex rewrite incomplete', 'VirtualService', http({ rewrite: { uriRegexRewrite: { match: '^/a' } } }), ['IST0106 UriRegexRewrite requires both Rewrite and Match fields to be specified']],
  ['21 empty fault', 'VirtualService', http({ fault: {} }), ['IST0106 HTTP fault injection must have an abort and/or a delay']],
  ['21 fault percentage', 'VirtualService', http({ fault: { delay: { fixedDelay: '1s', percentage: { value: 0.00001 } } } }), ['IST0106 percentage 0.00001 is neither 0.0, nor in range [0.0001, 100.0]']],
  ['21 abort status', 'VirtualService', http({ fault: { abort: { httpStatus: 700 } } }), ['IST0106 HTTP status 700 is not in range 200-599']],
  ['21 abort without error type', 'VirtualService', http({ fault: { abort: { percentage: { value: 10 } } } }), ['IST0133 abort configured, but error type not set']],
  ['21 direct response too large', 'VirtualService', vs({ http: [{ directResponse: { status: 200, body: { string: 'x'.repeat(200 * 1024) } } }] }), ['IST0133 large direct_responses may impact control plane performance']],
  ['22 CORS method', 'VirtualService', http({ corsPolicy: { allowMethods: ['FETCH'] } }), ['IST0106 "FETCH" is not a supported HTTP method']],
  ['22 CORS max age', 'VirtualService', http({ corsPolicy: { maxAge: '1.5s' } }), ['IST0106 max_age duration is accurate only to seconds precision']],
  ['23 TLS match without SNI', 'VirtualService', vs({ hosts: ['a.example.com'], http: undefined, tls: [{ match: [{ port: 443 }], route }] }), ['IST0106 TLS match must have at least one SNI host']],
  ['23 SNI outside hosts', 'VirtualService', vs({ hosts: ['a.example.com'], http: undefined, tls: [{ match: [{ sniHosts: ['b.example.com'] }], route }] }), ['IST0106 SNI host "b.example.com" is not a compatible subset of any of the virtual service hosts: [a.example.com]']],
  ['23 TLS route required', 'VirtualService', vs({ hosts: ['a.example.com'], http: undefined, tls: [{ match: [{ sniHosts: ['a.example.com'] }] }] }), ['IST0106 TLS route is required']],
  ['23 TCP route required', 'VirtualService', vs({ http: undefined, tcp: [{ match: [{ port: 5432 }] }] }), ['IST0106 TCP route is required']],
  // DestinationRule
  ['26 duplicate subsets', 'DestinationRule', dr({ subsets: [{ name: 'v1' }, { name: 'v1' }] }), ['IST0106 duplicate subset names: v1']],
  ['26 subset name', 'DestinationRule', dr({ subsets: [{ name: 'v1.0' }] }), ['IST0106 subset name is invalid: v1.0']],
  ['27 empty traffic policy', 'DestinationRule', tp({}), ['IST0106 traffic policy must have at least one field']],
  ['27 empty port traffic policy', 'DestinationRule', tp({ portLevelSettings: [{ port: { number: 80 } }] }), ['IST0106 port traffic policy must have at least one field']],
  ['27 port traffic policy without port', 'DestinationRule', tp({ portLevelSettings: [{ tls: { mode: 'ISTIO_MUTUAL' } }] }), ['IST0106 portTrafficPolicy must have valid port']],
  ['27 empty connection pool', 'DestinationRule', tp({ connectionPool: {} }), ['IST0106 connection pool must have at least one field']],
  ['27 negative max connections', 'DestinationRule', tp({ connectionPool: { tcp: { maxConnections: -1 } } }), ['IST0106 max connections must be non-negative']],
  ['27 useClientProtocol with UPGRADE', 'DestinationRule', tp({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }), ['IST0106 use client protocol must not be true when H2UpgradePolicy is UPGRADE']],
  ['28 outlier percent', 'DestinationRule', tp({ outlierDetection: { maxEjectionPercent: 120 } }), ['IST0106 percentage 120 is not in range 0..100']],
  ['28 local origin failures', 'DestinationRule', tp({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }), ['IST0106 outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false']],
  ['28 consecutiveErrors deprecated', 'DestinationRule', tp({ outlierDetection: { consecutiveErrors: 5 } }), ['IST0133 outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead']],
  ['29 cookie name', 'DestinationRule', tp({ loadBalancer: { consistentHash: { httpCookie: { ttl: '10s' } } } }), ['IST0106 name required for HttpCookie']],
  ['29 maglev table size', 'DestinationRule', tp({ loadBalancer: { consistentHash: { httpHeaderName: 'x', maglev: { tableSize: 1000 } } } }), ['IST0106 tableSize must be a prime number for maglev']],
  ['29 ring size and maglev', 'DestinationRule', tp({ loadBalancer: { consistentHash: { httpHeaderName: 'x', minimumRingSize: 1024, maglev: { tableSize: 65537 } } } }), ['IST0106 only one of MinimumRingSize or Maglev/Ringhash can be specified']],
  ['30 distribute and failover', 'DestinationRule', tp({ outlierDetection: { interval: '10s' }, loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 100 } }], failover: [{ from: 'a', to: 'b' }] } } }), ["IST0106 can not simultaneously specify 'distribute' and 'failover'"]],
  ['30 locality weights', 'DestinationRule', tp({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 60, 'b/*': 30 } }] } } }), ['IST0106 total locality weight 90 != 100']],
  ['30 failover same region', 'DestinationRule', tp({ outlierDetection: { interval: '10s' }, loadBalancer: { localityLbSetting: { failover: [{ from: 'eu', to: 'eu' }] } } }), ['IST0106 locality lb failover settings must specify different regions']],
  ['30 failover without outlier detection', 'DestinationRule', tp({ loadBalancer: { localityLbSetting: { failover: [{ from: 'eu', to: 'us' }] } } }), ['IST0133 outlier detection policy must be provided for failover']],
  ['31 mutual TLS without certificates', 'DestinationRule', tp({ tls: { mode: 'MUTUAL' } }), ['IST0106 client certificate required for mutual tls', 'IST0106 private key required for mutual tls']],
  ['31 credentialName with inline certs', 'DestinationRule', tp({ tls: { mode: 'SIMPLE', credentialName: 'c', caCertificates: '/ca.pem' } }), ['IST0106 cannot specify client certificates or CA certificate or CA CRL If credentialName is set']],
  ['31 insecureSkipVerify with CA', 'DestinationRule', tp({ tls: { mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/ca.pem' } }), ['IST0106 cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true']],
  ['32 tunnel and proxyProtocol', 'DestinationRule', tp({ tunnel: { targetHost: 'a.example.com', targetPort: 443 }, proxyProtocol: {} }), ['IST0106 tunnel and proxyProtocol must not be set together']],
  ['32 tunnel protocol', 'DestinationRule', tp({ tunnel: { protocol: 'GET', targetHost: 'a.example.com', targetPort: 443 } }), ['IST0106 tunnel protocol must be "CONNECT" or "POST"']],
  ['32 workloadSelector with exportTo', 'DestinationRule', dr({ workloadSelector: { matchLabels: { app: 'web' } }, exportTo: ['*'] }), ['IST0106 destination rule with workload selector cannot have exportTo beyond current namespace']],
  // Gateway
  ['33 gateway name', 'Gateway', VALID.Gateway, ['IST0106 invalid gateway name: "edge.public"']],
  ['33 no servers', 'Gateway', { selector: { istio: 'ingressgateway' } }, ['IST0106 gateway must have at least one server']],
  ['33 server without hosts', 'Gateway', server({ hosts: [] }), ['IST0106 server config must contain at least one host']],
  ['34 short name', 'Gateway', server({ hosts: ['shop'] }), ['IST0106 short names (non FQDN) are not allowed']],
  ['34 partial wildcard', 'Gateway', server({ hosts: ['*shop.example.com'] }), ['IST0106 partial wildcard "*shop.example.com" not allowed']],
  ['34 namespace', 'Gateway', server({ hosts: ['Bad_NS/shop.example.com'] }), ['IST0106 invalid namespace value "Bad_NS" in gateway']],
  ['34 empty namespace part', 'Gateway', server({ hosts: ['/shop.example.com'] }), ['IST0106 config namespace and dnsName in host entry cannot be empty']],
  ['35 port required', 'Gateway', server({ port: undefined }), ['IST0106 port is required']],
  ['35 protocol', 'Gateway', server({ port: { number: 443, name: 'https', protocol: 'QUIC' } }), ['IST0106 invalid protocol "QUIC", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP']],
  ['35 port name', 'Gateway', server({ port: { number: 443, protocol: 'HTTPS' } }), ['IST0106 port name must be set: &Port{number:443 protocol:"HTTPS"}']],
  ['35 targetPort', 'Gateway', server({ port: { number: 443, name: 'https', protocol: 'HTTPS', targetPort: 8443 } }), ['IST0106 targetPort has no impact on Gateways']],
  ['36 duplicate port names', 'Gateway', { servers: [VALID.Gateway.servers[0], { ...VALID.Gateway.servers[0], hosts: ['b.example.com'] }] }, ['IST0106 port names in servers must be unique: duplicate name https']],
  ['37 HTTPS without TLS', 'Gateway', server({ tls: undefined }), ['IST0106 server must have TLS settings for HTTPS/TLS protocols']],
  ['37 TLS on plain HTTP', 'Gateway', server({ port: { number: 80, name: 'http', protocol: 'HTTP' } }), ['IST0106 server cannot have TLS settings for plain text HTTP ports']],
  ['37 TLS on TCP', 'Gateway', server({ port: { number: 5432, name: 'pg', protocol: 'TCP' } }), ['IST0106 server cannot have TLS settings for non HTTPS/TLS ports']],
  ['38 SIMPLE without certificate', 'Gateway', server({ tls: { mode: 'SIMPLE', privateKey: '/k.pem' } }), ['IST0106 SIMPLE TLS requires a server certificate']],
  ['38 MUTUAL without CA', 'Gateway', server({ tls: { mode: 'MUTUAL', serverCertificate: '/c.pem', privateKey: '/k.pem' } }), ['IST0106 MUTUAL TLS requires a client CA bundle']],
  ['38 two certificate sources', 'Gateway', server({ tls: { mode: 'SIMPLE', credentialName: 'c', serverCertificate: '/c.pem', privateKey: '/k.pem' } }), ['IST0106 only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified']],
  ['39 ISTIO_MUTUAL with credential', 'Gateway', server({ tls: { mode: 'ISTIO_MUTUAL', credentialName: 'c' } }), ['IST0106 ISTIO_MUTUAL TLS cannot have associated credentialName']],
  ['39 CRL with SIMPLE', 'Gateway', server({ tls: { mode: 'SIMPLE', serverCertificate: '/c.pem', privateKey: '/k.pem', caCrl: '/crl.pem' } }), ['IST0106 CRL is not supported with SIMPLE TLS']],
  ['39 cipher suites', 'Gateway', server({ tls: { mode: 'SIMPLE', credentialName: 'c', cipherSuites: ['RC4-MD5'] } }), ['IST0133 ignoring invalid cipher suites: [RC4-MD5]']],
  ['39 httpsRedirect on TLS server', 'Gateway', server({ tls: { mode: 'SIMPLE', credentialName: 'c', httpsRedirect: true } }), ['IST0133 tls.httpsRedirect should only be used with http servers']],
  ['39 bind', 'Gateway', server({ bind: 'localhost' }), ['IST0106 localhost is not a valid IP']],
  ['39 UDS port', 'Gateway', server({ bind: 'unix:///var/run/gw.sock' }), ['IST0106 port number must be 0 for unix domain socket: &Port{number:443 protocol:"HTTPS"}']],
  // ServiceEntry
  ['40 no hosts', 'ServiceEntry', se({ hosts: [] }), ['IST0106 service entry must have at least one host']],
  ['40 * host', 'ServiceEntry', se({ hosts: ['*'], resolution: 'NONE' }), ['IST0106 invalid host *']],
  ['40 partial wildcard', 'ServiceEntry', se({ hosts: ['*api.example.com'], resolution: 'NONE' }), ['IST0133 partial wildcard "*api.example.com" not allowed']],
  ['41 selector and endpoints', 'ServiceEntry', se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'vm' } }, endpoints: [] }), ['IST0106 only one of WorkloadSelector or Endpoints is allowed in Service Entry']],
  ['41 address', 'ServiceEntry', se({ addresses: ['10.0.0.300'] }), ['IST0106 10.0.0.300 is not a valid CIDR block']],
  ['41 CIDR with DNS', 'ServiceEntry', se({ addresses: ['10.0.0.0/24'] }), ['IST0106 CIDR addresses are allowed only for NONE/STATIC resolution types']],
  ['42 duplicate port name', 'ServiceEntry', se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 8443, name: 'tls', protocol: 'TLS' }] }), ['IST0106 service entry port name "tls" already defined']],
  ['42 duplicate port number', 'ServiceEntry', se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 443, name: 'https', protocol: 'HTTPS' }] }), ['IST0106 service entry port 443 already defined']],
  ['43 TCP without addresses', 'ServiceEntry', se({ resolution: 'NONE', ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }), ['IST0133 addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled']],
  ['44 endpoints with NONE', 'ServiceEntry', se({ resolution: 'NONE', endpoints: [{ address: '10.0.0.1' }] }), ['IST0106 no endpoints should be provided for resolution type none']],
  ['44 DNS host', 'ServiceEntry', se({ hosts: ['api.example.123'] }), ['IST0106 domain name "example.123" invalid (top level domain "123" cannot be all-numeric)', 'IST0106 hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "api.example.123" invalid (top level domain "123" cannot be all-numeric)']],
  ['44 DNS_ROUND_ROBIN endpoints', 'ServiceEntry', se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }), ['IST0106 there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN']],
  ['44 endpoint port', 'ServiceEntry', se({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', ports: { https: 8443 } }] }), ['IST0106 endpoint port https is not defined by the service entry']],
  ['44 STATIC endpoint address', 'ServiceEntry', se({ resolution: 'STATIC', endpoints: [{ address: 'db.example.com' }] }), ['IST0106 endpoint address "db.example.com" is not a valid IP address']],
  ['45 DYNAMIC_DNS host', 'ServiceEntry', se({ resolution: 'DYNAMIC_DNS' }), ['IST0106 host must be wildcarded for resolution mode DYNAMIC_DNS']],
  ['45 DYNAMIC_DNS protocol', 'ServiceEntry', se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }), ['IST0106 only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS']],
  ['45 several hosts on a TCP port', 'ServiceEntry', se({ hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }), ['IST0106 multiple hosts provided with non-HTTP, non-TLS ports']],
  // Sidecar
  ['46 empty sidecar', 'Sidecar', {}, ['IST0106 sidecar: empty configuration provided']],
  ['47 ingress port required', 'Sidecar', { ingress: [{ defaultEndpoint: '127.0.0.1:8080' }] }, ['IST0106 sidecar: port is required for ingress listeners']],
  ['47 ingress ports unique', 'Sidecar', { ingress: [{ port: { number: 80, name: 'a', protocol: 'HTTP' } }, { port: { number: 80, name: 'b', protocol: 'HTTP' } }] }, ['IST0106 sidecar: ports on IP bound listeners must be unique']],
  ['47 defaultEndpoint', 'Sidecar', { ingress: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, defaultEndpoint: '10.1.1.1:8080' }] }, ['IST0106 sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset']],
  ['48 catch-all not last', 'Sidecar', { egress: [{ hosts: ['./*'] }, { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['./*'] }] }, ['IST0106 sidecar: the egress listener with empty port should be the last listener in the list']],
  ['48 egress without hosts', 'Sidecar', { egress: [{ hosts: [] }] }, ['IST0106 sidecar: egress listener must contain at least one host']],
  ['48 egress host form', 'Sidecar', { egress: [{ hosts: ['reviews.shop.svc.cluster.local'] }] }, ['IST0106 host must be of form namespace/dnsName']],
  ['48 port 0 without UDS', 'Sidecar', { egress: [{ port: { number: 0, name: 'x', protocol: 'HTTP' }, hosts: ['./*'] }] }, ['IST0106 sidecar: ports with 0 value must have a unix domain socket bind address']],
  ['48 duplicated egress host', 'Sidecar', { egress: [{ hosts: ['./*', 'shop/reviews.shop.svc.cluster.local'] }] }, ['IST0133 duplicated egress host: shop/reviews.shop.svc.cluster.local']],
  ['48 */* with others', 'Sidecar', { egress: [{ hosts: ['*/*', 'istio-system/*'] }] }, ['IST0133 `*/*` host select all resources, no other hosts can be added']],
  ['49 ingress TLS mode', 'Sidecar', { ingress: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' } }] }, ['IST0106 configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls']],
  ['49 ingress credentialName', 'Sidecar', { ingress: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'c' } }] }, ['IST0106 sidecar: credentialName is not currently supported']],
  ['49 egressProxy with REGISTRY_ONLY', 'Sidecar', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'proxy', port: { number: 3128 } } } }, ['IST0106 sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode']],
  // PeerAuthentication
  ['50 port-level mTLS without selector', 'PeerAuthentication', { portLevelMtls: { 8080: { mode: 'DISABLE' } } }, ['IST0106 mesh/namespace peer authentication cannot have port level mTLS']],
  ['50 empty port-level mTLS', 'PeerAuthentication', { selector: { matchLabels: { app: 'web' } }, portLevelMtls: {} }, ['IST0106 port level mTLS, if defined, must have at least one element']],
  ['50 port-level mTLS port', 'PeerAuthentication', { selector: { matchLabels: { app: 'web' } }, portLevelMtls: { 0: { mode: 'DISABLE' } } }, ['IST0106 port must be in range 1..65535']],
  // AuthorizationPolicy
  ['51 selector and targetRefs', 'AuthorizationPolicy', ap({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] }), [`IST0106 ${P}only one of targetRefs or workloadSelector can be set`]],
  ['51 targetRef kind', 'AuthorizationPolicy', ap({ selector: undefined, targetRefs: [{ group: '', kind: 'Pod', name: 'p' }] }), [`IST0106 ${P}targetRef must be to one of [gateway.networking.k8s.io/Gateway gateway.networking.k8s.io/GatewayClass /Service networking.istio.io/ServiceEntry] but was /Pod`]],
  ['51 targetRef namespace', 'AuthorizationPolicy', ap({ selector: undefined, targetRefs: [{ group: '', kind: 'Service', name: 's', namespace: 'other' }] }), [`IST0106 ${P}targetRef namespace must not be set; cross namespace referencing is not supported`]],
  ['52 DENY without rules', 'AuthorizationPolicy', ap({ action: 'DENY', rules: undefined }), [`IST0106 ${P}DENY action without \`rules\` is meaningless as it will never be triggered, add an empty rule \`{}\` if you want it be triggered for every request`]],
  ['53 CUSTOM without provider name', 'AuthorizationPolicy', ap({ action: 'CUSTOM', provider: {}, rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] }), [`IST0106 ${P}\`provider.name\` must not be empty`]],
  ['53 CUSTOM with principals', 'AuthorizationPolicy', ap({ action: 'CUSTOM', provider: { name: 'ext-authz' } }), [`IST0106 ${P}principals is currently not supported with CUSTOM action`]],
  ['53 provider without CUSTOM', 'AuthorizationPolicy', ap({ provider: { name: 'ext-authz' } }), [`IST0106 ${P}\`provider\` must not be with non CUSTOM action, found ALLOW`]],
  ['54 empty from', 'AuthorizationPolicy', ap({ rules: [{ from: [] }] }), [`IST0106 ${P}\`from\` must not be empty, found at rule 0`]],
  ['54 empty source', 'AuthorizationPolicy', ap({ rules: [{ from: [{ source: {} }] }] }), [`IST0106 ${P}\`from.source\` must not be empty, found at rule 0`]],
  ['54 empty operation', 'AuthorizationPolicy', ap({ rules: [{ to: [{ operation: {} }] }] }), [`IST0106 ${P}\`to.operation\` must not be empty, found at rule 0`]],
  ['55 empty value', 'AuthorizationPolicy', ap({ rules: [{ from: [{ source: { namespaces: [''] } }] }] }), [`IST0106 ${P}empty value not allowed, found in Namespaces`]],
  ['55 serviceAccounts with namespaces', 'AuthorizationPolicy', ap({ rules: [{ from: [{ source: { serviceAccounts: ['web'], namespaces: ['shop'] } }] }] }), [`IST0106 ${P}cannot set serviceAccounts with namespaces or principals, found at rule 0`]],
  ['55 CIDR', 'AuthorizationPolicy', ap({ rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/33'] } }] }] }), [`IST0106 ${P}bad CIDR range (10.0.0.0/33): netip.ParsePrefix("10.0.0.0/33"): invalid prefix`]],
  ['55 port', 'AuthorizationPolicy', ap({ rules: [{ to: [{ operation: { ports: ['http'] } }] }] }), [`IST0106 ${P}bad port (http): strconv.ParseUint: parsing "http": invalid syntax`]],
  ['55 path template', 'AuthorizationPolicy', ap({ rules: [{ to: [{ operation: { paths: ['/api/{**}/edit'] } }] }] }), [`IST0106 ${P}invalid or unsupported path /api/{**}/edit, found in Paths. {**} is not the last operator`]],
  ['56 unknown attribute', 'AuthorizationPolicy', ap({ rules: [{ when: [{ key: 'request.time', values: ['x'] }] }] }), [`IST0106 ${P}invalid \`value\` for \`key\` request.time: unknown attribute: request.time`]],
  ['56 values required', 'AuthorizationPolicy', ap({ rules: [{ when: [{ key: 'source.ip' }] }] }), [`IST0106 ${P}at least one of \`values\` or \`notValues\` must be set for key source.ip`]],
  ['56 destination.namespace', 'AuthorizationPolicy', ap({ rules: [{ when: [{ key: 'destination.namespace', values: ['shop'] }] }] }), [`IST0106 ${P}invalid \`value\` for \`key\` destination.namespace: attribute destination.namespace is replaced by the metadata.namespace`]],
  ['57 DENY on HTTP attributes only', 'AuthorizationPolicy', ap({ action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] }), ['IST0133 configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port']],
  // RequestAuthentication
  ['58 issuer or jwksUri', 'RequestAuthentication', { jwtRules: [{ audiences: ['a'] }] }, ['IST0106 issuer or jwksUri must be non-empty string']],
  ['58 jwksUri scheme', 'RequestAuthentication', ra({ jwksUri: 'ftp://issuer.example.com/jwks' }), ['IST0106 URI scheme "ftp" is not supported']],
  ['58 inline jwks', 'RequestAuthentication', ra({ jwks: '{"keys": [' }), [expect.stringMatching(/^IST0106 jwks parse error: /) as any]],
  ['58 empty audience', 'RequestAuthentication', ra({ audiences: [''] }), ['IST0106 audience must be non-empty string']],
  ['58 targetRefs and selector', 'RequestAuthentication', { selector: { matchLabels: { app: 'gw' } }, targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] }, ['IST0106 only one of targetRefs or workloadSelector can be set']],
  ['59 header location', 'RequestAuthentication', ra({ fromHeaders: [{ prefix: 'Bearer ' }] }), ['IST0106 location header name must be non-empty string']],
  ['59 outputClaimToHeaders', 'RequestAuthentication', ra({ outputClaimToHeaders: [{ claim: 'sub' }] }), ['IST0106 outputClaimToHeaders header and claim value must be non-empty string']],
  ['59 private key in jwks', 'RequestAuthentication', ra({ jwks: JSON.stringify({ keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB', d: 'secret' }] }) }), ['IST0133 jwks key at index 0 contains private key material; only public keys are used for verification']],
  ['3 JWT timeout', 'RequestAuthentication', ra({ timeout: '0.1ms' }), ['IST0106 duration must be greater than 1ms']],
];

describe.each(CASES)('rule %s', (_rule, kind, spec, expected) => {
  test(`${kind} fails with istiod's message`, () => {
    const name = expected[0] === 'IST0106 invalid gateway name: "edge.public"' ? 'edge.public' : 'x';
    expect(istiod([obj(kind, spec, name)])).toEqual(expected);
  });
});

test('the auto-allocation opt-out label makes addresses required (webhook rule 43)', () => {
  const spec = se({ ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] });
  expect(istiod([obj('ServiceEntry', spec)])).toEqual([]);
  expect(istiod([obj('ServiceEntry', spec, 'x', { 'networking.istio.io/enable-autoallocate-ip': 'false' })]))
    .toEqual(['IST0133 addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled']);
});
