import { MeshAnalysis } from '../../src';

const codes = (manifests: any[], analyzer: string, meshConfig?: any) => MeshAnalysis.analyze(manifests, { meshConfig })
  .filter((f) => f.analyzer === analyzer)
  .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (name: string, ns: string, containers: any[], meta: any = {}, spec: any = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, ...meta }, spec: { containers, ...spec },
});
const app = { name: 'app', image: 'shop/app:1' };
const proxy = (image: string) => ({ name: 'istio-proxy', image });
const injector = (name: string, values: any) => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' }, data: { values: JSON.stringify(values) },
});
const values = (proxyImage: string, enableNamespacesByDefault = false) => ({
  global: { hub: 'example.io/istio', tag: '1.30.0', proxy: { image: proxyImage } }, sidecarInjectorWebhook: { enableNamespacesByDefault },
});

describe('injection.Analyzer', () => {
  test('is silent without Namespace objects', () => {
    expect(codes([pod('p', 'shop', [app])], 'injection.Analyzer')).toEqual([]);
  });

  test('unlabelled namespaces, mixed labels, and pods missing their proxy', () => {
    const manifests = [
      namespace('plain'),
      namespace('mixed', { 'istio-injection': 'enabled', 'istio.io/rev': 'blue' }),
      namespace('mixed-ambient', { 'istio.io/rev': 'blue', 'istio.io/dataplane-mode': 'ambient' }),
      namespace('off-ambient', { 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' }),
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('kube-system'),
      pod('bare', 'shop', [app]),
      pod('sidecar', 'shop', [app, proxy('x')]),
      pod('native', 'shop', [app], {}, { initContainers: [proxy('x')] }),
      pod('opted-out', 'shop', [app], { labels: { 'sidecar.istio.io/inject': 'false' } }),
      pod('host', 'shop', [app], {}, { hostNetwork: true }),
      pod('elsewhere', 'plain', [app]),
    ];
    expect(codes(manifests, 'injection.Analyzer')).toEqual([
      'IST0102 Namespace /plain',
      'IST0123 Namespace /mixed',
      'IST0123 Namespace /mixed-ambient',
      'IST0103 Pod shop/bare',
    ]);
  });

  test('an injector that enables namespaces by default reports IST0148 instead of IST0102', () => {
    expect(codes([namespace('plain'), injector('istio-sidecar-injector', values('proxyv2', true))], 'injection.Analyzer')).toEqual(['IST0148 Namespace /plain']);
  });

  test('pod templates are not expected to carry the proxy yet', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' }, spec: { template: { spec: { containers: [app] } } } };
    expect(codes([namespace('shop', { 'istio-injection': 'enabled' }), deployment], 'injection.Analyzer')).toEqual([]);
  });
});

describe('injection.ImageAnalyzer', () => {
  const cm = injector('istio-sidecar-injector', values('proxyv2'));
  test('reports a namespace once when its proxies differ from the injector image', () => {
    const manifests = [
      cm,
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('current', { 'istio-injection': 'enabled' }),
      namespace('off'),
      pod('old-1', 'shop', [app, proxy('example.io/istio/proxyv2:1.29.0')]),
      pod('old-2', 'shop', [app], {}, { initContainers: [proxy('example.io/istio/proxyv2:1.29.0')] }),
      pod('new', 'current', [app, proxy('example.io/istio/proxyv2:1.30.0')]),
      pod('pinned', 'current', [app, proxy('example.io/istio/proxyv2:1.28.0')], { annotations: { 'sidecar.istio.io/proxyImage': 'example.io/istio/proxyv2:1.28.0' } }),
      pod('unmanaged', 'off', [app, proxy('example.io/istio/proxyv2:1.29.0')]),
    ];
    expect(codes(manifests, 'injection.ImageAnalyzer')).toEqual(['IST0158 Namespace /shop']);
  });

  test('a revision namespace is compared with its revision injector; an absolute proxy image is used as is', () => {
    const manifests = [
      injector('istio-sidecar-injector-blue', values('mirror.io/proxyv2:1.30.1')),
      namespace('blue', { 'istio.io/rev': 'blue' }),
      namespace('green', { 'istio.io/rev': 'green' }),
      pod('ok', 'blue', [app, proxy('mirror.io/proxyv2:1.30.1')]),
      pod('old', 'blue', [app, proxy('mirror.io/proxyv2:1.30.0')]),
      pod('unknown-revision', 'green', [app, proxy('mirror.io/proxyv2:1.30.0')]),
    ];
    expect(codes(manifests, 'injection.ImageAnalyzer')).toEqual(['IST0158 Namespace /blue']);
  });

  test('an image variant is accepted where MeshConfig, a ProxyConfig or the pod asks for it', () => {
    const distroless = 'example.io/istio/proxyv2:1.30.0-distroless';
    const pc = (name: string, ns: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'ProxyConfig', metadata: { name, namespace: ns }, spec });
    const base = [cm, namespace('a', { 'istio-injection': 'enabled' }), namespace('b', { 'istio-injection': 'enabled' }), namespace('c', { 'istio-injection': 'enabled' })];
    const pods = [
      pod('ns-config', 'a', [app, proxy(distroless)]),
      pod('workload-config', 'b', [app, proxy(distroless)], { labels: { app: 'x' } }),
      pod('annotated', 'c', [app, proxy(distroless)], { annotations: { 'proxy.istio.io/config': 'image:\n  imageType: distroless\n' } }),
    ];
    const configs = [pc('a', 'a', { image: { imageType: 'distroless' } }), pc('b', 'b', { selector: { matchLabels: { app: 'x' } }, image: { imageType: 'distroless' } })];
    expect(codes([...base, ...configs, ...pods], 'injection.ImageAnalyzer')).toEqual([]);
    expect(codes([...base, ...pods.slice(0, 1)], 'injection.ImageAnalyzer')).toEqual(['IST0158 Namespace /a']);
    expect(codes([...base, ...pods.slice(0, 1)], 'injection.ImageAnalyzer', { defaultConfig: { image: { imageType: 'distroless' } } })).toEqual([]);
  });
});

describe('injection.ImageAutoAnalyzer', () => {
  const webhook = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'istio-sidecar-injector' },
    webhooks: [
      { name: 'namespace.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } },
      { name: 'object.sidecar-injector.istio.io', objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }] } },
    ],
  };
  const gateway = (name: string, ns: string, labels: any = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { template: { metadata: { labels }, spec: { containers: [proxy('auto')] } } },
  });

  test("a Pod with image 'auto' was never injected", () => {
    expect(codes([pod('gw', 'edge', [proxy('auto')])], 'injection.ImageAutoAnalyzer')).toEqual(['IST0147 Pod edge/gw']);
  });

  test("a Deployment with image 'auto' that no Istio webhook matches; silent without webhooks in the files", () => {
    const manifests = [
      namespace('edge', { 'istio-injection': 'enabled' }),
      gateway('in-injected-ns', 'edge'),
      gateway('opted-in', 'plain', { 'sidecar.istio.io/inject': 'true' }),
      gateway('unmatched', 'plain'),
    ];
    expect(codes([webhook, ...manifests], 'injection.ImageAutoAnalyzer')).toEqual(['IST0146 Deployment plain/unmatched']);
    expect(codes(manifests, 'injection.ImageAutoAnalyzer')).toEqual([]);
  });
});
