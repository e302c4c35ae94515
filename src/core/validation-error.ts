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

/**
 * A readable rendering of a bad value: strings quoted, objects that describe themselves (a
 * cdk8s `Duration`'s `toHumanString()`, a class's own `toString()`) as they do, other objects
 * as compact JSON, and objects JSON cannot show (cycles) by their class.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const described = selfDescription(value);
    if (described !== undefined) return described;
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // A cycle (a construct, a cdk8s-plus object): name the class instead.
  }
  const type = (value as object | null)?.constructor?.name;
  return type && type !== 'Object' ? `a ${type}` : String(value);
}

/** What an object says of itself, e.g. `Duration.seconds(90)` -> `'1 minute 30 seconds'` (as the user reads it). */
function selfDescription(value: object): string | undefined {
  const human = (value as { toHumanString?: unknown }).toHumanString;
  if (typeof human === 'function') return `'${String(human.call(value))}'`;
  const toString = (value as { toString?: unknown }).toString;
  if (typeof toString === 'function' && toString !== Object.prototype.toString) return `'${String(toString.call(value))}'`;
  return undefined;
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
  const broken = brokenRule(value, rule);
  if (broken !== undefined) {
    fail(scope, property, broken, value, hint);
  }
  return value;
}

/**
 * The rule `value` breaks, if any. Rules are written for the prop's declared type; a caller
 * without a type checker may pass another (a number for a host, an object for a path), on
 * which a string rule's methods fail: that is the caller's mistake, and is reported as one.
 */
export function brokenRule<T>(value: T, rule: Rule<T>): string | undefined {
  try {
    return rule(value);
  } catch (error) {
    if (!(error instanceof TypeError) || typeof value === 'string') throw error;
    return `must be a string, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}`;
  }
}
