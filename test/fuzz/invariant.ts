/**
 * The invariant every generated app must satisfy, and the classification of its violations.
 *
 * Either (a) construction or synthesis throws an error whose message starts with the path of a
 * construct the app created, followed by ': ' and the name of a prop the user wrote (the shape
 * of ValidationError), or (b) synthesis succeeds, the output has no Error finding from the
 * admission layer (CRD schema + CEL), the istiod layer or any check the automatic analysis runs,
 * passes the independent wire checks (./wire.ts), and shows every setting the generator made
 * (./visibility.ts).
 *
 * Violations:
 * - let-through: output the cluster rejects (analysis findings at synth count too: they name an
 *   object, not the construct and prop the user wrote);
 * - crash-like: an error without the path of a construct of the app, naming no prop the user
 *   wrote, or an exception that is not a validation error (TypeError, constructs' "There is
 *   already a Construct");
 * - dropped-setting: a prop set by the generator missing from the output, or replaced;
 * - re2-disagreement: a construct accepts a regex RE2 rejects, or rejects one RE2 accepts.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { apiProps } from './api-props';
import {
  AppRecipe, buildApp, BuiltApp, createdConstructs, DanglingReference, isCall, isRef, NewStep, pathOfStep, PresetStep, Step, StepFailure,
  synthesizeByCluster, Value, ValueObject,
} from './recipe';
import { PRESET_PARAMETERS } from './security';
import { visibilityProblems } from './visibility';
import { re2Error, wireProblems } from './wire';
import { FindingLevel, MeshAnalysis } from '../../src';

export type FailureClass = 'let-through' | 'crash-like' | 'dropped-setting' | 're2-disagreement';
export const FAILURE_CLASSES: readonly FailureClass[] = ['let-through', 'crash-like', 'dropped-setting', 're2-disagreement'];

export interface Failure {
  readonly kind: FailureClass;
  /** The defect with the values left out: failures with one signature are one defect. */
  readonly signature: string;
  /** The full message, for the report. */
  readonly detail: string;
  /** The type of the construct the failure belongs to, when the message or the check tells. */
  readonly construct?: string;
}

export interface Verdict {
  /** What the app did: synthesized, was rejected with an error, or was no test case (a shrink broke a reference). */
  readonly outcome: 'synthesized' | 'rejected' | 'skipped';
  readonly failures: Failure[];
  /** The error that rejected the app, if any. */
  readonly error?: string;
}

/** Prop names any construct's errors may use: the object name claim, the props object as a whole, and the scope argument. */
const GENERAL_PROPS = new Set(['metadata', 'props', 'id', 'scope']);

/** Runs one app and judges it. */
export function evaluate(recipe: AppRecipe): Verdict {
  const app = new AppFacts(recipe);
  let built: BuiltApp | undefined;
  let manifests: any[] | undefined;
  let clusters: any[][] | undefined;
  let failure: StepFailure | undefined;
  try {
    built = buildApp(recipe);
    app.foreign = foreignObjects(recipe, built);
    clusters = synthesizeByCluster(built);
    manifests = clusters.flat();
  } catch (error) {
    if (error instanceof DanglingReference) return { outcome: 'skipped', failures: [] };
    failure = error instanceof StepFailure ? error : new StepFailure('construct', error);
  }

  const failures: Failure[] = [];
  const rejectedValues = new Set<unknown>();
  if (failure) {
    if (!failure.external) failures.push(...judgeError(failure, app, rejectedValues));
  } else {
    failures.push(...judgeOutput(clusters!, app));
    failures.push(...visibilityProblems(recipe, built!, manifests!).map((p): Failure => ({
      kind: 'dropped-setting',
      construct: p.construct.split('.')[0],
      signature: `${p.construct}: ${p.prop.replace(/\[\d+\]/g, '[]').replace(/\['[^']*'\]/g, '[…]')} ${p.problem}`,
      detail: `${p.path}: ${p.prop} ${p.problem} (expected ${JSON.stringify(p.expected)}, found ${JSON.stringify(p.found)})`,
    })));
  }
  failures.push(...regexDisagreements(recipe, failure, rejectedValues));
  return {
    outcome: failure ? 'rejected' : 'synthesized',
    failures: dedupe(failures),
    error: failure ? messageOf(failure.cause) : undefined,
  };
}

/** Methods that create a child construct with the id the user passes first (`ns.addWorkloadMtls('metrics', ...)`). */
const CHILD_CREATING_METHODS = new Set(['addWorkloadMtls', 'addIngress']);

/** What the judgement needs to know about an app: its constructs' paths and the props the user wrote. */
class AppFacts {
  /** Paths of the constructs the app created (and children created with the user's ids), longest first. */
  public readonly paths: string[];
  /** Objects of the app that no construct of this library rendered (cdk8s-plus fixtures), as `kind|namespace|name`. */
  public foreign = new Set<string>();
  private readonly stepsByPath = new Map<string, NewStep | PresetStep>();

  constructor(public readonly recipe: AppRecipe) {
    const created = createdConstructs(recipe);
    for (const step of created) this.stepsByPath.set(pathOfStep(step, recipe), step);
    for (const step of recipe.steps) {
      const parent = created.find((c) => step.op === 'method' && c.id === step.target);
      if (step.op === 'method' && parent && CHILD_CREATING_METHODS.has(step.method) && typeof step.args[0] === 'string') {
        // constructs turns '/' in ids into '--'.
        this.stepsByPath.set(`${pathOfStep(parent, recipe)}/${step.args[0].replace(/\//g, '--')}`, parent);
      }
    }
    this.paths = [...this.stepsByPath.keys()].sort((a, b) => b.length - a.length);
  }

  /** The type of the construct a message mentions (its path, or a child's), if any. */
  public typeMentioned(message: string): string | undefined {
    const path = this.paths.find((p) => message.includes(`${p}:`) || message.includes(`${p}/`) || message.includes(`'${p}'`));
    return path === undefined ? undefined : this.stepsByPath.get(path)!.type;
  }

  /** Whether an analysis source label (`chart/reviews (matchRoutes[1]), ...`) starts with a construct of the app and a prop of it. */
  public sourceNamesProp(source: string): boolean {
    const first = /^([^ ,(]+)(?: \(([^)]*)\))?/.exec(source);
    if (!first || !this.stepsByPath.has(first[1]) || first[2] === undefined) return false;
    const names = this.propNames(first[1]);
    return (first[2].match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((id) => names.has(id));
  }

  /** The construct an error message starts with (`<path>: `), if any. */
  public ownerOf(message: string): string | undefined {
    return this.paths.find((p) => message.startsWith(`${p}: `));
  }

  /**
   * The prop names an error at `path` may use: those of the construct's API (set or defaulted),
   * and every key the user wrote for it (nested keys, method names and their keys).
   */
  public propNames(path: string): Set<string> {
    const step = this.stepsByPath.get(path)!;
    const keys = new Set<string>([...apiProps(step.type), ...GENERAL_PROPS]);
    const collect = (v: Value): void => {
      if (Array.isArray(v)) return v.forEach(collect);
      if (v === null || typeof v !== 'object' || isRef(v)) return;
      if (isCall(v)) return v.args.forEach(collect);
      if ('$const' in v) return;
      for (const [key, inner] of Object.entries(v as ValueObject)) {
        keys.add(key);
        collect(inner);
      }
    };
    if (step.op === 'new') {
      collect(step.props);
    } else {
      step.args.forEach(collect);
      for (const p of PRESET_PARAMETERS[step.method] ?? []) keys.add(p);
    }
    for (const other of this.recipe.steps) {
      if (other.op === 'method' && other.target === step.id) {
        keys.add(other.method);
        other.args.forEach(collect);
      }
    }
    return keys;
  }

  /** A message with the values left out, so one defect has one signature. */
  public normalize(text: string): string {
    let t = text;
    for (const p of this.paths) t = t.split(`${p}:`).join('<path>:').split(`${p}/`).join('<path>/').split(`'${p}'`).join("'<path>'");
    return normalizeValues(t);
  }
}

export function normalizeValues(text: string): string {
  return text
    .replace(/, got [\s\S]*$/, '')
    .replace(/ Fix: [\s\S]*$/, '')
    .replace(/The Subset \S+/g, 'The Subset …')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\{[^{}]*\}/g, '{…}')
    .replace(/\(([^()]*,[^()]*)\)/g, '(…)')
    .replace(/[a-z0-9.-]{40,}/g, '…')
    .replace(/-?\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, 'N')
    .slice(0, 220);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const VALIDATION_FAILED = 'Validation failed with the following errors:';
/**
 * A line of the automatic analysis: `[<source>: ]Error IST0106 VirtualService ns/name: message Fix: ...`,
 * where the source names the constructs that rendered the object and, when traced, the props:
 * `chart/reviews (matchRoutes[1]), chart/other`.
 */
const ANALYSIS_LINE = /^(?:(.*?): )?(Error|Warning|Info) ([A-Z]+\d+) (\S+) (\S+): ([\s\S]*)$/;

/** An exception of construction or synth: clear, a let-through caught only by the analysis, or crash-like. */
function judgeError(failure: StepFailure, app: AppFacts, rejectedValues: Set<unknown>): Failure[] {
  const error = failure.cause as any;
  const message = messageOf(error);
  if (error && typeof error === 'object' && 'value' in error) rejectedValues.add(error.value);

  if (failure.phase === 'synth' && message.startsWith(VALIDATION_FAILED)) {
    const userRegexes = regexesOf(app.recipe).map((r) => r.pattern).filter((r) => r.length > 0);
    // cdk8s lists every construct's validation errors as `[<node path>] <message>`.
    const entries = message.slice(VALIDATION_FAILED.length).split(/\n {2}\[[^\]\n]*\] /).map((e) => e.trim()).filter((e) => e.length > 0);
    const failures: Failure[] = [];
    let fromConstructs = 0;
    for (const entry of entries) {
      for (const value of quotedValues(entry)) rejectedValues.add(value);
      const finding = ANALYSIS_LINE.exec(entry);
      if (finding) {
        const [, source, , code, kind, object, text] = finding;
        // Findings about cdk8s-plus fixtures are not about this library.
        if (app.foreign.has(`${kind}|${object.includes('/') ? object.replace('/', '|') : `|${object}`}`)) continue;
        // A user's regex that istiod rejects is a re2-disagreement of the construct that accepted it.
        if (/regexp/.test(text) && userRegexes.some((r) => entry.includes(JSON.stringify(r).slice(1, -1)) || entry.includes(r))) continue;
        // The analysis traced the object to a construct and a prop: a clear error after all.
        if (source !== undefined && app.sourceNamesProp(source)) {
          fromConstructs++;
          continue;
        }
        failures.push({
          kind: 'let-through',
          signature: `${code} ${kind}: ${app.normalize(text)}`,
          detail: `only the synth analysis caught it: ${entry}`,
          construct: source === undefined ? undefined : app.typeMentioned(`${source}:`),
        });
        continue;
      }
      fromConstructs++;
      const unclear = unclearError(entry, undefined, app);
      if (unclear) failures.push(unclear);
    }
    // A construct's own error beside analysis findings: the findings may follow from the same
    // mistake, which the construct did catch (its message is judged on its own).
    return fromConstructs > 0 ? failures.filter((f) => f.kind !== 'let-through') : failures;
  }

  if (failure.phase === 'value') {
    // A factory (MeshService.fromName, AcmeServer.custom, ...) refused a value before any construct saw it.
    if (isValidationError(error)) return [];
    const construct = failure.stepIndex === undefined ? undefined : typeOfStep(app.recipe.steps[failure.stepIndex], app.recipe);
    return [{ kind: 'crash-like', signature: `value factory threw ${error?.constructor?.name ?? typeof error}: ${app.normalize(message)}`, detail: message, construct }];
  }
  const unclear = unclearError(message, error, app);
  if (!unclear) return [];
  // An exception while a step ran belongs to that step's construct when the message names none.
  const stepType = failure.stepIndex === undefined ? undefined : typeOfStep(app.recipe.steps[failure.stepIndex], app.recipe);
  return [{ ...unclear, construct: unclear.construct ?? stepType }];
}

function isValidationError(error: any): boolean {
  return error instanceof Error && error.name === 'ValidationError' && typeof (error as any).property === 'string';
}

/** Undefined when the message is a clear error at a construct of the app; the crash-like failure otherwise. */
function unclearError(message: string, error: any, app: AppFacts): Failure | undefined {
  const type = error instanceof Error ? `${error.constructor.name}: ` : '';
  const owner = app.ownerOf(message);
  if (!owner) {
    // A construct's error thrown while cdk8s serializes an object comes wrapped in cdk8s' message.
    const wrapped = /^Failed serializing construct at path '[^']*' with name '[^']*': (\w+: )?(.*?: \S+)/s.exec(message);
    const what = wrapped ? `wrapped in cdk8s' "Failed serializing construct ...": ${wrapped[1] ?? ''}${app.normalize(wrapped[2])} ...` : `${type}${app.normalize(message)}`;
    return { kind: 'crash-like', signature: `no construct path: ${what}`, detail: message, construct: app.typeMentioned(message) };
  }
  const property: string = isValidationError(error) && error.where === owner ? error.property : message.slice(owner.length + 2).split(' ')[0];
  const names = app.propNames(owner);
  const identifiers = property.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  if (!identifiers.some((id) => names.has(id))) {
    return { kind: 'crash-like', signature: `names no prop the user wrote: ${type}${app.normalize(message)}`, detail: message, construct: app.typeMentioned(message) };
  }
  return undefined;
}

/** `'abc'` values quoted in a message (what an entry says it rejected). */
function quotedValues(text: string): string[] {
  return [...text.matchAll(/got '((?:[^']|'(?!\.))*)'/g)].map((m) => m[1]);
}

/** Output of a successful synth: findings of the analysis layers and of the wire checks. */
function judgeOutput(clusters: any[][], app: AppFacts): Failure[] {
  const failures: Failure[] = [];
  const manifests = clusters.flat();
  // The automatic analysis's levels: references to objects the app does not define are Info. Each cluster is analyzed on its own.
  const levels = { IST0101: FindingLevel.INFO, IST0173: FindingLevel.INFO, IST0174: FindingLevel.INFO };
  const findings = clusters.flatMap((part) => MeshAnalysis.analyze(part, { levels }));
  for (const f of findings.filter((x) => x.level === FindingLevel.ERROR)) {
    if (app.foreign.has(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`)) continue;
    failures.push({
      kind: 'let-through',
      signature: `${f.code} ${f.resource.kind}: ${app.normalize(f.message)}`,
      detail: `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}: ${f.message}`,
    });
  }
  const userRegexes = new Set(regexesOf(app.recipe).map((r) => r.pattern));
  for (const m of manifests) {
    if (app.foreign.has(`${m.kind}|${m.metadata?.namespace ?? ''}|${m.metadata?.name}`)) continue;
    for (const p of wireProblems(m)) {
      if (p.field.endsWith('.regex') && userRegexes.has(p.value as string)) continue; // a re2-disagreement
      failures.push({
        kind: 'let-through',
        signature: `wire ${p.object.split(' ')[0]} ${p.field.replace(/\[\d+\]/g, '[]').replace(/\.[^.]*[^A-Za-z0-9.[\]][^.]*/g, '.…')} ${p.problem}`,
        detail: `${p.object} ${p.field} ${p.problem}: ${JSON.stringify(p.value)}`,
      });
    }
  }
  return failures;
}

/** istiod's regex rule: not empty, at most 1024 characters, RE2 syntax. */
export function istiodRegexError(pattern: string): string | undefined {
  if (pattern.length === 0) return 'empty';
  return re2Error(pattern);
}

/** Every `StringMatch.regex(...)` of the app, with the index of its step. */
function regexesOf(recipe: AppRecipe): Array<{ pattern: string; stepIndex: number }> {
  const out: Array<{ pattern: string; stepIndex: number }> = [];
  const collect = (v: Value, stepIndex: number): void => {
    if (Array.isArray(v)) return v.forEach((x) => collect(x, stepIndex));
    if (v === null || typeof v !== 'object' || isRef(v) || '$const' in v) return;
    if (isCall(v)) {
      if (v.$call === 'StringMatch.regex' && typeof v.args[0] === 'string') out.push({ pattern: v.args[0], stepIndex });
      return v.args.forEach((x) => collect(x, stepIndex));
    }
    Object.values(v as ValueObject).forEach((x) => collect(x, stepIndex));
  };
  recipe.steps.forEach((step, i) => (step.op === 'new' ? collect(step.props, i) : step.args.forEach((a) => collect(a, i))));
  return out;
}

/**
 * Regexes are rendered when their construct is created: a construct that was created accepted
 * its regexes; one that failed on a regex value rejected it.
 */
function regexDisagreements(recipe: AppRecipe, failure: StepFailure | undefined, rejectedValues: Set<unknown>): Failure[] {
  const failures: Failure[] = [];
  const failedAt = failure?.phase === 'synth' || failure === undefined ? Infinity : failure.stepIndex ?? Infinity;
  for (const { pattern, stepIndex } of regexesOf(recipe)) {
    const construct = typeOfStep(recipe.steps[stepIndex], recipe);
    const istiod = istiodRegexError(pattern);
    const rejected = rejectedValues.has(pattern);
    if (rejected && istiod === undefined) {
      failures.push({
        kind: 're2-disagreement',
        signature: `rejects valid RE2 using ${re2Feature(pattern)}`,
        construct,
        detail: `${JSON.stringify(pattern)} is valid RE2 but was rejected: ${messageOf(failure!.cause)}`,
      });
    } else if (!rejected && istiod !== undefined && stepIndex < failedAt) {
      failures.push({
        kind: 're2-disagreement',
        signature: `accepts what RE2 rejects: ${istiod.replace(/^error parsing regexp: /, '').replace(/: `.*`$/s, '')}`,
        construct,
        detail: `${JSON.stringify(pattern)} was accepted, but RE2 says: ${istiod}`,
      });
    }
  }
  return failures;
}

/** The objects of the cdk8s-plus fixtures (`kind|namespace|name`): not rendered by this library, not judged. */
function foreignObjects(recipe: AppRecipe, built: BuiltApp): Set<string> {
  const keys = new Set<string>();
  for (const step of createdConstructs(recipe)) {
    if (!step.type.startsWith('kplus.')) continue;
    const construct = built.constructs.get(pathOfStep(step, recipe)) as IConstruct | undefined;
    for (const obj of construct?.node.findAll() ?? []) {
      if (obj instanceof ApiObject) keys.add(`${obj.kind}|${obj.metadata.namespace ?? ''}|${obj.name}`);
    }
  }
  return keys;
}

/** The construct type a step creates or calls a method of. */
function typeOfStep(step: Step, recipe: AppRecipe): string | undefined {
  if (step.op !== 'method') return step.type;
  return createdConstructs(recipe).find((c) => c.id === step.target)?.type;
}

/** The RE2 syntax a pattern uses that JavaScript lacks (what a JS-based check stumbles on). */
function re2Feature(pattern: string): string {
  const features: Array<[RegExp, string]> = [
    [/\(\?P?<[A-Za-z]/, 'named groups'], [/\(\?[imsU]+\)/, 'flags (?i)/(?s)/(?U)'], [/\(\?[imsU]+:/, 'flag groups (?i:...)'],
    [/\\[pP]/, 'Unicode classes \\p'], [/\[\[:/, 'POSIX classes [[:alpha:]]'], [/\\Q/, 'quoting \\Q...\\E'], [/\\z/, '\\z'],
  ];
  return features.find(([re]) => re.test(pattern))?.[1] ?? 'other syntax';
}

function dedupe(failures: Failure[]): Failure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.kind}|${f.signature}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
