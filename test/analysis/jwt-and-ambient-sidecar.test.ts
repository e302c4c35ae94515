import { MeshAnalysis } from '../../src';

const codes = (manifests: any[], analyzer: string) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.analyzer === analyzer)
  .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);

const pod = (name: string, ns: string, labels: any, annotations: any = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, annotations }, spec: { containers: [{ name: 'app', image: 'shop/app:1' }] },
});

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  const gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'edge' }, spec: { selector: { istio: 'public' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } };
  const route = (name: string, header: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'edge' },
    spec: { hosts: ['api.example.com'], gateways: ['public'], http: [{ match: [{ headers: { [header]: { exact: 'admin' } } }], route: [{ destination: { host: 'api' } }] }] },
  });
  const authn = (ns: string, selector?: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace: ns }, spec: selector ? { selector: { matchLabels: selector } } : {} });
  const gwPod = pod('public-1', 'edge', { istio: 'public' });

  test('claim routes at a gateway whose pods no RequestAuthentication covers (IST0149)', () => {
    expect(codes([gateway, gwPod, route('claims', '@request.auth.claims.role'), route('plain', 'x-role')], 'virtualservice.JWTClaimRouteAnalyzer'))
      .toEqual(['IST0149 VirtualService edge/claims']);
  });

  test('a RequestAuthentication in the pod namespace or the root namespace covers the pods', () => {
    const base = [gateway, gwPod, route('claims', '@request.auth.claims.role')];
    expect(codes([...base, authn('edge', { istio: 'public' })], 'virtualservice.JWTClaimRouteAnalyzer')).toEqual([]);
    expect(codes([...base, authn('istio-system')], 'virtualservice.JWTClaimRouteAnalyzer')).toEqual([]);
    expect(codes([...base, authn('edge', { istio: 'other' })], 'virtualservice.JWTClaimRouteAnalyzer')).toEqual(['IST0149 VirtualService edge/claims']);
  });

  test('is silent without gateway workloads in the files', () => {
    expect(codes([gateway, route('claims', '@request.auth.claims.role')], 'virtualservice.JWTClaimRouteAnalyzer')).toEqual([]);
  });
});

describe('sidecar.SelectorAnalyzer in ambient namespaces', () => {
  const sidecar = (name: string, ns: string, labels?: any) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec: { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./*'] }] },
  });
  const namespace = (name: string, labels: any) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

  test('Sidecars for an ambient namespace or ambient pods have no effect (IST0167)', () => {
    const manifests = [
      namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
      namespace('mixed', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }),
      pod('a', 'amb', { app: 'a' }, { 'ambient.istio.io/redirection': 'enabled' }),
      sidecar('ns-wide', 'amb'),
      sidecar('for-a', 'amb', { app: 'a' }),
      sidecar('ns-wide', 'mixed'),
    ];
    expect(codes(manifests, 'sidecar.SelectorAnalyzer')).toEqual([
      'IST0167 Sidecar amb/ns-wide',
      'IST0167 Sidecar amb/for-a',
    ]);
  });
});
