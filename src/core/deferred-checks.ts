import { IConstruct } from 'constructs';
import { brokenRule, fail, Rule } from './validation-error';

/**
 * Checks that value factories (`PolicyTarget.serviceName`, `MeshService.fromName`, ...)
 * postpone to the construct that uses the value. A factory runs before any construct exists
 * and its arguments become a prop of the construct that receives the value, so that is where
 * a broken rule is reported: `chart/jwt: target.name must be a DNS label ..., got 'Reviews'`.
 *
 * Constructs take such values through `checkInstance` (core/value-types), which reports what
 * was postponed; nothing else reads the problems.
 */

interface Problem {
  /** The factory argument, as a field of the prop (`name`, `matchLabels`); empty for the value itself. */
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;
  readonly hint: string;
}

const PROBLEMS = new WeakMap<object, Problem[]>();

function record(owner: object, problem: Problem): void {
  const list = PROBLEMS.get(owner);
  if (list) list.push(problem);
  else PROBLEMS.set(owner, [problem]);
}

/** Applies a rule to an argument of the factory building `owner`; a broken rule is kept for its user. */
export function deferCheck<T>(owner: object, field: string, value: T, rule: Rule<T>, hint: string): void {
  const broken = brokenRule(value, rule);
  if (broken !== undefined) record(owner, { field, value, rule: broken, hint });
}

/** Keeps a problem found by the factory itself (a rule that needs several arguments). */
export function deferFailure(owner: object, field: string, rule: string, value: unknown, hint: string): void {
  record(owner, { field, value, rule, hint });
}

/** Carries the postponed problems of a value `owner` is built from (a waypoint of a PolicyTarget) over to `owner`. */
export function deferProblemsOf(owner: object, inner: object | undefined): void {
  for (const problem of (inner && PROBLEMS.get(inner)) ?? []) record(owner, problem);
}

/** True when the factory that built `value` found nothing wrong. */
export function hasNoDeferredProblems(value: object): boolean {
  return !PROBLEMS.has(value);
}

/** Reports the first postponed problem of `value`, which `scope` received as `property`. */
export function reportDeferred(scope: IConstruct | string, property: string, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const problem = PROBLEMS.get(value)?.[0];
  if (problem) fail(scope, problem.field ? `${property}.${problem.field}` : property, problem.rule, problem.value, problem.hint);
}
