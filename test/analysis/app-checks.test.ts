import { deployment, dr, gw, http, svc } from './fixtures';
import { FindingLevel, MeshAnalysis } from '../../src';

const only = (prefix: string) => (manifests: any[]) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.code.startsWith(prefix))
  .map((f) => `${f.code} ${f.level} ${f.analyzer} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);
const cis = only('CIS');
const sec = (kind: string, name: string, ns: string, spec: any) => ({ apiVersion: 'security.istio.io/v1', kind, metadata: { name, namespace: ns }, spec });
const sa = (name: string, ns: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
const pod = { containers: [{ name: 'app', image: 'app' }] };

describe('CIS2001 subsets selecting none of the service\'s workloads', () => {
  const base = [svc('reviews', 'shop', [http('http', 9080)]), deployment('reviews-v1', 'shop', pod, { app: 'reviews', version: 'v1' }),
    deployment('ratings-v2', 'shop', pod, { app: 'ratings', version: 'v2' })];
  test('a subset matching only another app\'s pods is reported', () => {
    expect(cis([...base, dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })]))
      .toEqual(['CIS2001 Warning cdk8sistio.SubsetWorkloadAnalyzer DestinationRule shop/reviews']);
  });
  test('silent when the app defines no workload for the service', () => {
    expect(cis([svc('reviews', 'shop', [http('http', 9080)]), dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] })])).toEqual([]);
  });
});

describe('IST0173/IST0174 (destinationrule.SubsetSelectPodAnalyzer) from the files', () => {
  const ist = only('IST017');
  test('a subset no pod template carries, and a host no service defines', () => {
    expect(ist([svc('reviews', 'shop', [http('http', 9080)]), deployment('reviews-v1', 'shop', pod, { app: 'reviews', version: 'v1' }),
      dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v3', labels: { version: 'v3' } }] }),
      dr('ghost', 'shop', { host: 'ghost' })])).toEqual([
      'IST0173 Error destinationrule.SubsetSelectPodAnalyzer DestinationRule shop/reviews',
      'IST0174 Warning destinationrule.SubsetSelectPodAnalyzer DestinationRule shop/ghost',
    ]);
  });
});

describe('CIS2002 identity rules without STRICT mTLS', () => {
  const allow = sec('AuthorizationPolicy', 'allow-web', 'shop', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });
  const deny = sec('AuthorizationPolicy', 'deny-batch', 'shop', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['batch'] } }] }] });
  test('ALLOW warns and DENY fails where the files declare PERMISSIVE', () => {
    const permissive = sec('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'PERMISSIVE' } });
    expect(cis([allow, deny, permissive])).toEqual([
      'CIS2002 Warning cdk8sistio.MtlsIdentityAnalyzer AuthorizationPolicy shop/allow-web',
      'CIS2002 Error cdk8sistio.MtlsIdentityAnalyzer AuthorizationPolicy shop/deny-batch',
    ]);
  });
  test('with no PeerAuthentication in the files (Istio default PERMISSIVE, maybe STRICT mesh-wide elsewhere) one level lower', () => {
    expect(cis([allow, deny])).toEqual([
      'CIS2002 Info cdk8sistio.MtlsIdentityAnalyzer AuthorizationPolicy shop/allow-web',
      'CIS2002 Warning cdk8sistio.MtlsIdentityAnalyzer AuthorizationPolicy shop/deny-batch',
    ]);
  });
  test('a STRICT namespace or mesh-wide PeerAuthentication silences it', () => {
    expect(cis([allow, deny, sec('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'STRICT' } })])).toEqual([]);
    expect(cis([allow, deny, sec('PeerAuthentication', 'default', 'istio-system', { mtls: { mode: 'STRICT' } })])).toEqual([]);
  });
});

describe('CIS2003 RequestAuthentication without a policy requiring a principal', () => {
  const ra = sec('RequestAuthentication', 'jwt', 'shop', { selector: { matchLabels: { app: 'web', tier: 'front' } }, jwtRules: [{ issuer: 'https://id.example.com' }] });
  test('reported alone', () => {
    expect(cis([ra])).toEqual(['CIS2003 Warning cdk8sistio.RequestAuthenticationPolicyAnalyzer RequestAuthentication shop/jwt']);
  });
  test('an ALLOW policy with requestPrincipals on a subset of its labels covers it', () => {
    const ap = sec('AuthorizationPolicy', 'require-jwt', 'shop', { selector: { matchLabels: { app: 'web' } }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
    expect(cis([ra, ap])).toEqual([]);
  });
});

describe('CIS2004 gateway credential in another namespace', () => {
  const gwPod = deployment('ingress', 'istio-ingress', pod, { istio: 'ingressgateway' });
  const gateway = gw('public', 'edge', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-tls' } }] });
  const cert = (ns: string) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shop', namespace: ns }, spec: { secretName: 'shop-tls', issuerRef: { name: 'ca' } } });
  test('a Certificate writing the secret next to the Gateway object, not the gateway pods, fails', () => {
    expect(cis([gwPod, gateway, cert('edge')])).toEqual(['CIS2004 Error cdk8sistio.GatewayCredentialNamespaceAnalyzer Gateway edge/public']);
  });
  test('in the gateway workload\'s namespace it is fine', () => {
    expect(cis([gwPod, gateway, cert('istio-ingress')])).toEqual([]);
  });
});

describe('CIS2005 principals naming undefined service accounts', () => {
  const ap = sec('AuthorizationPolicy', 'allow', 'shop', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend', 'cluster.local/ns/other/sa/x'] } }] }] });
  test('reported when the namespace defines other accounts; other namespaces are not judged', () => {
    const found = MeshAnalysis.analyze([sa('web', 'shop'), ap, sec('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'STRICT' } })]).filter((f) => f.code === 'CIS2005');
    expect(found).toEqual([expect.objectContaining({ level: FindingLevel.WARNING, analyzer: 'cdk8sistio.UnknownServiceAccountAnalyzer' })]);
    expect(found[0].message).toContain('service account shop/frontend');
  });
  test('silent when the account exists', () => {
    expect(cis([sa('frontend', 'shop'), ap, sec('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'STRICT' } })])).toEqual([]);
  });
});

describe('CIS2006 REGISTRY_ONLY egress to a host no visible ServiceEntry declares', () => {
  const net = (kind: string, name: string, ns: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: ns }, spec });
  const sidecar = (hosts: string[]) => net('Sidecar', 'default', 'shop', { egress: [{ hosts }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
  const stripe = (ns: string, exportTo?: string[]) => net('ServiceEntry', 'stripe', ns, {
    hosts: ['api.stripe.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL', exportTo,
  });
  const other = net('ServiceEntry', 'other', 'shop', { hosts: ['other.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' });
  test('a host with no ServiceEntry is reported', () => {
    expect(cis([sidecar(['./*', '*/api.stripe.com']), other])).toEqual(['CIS2006 Warning cdk8sistio.RegistryOnlyEgressAnalyzer Sidecar shop/default']);
  });
  test('a ServiceEntry exported only to its own namespace elsewhere is reported', () => {
    expect(cis([sidecar(['*/api.stripe.com']), stripe('egress', ['.'])])).toEqual(['CIS2006 Warning cdk8sistio.RegistryOnlyEgressAnalyzer Sidecar shop/default']);
  });
  test('an egress entry importing another namespace than the ServiceEntry\'s is reported', () => {
    expect(cis([sidecar(['istio-system/api.stripe.com']), stripe('egress', ['*'])])).toEqual(['CIS2006 Warning cdk8sistio.RegistryOnlyEgressAnalyzer Sidecar shop/default']);
  });
  test('a visible ServiceEntry, ALLOW_ANY, wildcards and files without ServiceEntries are fine', () => {
    expect(cis([sidecar(['*/api.stripe.com']), stripe('egress', ['*'])])).toEqual([]);
    expect(cis([sidecar(['./api.stripe.com']), stripe('shop', ['.'])])).toEqual([]);
    expect(cis([net('Sidecar', 'default', 'shop', { egress: [{ hosts: ['*/api.stripe.com'] }], outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }), other])).toEqual([]);
    expect(cis([sidecar(['*/*.stripe.com']), other])).toEqual([]);
    expect(cis([sidecar(['*/api.stripe.com'])])).toEqual([]);
  });
});
