import { MeshAnalysis } from '../../src';

const codes = (manifests: any[], analyzer: string) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.analyzer === analyzer)
  .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (name: string, ns: string, labels: any, annotations: any = {}, containers: any[] = [{ name: 'app', image: 'shop/app:1' }]) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, annotations }, spec: { containers },
});
const policy = (name: string, ns: string, spec: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec });
const fromNamespaces = (field: string, values: string[]) => ({ rules: [{ from: [{ source: { [field]: values } }] }] });

describe('auth.AuthorizationPoliciesAnalyzer', () => {
  const analyzer = 'auth.AuthorizationPoliciesAnalyzer';

  test('policies that select no workload of the mesh (IST0127)', () => {
    const manifests = [
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('legacy'),
      pod('cart', 'shop', { app: 'cart' }),
      pod('old', 'legacy', { app: 'old' }),
      pod('ambient', 'mesh', { app: 'ambient' }, { 'ambient.istio.io/redirection': 'enabled' }),
      policy('cart', 'shop', { selector: { matchLabels: { app: 'cart' } } }),
      policy('ghost', 'shop', { selector: { matchLabels: { app: 'ghost' } } }),
      policy('outside-mesh', 'legacy', { selector: { matchLabels: { app: 'old' } } }),
      policy('empty-namespace', 'nothing-here', {}),
      policy('ambient', 'mesh', { selector: { matchLabels: { app: 'ambient' } } }),
      policy('mesh-wide', 'istio-system', { selector: { matchLabels: { app: 'cart' } } }),
      policy('mesh-wide-ghost', 'istio-system', { selector: { matchLabels: { app: 'ghost' } } }),
      policy('targeted', 'shop', { targetRefs: [{ kind: 'Service', group: '', name: 'cart' }] }),
    ];
    expect(codes(manifests, analyzer)).toEqual([
      'IST0127 AuthorizationPolicy shop/ghost',
      'IST0127 AuthorizationPolicy legacy/outside-mesh',
      'IST0127 AuthorizationPolicy nothing-here/empty-namespace',
      'IST0127 AuthorizationPolicy istio-system/mesh-wide-ghost',
    ]);
  });

  test('source namespaces that match no namespace (IST0101), with prefix and suffix wildcards', () => {
    const manifests = [
      namespace('prod-shop'), namespace('shop-test'),
      policy('ok', 'prod-shop', fromNamespaces('namespaces', ['prod-*', '*-test', '*', 'shop-test'])),
      policy('bad', 'prod-shop', fromNamespaces('notNamespaces', ['staging-*', '*-qa', 'nowhere'])),
    ];
    expect(codes(manifests, analyzer)).toEqual([
      'IST0101 AuthorizationPolicy prod-shop/bad',
      'IST0101 AuthorizationPolicy prod-shop/bad',
      'IST0101 AuthorizationPolicy prod-shop/bad',
    ]);
  });

  test('is silent without workloads and Namespace objects in the files', () => {
    expect(codes([policy('p', 'shop', { selector: { matchLabels: { app: 'x' } }, ...fromNamespaces('namespaces', ['nowhere']) })], analyzer)).toEqual([]);
  });
});

describe('k8sgateway analyzers', () => {
  test('workload selectors on Kubernetes Gateway pods are ineffective (IST0166); targetRefs are fine', () => {
    const gwPod = pod('gw', 'edge', { 'gateway.networking.k8s.io/gateway-name': 'public' });
    const selector = { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
    const manifests = [
      gwPod,
      policy('by-selector', 'edge', { selector }),
      { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace: 'edge' }, spec: { selector } },
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'targeted', namespace: 'edge' }, spec: { selector, targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' } } },
      policy('other-namespace', 'shop', { selector }),
    ];
    expect(codes(manifests, 'k8sgateway.SelectorAnalyzer')).toEqual([
      'IST0166 AuthorizationPolicy edge/by-selector',
      'IST0166 RequestAuthentication edge/jwt',
    ]);
  });

  test('a TLSRoute CRD from a bundle older than Istio needs (IST0176)', () => {
    const crd = (name: string, version: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name, annotations: { 'gateway.networking.k8s.io/bundle-version': version } },
      spec: {},
    });
    expect(codes([
      crd('tlsroutes.gateway.networking.k8s.io', 'v1.3.0'),
      crd('httproutes.gateway.networking.k8s.io', 'v1.3.0'),
    ], 'k8sgateway.CRDVersionAnalyzer')).toEqual(['IST0176 CustomResourceDefinition /tlsroutes.gateway.networking.k8s.io']);
    expect(codes([crd('tlsroutes.gateway.networking.k8s.io', 'v1.5.1')], 'k8sgateway.CRDVersionAnalyzer')).toEqual([]);
  });
});
