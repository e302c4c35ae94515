import { Duration } from 'cdk8s';
import {
  CERTIFICATE_DURATION, checkDuration, durationRule, formatMillis, ISTIO_DURATION, istioDuration, KEEPALIVE_DURATION,
  MAX_DURATION_MILLIS, parseDurationMillis,
} from '../../src/core/durations';
import { ExportTo, renderExportTo } from '../../src/core/export-to';
import { checkLabels, labelKeyRule, labelValueRule } from '../../src/core/labels';
import { int32Rule, percentageRule, portRule, uint32Rule, weightRule, wholeNumberRule } from '../../src/core/numbers';
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
    expect(durationRule(1.5)).toMatch(/whole number of milliseconds/);
    expect(() => istioDuration('c', 'retries.perTryTimeout', Duration.millis(2.5))).toThrow(/retries.perTryTimeout must be a whole number of milliseconds, got '2.5ms'/);
  });
  test('floating-point noise of unit conversion is not a fraction', () => {
    // 1.005 * 1000 is 1004.9999999999999 in IEEE doubles.
    expect(istioDuration('x', 'timeout', Duration.seconds(1.005))).toBe('1.005s');
    expect(istioDuration('x', 'timeout', Duration.hours(1.1))).toBe('3960s');
  });
  test("reject durations beyond Go's time.Duration", () => {
    expect(() => istioDuration('app/cb', 'connectionPool.connectTimeout', Duration.days(200000)))
      .toThrow("app/cb: connectionPool.connectTimeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '17280000000000ms'. Istio durations are whole milliseconds, 1ms or more (e.g. Duration.millis(500)).");
    expect(() => istioDuration('x', 'timeout', Duration.minutes(1e20))).toThrow("x: timeout must be at most 9223372036.854s (the longest Go time.Duration, about 292 years), got '6e+24ms'.");
    expect(() => istioDuration('x', 'timeout', Duration.millis(Infinity))).toThrow(/timeout must be at most 9223372036.854s/);
    expect(() => istioDuration('x', 'timeout', Duration.millis(NaN))).toThrow("x: timeout must be a number of milliseconds, got 'NaNms'.");
  });
  test('the longest accepted duration renders in plain digits', () => {
    expect(istioDuration('x', 'timeout', Duration.millis(MAX_DURATION_MILLIS))).toBe('9223372036.854s');
    expect(istioDuration('x', 'timeout', Duration.days(100000))).toBe('8640000000s');
    expect(() => istioDuration('x', 'timeout', Duration.millis(MAX_DURATION_MILLIS + 1))).toThrow(/must be at most/);
  });
  test('formatMillis never writes an exponent', () => {
    expect(formatMillis(1e21)).toBe('1000000000000000000s');
    expect(formatMillis(9_223_372_036_854)).toBe('9223372036.854s');
    expect(formatMillis(1050)).toBe('1.05s');
  });
  test('per-field limits: keepalive timers in whole seconds', () => {
    expect(checkDuration('x', 'connectionPool.tcpKeepaliveTime', Duration.minutes(2), KEEPALIVE_DURATION)).toBe(120_000);
    expect(() => checkDuration('x', 'connectionPool.tcpKeepaliveTime', Duration.millis(1500), KEEPALIVE_DURATION))
      .toThrow("x: connectionPool.tcpKeepaliveTime must be a whole number of seconds, got '1500ms'. Envoy sets keepalive timers in whole seconds");
    expect(() => checkDuration('x', 'connectionPool.tcpKeepaliveInterval', Duration.millis(500), KEEPALIVE_DURATION))
      .toThrow("x: connectionPool.tcpKeepaliveInterval must be at least 1s, got '500ms'.");
    expect(() => checkDuration('x', 'connectionPool.tcpKeepaliveTime', Duration.seconds(4_294_967_296), KEEPALIVE_DURATION))
      .toThrow("x: connectionPool.tcpKeepaliveTime must be at most 4294967295s, got '4294967296000ms'.");
  });
  test('per-field limits: certificate durations', () => {
    expect(() => checkDuration('gw', 'certificate.duration', Duration.minutes(30), CERTIFICATE_DURATION)).toThrow("gw: certificate.duration must be at least 1h, got '1800000ms'.");
    expect(() => checkDuration('gw', 'certificate.duration', Duration.millis(3_600_500), CERTIFICATE_DURATION)).toThrow('must be a whole number of seconds');
    expect(() => checkDuration('gw', 'certificate.duration', Duration.days(1e6), CERTIFICATE_DURATION)).toThrow('must be at most 9223372036.854s');
    expect(durationRule(1, ISTIO_DURATION)).toBeUndefined();
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
  test('int32 fields', () => {
    expect(int32Rule()(0)).toBeUndefined();
    expect(int32Rule()(2_147_483_647)).toBeUndefined();
    expect(int32Rule()(2 ** 31)).toBe('must be a whole number from 0 to 2147483647 (the largest int32)');
    expect(int32Rule()(2 ** 32)).toBe('must be a whole number from 0 to 2147483647 (the largest int32)');
    expect(int32Rule()(1e21)).toBe('must be a whole number from 0 to 2147483647 (the largest int32)');
    expect(int32Rule()(-1)).toMatch(/from 0 to/);
    expect(int32Rule()(1.5)).toMatch(/whole number/);
    expect(int32Rule()(NaN)).toMatch(/whole number/);
    expect(int32Rule(200, 599)(600)).toBe('must be a whole number from 200 to 599');
    expect(() => int32Rule(0, 2 ** 31)).toThrow(/bounds outside int32/);
  });
  test('uint32 fields', () => {
    expect(uint32Rule()(4_294_967_295)).toBeUndefined();
    expect(uint32Rule()(2 ** 32)).toBe('must be a whole number from 0 to 4294967295 (the largest uint32)');
    expect(uint32Rule(1)(0)).toBe('must be a whole number from 1 to 4294967295 (the largest uint32)');
    expect(uint32Rule(1, 100)(101)).toBe('must be a whole number from 1 to 100');
    expect(() => uint32Rule(-1)).toThrow(/bounds outside uint32/);
  });
  test('whole numbers bounded by meaning', () => {
    expect(wholeNumberRule(100, 599)(99)).toBe('must be a whole number from 100 to 599');
    expect(wholeNumberRule(100, 599)(503)).toBeUndefined();
  });
  test('a wire-range error has the standard shape', () => {
    expect(() => check('app/cb', 'connectionPool.maxRequests', 2 ** 32, int32Rule(0), 'Use a whole number.'))
      .toThrow('app/cb: connectionPool.maxRequests must be a whole number from 0 to 2147483647 (the largest int32), got 4294967296. Use a whole number.');
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
  expect(warnings.some((w) => w.startsWith('warn/r: retries: 6 tries'))).toBe(true);
  expect(warnings.some((w) => w.includes('warn/jwt'))).toBe(true);
  expect(lib.MeshWarnings.of(new Chart(Testing.app(), 'other'))).toEqual([]);
});
