/**
 * The recipe language of the property-based tests: a generated app is plain data (so fast-check
 * can shrink it and print it), turned into constructs by `buildApp` and into a TypeScript
 * reproduction by `toTypeScript`.
 *
 * Values are JSON-like, plus three tagged forms:
 * - `{ $call: 'MeshService.fromName', args: [...] }`: a static factory of the library (or cdk8s `Duration`);
 * - `{ $const: 'Protocol.HTTP' }`: an enum member or a static constant;
 * - `{ $ref: 'gw' }`: a construct created by an earlier step of the same app.
 */
import * as os from 'os';
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as lib from '../../src';

export type Value = undefined | null | boolean | number | string | readonly Value[] | Call | Const | Ref | ValueObject;
export interface ValueObject { readonly [key: string]: Value }
export interface Call { readonly $call: string; readonly args: readonly Value[] }
export interface Const { readonly $const: string }
export interface Ref { readonly $ref: string }

/** `new Type(chart, id, props)`. */
export interface NewStep { readonly op: 'new'; readonly type: string; readonly id: string; readonly chart: number; readonly props: Value }
/** `Type.method(chart, id, ...args)`, e.g. `AuthorizationPolicy.denyAll(chart, id, options)`. */
export interface PresetStep {
  readonly op: 'preset'; readonly type: string; readonly method: string; readonly id: string; readonly chart: number; readonly args: readonly Value[];
}
/** `target.method(...args)` on a construct of an earlier step, e.g. `gateway.addRoute({...})`. */
export interface MethodStep { readonly op: 'method'; readonly target: string; readonly method: string; readonly args: readonly Value[] }
export type Step = NewStep | PresetStep | MethodStep;

export interface ChartRecipe { readonly namespace?: string }

/** A whole app: its charts and the steps that fill them, in order. */
export interface AppRecipe {
  readonly charts: readonly ChartRecipe[];
  readonly steps: readonly Step[];
}

export const call = (name: string, ...args: Value[]): Call => ({ $call: name, args });
export const constant = (name: string): Const => ({ $const: name });
export const ref = (id: string): Ref => ({ $ref: id });

export function isCall(v: Value): v is Call {
  return typeof v === 'object' && v !== null && '$call' in v;
}
export function isConst(v: Value): v is Const {
  return typeof v === 'object' && v !== null && '$const' in v;
}
export function isRef(v: Value): v is Ref {
  return typeof v === 'object' && v !== null && '$ref' in v;
}

/** The classes and enums recipes may name: the library's public API, cdk8s' Duration and cdk8s-plus (`kplus.Deployment`). */
const LIBRARY: Record<string, any> = { ...lib, Duration, kplus };

/** `Class.member` or `kplus.Class`: the value and the object it is a member of (`this` for static factories). */
function member(path: string): { owner: any; value: any } {
  const parts = path.split('.');
  let owner: any = LIBRARY;
  for (const part of parts.slice(0, -1)) owner = owner?.[part];
  const name = parts[parts.length - 1];
  if (owner === undefined || !(name in owner)) throw new Error(`recipe names an unknown member '${path}'`);
  return { owner, value: owner[name] };
}

/** A step referenced a construct the app does not define (a shrink removed it): not a test case. */
export class DanglingReference extends Error {
  constructor(public readonly id: string) {
    super(`no construct '${id}' defined before it is referenced`);
  }
}

/** Where in an app an exception came from. */
export type Phase = 'value' | 'construct' | 'synth';

/** An exception of the code under test, with where it happened. */
export class StepFailure extends Error {
  constructor(
    public readonly phase: Phase,
    public readonly cause: unknown,
    /** Index of the step that failed (undefined at synth: the whole app). */
    public readonly stepIndex?: number,
    /** The value was rejected by cdk8s itself (a negative Duration), before our code saw it. */
    public readonly external = false,
  ) {
    super(`${phase}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Finds the construct an earlier step created with an id (references name fixtures, whose ids are unique). */
export type Resolver = (id: string) => unknown;

/** Turns a recipe value into the real value. Factories that throw are reported as phase 'value'. */
export function materialize(value: Value, resolve: Resolver): any {
  if (Array.isArray(value)) return value.map((v) => materialize(v, resolve));
  if (value === null || typeof value !== 'object') return value;
  if (isRef(value)) {
    const target = resolve(value.$ref);
    if (target === undefined) throw new DanglingReference(value.$ref);
    return target;
  }
  if (isConst(value)) return member(value.$const).value;
  if (isCall(value)) {
    const args = value.args.map((a) => materialize(a, resolve));
    const { owner, value: factory } = member(value.$call);
    try {
      return factory.apply(owner, args);
    } catch (error) {
      if (error instanceof StepFailure || error instanceof DanglingReference) throw error;
      // cdk8s' own Duration factories reject negative amounts before our code sees them.
      throw new StepFailure('value', error, undefined, value.$call.startsWith('Duration.') && /negative/.test((error as Error)?.message));
    }
  }
  const out: Record<string, any> = {};
  for (const [key, v] of Object.entries(value as ValueObject)) out[key] = materialize(v, resolve);
  return out;
}

/** The construct id and chart of each step that creates a construct. */
export function createdConstructs(recipe: AppRecipe): Array<NewStep | PresetStep> {
  return recipe.steps.filter((s): s is NewStep | PresetStep => s.op !== 'method');
}

export const chartId = (index: number) => `c${index}`;

/** The construct path of a step's construct (what error messages start with). */
export function pathOfStep(step: NewStep | PresetStep, recipe: AppRecipe): string {
  return `${chartId(step.chart % recipe.charts.length)}/${step.id}`;
}

export interface BuiltApp {
  readonly app: App;
  readonly charts: Chart[];
  /** Construct of each created step, by construct path (ids repeat across charts). */
  readonly constructs: Map<string, unknown>;
  /** The construct created with an id (the first, when charts repeat it). */
  readonly resolve: Resolver;
}

/**
 * Creates the app a recipe describes. Exceptions of the library come out as StepFailure (with
 * the phase), a reference to a missing construct as DanglingReference.
 */
export function buildApp(recipe: AppRecipe): BuiltApp {
  const app = new App({ outdir: OUTDIR });
  const charts = recipe.charts.map((c, i) => new Chart(app, chartId(i), c.namespace === undefined ? {} : { namespace: c.namespace }));
  const constructs = new Map<string, unknown>();
  const resolve: Resolver = (id) => {
    const step = createdConstructs(recipe).find((s) => s.id === id);
    return step && constructs.get(pathOfStep(step, recipe));
  };
  recipe.steps.forEach((step, index) => {
    try {
      if (step.op === 'method') {
        const target = resolve(step.target) as any;
        if (target === undefined) throw new DanglingReference(step.target);
        const args = step.args.map((a) => materialize(a, resolve));
        runStep(() => target[step.method](...args));
        return;
      }
      const scope = charts[step.chart % charts.length];
      const cls = member(step.type).value;
      const path = pathOfStep(step, recipe);
      if (step.op === 'new') {
        const props = materialize(step.props, resolve);
        constructs.set(path, runStep(() => new cls(scope, step.id, props)));
      } else {
        const args = step.args.map((a) => materialize(a, resolve));
        constructs.set(path, runStep(() => cls[step.method](scope, step.id, ...args)));
      }
    } catch (error) {
      if (error instanceof StepFailure) throw new StepFailure(error.phase, error.cause, index, error.external);
      throw error;
    }
  });
  return { app, charts, constructs, resolve };
}

/** Synthesizes every chart as `cdk8s synth` does (validations, automatic analysis) without writing files. */
export function synthesize(built: BuiltApp): any[] {
  return synthesizeByCluster(built).flat();
}

/**
 * The manifests of each cluster of the app (MeshCluster charts; the rest of the app is one
 * more), as the automatic analysis sees them: istioctl analyzes one cluster at a time.
 */
export function synthesizeByCluster(built: BuiltApp): any[][] {
  try {
    const parts = new Map<unknown, any[]>();
    for (const chart of built.app.charts) {
      const owner = lib.MeshCluster.clusterOf(chart) ?? built.app;
      const list = parts.get(owner) ?? [];
      parts.set(owner, list);
      list.push(...chart.toJson());
    }
    return [...parts.values()];
  } catch (error) {
    throw new StepFailure('synth', error);
  }
}

const OUTDIR = os.tmpdir();

function runStep<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof StepFailure || error instanceof DanglingReference) throw error;
    throw new StepFailure('construct', error);
  }
}

// ---------------------------------------------------------------------------------------------
// TypeScript reproductions
// ---------------------------------------------------------------------------------------------

/** A recipe as a TypeScript program a user could have written (and we can paste into a test). */
export function toTypeScript(recipe: AppRecipe): string {
  const used = new Set<string>();
  const referenced = new Set<string>();
  const collect = (v: Value): void => {
    if (Array.isArray(v)) return v.forEach(collect);
    if (v === null || typeof v !== 'object') return;
    if (isRef(v)) return void referenced.add(v.$ref);
    if (isConst(v)) return void used.add(v.$const.split('.')[0]);
    if (isCall(v)) {
      used.add(v.$call.split('.')[0]);
      return v.args.forEach(collect);
    }
    Object.values(v as ValueObject).forEach(collect);
  };
  for (const step of recipe.steps) {
    if (step.op === 'method') {
      referenced.add(step.target);
      step.args.forEach(collect);
    } else {
      used.add(step.type.split('.')[0]);
      if (step.op === 'new') collect(step.props); else step.args.forEach(collect);
    }
  }
  const cdk8s = ['App', 'Chart', ...(used.delete('Duration') ? ['Duration'] : [])];
  const plus = used.delete('kplus');
  const lines = [
    `import { ${cdk8s.join(', ')} } from 'cdk8s';`,
    ...(plus ? ["import * as kplus from 'cdk8s-plus-28';"] : []),
    ...(used.size > 0 ? [`import { ${[...used].sort().join(', ')} } from '../../src';`] : []),
    '',
    'const app = new App();',
  ];
  recipe.charts.forEach((c, i) => {
    lines.push(`const ${chartId(i)} = new Chart(app, '${chartId(i)}'${c.namespace === undefined ? '' : `, { namespace: ${printString(c.namespace)} }`});`);
  });
  for (const step of recipe.steps) {
    if (step.op === 'method') {
      lines.push(`${variable(step.target)}.${step.method}(${step.args.map(printValue).join(', ')});`);
      continue;
    }
    const scope = chartId(step.chart % recipe.charts.length);
    const expression = step.op === 'new'
      ? `new ${step.type}(${scope}, ${printString(step.id)}${step.props === undefined ? '' : `, ${printValue(step.props)}`})`
      : `${step.type}.${step.method}(${[scope, printString(step.id), ...step.args.map(printValue)].join(', ')})`;
    lines.push(referenced.has(step.id) ? `const ${variable(step.id)} = ${expression};` : `${expression};`);
  }
  lines.push('app.synth();');
  return lines.join('\n');
}

function variable(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

export function printString(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

export function printNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (Number.isInteger(n) && n >= 2 ** 20) {
    for (const offset of [0, -1, 1, 2]) {
      const exponent = Math.log2(n - offset);
      if (Number.isInteger(exponent)) return offset === 0 ? `2 ** ${exponent}` : `2 ** ${exponent} ${offset < 0 ? '-' : '+'} ${Math.abs(offset)}`;
    }
  }
  if (Number.isFinite(n) && Math.abs(n) >= 1e15) return n.toExponential().replace('e+', 'e');
  return String(n);
}

export function printValue(v: Value): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return printNumber(v);
  if (typeof v === 'string') return printString(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(', ')}]`;
  if (isRef(v)) return variable(v.$ref);
  if (isConst(v)) return v.$const;
  if (isCall(v)) return `${v.$call}(${v.args.map(printValue).join(', ')})`;
  const entries = Object.entries(v as ValueObject).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : printString(k));
  return `{ ${entries.map(([k, x]) => `${key(k)}: ${printValue(x)}`).join(', ')} }`;
}

/** Makes fast-check print a recipe as its TypeScript program (counterexamples read as code). */
export function printable(recipe: AppRecipe): AppRecipe {
  if (!(fc.toStringMethod in recipe)) {
    Object.defineProperty(recipe, fc.toStringMethod, { value: () => `\n${toTypeScript(recipe)}\n`, enumerable: false });
  }
  return recipe;
}
