import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from './validation-error';

/** The milliseconds of a duration without cdk8s' own "whole number" exception. */
function millisOf(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}

/** istiod's `ValidateDuration`: at least 1ms, and whole milliseconds. */
export function durationRule(duration: Duration): string | undefined {
  const ms = millisOf(duration);
  if (!Number.isFinite(ms) || ms < 1) return 'must be at least 1ms';
  if (!Number.isInteger(ms)) return 'must be a whole number of milliseconds';
  return undefined;
}

/**
 * Renders a cdk8s Duration as an Istio duration string.
 *
 * Always seconds with up to three decimals (`0.5s`, `180s`): the one form that Go's
 * `time.ParseDuration`, protobuf JSON and the CRDs' CEL `duration()` all accept.
 */
export function istioDuration(scope: IConstruct | string, property: string, duration: Duration): string {
  const broken = durationRule(duration);
  if (broken) {
    fail(scope, property, broken, `${millisOf(duration)}ms`, 'Istio durations are whole milliseconds, 1ms or more (e.g. Duration.millis(500)).');
  }
  return formatMillis(millisOf(duration));
}

/** `1500` -> `1.5s`. */
export function formatMillis(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms % 1000;
  if (rest === 0) return `${seconds}s`;
  return `${seconds}.${String(rest).padStart(3, '0').replace(/0+$/, '')}s`;
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
