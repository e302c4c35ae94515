/**
 * The short property-based run of `npm test`: a bounded number of generated apps around each
 * construct (and each method), judged by ./invariant.ts. The seed is random (printed in the
 * test names and in every failure); repeat a run with FUZZ_SEED=<seed>, and run more cases with
 * FUZZ_RUNS=<n> (default 40 per construct) or the long run, `npm run fuzz -- <count> <seed>`.
 */
import * as fc from 'fast-check';
import { appRecipe, FOCUSES, focusType } from './app';
import { evaluate, Failure } from './invariant';
import { reproduce } from './minimize';
import { AppRecipe, toTypeScript } from './recipe';

process.env.CDK8S_ISTIO_SILENT = '1';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** Time to shrink a failure to a small reproduction. */
const SHRINK_MS = Number(process.env.FUZZ_SHRINK_MS ?? 2000);

describe(`every construct gives a clear error or output the cluster accepts (seed ${SEED}: repeat with FUZZ_SEED=${SEED})`, () => {
  test.each(FOCUSES)('%s', (focus) => {
    // Given apps built around the construct, with values from well-formed to hostile
    const apps = appRecipe(focus);
    let first: { index: number; recipe: AppRecipe; failure: Failure } | undefined;
    let index = 0;

    // When each is built and synthesized (failures of the other constructs of an app are left to their own tests)
    const ours = (f: Failure) => f.construct === undefined || f.construct === focusType(focus);
    fc.check(fc.property(apps, (recipe) => {
      const failures = evaluate(recipe).failures.filter(ours);
      if (!first && failures.length > 0) first = { index, recipe, failure: failures[0] };
      index++;
      return failures.length === 0;
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true });

    // Then none fails the invariant; a failure is reported with its smallest reproduction
    if (first) {
      const target = first.failure;
      const same = (recipe: AppRecipe) => evaluate(recipe).failures.find((f) => f.kind === target.kind && f.signature === target.signature);
      const minimal = reproduce(apps, SEED, String(first.index), first.recipe, (r) => same(r) !== undefined, SHRINK_MS);
      throw new Error([
        `${target.kind} (seed ${SEED}, case ${first.index}; repeat with FUZZ_SEED=${SEED}): ${target.signature}`,
        `  ${same(minimal)?.detail ?? target.detail}`,
        '',
        toTypeScript(minimal),
      ].join('\n'));
    }
  }, 60_000);
});
