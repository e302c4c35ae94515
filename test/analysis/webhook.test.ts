import { MeshAnalysis } from '../../src';

const codes = (manifests: any[]) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.analyzer === 'webhook.Analyzer')
  .map((f) => `${f.code} ${f.resource.name}`);

const config = (name: string, webhooks: any[]) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name }, webhooks });
const hook = (name: string, namespaceSelector: any, objectSelector: any, service = 'istiod') => ({
  name, clientConfig: { service: { name: service, namespace: 'istio-system' } }, namespaceSelector, objectSelector,
});
const expr = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values ? { values } : {}) });
const istiod = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istiod', namespace: 'istio-system' }, spec: {} };

test("Istio's own injector webhooks (revision and legacy label) do not overlap", () => {
  const webhooks = [
    hook('rev.namespace.sidecar-injector.istio.io', { matchExpressions: [expr('istio.io/rev', 'In', ['default']), expr('istio-injection', 'DoesNotExist')] },
      { matchExpressions: [expr('sidecar.istio.io/inject', 'NotIn', ['false'])] }),
    hook('rev.object.sidecar-injector.istio.io', { matchExpressions: [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')] },
      { matchExpressions: [expr('sidecar.istio.io/inject', 'NotIn', ['false']), expr('istio.io/rev', 'In', ['default'])] }),
    hook('namespace.sidecar-injector.istio.io', { matchExpressions: [expr('istio-injection', 'In', ['enabled'])] },
      { matchExpressions: [expr('sidecar.istio.io/inject', 'NotIn', ['false'])] }),
    hook('object.sidecar-injector.istio.io', { matchExpressions: [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')] },
      { matchExpressions: [expr('sidecar.istio.io/inject', 'In', ['true']), expr('istio.io/rev', 'DoesNotExist')] }),
  ];
  expect(codes([istiod, config('istio-sidecar-injector', webhooks)])).toEqual([]);
});

test('two injectors for the same namespaces, and one calling a missing Service (IST0139)', () => {
  const enabled = { matchLabels: { 'istio-injection': 'enabled' } };
  expect(codes([
    istiod,
    config('injector-a', [hook('sidecar-injector.istio.io', enabled, undefined, 'gone')]),
    config('injector-b', [hook('sidecar-injector.istio.io', enabled, undefined)]),
  ])).toEqual(['IST0139 injector-a', 'IST0139 injector-a', 'IST0139 injector-b']);
});

test('the Service check needs Services of that namespace in the files', () => {
  expect(codes([config('injector', [hook('sidecar-injector.istio.io', {}, undefined, 'gone')])])).toEqual([]);
});
