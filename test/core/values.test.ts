import { Duration } from 'cdk8s';
import { durationRule, formatMillis, istioDuration, parseDurationMillis } from '../../src/core/durations';
import { ExportTo, renderExportTo } from '../../src/core/export-to';
import { checkLabels, labelKeyRule, labelValueRule } from '../../src/core/labels';
import { countRule, percentageRule, portRule, rangeRule, weightRule } from '../../src/core/numbers';
import { check, ValidationError } from '../../src/core/validation-error';

describe('durations', () => {
  test('render in seconds, whole milliseconds', () => {
    expect(istioDuration('x', 'timeout', Duration.millis(500))).toBe('0.5s');
    expect(istioDuration('x', 'timeout', Duration.minutes(3))).toBe('180s');
    expect(istioDuration('x', 'timeout', Duration.millis(1))).toBe('0.001s');
    expect(formatMillis(1250)).toBe('1.25s');
  });
  test('reject less than 1ms', () => {
    expect(() => istioDuration('app/canary', 'timeout', Duration.millis(0)))
      .toThrow("app/canary: timeout must be at least 1ms, got '0ms'. Istio durations are whole milliseconds, 1ms or more");
  });
  test('reject fractions of a millisecond', () => {
    expect(durationRule(Duration.millis(1.5))).toMatch(/whole number of milliseconds/);
    expect(() => istioDuration('c', 'retries.perTryTimeout', Duration.millis(2.5))).toThrow(/retries.perTryTimeout must be a whole number of milliseconds, got '2.5ms'/);
  });
  test('parse Go and protobuf forms', () => {
    expect(parseDurationMillis('1h2m3.5s')).toBe(3_723_500);
    expect(parseDurationMillis('0.5s')).toBe(500);
    expect(parseDurationMillis('250ms')).toBe(250);
    expect(parseDurationMillis('5 seconds')).toBeUndefined();
  });
});

describe('numbers', () => {
  test('weights are whole numbers 0..100', () => {
    expect(weightRule(0)).toBeUndefined();
    expect(weightRule(100)).toBeUndefined();
    expect(weightRule(101)).toMatch(/from 0 to 100/);
    expect(weightRule(-1)).toMatch(/from 0 to 100/);
    expect(weightRule(12.5)).toMatch(/whole number/);
  });
  test('percentages are 0 or 0.0001..100', () => {
    expect(percentageRule(0)).toBeUndefined();
    expect(percentageRule(0.1)).toBeUndefined();
    expect(percentageRule(0.00001)).toMatch(/0 or at least 0.0001/);
    expect(percentageRule(100.5)).toMatch(/from 0 to 100/);
  });
  test('ports are 1..65535', () => {
    expect(portRule(9080)).toBeUndefined();
    expect(portRule(0)).toMatch(/1 to 65535/);
    expect(portRule(70000)).toMatch(/1 to 65535/);
    expect(portRule(80.5)).toMatch(/1 to 65535/);
  });
  test('counts and ranges', () => {
    expect(countRule(-1)).toMatch(/0 or more/);
    expect(rangeRule(1, 5)(6)).toMatch(/from 1 to 5/);
  });
});

describe('labels', () => {
  test('keys', () => {
    expect(labelKeyRule('app')).toBeUndefined();
    expect(labelKeyRule('app.kubernetes.io/name')).toBeUndefined();
    expect(labelKeyRule('')).toMatch(/empty label key/);
    expect(labelKeyRule('*')).toMatch(/wildcard/);
    expect(labelKeyRule('Bad_Prefix/x')).toMatch(/invalid prefix/);
    expect(labelKeyRule('-app')).toMatch(/invalid name part/);
  });
  test('values', () => {
    expect(labelValueRule('v1')).toBeUndefined();
    expect(labelValueRule('')).toBeUndefined();
    expect(labelValueRule('v*')).toMatch(/wildcard/);
    expect(labelValueRule('a'.repeat(64))).toMatch(/at most 63/);
    expect(labelValueRule('v 1')).toMatch(/letters, digits/);
  });
  test('selectors must not be empty', () => {
    expect(() => checkLabels('p', 'selector', {})).toThrow("p: selector must have at least one label, got []. Give at least one label, e.g. { app: 'reviews' }.");
    expect(() => checkLabels('p', 'selector', { app: '*' })).toThrow(/p: selector\['app'\] must not contain a wildcard/);
    expect(checkLabels('p', 'selector', { app: 'reviews' })).toEqual({ app: 'reviews' });
  });
});

describe('exportTo', () => {
  test('renders wire values', () => {
    expect(renderExportTo('x', 'exportTo', [ExportTo.THIS_NAMESPACE, ExportTo.namespace('istio-system')], 'bookinfo')).toEqual(['.', 'istio-system']);
    expect(renderExportTo('x', 'exportTo', undefined, 'bookinfo')).toBeUndefined();
  });
  test('rejects duplicates, counting . as the own namespace', () => {
    expect(() => renderExportTo('x', 'exportTo', [ExportTo.THIS_NAMESPACE, ExportTo.namespace('bookinfo')], 'bookinfo')).toThrow(/must not list a namespace twice/);
  });
  test("rejects '*' with others", () => {
    expect(() => renderExportTo('x', 'exportTo', [ExportTo.ALL_NAMESPACES, ExportTo.namespace('a')], 'b')).toThrow(/'\*' or '~' alone/);
  });
  test("rejects '~' outside ServiceEntry", () => {
    expect(() => renderExportTo('x', 'exportTo', [ExportTo.NO_NAMESPACE], 'b')).toThrow(/only on a ServiceEntry/);
    expect(renderExportTo('x', 'exportTo', [ExportTo.NO_NAMESPACE], 'b', { allowNone: true })).toEqual(['~']);
  });
  test('rejects invalid namespaces', () => {
    expect(() => renderExportTo('x', 'exportTo', [ExportTo.namespace('Bad NS')], 'b')).toThrow(/invalid namespace 'Bad NS'/);
  });
});

test('the error format names where, property, rule, value and fix', () => {
  let error: ValidationError | undefined;
  try {
    check('app/reviews-canary', 'weights.v2', 120, weightRule, 'Give each version a whole-number percentage.');
  } catch (e) {
    error = e as ValidationError;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect(error!.message).toBe('app/reviews-canary: weights.v2 must be from 0 to 100, got 120. Give each version a whole-number percentage.');
  expect(error!.where).toBe('app/reviews-canary');
  expect(error!.property).toBe('weights.v2');
  expect(error!.value).toBe(120);
});

test('MeshWarnings collects the warnings of traffic and security constructs of one app', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Chart, Testing, Duration: D } = require('cdk8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../src');
  const chart = new Chart(Testing.app(), 'warn');
  new lib.CanaryRelease(chart, 'r', {
    service: lib.MeshService.fromName('r', 'ns'),
    versions: [lib.ReleaseVersion.fromLabels('v1')],
    timeout: D.seconds(1),
    retries: { attempts: 5, perTryTimeout: D.seconds(1) },
  });
  new lib.JwtAuthentication(chart, 'jwt', {
    target: lib.PolicyTarget.namespace('ns'), issuer: 'https://issuer.example.com', jwksUri: 'http://issuer.example.com/jwks', requireToken: false,
  });
  Testing.synth(chart);
  const warnings: string[] = lib.MeshWarnings.of(chart);
  expect(warnings.some((w) => w.startsWith('warn/r: default route.retries: 6 tries'))).toBe(true);
  expect(warnings.some((w) => w.includes('warn/jwt'))).toBe(true);
  expect(lib.MeshWarnings.of(new Chart(Testing.app(), 'other'))).toEqual([]);
});
