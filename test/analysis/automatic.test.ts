// Apps built with our constructs are analyzed at synth without asking.
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { CanaryRelease, FindingLevel, MeshAnalysis, MeshService, ReleaseVersion } from '../../src';

const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });

function appWithConflict(): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo');
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: [ReleaseVersion.fromLabels('v1')] });
  // Given a hand-written VirtualService for the same mesh host (an escape hatch or included YAML)
  new ApiObject(chart, 'legacy', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews-legacy', namespace: 'bookinfo' },
    spec: { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] },
  });
  return { app, chart };
}

test('errors in the rendered manifests fail Testing.synth and app.synth, listing the finding', () => {
  const { app, chart } = appWithConflict();
  expect(() => Testing.synth(chart)).toThrow(/Error IST0109 VirtualService bookinfo\/reviews/);
  expect(() => app.synthYaml()).toThrow(/IST0109/);
});

test('references to objects outside the app are informational in automatic mode', () => {
  const chart = new Chart(Testing.app(), 'bookinfo');
  // reviews' Service is not part of this app: IST0101 would be an error for istioctl
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: [ReleaseVersion.fromLabels('v1')] });
  expect(() => Testing.synth(chart)).not.toThrow();
});

test('MeshAnalysis.enable restores istioctl levels, even after constructs switched analysis on', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo');
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: [ReleaseVersion.fromLabels('v1')] });
  MeshAnalysis.enable(app);
  expect(() => Testing.synth(chart)).toThrow(/Error IST0101 VirtualService bookinfo\/reviews: Referenced host not found: "reviews.bookinfo.svc.cluster.local"/);
});

test('levels and suppressions given to enable() apply to the automatic analysis', () => {
  const { app, chart } = appWithConflict();
  MeshAnalysis.enable(app, { levels: { IST0109: FindingLevel.WARNING, IST0101: FindingLevel.INFO } });
  expect(() => Testing.synth(chart)).not.toThrow();
});

test('MeshAnalysis.disable switches the automatic analysis off', () => {
  const { app, chart } = appWithConflict();
  MeshAnalysis.disable(app);
  expect(() => Testing.synth(chart)).not.toThrow();
});

test('a construct added after a synth is analyzed by the next synth', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo');
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: [ReleaseVersion.fromLabels('v1')] });
  expect(() => Testing.synth(chart)).not.toThrow();
  new ApiObject(chart, 'legacy', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews-legacy', namespace: 'bookinfo' },
    spec: { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] },
  });
  expect(() => Testing.synth(chart)).toThrow(/IST0109/);
});
