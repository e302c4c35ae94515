import { ApiObject, ApiObjectMetadataDefinition, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { AuthorizationPolicy, MeshAnalysis, PolicyTarget, WorkloadIdentity } from '../../src';
import { wireObject, WireApiObject } from '../../src/render/api-object';
import { GVK } from '../../src/render/gvk';

/** cdk8s' own rendering (token resolution, sanitizing), bypassing our override. */
const cdk8sRender = (obj: ApiObject) => ApiObject.prototype.toJson.call(obj);

function ourObjects(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject =>
    // Not instanceof: ApiObject's Symbol.hasInstance makes every ApiObject an instance of its subclasses.
    WireApiObject.prototype.isPrototypeOf(c) || AuthorizationPolicy.prototype.isPrototypeOf(c));
}

test('our fast rendering is byte-identical to cdk8s rendering for every object of every example', () => {
  let compared = 0;
  for (const name of exampleNames()) {
    const app = synthExample(name, `/tmp/cdk8s-istio-render-${name}`);
    for (const obj of ourObjects(app)) {
      expect(JSON.stringify(obj.toJson())).toEqual(JSON.stringify(cdk8sRender(obj)));
      compared++;
    }
  }
  // Every example has objects of ours; a filter that matched nothing would prove nothing.
  expect(compared).toBeGreaterThan(50);
});

function policyChart(app = Testing.app()): { chart: Chart; policy: AuthorizationPolicy } {
  const chart = new Chart(app, 'test');
  MeshAnalysis.disable(app);
  const policy = AuthorizationPolicy.allowOnlyFrom(chart, 'reviews-allow', { target: PolicyTarget.selector('shop', { app: 'reviews' }) },
    [WorkloadIdentity.fromName('productpage', 'shop')]);
  return { chart, policy };
}

test('JSON patches take cdk8s rendering and apply', () => {
  const { policy } = policyChart();
  policy.addJsonPatch(JsonPatch.add('/spec/rules/0/to', [{ operation: { methods: ['GET'] } }]));
  expect(policy.toJson().spec.rules[0].to).toEqual([{ operation: { methods: ['GET'] } }]);
  expect(policy.toJson()).toEqual(cdk8sRender(policy));
});

test('custom resolvers of the app see our values', () => {
  class Upper implements IResolver {
    public resolve(context: ResolutionContext): void {
      if (context.value === 'reviews') context.replaceValue('REVIEWS');
    }
  }
  const { policy } = policyChart(new App({ resolvers: [new Upper()] }));
  expect(policy.toJson().spec.selector.matchLabels.app).toBe('REVIEWS');
});

test('values that are not plain JSON are resolved by cdk8s', () => {
  const app = Testing.app();
  MeshAnalysis.disable(app);
  const chart = new Chart(app, 'test');
  const obj = wireObject(chart, 'se', GVK.ServiceEntry, { name: 'api', namespace: 'shop' },
    () => ({ hosts: [Lazy.any({ produce: () => 'api.example.com' })], resolution: 'DNS' }));
  expect(obj.toJson().spec).toEqual({ hosts: ['api.example.com'], resolution: 'DNS' });
});

test('CDK8S_DISABLE_SORT keeps the fields in the order cdk8s would', () => {
  const { policy } = policyChart();
  process.env.CDK8S_DISABLE_SORT = '1';
  try {
    expect(JSON.stringify(policy.toJson())).toEqual(JSON.stringify(cdk8sRender(policy)));
    expect(Object.keys(policy.toJson().spec)).toEqual(['selector', 'action', 'rules']);
  } finally {
    delete process.env.CDK8S_DISABLE_SORT;
  }
  expect(Object.keys(policy.toJson().spec)).toEqual(['action', 'rules', 'selector']);
});

test('metadata renders as cdk8s renders it: labels, annotations, finalizers, owners, extra fields, empty maps', () => {
  const { policy } = policyChart();
  policy.metadata.addLabel('team', 'reviews');
  policy.metadata.addAnnotation('galley.istio.io/analyze-suppress', 'IST0127');
  policy.metadata.addFinalizers('example.com/keep');
  policy.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' });
  policy.metadata.add('generateName', 'reviews-');
  const json = policy.toJson();
  expect(json.metadata).toEqual({
    annotations: { 'galley.istio.io/analyze-suppress': 'IST0127' },
    finalizers: ['example.com/keep'],
    generateName: 'reviews-',
    labels: { team: 'reviews' },
    name: 'reviews-allow',
    namespace: 'shop',
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' }],
  });
  expect(JSON.stringify(json)).toEqual(JSON.stringify(cdk8sRender(policy)));
  // No labels or annotations: the empty maps are left out, as cdk8s does.
  const bare = policyChart().policy;
  expect(Object.keys(bare.toJson().metadata)).toEqual(['name', 'namespace']);
  expect(JSON.stringify(bare.toJson())).toEqual(JSON.stringify(cdk8sRender(bare)));
});

test('the fast path is taken with the installed cdk8s (a cdk8s upgrade that changes its metadata fields fails here, not silently slower)', () => {
  const { policy } = policyChart();
  // On the prototype: a spy on the object would add a field, which rightly sends it down cdk8s' path.
  const metadataToJson = jest.spyOn(ApiObjectMetadataDefinition.prototype, 'toJson');
  const cdk8sToJson = jest.spyOn(ApiObject.prototype, 'toJson');
  try {
    expect(policy.toJson().metadata).toEqual({ name: 'reviews-allow', namespace: 'shop' });
    expect(metadataToJson).not.toHaveBeenCalled();
    expect(cdk8sToJson).not.toHaveBeenCalled();
  } finally {
    metadataToJson.mockRestore();
    cdk8sToJson.mockRestore();
  }
});

test('metadata values that are not plain JSON are resolved by cdk8s', () => {
  const { policy } = policyChart();
  policy.metadata.add('generateName', Lazy.any({ produce: () => 'reviews-' }));
  expect(policy.toJson().metadata.generateName).toBe('reviews-');
  expect(JSON.stringify(policy.toJson())).toEqual(JSON.stringify(cdk8sRender(policy)));
});

test('errors while rendering name the construct, as cdk8s does', () => {
  const app = Testing.app();
  MeshAnalysis.disable(app);
  const chart = new Chart(app, 'test');
  const obj = wireObject(chart, 'vs', GVK.VirtualService, { name: 'x', namespace: 'shop' }, () => {
    throw new Error('boom');
  });
  expect(() => obj.toJson()).toThrow("Failed serializing construct at path 'test/vs' with name 'x': Error: boom");
});
