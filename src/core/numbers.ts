import { Rule } from './validation-error';

/** Route weights: whole numbers from 0 to 100 (istiod rejects negatives; we also reject fractions). */
export const weightRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
  if (value < 0 || value > 100) return 'must be from 0 to 100';
  return undefined;
};

/** Fault and mirror percentages: 0, or from 0.0001 to 100 (istiod's range). */
export const percentageRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (value < 0 || value > 100) return 'must be from 0 to 100';
  if (value !== 0 && value < 0.0001) return 'must be 0 or at least 0.0001';
  return undefined;
};

/** TCP/UDP port numbers. */
export const portRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return 'must be a whole number from 1 to 65535';
  }
  return undefined;
};

/** The largest value of an `int32` field (CRD `format: int32`). */
export const INT32_MAX = 2_147_483_647;

/** The largest value of a `uint32` field (CRD `maximum: 4294967295`, protobuf `uint32`/`UInt32Value`). */
export const UINT32_MAX = 4_294_967_295;

const RULES = new Map<string, Rule<number>>();

/**
 * A whole number from `min` to `max`. The message names the wire type when its limit is the
 * one that applies, so "why 2147483647?" answers itself.
 */
function boundedWholeNumber(min: number, max: number, wireType?: 'int32' | 'uint32'): Rule<number> {
  const key = `${wireType ?? ''}:${min}:${max}`;
  let rule = RULES.get(key);
  if (!rule) {
    const typeLimit = wireType === 'int32' ? INT32_MAX : wireType === 'uint32' ? UINT32_MAX : undefined;
    const broken = `must be a whole number from ${min} to ${max}${max === typeLimit ? ` (the largest ${wireType})` : ''}`;
    rule = (value) => (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max ? broken : undefined);
    RULES.set(key, rule);
  }
  return rule;
}

/**
 * A field that Istio's API declares `int32` (connection-pool limits, retry attempts, percentages
 * of endpoints): a whole number from `min` (istiod rejects negatives) up to 2^31-1.
 */
export function int32Rule(min = 0, max = INT32_MAX): Rule<number> {
  if (min < -INT32_MAX - 1 || max > INT32_MAX || min > max) throw new Error(`int32Rule(${min}, ${max}): bounds outside int32`);
  return boundedWholeNumber(min, max, 'int32');
}

/**
 * A field that Istio's API declares `uint32` (outlier-detection counters, keepalive probes,
 * locality and endpoint weights): a whole number from `min` up to 2^32-1.
 */
export function uint32Rule(min = 0, max = UINT32_MAX): Rule<number> {
  if (min < 0 || max > UINT32_MAX || min > max) throw new Error(`uint32Rule(${min}, ${max}): bounds outside uint32`);
  return boundedWholeNumber(min, max, 'uint32');
}

/**
 * A whole number written into a string field (HTTP status codes in `retryOn`): bounded by its
 * meaning only.
 */
export function wholeNumberRule(min: number, max: number): Rule<number> {
  return boundedWholeNumber(min, max);
}
