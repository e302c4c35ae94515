import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { FindingLevel, MeshAnalysis, MeshWarnings } from '../../src';

function chartWithBrokenRoute(): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new ApiObject(chart, 'vs', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web' },
    spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'nowhere' } }] }] },
  });
  new ApiObject(chart, 'svc', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80 }] },
  });
  return chart;
}

test('errors fail Testing.synth with every finding listed; warnings are printed once', () => {
  // Given a chart with a route to a missing host and an unnamed port
  const chart = chartWithBrokenRoute();
  MeshAnalysis.enable(chart);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    // When it is synthesized (twice), then the error fails it and the info finding is printed once, as every warning
    expect(() => Testing.synth(chart)).toThrow(/Error IST0101 VirtualService shop\/web: Referenced host not found: "nowhere". Fix: Route to a Service/);
    expect(() => Testing.synth(chart)).toThrow(/IST0101/);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^\[cdk8s-istio\] warning: .*Info IST0118 Service shop\/web: Port name 'web'/);
    // And it is one of the app's warnings
    expect(MeshWarnings.of(chart)).toEqual([expect.stringContaining('Info IST0118 Service shop/web')]);
  } finally {
    warn.mockRestore();
  }
});

test('suppressions (with a reason) and level overrides', () => {
  const chart = chartWithBrokenRoute();
  const analysis = MeshAnalysis.enable(chart, { levels: { IST0118: FindingLevel.ERROR }, printWarnings: false });
  analysis.suppress({ code: 'IST0101', kind: 'VirtualService', name: 'web', reason: 'the host is created by another team' });
  expect(() => Testing.synth(chart)).toThrow(/Error IST0118 Service shop\/web/);
  expect(() => Testing.synth(chart)).not.toThrow(/IST0101/);
  expect(() => analysis.suppress({ code: 'IST0118', reason: ' ' })).toThrow("MeshAnalysis: suppression of IST0118: reason must not be empty, got ' '. Say why the finding is acceptable.");
});

test("Istio's analyze-suppress annotation is honoured", () => {
  const chart = chartWithBrokenRoute();
  ApiObject.of(chart.node.findChild('vs')).metadata.addAnnotation('galley.istio.io/analyze-suppress', 'IST0101');
  MeshAnalysis.enable(chart, { printWarnings: false });
  expect(() => Testing.synth(chart)).not.toThrow();
});

test('on an App, all charts are analyzed together at app.synth()', () => {
  const app = new App({ outdir: `${__dirname}/../../.tmp/mesh-analysis-app` });
  const a = new Chart(app, 'a', { namespace: 'shop' });
  const b = new Chart(app, 'b', { namespace: 'shop' });
  new ApiObject(a, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  new ApiObject(b, 'vs', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', port: { number: 81 } } }] }] } });
  expect(MeshAnalysis.enable(app)).toBe(MeshAnalysis.enable(app));
  expect(() => app.synth()).toThrow(/Referenced host:port not found: "web:81"/);
});
