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

/** A non-negative whole number (counters such as max connections or retry attempts). */
export const countRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return 'must be a whole number, 0 or more';
  return undefined;
};

/** A positive whole number. */
export const positiveCountRule: Rule<number> = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return 'must be a whole number, 1 or more';
  return undefined;
};

/** Makes a rule for a whole number in [min, max]. */
export function rangeRule(min: number, max: number): Rule<number> {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return `must be a whole number from ${min} to ${max}`;
    }
    return undefined;
  };
}
