import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { CanaryRelease, GatewayCertificate, MeshAnalysis, MeshService, ReleaseVersion, SecureGateway } from '../../src';
import * as render from '../../src/render/api-object';

// Issue 12: the synth-time analysis renders every object; App.synth() and App.synthYaml() then
// render them again. Our objects take the analysis' rendering instead, within the same call.

function appWithRelease() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  const release = new CanaryRelease(chart, 'reviews', {
    service: MeshService.fromName('reviews', 'shop', { port: 9080 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    canaryWeight: 10,
  });
  return { app, chart, release };
}

test('App.synthYaml renders our objects once: the render after the analysis takes its rendering', () => {
  // Given an app of our constructs, with the analysis on
  const { app, chart } = appWithRelease();
  const ours = chart.node.findAll().filter((c): c is render.WireApiObject => c instanceof render.WireApiObject);
  const produced = ours.map((o) => jest.spyOn(o.producer, 'produce'));
  // When it is synthesized
  const yaml = app.synthYaml();
  // Then each spec was produced once (for the analysis), not twice
  expect(ours.length).toBeGreaterThan(0);
  for (const spy of produced) expect(spy).toHaveBeenCalledTimes(1);
  // And the output is byte for byte that of the same app rendered without the analysis
  const same = appWithRelease();
  MeshAnalysis.disable(same.app);
  expect(yaml).toBe(same.app.synthYaml());
});

test('a change between two synths in one tick shows in the second output', () => {
  // Given a gateway app synthesized once
  const app = Testing.app();
  const chart = new Chart(app, 'edge');
  const gateway = new SecureGateway(chart, 'public', { hosts: ['shop.example.com'], certificate: GatewayCertificate.fromSecret('shop-tls') });
  gateway.addRoute({ service: MeshService.fromName('productpage', 'shop', { port: 9080 }) });
  const first = app.synthYaml();
  // When a route is added and the app is synthesized again in the same tick
  gateway.addRoute({ service: MeshService.fromName('reviews', 'shop', { port: 9080 }), pathPrefix: '/reviews' });
  const second = app.synthYaml();
  // Then the second output has it: no rendering of the first synthesis is served again
  expect(first).not.toContain('reviews.shop');
  expect(second).toContain('reviews.shop');
});

test('Testing.synth (Chart.toJson) renders afresh: code of the app may run between its validation and rendering', () => {
  const { chart } = appWithRelease();
  const offered = jest.spyOn(render, 'offerRenderings');
  try {
    Testing.synth(chart);
    expect(offered).not.toHaveBeenCalled();
  } finally {
    offered.mockRestore();
  }
});

test('App.synth() offers them too (cdk8s synth writes files through it)', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'render-once-')) });
  const chart = new Chart(app, 'shop');
  new CanaryRelease(chart, 'reviews', {
    service: MeshService.fromName('reviews', 'shop', { port: 9080 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    canaryWeight: 10,
  });
  const offered = jest.spyOn(render, 'offerRenderings');
  try {
    app.synth();
    expect(offered).toHaveBeenCalledTimes(1);
  } finally {
    offered.mockRestore();
  }
});
