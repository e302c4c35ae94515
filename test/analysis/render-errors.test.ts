// Errors that only show when objects render: the automatic analysis renders every object from
// the app's root validation, before cdk8s runs the constructs' own validations. A construct's
// check must still reach the user as its own error (path first, then the prop), never wrapped
// in cdk8s' "Failed serializing construct ...".
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { AuthorizationPolicy, JwtAuthentication, MeshAnalysis, PolicyTarget, Telemetry } from '../../src';
import { ValidationError } from '../../src/core/validation-error';
import { wireObject } from '../../src/render/api-object';
import { GVK } from '../../src/render/gvk';

const TARGET_ERROR = "c0/a: target cannot be service 'reviews' by name in namespace 'default', which this app does not declare ambient, got 'default'.";

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('a construct check that rendering would hit first', () => {
  test('AuthorizationPolicy.denyAll on a service name: the policy\'s own error, with app.synth()', () => {
    // Given a policy whose target only a waypoint can enforce, in a namespace the app does not declare ambient
    const app = new App({ outdir: '/tmp/cdk8s-istio-render-errors' });
    const c0 = new Chart(app, 'c0');
    AuthorizationPolicy.denyAll(c0, 'a', { target: PolicyTarget.serviceName('reviews', 'default') });
    // When the app is synthesized, Then the error is the policy's, not cdk8s' serialization failure
    const message = thrown(() => app.synth());
    expect(message).toContain(`[c0/a] ${TARGET_ERROR}`);
    expect(message).not.toContain('Failed serializing');
  });

  test('the same with Testing.synth', () => {
    const c0 = new Chart(Testing.app(), 'c0');
    AuthorizationPolicy.denyAll(c0, 'a', { target: PolicyTarget.serviceName('reviews', 'default') });
    const message = thrown(() => Testing.synth(c0));
    expect(message).toContain(`[c0/a] ${TARGET_ERROR}`);
    expect(message).not.toContain('Failed serializing');
  });

  test('JwtAuthentication: reported once, at the construct the user created (not its companion policy)', () => {
    const c0 = new Chart(Testing.app(), 'c0');
    new JwtAuthentication(c0, 'a2', {
      target: PolicyTarget.serviceName('reviews', 'default'),
      issuer: 'https://accounts.example.com',
      jwks: '{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}',
    });
    const message = thrown(() => Testing.synth(c0));
    expect(message).toContain("[c0/a2] c0/a2: target cannot be service 'reviews' by name in namespace 'default'");
    expect(message).not.toContain('RequireJwt');
    expect(message).not.toContain('Failed serializing');
  });

  test('Telemetry on a service name: its own error', () => {
    const c0 = new Chart(Testing.app(), 'c0');
    new Telemetry(c0, 't', { target: PolicyTarget.serviceName('reviews', 'default'), accessLogging: [{ providers: ['envoy'] }] });
    const message = thrown(() => Testing.synth(c0));
    expect(message).toContain("[c0/t] c0/t: target cannot be service 'reviews' by name in namespace 'default'");
    expect(message).not.toContain('Failed serializing');
  });

  test('with the analysis switched off, cdk8s reports the same error', () => {
    const app = Testing.app();
    MeshAnalysis.disable(app);
    const c0 = new Chart(app, 'c0');
    AuthorizationPolicy.denyAll(c0, 'a', { target: PolicyTarget.serviceName('reviews', 'default') });
    expect(thrown(() => Testing.synth(c0))).toContain(`[c0/a] ${TARGET_ERROR}`);
  });
});

describe('safety net: a ValidationError thrown while rendering comes out unchanged', () => {
  /** An object whose spec fails to render with a ValidationError no validation reports. */
  function failingObject(chart: Chart): ReturnType<typeof wireObject> {
    return wireObject(chart, 'x', GVK.PeerAuthentication, { name: 'x', namespace: 'shop' }, () => {
      throw new ValidationError('c0/x', 'mode', 'must be known at synth', 'later', 'Set it.');
    });
  }

  test('through the automatic analysis (our fast rendering path)', () => {
    const c0 = new Chart(Testing.app(), 'c0');
    failingObject(c0);
    expect(thrown(() => Testing.synth(c0))).toBe("c0/x: mode must be known at synth, got 'later'. Set it.");
  });

  test('through cdk8s\' own rendering (an object with a JSON patch), which would wrap it', () => {
    const c0 = new Chart(Testing.app(), 'c0');
    failingObject(c0).addJsonPatch(JsonPatch.add('/metadata/labels', { a: 'b' }));
    expect(thrown(() => Testing.synth(c0))).toBe("c0/x: mode must be known at synth, got 'later'. Set it.");
  });

  test('without the analysis, when cdk8s renders the chart', () => {
    const app = Testing.app();
    MeshAnalysis.disable(app);
    const c0 = new Chart(app, 'c0');
    failingObject(c0);
    expect(thrown(() => Testing.synth(c0))).toBe("c0/x: mode must be known at synth, got 'later'. Set it.");
  });
});
