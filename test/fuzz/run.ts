/**
 * The long property-based run: `npm run fuzz -- [count] [seed]`.
 *
 * Generates `count` apps (default 2000) from `seed` (default: random, printed), judges each
 * (./invariant.ts), prints a table of failures per class, then, for the first few distinct
 * failures of each class, a minimal reproduction found by fast-check's shrinking, as TypeScript.
 * Exits 1 when any case fails. `FUZZ_FOCUS=<construct or method>` restricts the run to apps
 * built around one construct, `FUZZ_LEVEL=0|1|5` to one hostility level (0: well-formed values only);
 * `FUZZ_EXAMPLES=<n>` sets how many failures per class are shrunk, `FUZZ_MATCH=<text>|<text>`
 * shrinks every failure whose signature contains one of the texts instead.
 */
import * as fc from 'fast-check';
import { appRecipe } from './app';
import { evaluate, Failure, FAILURE_CLASSES, FailureClass, normalizeValues } from './invariant';
import { reproduce } from './minimize';
import { AppRecipe, toTypeScript } from './recipe';
import { fixedLevel, Level } from './values';

process.env.CDK8S_ISTIO_SILENT = '1';

interface Defect {
  readonly kind: FailureClass;
  readonly signature: string;
  cases: number;
  /** Index of the first case that showed it (replayed with fast-check's `path` to shrink it). */
  readonly firstIndex: number;
  readonly detail: string;
  readonly recipe: AppRecipe;
}

const key = (f: Pick<Failure, 'kind' | 'signature'>) => `${f.kind}|${f.signature}`;

function main(): number {
  const [countArg, seedArg] = process.argv.slice(2);
  const count = countArg === undefined ? 2000 : Number(countArg);
  const seed = seedArg === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seedArg);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [count] [seed]\n');
    return 2;
  }
  const focus = process.env.FUZZ_FOCUS || undefined;
  const level = process.env.FUZZ_LEVEL ? fixedLevel(Number(process.env.FUZZ_LEVEL)) : undefined;
  const examples = Number(process.env.FUZZ_EXAMPLES ?? 3);
  const match = process.env.FUZZ_MATCH;
  console.log(`cdk8s-istio fuzz: ${count} apps${focus ? ` around ${focus}` : ''}, seed ${seed} (repeat with: npm run fuzz -- ${count} ${seed})`);

  // 1. Survey: judge every case, group failures by signature.
  const defects = new Map<string, Defect>();
  const outcomes = { synthesized: 0, rejected: 0, skipped: 0 };
  const rejections = new Map<string, number>();
  const casesPerClass = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<FailureClass, number>;
  let index = 0;
  const started = Date.now();
  fc.check(fc.property(appRecipe(focus, level), (recipe) => {
    const verdict = evaluate(recipe);
    outcomes[verdict.outcome]++;
    if (verdict.error !== undefined) {
      const reason = normalizeValues(verdict.error.replace(/^[^:]*: /, '').replace(/^Validation failed with the following errors:\s*\[[^\]]*\] /, '')).slice(0, 100);
      rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
    }
    for (const kind of new Set(verdict.failures.map((f) => f.kind))) casesPerClass[kind]++;
    for (const f of verdict.failures) {
      const existing = defects.get(key(f));
      if (existing) existing.cases++;
      else defects.set(key(f), { ...f, cases: 1, firstIndex: index, recipe });
    }
    index++;
    if (index % 500 === 0) process.stderr.write(`  ${index}/${count} apps, ${defects.size} distinct failures, ${Math.round((Date.now() - started) / 1000)}s\n`);
    return true;
  }), { seed, numRuns: count });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  // 2. Summary.
  console.log(`\n${count} apps in ${seconds}s: ${outcomes.synthesized} synthesized, ${outcomes.rejected} rejected with an error, ${outcomes.skipped} skipped\n`);
  console.log(`${'class'.padEnd(18)}${'cases'.padStart(7)}${'distinct'.padStart(10)}`);
  for (const kind of FAILURE_CLASSES) {
    const distinct = [...defects.values()].filter((d) => d.kind === kind).length;
    console.log(`${kind.padEnd(18)}${String(casesPerClass[kind]).padStart(7)}${String(distinct).padStart(10)}`);
  }

  console.log('\nmost frequent rejections (how the generators spend their cases):');
  for (const [reason, n] of [...rejections.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.FUZZ_REJECTIONS ?? 8))) {
    console.log(`${String(n).padStart(7)}  ${reason}`);
  }

  // 3. The first few distinct failures of each class, shrunk.
  for (const kind of FAILURE_CLASSES) {
    const list = [...defects.values()].filter((d) => d.kind === kind).sort((a, b) => b.cases - a.cases);
    if (list.length === 0) continue;
    console.log(`\n== ${kind}: ${list.length} distinct ==`);
    list.forEach((d, i) => {
      console.log(`\n[${kind} ${i + 1}] ${d.signature}  (${d.cases} case${d.cases === 1 ? '' : 's'})`);
      if (match ? !match.split('|').some((m) => d.signature.includes(m)) : i >= examples) return;
      console.log(`  e.g. ${d.detail.split('\n')[0].slice(0, 600)}`);
      const minimal = shrink(d, seed, focus, level);
      console.log(indent(toTypeScript(minimal.recipe)));
      if (minimal.detail !== d.detail) console.log(`  -> ${minimal.detail.split('\n')[0].slice(0, 600)}`);
    });
  }
  const failed = FAILURE_CLASSES.some((c) => casesPerClass[c] > 0);
  console.log(`\n${failed ? 'FAILED' : 'PASSED'}: seed ${seed}`);
  return failed ? 1 : 0;
}

/** The smallest app showing a defect, from its first case (see reproduce). */
function shrink(defect: Defect, seed: number, focus: string | undefined, level: Level | undefined): { recipe: AppRecipe; detail: string } {
  const sameDefect = (recipe: AppRecipe) => {
    const verdict = evaluate(recipe);
    return verdict.outcome === 'skipped' ? undefined : verdict.failures.find((f) => key(f) === key(defect));
  };
  const minimal = reproduce(appRecipe(focus, level), seed, String(defect.firstIndex), defect.recipe, (r) => sameDefect(r) !== undefined,
    Number(process.env.FUZZ_SHRINK_MS ?? 20_000));
  return { recipe: minimal, detail: sameDefect(minimal)?.detail ?? defect.detail };
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

process.exitCode = main();
