import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import {
  AcmeServer, AcmeSolver, CaChain, ClientCaSource, ClusterIssuer, GatewayCertificate, GatewayTlsMode, Issuer, IssuerConfig,
  MeshService, SecureGateway, TlsVersion,
} from '../../src';
import { shortDigest } from '../../src/core/naming';
import { meshModel } from '../../src/render/model-renderers';
import { findAll, findOne, newChart, synth } from '../helpers';

const productpage = MeshService.fromName('productpage', 'bookinfo', { port: 9080 });

function letsEncrypt(chart: any, solvers = [AcmeSolver.http01()]) {
  return new ClusterIssuer(chart, 'letsencrypt', { config: IssuerConfig.acme({ server: AcmeServer.LETS_ENCRYPT, email: 'ops@example.com', solvers }) });
}

describe('SecureGateway', () => {
  test('defaults: SIMPLE TLS 1.2+, certificate in the gateway namespace, HTTPS redirect', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'public', {
      hosts: ['bookinfo.example.com'],
      certificate: GatewayCertificate.fromSecret('bookinfo-tls'),
    });
    gw.addRoute({ service: productpage });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();

    const gateway = findOne(manifests, 'Gateway', 'public', 'istio-system');
    expect(gateway.spec.selector).toEqual({ istio: 'ingressgateway' });
    const [https, http] = gateway.spec.servers;
    expect(https.port).toEqual({ number: 443, name: 'https-443', protocol: 'HTTPS' });
    expect(https.tls).toEqual({ mode: 'SIMPLE', credentialName: 'bookinfo-tls', minProtocolVersion: 'TLSV1_2' });
    expect(http).toEqual({ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['bookinfo.example.com'], tls: { httpsRedirect: true } });
    const vs = findOne(manifests, 'VirtualService', 'public-bookinfo-example-com', 'istio-system');
    expect(vs.spec.hosts).toEqual(gateway.spec.servers[0].hosts);
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
    expect(vs.spec.http).toEqual([{ name: 'productpage', route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }] }]);
  });

  test('cert-manager Certificate: secretName == credentialName, in the gateway workload namespace', () => {
    const chart = newChart({ namespace: 'bookinfo' });
    const issuer = letsEncrypt(chart);
    new SecureGateway(chart, 'public', {
      namespace: 'istio-ingress',
      hosts: ['bookinfo.example.com', 'www.bookinfo.example.com'],
      certificate: GatewayCertificate.fromIssuer(issuer, { duration: Duration.days(90), renewBefore: Duration.days(30) }),
    });
    const manifests = synth(chart);
    const gateway = findOne(manifests, 'Gateway', 'public', 'istio-ingress');
    const certificate = findOne(manifests, 'Certificate', 'public-tls');
    expect(certificate.metadata.namespace).toBe(gateway.metadata.namespace);
    expect(certificate.spec.secretName).toBe(gateway.spec.servers[0].tls.credentialName);
    expect(certificate.spec).toEqual({
      secretName: 'public-tls',
      dnsNames: ['bookinfo.example.com', 'www.bookinfo.example.com'],
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Always' },
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    });
    const clusterIssuer = findOne(manifests, 'ClusterIssuer', 'letsencrypt');
    expect(clusterIssuer.metadata.namespace).toBeUndefined();
  });

  test('HTTP-01 issuer: no redirect server (the challenge is served over plain HTTP by the solver Ingress)', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'public', { hosts: ['bookinfo.example.com'], certificate: GatewayCertificate.fromIssuer(letsEncrypt(chart)) });
    const gateway = findOne(synth(chart), 'Gateway', 'public');
    expect(gateway.spec.servers.map((s: any) => s.port.number)).toEqual([443]);
    expect(gw.credentialName).toBe('public-tls');
  });

  test('PASSTHROUGH: TLS server and SNI-matched TLS routes', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'nginx', { hosts: ['nginx.example.com'], tlsMode: GatewayTlsMode.PASSTHROUGH });
    gw.addRoute({ service: MeshService.fromName('my-nginx', 'default', { port: 443 }) });
    const manifests = synth(chart);
    const server = findOne(manifests, 'Gateway', 'nginx').spec.servers[0];
    expect(server).toEqual({ port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['nginx.example.com'], tls: { mode: 'PASSTHROUGH' } });
    const vs = findOne(manifests, 'VirtualService', 'nginx-nginx-example-com');
    expect(vs.spec.tls).toEqual([{
      match: [{ sniHosts: ['nginx.example.com'], port: 443 }],
      route: [{ destination: { host: 'my-nginx.default.svc.cluster.local', port: { number: 443 } } }],
    }]);
    expect(vs.spec.http).toBeUndefined();
  });

  test('MUTUAL with a CaChain: client CA from ca.crt of the same secret; OPTIONAL_MUTUAL with a separate CA secret', () => {
    const chart = newChart();
    const ca = new CaChain(chart, 'internal-ca', { commonName: 'Example Internal Root CA' });
    new SecureGateway(chart, 'mtls', {
      hosts: ['httpbin.example.com'],
      tlsMode: GatewayTlsMode.MUTUAL,
      certificate: GatewayCertificate.fromIssuer(ca),
      clientSubjectAltNames: ['client.example.com'],
    });
    new SecureGateway(chart, 'optional', {
      hosts: ['optional.example.com'],
      tlsMode: GatewayTlsMode.OPTIONAL_MUTUAL,
      certificate: GatewayCertificate.fromSecret('optional-cert'),
      clientCa: ClientCaSource.fromSecret('partners-ca'),
      minTlsVersion: TlsVersion.TLSV1_3,
    });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Gateway', 'mtls').spec.servers[0].tls).toEqual({
      mode: 'MUTUAL', credentialName: 'mtls-tls', subjectAltNames: ['client.example.com'], minProtocolVersion: 'TLSV1_2',
    });
    expect(findOne(manifests, 'Gateway', 'optional').spec.servers[0].tls).toEqual({
      mode: 'OPTIONAL_MUTUAL', credentialName: 'optional-cert', caCertCredentialName: 'partners-ca', minProtocolVersion: 'TLSV1_3',
    });
    expect(findOne(manifests, 'Certificate', 'mtls-tls').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'internal-ca' });
  });

  test('ISTIO_MUTUAL: no credential', () => {
    const chart = newChart();
    new SecureGateway(chart, 'internal', { hosts: ['api.mesh.example.com'], tlsMode: GatewayTlsMode.ISTIO_MUTUAL, httpsRedirect: false });
    const gateway = findOne(synth(chart), 'Gateway', 'internal');
    expect(gateway.spec.servers).toEqual([{
      port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['api.mesh.example.com'], tls: { mode: 'ISTIO_MUTUAL', minProtocolVersion: 'TLSV1_2' },
    }]);
  });

  test('routes: one VirtualService per host, path prefixes before the default route, custom ports', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'public', {
      hosts: ['*.example.com'],
      certificate: GatewayCertificate.fromSecret('wildcard-tls'),
      httpsPort: 8443,
      httpPort: 8080,
      cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'],
      maxTlsVersion: TlsVersion.TLSV1_3,
    });
    gw.addRoute({ host: 'shop.example.com', service: MeshService.fromName('web', 'shop', { port: 80 }) });
    gw.addRoute({ host: 'shop.example.com', pathPrefix: '/api/', rewritePrefix: '/', service: MeshService.fromName('api', 'shop-api', { port: 8080 }), timeout: Duration.seconds(5) });
    const manifests = synth(chart);
    expect(findAll(manifests, 'VirtualService')).toHaveLength(1);
    const vs = findOne(manifests, 'VirtualService', 'public-shop-example-com');
    expect(vs.spec.http.map((r: any) => r.name)).toEqual(['api-api', 'web']);
    expect(vs.spec.http[0]).toMatchObject({ match: [{ uri: { prefix: '/api/' } }], rewrite: { uri: '/' }, timeout: '5s' });
    const gateway = findOne(manifests, 'Gateway', 'public');
    expect(gateway.spec.servers.map((s: any) => s.port.number)).toEqual([8443, 8080]);
    expect(gateway.spec.servers[0].tls).toMatchObject({ cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'], maxProtocolVersion: 'TLSV1_3' });
  });

  test('implements IMeshGateway', () => {
    const gw = new SecureGateway(newChart(), 'public', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a') });
    expect([gw.gatewayName, gw.gatewayNamespace, gw.hosts]).toEqual(['public', 'istio-system', ['a.example.com']]);
  });

  test('escape hatch: ApiObject.of reaches the Gateway', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'public', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a') });
    ApiObject.of(gw).addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'edge' }));
    expect(findOne(synth(chart), 'Gateway', 'public').metadata.labels).toEqual({ team: 'edge' });
  });
});

describe('SecureGateway validation', () => {
  const secret = GatewayCertificate.fromSecret('tls');
  const make = (props: any) => new SecureGateway(newChart(), 'gw', { hosts: ['a.example.com'], certificate: secret, ...props });

  test('fails on a second default route for a host, naming the addRoute call (not a model label)', () => {
    // Given a gateway that already routes a.example.com without a path
    const gw = make({});
    gw.addRoute({ service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }) });
    // When a second route for the host has no path either, Then the error names the addRoute call's prop
    expect(() => gw.addRoute({ service: MeshService.fromName('reviews', 'bookinfo', { port: 9080 }) })).toThrow(
      "test/gw: addRoute gives 'a.example.com' a second default http route (without a match), but 'test/gw' already gives it one, got 'a.example.com'. "
      + 'A host has one default route: let one construct own it (e.g. one CanaryRelease per service), or give this route a match.');
  });
  test('fails on a repeated path, naming the addRoute call', () => {
    const gw = make({});
    gw.addRoute({ service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }), pathPrefix: '/api' });
    expect(() => gw.addRoute({ service: MeshService.fromName('reviews', 'bookinfo', { port: 9080 }), pathPrefix: '/api' })).toThrow(
      /^test\/gw: addRoute \/api repeats a match of 'a\.example\.com' already routed by 'test\/gw'/);
  });
  test('fails on a second redirect without a path, naming the addRedirect call', () => {
    const gw = make({});
    gw.addRedirect({ replacePath: '/new' });
    expect(() => gw.addRedirect({ replacePath: '/other' })).toThrow(/^test\/gw: addRedirect gives 'a\.example\.com' a second default http route/);
  });

  test('fails on an empty host list', () => {
    expect(() => make({ hosts: [] })).toThrow("test/gw: hosts must list at least one host, got []. List the external names, e.g. ['bookinfo.example.com'].");
  });
  test('fails on a partial wildcard host', () => {
    expect(() => make({ hosts: ['*foo.example.com'] })).toThrow("test/gw: hosts must not use a partial wildcard ('*foo'); use a whole first label such as '*.example.com', got '*foo.example.com'.");
  });
  test('fails on a short host name', () => {
    expect(() => make({ hosts: ['bookinfo'] })).toThrow("test/gw: hosts must be a fully-qualified name (short names such as 'reviews' are not allowed here), got 'bookinfo'.");
  });
  test('fails on a duplicate host', () => {
    expect(() => make({ hosts: ['a.example.com', 'a.example.com'] })).toThrow("test/gw: hosts must not list a host twice, got 'a.example.com'. Remove the duplicate.");
  });
  test('fails on a gateway name with dots', () => {
    expect(() => make({ name: 'public.gw' })).toThrow("test/gw: name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'public.gw'.");
  });
  test('fails on SIMPLE without a certificate', () => {
    expect(() => make({ certificate: undefined })).toThrow('test/gw: certificate is required with SIMPLE TLS, got nothing. Use GatewayCertificate.fromIssuer(issuer) for a cert-manager certificate, or GatewayCertificate.fromSecret(name) for your own.');
  });
  test('fails on PASSTHROUGH with a certificate', () => {
    expect(() => make({ tlsMode: GatewayTlsMode.PASSTHROUGH })).toThrow("test/gw: certificate must not be set with PASSTHROUGH TLS (it uses no server certificate), got 'tls'. The backend terminates TLS with its own certificate; remove certificate.");
  });
  test('fails on a credential secret outside the gateway namespace', () => {
    expect(() => make({ certificate: GatewayCertificate.fromSecret('bookinfo-tls', { namespace: 'bookinfo' }) }))
      .toThrow("test/gw: certificate secret must be in the gateway workload's namespace 'istio-system', got 'bookinfo/bookinfo-tls'. An Istio gateway reads credentials from its own namespace only; create the Secret in 'istio-system'.");
  });
  test('fails on a namespaced Issuer outside the gateway namespace', () => {
    const chart = newChart();
    const issuer = new Issuer(chart, 'ca', { namespace: 'bookinfo', config: IssuerConfig.ca({ secretName: 'root' }) });
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(issuer) }))
      .toThrow("test/gw: certificate.issuer is a namespaced Issuer in 'bookinfo', but the certificate is in 'istio-system', got 'bookinfo/ca'. A namespaced Issuer signs only certificates of its own namespace; create the Issuer in 'istio-system' or use a ClusterIssuer.");
  });
  test('fails on ACME HTTP-01 with a wildcard host', () => {
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['*.example.com'], certificate: GatewayCertificate.fromIssuer(letsEncrypt(chart)) }))
      .toThrow("test/gw: hosts cannot include a wildcard when the ACME issuer only has an HTTP-01 solver, got '*.example.com'. ACME validates wildcard names with DNS-01 only; add a DNS-01 solver (e.g. AcmeSolver.dns01Cloudflare) or list exact hosts.");
  });
  test('accepts a wildcard with a DNS-01 solver next to HTTP-01', () => {
    const chart = newChart();
    const issuer = letsEncrypt(chart, [AcmeSolver.http01(), AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cf', key: 'token' } })]);
    new SecureGateway(chart, 'gw', { hosts: ['*.example.com'], certificate: GatewayCertificate.fromIssuer(issuer) });
    expect(findOne(synth(chart), 'Certificate', 'gw-tls').spec.dnsNames).toEqual(['*.example.com']);
  });
  test('fails on httpsRedirect with an HTTP-01 issuer', () => {
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], httpsRedirect: true, certificate: GatewayCertificate.fromIssuer(letsEncrypt(chart)) }))
      .toThrow('test/gw: httpsRedirect cannot be used with an ACME HTTP-01 issuer, got true.');
  });
  test('fails on TLS below 1.2 unless allowed', () => {
    expect(() => make({ minTlsVersion: TlsVersion.TLSV1_1 })).toThrow("test/gw: minTlsVersion must be TLS 1.2 or newer, got 'TLSV1_1'. TLS 1.0 and 1.1 are deprecated (RFC 8996); if old clients really need them, set allowLegacyTls: true.");
    expect(() => make({ minTlsVersion: TlsVersion.TLSV1_1, allowLegacyTls: true })).not.toThrow();
  });
  test('fails on maxTlsVersion below minTlsVersion', () => {
    expect(() => make({ maxTlsVersion: TlsVersion.TLSV1_1 })).toThrow("test/gw: maxTlsVersion must not be below minTlsVersion (TLSV1_2), got 'TLSV1_1'.");
  });
  test('fails on an unknown cipher suite', () => {
    expect(() => make({ cipherSuites: ['RC4-MD5'] })).toThrow("test/gw: cipherSuites must be a TLS 1.2 cipher suite Envoy supports, got 'RC4-MD5'.");
  });
  test('fails on cipher suites with TLS 1.3 only', () => {
    expect(() => make({ minTlsVersion: TlsVersion.TLSV1_3, cipherSuites: ['AES128-SHA'] })).toThrow('test/gw: cipherSuites have no effect when minTlsVersion is TLS 1.3 (TLS 1.3 suites are fixed), got ["AES128-SHA"]. Remove cipherSuites.');
  });
  test('fails on TLS versions with PASSTHROUGH', () => {
    expect(() => make({ tlsMode: GatewayTlsMode.PASSTHROUGH, certificate: undefined, minTlsVersion: TlsVersion.TLSV1_3 }))
      .toThrow("test/gw: minTlsVersion has no effect with PASSTHROUGH (the backend negotiates TLS), got 'TLSV1_3'.");
  });
  test('fails on clientCa outside mutual modes', () => {
    expect(() => make({ clientCa: ClientCaSource.FROM_CREDENTIAL })).toThrow("test/gw: clientCa applies to MUTUAL and OPTIONAL_MUTUAL only, not SIMPLE, got 'FROM_CREDENTIAL'.");
  });
  test('fails on MUTUAL with an ACME certificate and no separate client CA', () => {
    const chart = newChart();
    const issuer = letsEncrypt(chart, [AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cf', key: 'token' } })]);
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], tlsMode: GatewayTlsMode.MUTUAL, certificate: GatewayCertificate.fromIssuer(issuer) }))
      .toThrow("test/gw: clientCa must name a client CA Secret when an ACME issuer signs the server certificate (MUTUAL), got 'FROM_CREDENTIAL'.");
  });
  test('fails on equal HTTP and HTTPS ports', () => {
    expect(() => make({ httpPort: 443 })).toThrow('test/gw: httpPort must differ from httpsPort (443), got 443.');
  });
  test('fails on a route host the gateway does not serve', () => {
    expect(() => make({}).addRoute({ host: 'b.example.com', service: productpage }))
      .toThrow("test/gw: addRoute host is not served by this gateway, got 'b.example.com'. The VirtualService host must match a Gateway host (a.example.com); add it to hosts.");
  });
  test('fails on a route without host when the gateway has several', () => {
    expect(() => make({ hosts: ['a.example.com', 'b.example.com'] }).addRoute({ service: productpage }))
      .toThrow('test/gw: addRoute host is required when the gateway serves several hosts, got nothing. Pick one of a.example.com, b.example.com.');
  });
  test('fails on a path prefix with PASSTHROUGH', () => {
    const gw = make({ tlsMode: GatewayTlsMode.PASSTHROUGH, certificate: undefined });
    expect(() => gw.addRoute({ service: productpage, pathPrefix: '/api' }))
      .toThrow("test/gw: addRoute pathPrefix cannot be used with PASSTHROUGH (the gateway does not decrypt, so it routes on SNI only), got '/api'.");
  });
  test('fails on an invalid path prefix', () => {
    expect(() => make({}).addRoute({ service: productpage, pathPrefix: 'api' })).toThrow("test/gw: addRoute pathPrefix must start with '/' and contain no spaces, '?' or '#', got 'api'.");
  });
  test('fails at synth when another construct binds a foreign host to the gateway', () => {
    const chart = newChart();
    const gw = new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: secret });
    meshModel(gw).routeTable(gw, { host: 'b.example.com', namespace: 'istio-system', binding: { kind: 'gateway', gateway: 'istio-system/gw' }, name: 'other' })
      .addHttp({ owner: gw, route: [{ host: productpage.host }] });
    expect(() => synth(chart)).toThrow("test/gw: VirtualService 'istio-system/other' host 'b.example.com' is not served by gateway 'istio-system/gw' (hosts: a.example.com).");
  });
  test('fails on a certificate shorter than 1h', () => {
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(ClusterIssuer.fromName('ca'), { duration: Duration.minutes(30) }) }))
      .toThrow("test/gw: certificate.duration must be at least 1h, got '1800000ms'. cert-manager rejects certificates shorter than 1h");
  });
  test('fails on renewBefore not shorter than duration', () => {
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(ClusterIssuer.fromName('ca'), { duration: Duration.hours(24), renewBefore: Duration.hours(24) }) }))
      .toThrow("test/gw: certificate.renewBefore must be shorter than the duration (24h), got '24h'.");
  });
  test('fails on an invalid key size', () => {
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(ClusterIssuer.fromName('ca'), { privateKey: { size: 2048 } }) }))
      .toThrow('test/gw: certificate.privateKey.size must be one of 256, 384, 521 for ECDSA, got 2048.');
  });
});

describe('SecureGateway conflicts', () => {
  test('fails at synth when two gateways on one workload and port share a host (IST0145)', () => {
    const chart = newChart();
    new SecureGateway(chart, 'a', { hosts: ['*.example.com'], certificate: GatewayCertificate.fromSecret('a') });
    new SecureGateway(chart, 'b', { hosts: ['shop.example.com'], certificate: GatewayCertificate.fromSecret('b') });
    expect(() => synth(chart)).toThrow("test/a: hosts overlap with gateway 'test/b' on the same workload (istio=ingressgateway) and port 443, got '*.example.com'.");
  });
  test('accepts the same host on another workload', () => {
    const chart = newChart();
    new SecureGateway(chart, 'a', { hosts: ['shop.example.com'], certificate: GatewayCertificate.fromSecret('a') });
    new SecureGateway(chart, 'b', { hosts: ['shop.example.com'], certificate: GatewayCertificate.fromSecret('b'), selector: { istio: 'internal-gateway' } });
    expect(synth(chart)).toHaveLength(2);
  });
});

describe('SecureGateway: hosts that read the same, PASSTHROUGH messages', () => {
  test('routes for *.example.com and wildcard.example.com get their own VirtualService', () => {
    // Given a gateway serving a wildcard and the host its readable name spells out
    const chart = newChart();
    const gw = new SecureGateway(chart, 'gw', { hosts: ['*.example.com', 'wildcard.example.com'], certificate: GatewayCertificate.fromSecret('tls') });
    // When each host gets a route
    gw.addRoute({ host: '*.example.com', service: productpage });
    gw.addRoute({ host: 'wildcard.example.com', service: MeshService.fromName('details', 'bookinfo', { port: 9080 }) });
    // Then the routes stay apart: the first keeps its readable name, the second carries a digest
    const services = findAll(synth(chart), 'VirtualService');
    expect(services.map((vs) => [vs.metadata.name, vs.spec.hosts, vs.spec.http[0].route[0].destination.host])).toEqual([
      ['gw-wildcard-example-com', ['*.example.com'], productpage.host],
      [`gw-wildcard-example-com-${shortDigest('gateway:istio-system/gw wildcard.example.com')}`, ['wildcard.example.com'], 'details.bookinfo.svc.cluster.local'],
    ]);
  });

  test('fails on httpPort without the redirect server it configures (the setting would be dropped)', () => {
    expect(() => new SecureGateway(newChart(), 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('tls'), httpsRedirect: false, httpPort: 8080 }))
      .toThrow('test/gw: httpPort is the port of the HTTPS redirect server, which is off (httpsRedirect: false), got 8080. Remove httpPort, or turn the redirect on (httpsRedirect: true).');
    const chart = newChart();
    expect(() => new SecureGateway(chart, 'gw', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromIssuer(letsEncrypt(chart)), httpPort: 8080 }))
      .toThrow('test/gw: httpPort is the port of the HTTPS redirect server, which is off (an ACME HTTP-01 issuer needs its challenge served over plain HTTP), got 8080.');
  });

  test('a PASSTHROUGH route with a timeout shows the timeout as written', () => {
    const gw = new SecureGateway(newChart(), 'gw', { hosts: ['a.example.com'], tlsMode: GatewayTlsMode.PASSTHROUGH });
    expect(() => gw.addRoute({ service: MeshService.fromName('web', 'default', { port: 443 }), timeout: Duration.seconds(90) }))
      .toThrow("test/gw: addRoute timeout cannot be used with PASSTHROUGH (the gateway does not decrypt, so it routes on SNI only), got '1 minute 30 seconds'. "
        + 'Remove it, or terminate TLS at the gateway (GatewayTlsMode.SIMPLE).');
  });

  test('fails on an id that makes no Gateway name, naming the id', () => {
    expect(() => new SecureGateway(newChart(), 'x'.repeat(64), { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('tls') }))
      .toThrow(`test/${'x'.repeat(64)}: id must make a valid object name, but '${'x'.repeat(64)}' (the id as a DNS label) must be at most 63 characters (has 64)`);
  });
});
