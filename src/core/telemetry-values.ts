import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDuration, DurationLimits } from './durations';
import { Rule } from './validation-error';

/**
 * Value kinds of observability settings (Telemetry, extension providers, Prometheus Operator
 * monitors), each checked here and nowhere else so every message has one shape.
 */

/**
 * Trace sampling (Telemetry `randomSamplingPercentage`): 0 to 100 (the CRD's range) in steps
 * of 0.01 (the precision Istio documents; finer values are not what the proxies sample).
 */
export const samplingPercentageRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (value < 0 || value > 100) return 'must be from 0 to 100';
  const hundredths = value * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > 1e-6) return 'must be a multiple of 0.01 (the finest sampling step)';
  return undefined;
};

const PROMETHEUS_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A metric tag (Telemetry `tagOverrides` key): it becomes a Prometheus label, whose names are
 * letters, digits and `_`, not starting with a digit (`__` prefixes are reserved).
 */
export const metricTagNameRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (!PROMETHEUS_LABEL.test(value)) return "must be a Prometheus label name (letters, digits and '_', not starting with a digit)";
  if (value.startsWith('__')) return "must not start with '__' (reserved for Prometheus' internal labels)";
  return undefined;
};

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An environment variable of the proxy (Telemetry custom tags from the environment). */
export const envVarNameRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (!ENV_VAR.test(value)) return "must be an environment variable name (letters, digits and '_', not starting with a digit)";
  return undefined;
};

const HEADER_TOKEN = /^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/;

/** An HTTP header name (an RFC 9110 token), as Envoy and istiod accept it. */
export const httpHeaderNameRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (!HEADER_TOKEN.test(value)) return "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)";
  return undefined;
};

/** A non-empty string without line breaks (names, literal values). */
export const singleLineRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (/[\r\n]/.test(value)) return 'must be a single line';
  return undefined;
};

/** Prometheus scrape intervals: whole milliseconds, at least 1ms (Prometheus' duration syntax has no finer unit). */
export const PROMETHEUS_DURATION: DurationLimits = {
  minMillis: 1,
  stepMillis: 1,
  hint: 'Prometheus durations are whole milliseconds; 15s or 30s is usual (e.g. Duration.seconds(15)).',
};

/**
 * Renders a cdk8s Duration as a Prometheus duration (`15s`, `1500ms`, `90s`): the unit-suffixed
 * form the Prometheus Operator CRDs' pattern accepts, after checking it against `limits`.
 */
export function prometheusDuration(
  scope: IConstruct | string, property: string, duration: Duration, limits: DurationLimits = PROMETHEUS_DURATION,
): string {
  const ms = checkDuration(scope, property, duration, limits);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const PROVIDER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * An extension provider's name (MeshConfig `extensionProviders[].name`), which Telemetry and
 * AuthorizationPolicy objects quote: letters, digits, `-`, `_` and `.`, as Istio's own examples
 * (`otel`, `envoyFileAccessLogger`, `my-ext-authz`) are written.
 */
export const providerNameRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  if (!PROVIDER_NAME.test(value)) return "must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
};
