/**
 * Greedy minimization of a failing app, after fast-check's shrinking: removes steps, charts,
 * props and list elements one at a time while the same failure remains, until nothing more can
 * go. fast-check shrinks values well but leaves unrelated constructs in generated apps; this
 * pass leaves the smallest reproduction for the report.
 */
import * as fc from 'fast-check';
import { AppRecipe, isCall, isConst, isRef, printable, Step, Value } from './recipe';

/**
 * The smallest app showing one failure: fast-check replays the generated case at `path` and
 * shrinks it while `fails` holds (for at most `budgetMs`), then `minimize` removes the rest.
 */
export function reproduce(
  apps: fc.Arbitrary<AppRecipe>, seed: number, path: string, original: AppRecipe, fails: (candidate: AppRecipe) => boolean, budgetMs: number,
): AppRecipe {
  let smallest = original;
  const result = fc.check(fc.property(apps, (recipe) => {
    const failing = fails(recipe);
    if (failing) smallest = recipe;
    return !failing;
  }), { seed, path, plugins: [fc.interruptAfterTimeLimit(budgetMs / 2)] });
  const shrunk = result.counterexample as [AppRecipe] | null;
  if (result.failed && shrunk && fails(shrunk[0])) smallest = shrunk[0];
  return minimize(smallest, fails, budgetMs / 2);
}

/** The smallest app derived from `recipe` for which `fails` still holds (within `budgetMs`). */
export function minimize(recipe: AppRecipe, fails: (candidate: AppRecipe) => boolean, budgetMs = 10_000): AppRecipe {
  const deadline = Date.now() + budgetMs;
  let current = recipe;
  for (let progress = true; progress && Date.now() < deadline;) {
    progress = false;
    for (const candidate of candidates(current)) {
      if (Date.now() >= deadline) break;
      if (fails(candidate)) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return printable(current);
}

/** Every app one edit smaller than `recipe`, the biggest cuts first. */
function* candidates(recipe: AppRecipe): Generator<AppRecipe> {
  for (let i = recipe.steps.length - 1; i >= 0; i--) {
    yield { charts: recipe.charts, steps: recipe.steps.filter((_, j) => j !== i) };
  }
  if (recipe.charts.length > 1) {
    yield { charts: [recipe.charts[0]], steps: recipe.steps.map((s) => (s.op === 'method' ? s : { ...s, chart: 0 })) };
  }
  for (let c = 0; c < recipe.charts.length; c++) {
    if (recipe.charts[c].namespace !== undefined) yield { charts: recipe.charts.map((x, j) => (j === c ? {} : x)), steps: recipe.steps };
  }
  for (let i = 0; i < recipe.steps.length; i++) {
    const step = recipe.steps[i];
    // cdk8s-plus objects are fixtures, not under test: kept whole (or removed above).
    if (step.op !== 'method' && step.type.startsWith('kplus.')) continue;
    const root: Value = step.op === 'new' ? step.props : step.args;
    for (const edit of edits(root, step.op !== 'new')) {
      yield { charts: recipe.charts, steps: recipe.steps.map((s, j) => (j === i ? withValue(s, edit) : s)) };
    }
  }
}

/** Smaller versions of a value: each optional key removed, each list element removed (positional arguments kept). */
function* edits(value: Value, positional: boolean): Generator<Value> {
  if (Array.isArray(value)) {
    if (!positional) {
      for (let i = value.length - 1; i >= 0; i--) yield value.filter((_, j) => j !== i);
    }
    for (let i = 0; i < value.length; i++) {
      for (const smaller of edits(value[i], false)) yield value.map((v, j) => (j === i ? smaller : v));
    }
    return;
  }
  if (value === null || typeof value !== 'object' || isRef(value) || isConst(value)) return;
  if (isCall(value)) {
    for (const smaller of edits(value.args, true)) yield { $call: value.$call, args: smaller as Value[] };
    return;
  }
  const entries = Object.entries(value);
  for (const [key] of entries) yield Object.fromEntries(entries.filter(([k]) => k !== key));
  for (const [key, inner] of entries) {
    for (const smaller of edits(inner, false)) yield { ...value, [key]: smaller };
  }
}

function withValue(step: Step, value: Value): Step {
  if (step.op === 'new') return { ...step, props: value };
  return { ...step, args: value as Value[] };
}
