import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { AcmeServer, AcmeSolver, CaChain, ClusterIssuer, Issuer, IssuerConfig, IssuerKind } from '../../src';
import { findOne, newChart, synth } from '../helpers';

describe('Issuer and ClusterIssuer', () => {
  test('ACME with every DNS-01 provider and HTTP-01 through the istio ingress class', () => {
    const chart = newChart();
    new ClusterIssuer(chart, 'letsencrypt', {
      config: IssuerConfig.acme({
        server: AcmeServer.LETS_ENCRYPT,
        email: 'ops@example.com',
        solvers: [
          AcmeSolver.http01({ dnsNames: ['www.example.com'] }),
          AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cloudflare', key: 'api-token' }, dnsZones: ['example.com'] }),
          AcmeSolver.dns01Route53({ region: 'eu-west-1', hostedZoneId: 'Z123', role: 'arn:aws:iam::123456789012:role/dns' }),
          AcmeSolver.dns01CloudDns({ project: 'my-project-123', serviceAccount: { name: 'clouddns', key: 'key.json' } }),
          AcmeSolver.dns01AzureDns({ subscriptionId: 'sub', resourceGroupName: 'dns', managedIdentityClientId: 'mi' }),
          AcmeSolver.dns01Rfc2136({ nameserver: '10.0.0.53:53', tsigKeyName: 'acme', tsigSecret: { name: 'tsig', key: 'secret' } }),
        ],
      }),
    });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const spec = findOne(manifests, 'ClusterIssuer', 'letsencrypt').spec.acme;
    expect(spec.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(spec.privateKeySecretRef).toEqual({ name: 'letsencrypt-account-key' });
    expect(spec.solvers[0]).toEqual({ selector: { dnsNames: ['www.example.com'] }, http01: { ingress: { ingressClassName: 'istio' } } });
    expect(spec.solvers[5].dns01.rfc2136.tsigAlgorithm).toBe('HMACSHA256');
  });

  test('staging is the default ACME server; namespaced Issuer; self-signed and CA', () => {
    const chart = newChart();
    const issuer = new Issuer(chart, 'le', { namespace: 'istio-system', config: IssuerConfig.acme({ solvers: [AcmeSolver.http01()] }) });
    new Issuer(chart, 'ss', { namespace: 'istio-system', config: IssuerConfig.selfSigned() });
    new Issuer(chart, 'ca', { namespace: 'istio-system', config: IssuerConfig.ca({ secretName: 'root-ca' }) });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Issuer', 'le', 'istio-system').spec.acme.server).toBe(AcmeServer.LETS_ENCRYPT_STAGING.url);
    expect(findOne(manifests, 'Issuer', 'ss').spec).toEqual({ selfSigned: {} });
    expect(findOne(manifests, 'Issuer', 'ca').spec).toEqual({ ca: { secretName: 'root-ca' } });
    expect(issuer.issuerTraits).toEqual({ acme: true, http01: true, http01Only: true });
  });

  test('fromName references', () => {
    expect(Issuer.fromName('ca', 'istio-system')).toEqual({ issuerName: 'ca', issuerKind: IssuerKind.ISSUER, issuerNamespace: 'istio-system', issuerTraits: {} });
    expect(ClusterIssuer.fromName('letsencrypt-prod', { acme: true }).issuerKind).toBe(IssuerKind.CLUSTER_ISSUER);
  });

  test('escape hatch', () => {
    const chart = newChart();
    const issuer = new ClusterIssuer(chart, 'ss', { config: IssuerConfig.selfSigned() });
    ApiObject.of(issuer).addJsonPatch(JsonPatch.add('/metadata/labels', { a: 'b' }));
    expect(findOne(synth(chart), 'ClusterIssuer', 'ss').metadata.labels).toEqual({ a: 'b' });
  });

  test.each([
    ['no solvers', () => IssuerConfig.acme({ solvers: [] }), 'test/i: acme.solvers must have at least one solver, got [].'],
    ['bad email', () => IssuerConfig.acme({ email: 'ops', solvers: [AcmeSolver.http01()] }), "test/i: acme.email must be an email address, got 'ops'."],
    ['route53 half credentials', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01Route53({ region: 'eu-west-1', accessKeyId: 'AKIA' })] }),
      "test/i: route53.accessKeyId and secretAccessKey must be given together, got 'AKIA'."],
    ['route53 bad region', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01Route53({ region: 'europe' })] }), "test/i: route53.region must be an AWS region, got 'europe'."],
    ['cloud dns bad project', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01CloudDns({ project: 'P' })] }), "test/i: cloudDNS.project must be a Google Cloud project ID, got 'P'."],
    ['azure partial principal', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01AzureDns({ subscriptionId: 's', resourceGroupName: 'r', clientId: 'c' })] }),
      "test/i: azureDNS.clientId clientSecret and tenantId must be given together, got 'c'."],
    ['rfc2136 bad nameserver', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01Rfc2136({ nameserver: 'ns1:99999' })] }),
      "test/i: rfc2136.nameserver must have a port from 1 to 65535, got 'ns1:99999'."],
    ['rfc2136 key without secret', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01Rfc2136({ nameserver: '10.0.0.53', tsigKeyName: 'k' })] }),
      "test/i: rfc2136.tsigKeyName and tsigSecret must be given together, got 'k'."],
    ['bad secret key', () => IssuerConfig.acme({ solvers: [AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cf', key: 'a b' } })] }),
      "test/i: cloudflare.apiToken.key must be a Secret key (letters, digits, '-', '_' or '.'), got 'a b'."],
    ['bad dns zone selector', () => IssuerConfig.acme({ solvers: [AcmeSolver.http01({ dnsZones: ['Example.com'] })] }),
      "test/i: solvers[0].dnsZones must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase), got 'Example.com'."],
    ['bad CA secret', () => IssuerConfig.ca({ secretName: 'Root_CA' }), "test/i: ca.secretName must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Root_CA'."],
  ])('fails on %s', (_name, config, message) => {
    expect(() => new ClusterIssuer(newChart(), 'i', { config: config() })).toThrow(message);
  });

  test('fails on a non-https custom ACME server, at the issuer that uses it', () => {
    const server = AcmeServer.custom('http://acme.example.com');
    expect(() => new ClusterIssuer(newChart(), 'le', { config: IssuerConfig.acme({ server, solvers: [AcmeSolver.http01()] }) }))
      .toThrow("test/le: acme.server.url must be an https URL, got 'http://acme.example.com'.");
  });
});

describe('CaChain', () => {
  test('self-signed root, CA certificate kept across renewals, CA issuer', () => {
    const chart = newChart();
    const ca = new CaChain(chart, 'internal-ca', { commonName: 'Example Internal Root CA' });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'ClusterIssuer', 'internal-ca-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(findOne(manifests, 'Certificate', 'internal-ca-root', 'cert-manager').spec).toEqual({
      secretName: 'internal-ca-root',
      commonName: 'Example Internal Root CA',
      isCA: true,
      duration: '87600h',
      privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Never' },
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'internal-ca-selfsigned' },
    });
    expect(findOne(manifests, 'ClusterIssuer', 'internal-ca').spec).toEqual({ ca: { secretName: 'internal-ca-root' } });
    expect([ca.issuerName, ca.issuerKind]).toEqual(['internal-ca', IssuerKind.CLUSTER_ISSUER]);
  });

  test('namespaced chain', () => {
    const chart = newChart();
    const ca = new CaChain(chart, 'ca', { commonName: 'Root', cluster: false, namespace: 'istio-system', duration: Duration.days(365) });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Issuer', 'ca', 'istio-system').spec).toEqual({ ca: { secretName: 'ca-root' } });
    expect(ca.issuerNamespace).toBe('istio-system');
  });

  test('fails on an empty common name', () => {
    expect(() => new CaChain(newChart(), 'ca', { commonName: '' })).toThrow("test/ca: commonName must be 1 to 64 characters, got ''.");
  });
});

describe('issuer names', () => {
  test('the ACME account key of an issuer with a long name is cut to fit, keeping a digest', () => {
    const chart = newChart();
    const name = `${'l'.repeat(240)}.example`;
    new ClusterIssuer(chart, 'acme', { name, config: IssuerConfig.acme({ solvers: [AcmeSolver.http01()] }) });
    const accountKey = findOne(synth(chart), 'ClusterIssuer', name).spec.acme.privateKeySecretRef.name;
    expect(accountKey).toHaveLength(253);
    expect(accountKey).toMatch(/^l{240}\.exam-[0-9a-z]{7}$/);
  });

  test('the ACME account key of an ordinary issuer keeps its readable name', () => {
    const chart = newChart();
    new ClusterIssuer(chart, 'letsencrypt', { config: IssuerConfig.acme({ solvers: [AcmeSolver.http01()] }) });
    expect(findOne(synth(chart), 'ClusterIssuer', 'letsencrypt').spec.acme.privateKeySecretRef.name).toBe('letsencrypt-account-key');
  });

  test('fails on an id that makes no issuer name, naming the id', () => {
    expect(() => new Issuer(newChart(), '...', { config: IssuerConfig.selfSigned() }))
      .toThrow("test/...: id must make a valid object name, but '' (the id as a DNS label) must not be empty, got '...'. Use an id with letters or digits and at most 253 characters, or set name explicitly.");
    expect(() => new CaChain(newChart(), 'c'.repeat(64), { commonName: 'CA' }))
      .toThrow(`test/${'c'.repeat(64)}: id must make a valid object name, but '${'c'.repeat(64)}' (the id as a DNS label) must be at most 63 characters (has 64)`);
  });
});

describe('CaChain derived names', () => {
  test('fails on a name whose derived issuer another construct already produces, at the CaChain', () => {
    const chart = newChart();
    new ClusterIssuer(chart, 'other', { name: 'internal-ca-selfsigned', config: IssuerConfig.selfSigned() });
    expect(() => new CaChain(chart, 'internal-ca', { commonName: 'CA' }))
      .toThrow("test/internal-ca: id makes the ClusterIssuer 'internal-ca-selfsigned', which 'test/other' also produces, got 'internal-ca'. "
        + "Give the CaChain another id (or a name): its objects are '<name>', '<name>-selfsigned' and '<name>-root'.");
  });

  test('fails on an explicit name whose root certificate another construct already produces, naming name', () => {
    const chart = newChart();
    new CaChain(chart, 'one', { commonName: 'CA', name: 'ca' });
    expect(() => new CaChain(chart, 'two', { commonName: 'CA', name: 'ca', cluster: false }))
      .toThrow("test/two: name makes the Certificate 'cert-manager/ca-root', which 'test/one' also produces, got 'ca'.");
  });
});
