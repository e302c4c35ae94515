// Apps built with our constructs are analyzed at synth without asking.
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { CanaryRelease, ExternalService, FindingLevel, MeshAnalysis, MeshService, Protocol, ReleaseVersion, StringMatch } from '../../src';

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

describe('each synth-time finding names the construct that rendered its object', () => {
  /** The error cdk8s throws at synth, one finding per line. */
  const synthError = (chart: Chart): string => {
    try {
      Testing.synth(chart);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('synth passed');
  };
  const rendered = (chart: Chart, kind: string) => chart.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === kind)!;

  test('a VirtualService finding traced to the CanaryRelease route (and prop) it comes from', () => {
    // Given a release with two match routes, and an escape hatch that breaks the second one's regex
    const chart = new Chart(Testing.app(), 'bookinfo');
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
      matchRoutes: [
        { matches: [{ uri: StringMatch.prefix('/a') }], version: 'v2' },
        { matches: [{ uri: StringMatch.regex('^/b') }], version: 'v2' },
      ],
    });
    rendered(chart, 'VirtualService').addJsonPatch(JsonPatch.replace('/spec/http/1/match/0/uri/regex', '^/b\\q'));
    // When synthesized, then the finding starts with the construct path and the route's prop
    expect(synthError(chart)).toContain('bookinfo/reviews (matchRoutes[1]): Error IST0106 VirtualService bookinfo/reviews: Schema validation error: '
      + '"uri": error parsing regexp: invalid escape sequence: `\\q`');
  });

  test('a finding about the whole VirtualService names every construct routing on it', () => {
    // Given a release and an escape hatch that removes the host (not about one route)
    const chart = new Chart(Testing.app(), 'bookinfo');
    new CanaryRelease(chart, 'reviews', {
      service: reviews,
      versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
      matchRoutes: [{ matches: [{ uri: StringMatch.prefix('/a') }], version: 'v2' }],
    });
    rendered(chart, 'VirtualService').addJsonPatch(JsonPatch.replace('/spec/hosts', ['*']));
    // Then the finding names the release, without a prop
    expect(synthError(chart)).toContain('bookinfo/reviews: Error IST0106 VirtualService bookinfo/reviews: Schema validation error: wildcard host * is not allowed');
  });

  test('a finding on an object a construct renders directly names that construct', () => {
    const chart = new Chart(Testing.app(), 'shop');
    new ExternalService(chart, 'stripe', { hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: Protocol.TLS }] });
    rendered(chart, 'ServiceEntry').addJsonPatch(JsonPatch.add('/spec/hosts/-', 'bad_host'));
    expect(synthError(chart)).toContain('shop/stripe: Error IST0106 ServiceEntry default/stripe: Schema validation error: domain name "bad_host" invalid');
  });

  test('a finding on an object the app wrote itself names that object', () => {
    // Given the release's VirtualService and a hand-written one for the same host (IST0109 on both)
    const { chart } = appWithConflict();
    const error = synthError(chart);
    expect(error).toContain('bookinfo/legacy: Error IST0109 VirtualService bookinfo/reviews-legacy: ');
    expect(error).toContain('bookinfo/reviews: Error IST0109 VirtualService bookinfo/reviews: ');
  });

  test('printed warnings name the construct too', () => {
    // Given a release whose rendered DestinationRule gets an ineffective setting (a warning, not an error)
    const chart = new Chart(Testing.app(), 'bookinfo');
    new CanaryRelease(chart, 'reviews', { service: reviews, versions: [ReleaseVersion.fromLabels('v1')] });
    rendered(chart, 'DestinationRule').addJsonPatch(JsonPatch.add('/spec/trafficPolicy', { outlierDetection: { consecutiveErrors: 5 } }));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const silent = process.env.CDK8S_ISTIO_SILENT;
    delete process.env.CDK8S_ISTIO_SILENT;
    try {
      Testing.synth(chart);
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringMatching(/^\[cdk8s-istio\] warning: bookinfo\/reviews: Warning IST0133 DestinationRule bookinfo\/reviews: /));
    } finally {
      warn.mockRestore();
      if (silent !== undefined) process.env.CDK8S_ISTIO_SILENT = silent;
    }
  });
});
