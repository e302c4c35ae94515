import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from './validation-error';

/**
 * The largest duration Go's `time.Duration` holds (2^63-1 ns), in whole milliseconds. The
 * kube-apiserver's CEL `duration()`, istiod and cert-manager all parse durations into it, so
 * anything longer is rejected at admission.
 */
export const MAX_DURATION_MILLIS = 9_223_372_036_854;

/** Which durations a field accepts. */
export interface DurationLimits {
  /** The shortest accepted duration, in milliseconds. */
  readonly minMillis: number;
  /** Accepted durations are whole multiples of this, in milliseconds (1: whole ms, 1000: whole seconds). */
  readonly stepMillis: number;
  /** The longest accepted duration, in milliseconds. @default MAX_DURATION_MILLIS */
  readonly maxMillis?: number;
  /** How to fix a value outside the limits. */
  readonly hint: string;
}

/** istiod's `ValidateDuration` (and the CRDs' `duration(self) >= duration('1ms')`): whole milliseconds, at least 1ms. */
export const ISTIO_DURATION: DurationLimits = {
  minMillis: 1,
  stepMillis: 1,
  hint: 'Istio durations are whole milliseconds, 1ms or more (e.g. Duration.millis(500)).',
};

/**
 * TCP keepalive time and interval: Envoy takes them as uint32 whole seconds, and istiod drops
 * any fraction (1.5s would be sent as 1s, 500ms as 0s), so only whole seconds from 1s.
 */
export const KEEPALIVE_DURATION: DurationLimits = {
  minMillis: 1000,
  stepMillis: 1000,
  maxMillis: 4_294_967_295_000,
  hint: 'Envoy sets keepalive timers in whole seconds, from 1s to 4294967295s (e.g. Duration.minutes(2)).',
};

/** cert-manager's Certificate `duration`: whole seconds (our rendering), at least 1h (its webhook's minimum). */
export const CERTIFICATE_DURATION: DurationLimits = {
  minMillis: 3_600_000,
  stepMillis: 1000,
  hint: 'cert-manager rejects certificates shorter than 1h and durations beyond Go\'s range; 90 days (Duration.days(90)) is usual.',
};

/** cert-manager's Certificate `renewBefore`: whole seconds, at least 5m (its webhook's minimum). */
export const CERTIFICATE_RENEW_BEFORE: DurationLimits = {
  minMillis: 300_000,
  stepMillis: 1000,
  hint: 'cert-manager rejects a renewal window shorter than 5m; a third of the duration is usual.',
};

/**
 * The milliseconds of a duration. cdk8s converts units by floating-point multiplication
 * (`Duration.seconds(1.005)` is 1004.9999999999999ms); a value within rounding error of a
 * whole millisecond is that millisecond, anything further off is a real fraction.
 */
function millisOf(duration: Duration): number {
  const ms = duration.toMilliseconds({ integral: false });
  const whole = Math.round(ms);
  return Math.abs(ms - whole) <= 4 * Number.EPSILON * Math.abs(ms) ? whole : ms;
}

const STEP_NAMES: Record<number, string> = { 1: 'milliseconds', 1000: 'seconds', 60_000: 'minutes' };

/** The broken rule, phrased to follow the property name, or undefined when `ms` is within `limits`. */
export function durationRule(ms: number, limits: DurationLimits = ISTIO_DURATION): string | undefined {
  const max = limits.maxMillis ?? MAX_DURATION_MILLIS;
  if (Number.isNaN(ms)) return 'must be a number of milliseconds';
  if (ms < limits.minMillis) return `must be at least ${readable(limits.minMillis)}`;
  if (ms > max) return `must be at most ${formatMillis(max)}${max === MAX_DURATION_MILLIS ? ' (the longest Go time.Duration, about 292 years)' : ''}`;
  if (ms % limits.stepMillis !== 0) return `must be a whole number of ${STEP_NAMES[limits.stepMillis] ?? `${readable(limits.stepMillis)} steps`}`;
  return undefined;
}

/**
 * Checks a duration against a field's limits and returns its whole milliseconds: the one
 * check of every duration prop, so every message has the same shape.
 */
export function checkDuration(scope: IConstruct | string, property: string, duration: Duration, limits: DurationLimits = ISTIO_DURATION): number {
  // A string ('5s') or a number from a caller without types: cdk8s' methods are not there.
  // (Asked by method, not instanceof: an app may load its own copy of cdk8s.)
  if (typeof (duration as Partial<Duration> | null)?.toMilliseconds !== 'function') {
    fail(scope, property, 'must be a cdk8s Duration', duration,
      `Use Duration.seconds(5), Duration.millis(500), Duration.minutes(1)...${typeof duration === 'string' ? ` (Duration.parse('${duration}') reads an ISO 8601 duration such as 'PT5S')` : ''}`);
  }
  const ms = millisOf(duration);
  const broken = durationRule(ms, limits);
  // The value in ms as the user gave it (an exponent is fine in a message: '1.728e+22ms').
  if (broken) fail(scope, property, broken, `${ms}ms`, limits.hint);
  return ms;
}

/**
 * Renders a cdk8s Duration as an Istio duration string, after checking it against `limits`.
 *
 * Always seconds with up to three decimals (`0.5s`, `180s`): the one form that Go's
 * `time.ParseDuration`, protobuf JSON and the CRDs' CEL `duration()` all accept.
 */
export function istioDuration(scope: IConstruct | string, property: string, duration: Duration, limits: DurationLimits = ISTIO_DURATION): string {
  return formatMillis(checkDuration(scope, property, duration, limits));
}

/** `1500` -> `1.5s`; plain decimal digits for any whole number of milliseconds (never an exponent). */
export function formatMillis(ms: number): string {
  const total = BigInt(Math.round(ms));
  const seconds = total / 1000n;
  const rest = Number(total % 1000n);
  if (rest === 0) return `${seconds}s`;
  return `${seconds}.${String(rest).padStart(3, '0').replace(/0+$/, '')}s`;
}

/** `1` -> `1ms`, `1000` -> `1s`, `300000` -> `5m`, `3600000` -> `1h`: limits as people say them. */
function readable(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Parses the strings we and istiod accept (`1h2m3.5s`, `500ms`, `0.5s`) into milliseconds. */
export function parseDurationMillis(text: string): number | undefined {
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|ns|h|m|s)/gy;
  if (!text || !/^(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|ns|h|m|s)/.test(text)) return undefined;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * unit[match[2]];
    consumed += match[0].length;
  }
  return consumed === text.length ? total : undefined;
}
