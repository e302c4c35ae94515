import { IConstruct } from 'constructs';

/**
 * The one error format of cdk8s-istio: where (construct path), which property, which rule,
 * the offending value, and what to do about it.
 *
 * A user reading `reviews/canary: weights.v2 must be an integer from 0 to 100, got 120. Give
 * each version a whole-number percentage.` can fix the input without opening our sources.
 */
export class ValidationError extends Error {
  constructor(
    public readonly where: string,
    public readonly property: string,
    public readonly rule: string,
    public readonly value: unknown,
    public readonly hint: string,
  ) {
    super(`${where}: ${property} ${rule}, got ${describeValue(value)}. ${hint}`);
    this.name = 'ValidationError';
  }
}

/** A readable rendering of a bad value: strings quoted, objects as compact JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The construct path users see in errors (the app root's empty id is left out). */
export function pathOf(scope: IConstruct | string): string {
  if (typeof scope === 'string') return scope;
  return scope.node.path || scope.node.id || '<app>';
}

/** Throws the standard error. */
export function fail(scope: IConstruct | string, property: string, rule: string, value: unknown, hint: string): never {
  throw new ValidationError(pathOf(scope), property, rule, value, hint);
}

/**
 * A rule is a function that returns undefined when the value is fine, or the broken rule
 * phrased to follow the property name ("must be an integer from 0 to 100").
 */
export type Rule<T> = (value: T) => string | undefined;

/** Applies a rule and throws the standard error when it is broken. */
export function check<T>(scope: IConstruct | string, property: string, value: T, rule: Rule<T>, hint: string): T {
  const broken = rule(value);
  if (broken !== undefined) {
    fail(scope, property, broken, value, hint);
  }
  return value;
}
