import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AnalysisCheck } from './analysis-check';
import type * as AnalyzeModule from './analyze';
import { Finding, FindingLevel } from './finding';
import type * as FindingSourcesModule from './finding-source';
import { messageWithFix } from './finding-text';
import { startValidationPass } from '../core/app-objects';
import { claimantOf } from '../core/naming';
import { clusterScopeOf, rootOf } from '../core/per-app';
import { fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkEnumList, checkList, checkObject } from '../core/value-types';
import { recordWarning } from '../core/warnings';
import { MeshConfig } from '../mesh/mesh-config';
import { offerRenderings, withdrawRenderings } from '../render/api-object';

/** One finding the user has decided to accept, with the reason why. */
export interface AnalysisSuppression {
  /** Message code to suppress, e.g. `IST0118`, or `*` for every code. */
  readonly code: string;
  /** Why this finding is accepted (kept in the code for reviewers). */
  readonly reason: string;
  /**
   * Kind of the objects it applies to.
   *
   * @default - objects of every kind
   */
  readonly kind?: string;
  /**
   * Namespace of the objects it applies to.
   *
   * @default - every namespace
   */
  readonly namespace?: string;
  /**
   * Name of the object it applies to.
   *
   * @default - every name
   */
  readonly name?: string;
}

/** Options of the analysis. */
export interface MeshAnalysisOptions {
  /**
   * The lowest level that fails synthesis.
   *
   * @default FindingLevel.ERROR
   */
  readonly failOn?: FindingLevel;
  /**
   * Findings to drop, per code and object, each with a reason.
   *
   * Objects can also carry Istio's own `galley.istio.io/analyze-suppress: "IST0118,IST0103"` annotation.
   *
   * @default - none
   */
  readonly suppressions?: AnalysisSuppression[];
  /**
   * Different levels for some codes, e.g. `{ IST0118: FindingLevel.ERROR }` to make unnamed ports fail synth.
   *
   * @default - the level each check defines
   */
  readonly levels?: { [code: string]: FindingLevel };
  /**
   * The mesh configuration (the `mesh` field of the `istio` ConfigMap), for checks that depend on it
   * (default providers, DNS auto-allocation, extension providers).
   *
   * @default - Istio's defaults
   */
  readonly meshConfig?: { [key: string]: any };
  /**
   * The groups of checks to run, e.g. `[AnalysisCheck.ISTIOCTL]` to compare with `istioctl analyze` alone.
   *
   * @default - every check: admission (CRD schemas and CEL rules) and the istioctl analyzers
   */
  readonly checks?: AnalysisCheck[];
  /**
   * Assume Istio's default ingress gateway, as `istioctl analyze --use-kube=false` does: a gateway
   * Pod labelled `istio: ingressgateway` and its Service `istio-ingressgateway` (ports 80, 443,
   * 31400 and 15443) in `istio-system`, so Gateways selecting it find a workload. Objects the
   * manifests define with the same names take their place; the mesh config's `ingressService`
   * renames them and `ingressControllerMode: OFF` drops them. The CLI's `--no-default-resources`
   * is `false` here.
   *
   * @default true
   */
  readonly defaultResources?: boolean;
  /**
   * Print findings below `failOn` (once each) when synthesizing, as every warning of the library:
   * `[cdk8s-istio] warning: <construct path>: <level> <code> ...` on stderr. Printed or not, they
   * are the app's warnings (`MeshWarnings.of(app)`).
   *
   * @default true
   */
  readonly printWarnings?: boolean;
}

let analyzeModule: typeof AnalyzeModule | undefined;

/**
 * The analyzers, loaded when an analysis first runs: every app of our constructs registers one,
 * and apps that switch it off (or are never synthesized) should not pay for loading them.
 */
function analyzers(): typeof AnalyzeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyzeModule ??= require('./analyze') as typeof AnalyzeModule;
  return analyzeModule;
}

const RANK: Record<FindingLevel, number> = { [FindingLevel.INFO]: 0, [FindingLevel.WARNING]: 1, [FindingLevel.ERROR]: 2 };

/**
 * Offline mesh analysis of rendered manifests: the cross-resource checks of `istioctl analyze`
 * (with Istio's message codes) plus cdk8s-istio's own, without a cluster.
 *
 * `MeshAnalysis.enable(app)` runs it whenever the app (or, for a chart, `Testing.synth`) is
 * synthesized: errors fail synthesis with every finding listed, warnings are printed once.
 * `MeshAnalysis.analyze(manifests)` analyzes any list of objects, e.g. parsed Helm output.
 * The same checks ship as a CLI: `npx cdk8s-istio analyze [--output json] FILE|DIR...`.
 *
 * @example
 * const app = new App();
 * MeshAnalysis.enable(app, {
 *   suppressions: [{ code: 'IST0118', kind: 'Service', name: 'legacy', reason: 'protocol sniffing is fine for this one' }],
 * });
 *
 * @see https://istio.io/latest/docs/reference/config/analysis/
 */
export class MeshAnalysis {
  /**
   * Analyzes manifests (plain objects as in `Testing.synth` output or parsed YAML); returns every finding
   * after suppressions and level overrides.
   */
  public static analyze(manifests: any[], options: MeshAnalysisOptions = {}): Finding[] {
    return new MeshAnalysis(options).run(manifests);
  }

  /**
   * Runs the analysis when `scope` is synthesized (`app.synth()`, `cdk8s synth` and `Testing.synth`, which
   * validate the whole app): an App analyzes the objects of all its charts together, a Chart its own objects.
   * Calling it twice on one scope returns the first analysis.
   */
  public static enable(scope: IConstruct, options: MeshAnalysisOptions = {}): MeshAnalysis {
    checkScope('MeshAnalysis.enable(scope)', scope);
    DISABLED.delete(scope);
    const existing = ENABLED.get(scope);
    if (existing?.automatic) {
      // The app's constructs switched analysis on before the user configured it: take the user's options.
      existing.configure(options);
      return existing;
    }
    if (existing) return existing;
    const analysis = new MeshAnalysis(options);
    ENABLED.set(scope, analysis);
    scope.node.addValidation({ validate: () => analysis.validate(scope) });
    return analysis;
  }

  /**
   * Switches off the analysis our constructs run automatically (for example to measure synth
   * without it, or while migrating an app with known findings: prefer suppressions).
   */
  public static disable(scope: IConstruct): void {
    checkScope('MeshAnalysis.disable(scope)', scope);
    DISABLED.add(scope);
  }

  /**
   * Called by every construct of this library for its app: analysis runs at synth unless the
   * app disabled it. References to objects the app does not define (a Service, a Gateway or a
   * gateway workload deployed elsewhere: IST0101, IST0174; a subset whose version runs elsewhere:
   * IST0173) are informational in this automatic mode, since the cluster may well have them;
   * `MeshAnalysis.enable(app)` restores istioctl's level. The pods an app does define are checked
   * by the constructs that use them (CanaryRelease versions from Deployments, EgressGateway service).
   *
   * @internal
   */
  public static _automatic(scope: IConstruct): void {
    const root = rootOf(scope);
    if (ENABLED.has(root) || DISABLED.has(root)) return;
    // IST0101: referenced object not found; IST0174: DestinationRule host without a Service;
    // IST0173: a subset selecting no pod of the files (the app may deploy that version elsewhere).
    // CIS4001/CIS4002: a Gateway API route's parent or backend not found, the same for Gateway API routes.
    const levels = {
      IST0101: FindingLevel.INFO, IST0173: FindingLevel.INFO, IST0174: FindingLevel.INFO, CIS4001: FindingLevel.INFO, CIS4002: FindingLevel.INFO,
    };
    const analysis = new MeshAnalysis({ levels }, true);
    ENABLED.set(root, analysis);
    root.node.addValidation({ validate: () => analysis.validate(root) });
  }

  private suppressions: AnalysisSuppression[] = [];
  /** The last result, reused while cdk8s validates the app again within the same synth. */
  private cache?: { nodes: number; failing: string[] };

  private constructor(private options: MeshAnalysisOptions, private automatic = false) {
    this.configure(options);
    this.automatic = automatic;
  }

  private configure(options: MeshAnalysisOptions): void {
    checkObject('MeshAnalysis', 'options', options);
    checkEnum('MeshAnalysis', 'failOn', options.failOn, FindingLevel, 'FindingLevel');
    checkEnumList('MeshAnalysis', 'checks', options.checks, AnalysisCheck, 'AnalysisCheck');
    checkList('MeshAnalysis', 'suppressions', options.suppressions);
    for (const [code, level] of Object.entries(checkObject('MeshAnalysis', 'levels', options.levels) ?? {})) {
      checkEnum('MeshAnalysis', `levels['${code}']`, level, FindingLevel, 'FindingLevel');
    }
    checkBoolean('MeshAnalysis', 'defaultResources', options.defaultResources);
    checkBoolean('MeshAnalysis', 'printWarnings', options.printWarnings);
    this.options = options;
    this.automatic = false;
    this.suppressions = [];
    for (const s of options.suppressions ?? []) this.suppress(s);
  }

  /** Accepts findings with a code (on the objects the suppression selects), stating why. */
  public suppress(suppression: AnalysisSuppression): void {
    if (!suppression.reason || !suppression.reason.trim()) {
      fail('MeshAnalysis', `suppression of ${suppression.code}: reason`, 'must not be empty', suppression.reason, 'Say why the finding is acceptable.');
    }
    this.suppressions.push(suppression);
  }

  private run(manifests: any[], meshConfig = this.options.meshConfig): Finding[] {
    const levels = this.options.levels ?? {};
    // The same analysis as the CLI's (analyze-suppress annotations included); suppressions and levels are ours.
    return analyzers().analyzeManifests({
      manifests, meshConfig, checks: this.options.checks, defaultResources: this.options.defaultResources,
    })
      .filter((f) => !this.suppressions.some((s) => (s.code === '*' || s.code === f.code)
        && (s.kind === undefined || s.kind === f.resource.kind)
        && (s.namespace === undefined || s.namespace === (f.resource.namespace ?? ''))
        && (s.name === undefined || s.name === f.resource.name)))
      .map((f) => (levels[f.code] ? { ...f, level: levels[f.code] } : f));
  }

  private validate(scope: IConstruct): string[] {
    if (DISABLED.has(scope)) return [];
    // (this validation may run before the one that announces a new pass to the constructs' shared index)
    startValidationPass(scope.node.root);
    const nodes = scope.node.findAll();
    // cdk8s validates the whole app once more for every chart it synthesizes (App.synth ->
    // Chart.toJson). Within one synchronous synth nothing can change but the construct count,
    // so the result is reused until control returns to the event loop.
    if (this.cache && this.cache.nodes === nodes.length) return this.cache.failing;
    // Chart.toJson() would validate again (and recurse); the objects render on their own.
    withdrawRenderings();
    const objects = nodes.filter((c): c is ApiObject => c instanceof ApiObject);
    // Each cluster of an app of several MeshClusters is analyzed on its own, as istioctl analyzes one cluster.
    const parts = clusterParts(scope, objects);
    const sourcesOf = new Map<Finding, () => FindingSourcesModule.FindingSources>();
    const rendered = parts.map((part) => renderObjects(part.objects, nodes));
    // A construct's own checks fail (rendering stopped on what they check): cdk8s reports those,
    // each at its construct, after this validation; findings on the rest would only add noise.
    if (rendered.some((manifests) => manifests === undefined)) return this.remember(nodes, []);
    const findings = parts.flatMap((part, index) => {
      const manifests = rendered[index]!;
      // The cluster's MeshConfig is the mesh configuration its objects will meet (default providers...), unless options give one.
      const meshConfig = this.options.meshConfig ?? MeshConfig.of(part.scope)?.toValues().meshConfig;
      // Our constructs check their provider names themselves, naming the prop: CIS2007 on their objects would say it twice.
      const found = this.run(manifests, meshConfig).filter((f) => f.code !== 'CIS2007' || !renderedByConstruct(part.scope, manifests, f));
      let sources: FindingSourcesModule.FindingSources | undefined;
      for (const f of found) sourcesOf.set(f, () => (sources ??= findingSources(part.objects, manifests)));
      return found;
    });
    const failOn = RANK[this.options.failOn ?? FindingLevel.ERROR];
    const failing = findings.filter((f) => RANK[f.level] >= failOn);
    const minimumPrinted = this.automatic ? RANK[FindingLevel.WARNING] : RANK[FindingLevel.INFO];
    const others = findings.filter((f) => RANK[f.level] < failOn && RANK[f.level] >= minimumPrinted);
    // Findings below failOn are the app's warnings: recorded (MeshWarnings.of) and printed once each, as every other warning.
    // Each finding names the constructs (and props) behind its object; looked up only when there are findings.
    for (const f of others) recordWarning(scope, describe(f, sourcesOf.get(f)?.()), this.options.printWarnings ?? true);
    // The synthesis goes on to render these objects: our objects take the renderings made here (no second rendering).
    if (failing.length === 0 && startsAppSynthesis()) parts.forEach((part, index) => offerRenderings(part.objects, rendered[index]!));
    return this.remember(nodes, failing.map((f) => describe(f, sourcesOf.get(f)?.())));
  }

  /** Keeps the result for the validations cdk8s repeats within this synth (see validate). */
  private remember(nodes: IConstruct[], failing: string[]): string[] {
    this.cache = { nodes: nodes.length, failing };
    queueMicrotask(() => { this.cache = undefined; });
    return failing;
  }
}

/**
 * Whether this validation is the one `App.synth()` or `App.synthYaml()` runs before rendering
 * every chart (cdk8s names no hook for it: the call stack tells). The validations that
 * `Chart.toJson()` runs on its own (`Testing.synth`) are not: code of the app may run between them
 * and rendering, and there the objects render afresh.
 */
function startsAppSynthesis(): boolean {
  // The frames themselves, not the stack text (which source-map support rewrites, slowly).
  const original = Error.prepareStackTrace;
  let frames: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, startsAppSynthesis);
    frames = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = original;
  }
  let synthesis = false;
  for (const frame of frames) {
    const name = frame.getFunctionName();
    if (name === '_synthChart') return false;
    if ((name === 'synth' || name === 'synthYaml') && CDK8S_APP.test(frame.getFileName() ?? '')) synthesis = true;
  }
  return synthesis;
}

const CDK8S_APP = /cdk8s[\\/]lib[\\/]app\.js$/;

/**
 * The objects of `scope` grouped by the MeshCluster they belong to (with the cluster as the
 * scope of its per-cluster state); one group with `scope` itself when the app has no clusters.
 */
function clusterParts(scope: IConstruct, objects: ApiObject[]): Array<{ scope: IConstruct; objects: ApiObject[] }> {
  const parts = new Map<IConstruct, ApiObject[]>();
  for (const obj of objects) {
    const owner = clusterScopeOf(obj)?.construct ?? scope;
    let list = parts.get(owner);
    if (!list) parts.set(owner, list = []);
    list.push(obj);
  }
  if (parts.size === 0) parts.set(scope, []);
  return [...parts].map(([owner, list]) => ({ scope: owner, objects: list }));
}

/**
 * The objects' manifests, or undefined when rendering failed on something a construct's own
 * checks report. cdk8s validates the root (where the analysis lives) before the constructs in
 * it, so the analysis renders objects whose constructs have not been checked yet: when a
 * render fails, those checks run first, and only an error none of them reports is thrown,
 * as it was raised (a ValidationError keeps its construct path and prop).
 */
function renderObjects(objects: ApiObject[], nodes: IConstruct[]): any[] | undefined {
  try {
    return objects.map((o) => o.toJson());
  } catch (error) {
    if (constructChecksFail(nodes)) return undefined;
    throw error;
  }
}

/** True when a construct's own validations (the analyses' aside) report an error. */
function constructChecksFail(nodes: IConstruct[]): boolean {
  return nodes.some((n) => !ENABLED.has(n) && n.node.validate().length > 0);
}

/** True when the finding's object was rendered by a construct of this library (which claimed its name). */
function renderedByConstruct(scope: IConstruct, manifests: any[], f: Finding): boolean {
  const m = manifests.find((x) => x?.kind === f.resource.kind && x?.metadata?.name === f.resource.name
    && x?.metadata?.namespace === f.resource.namespace);
  return m !== undefined && claimantOf(scope, m.apiVersion, m.kind, m.metadata?.namespace, m.metadata?.name) !== undefined;
}

/** The construct an analysis is attached to: a WeakMap key with a node, not whatever a JavaScript caller passed. */
function checkScope(where: string, scope: IConstruct): void {
  if (!Construct.isConstruct(scope)) {
    fail(where, 'scope', 'must be a construct (the App, or a Chart)', scope, 'Pass the app (or a chart) to analyze.');
  }
}

const ENABLED = new WeakMap<IConstruct, MeshAnalysis>();
const DISABLED = new WeakSet<IConstruct>();

/** `<construct path> (<prop>): <level> <code> <kind> <ns>/<name>: <message>. Fix: <fix>` */
function describe(f: Finding, sources?: FindingSourcesModule.FindingSources): string {
  const ns = f.resource.namespace ? `${f.resource.namespace}/` : '';
  const source = sources?.label(f);
  return `${source ? `${source}: ` : ''}${f.level} ${f.code} ${f.resource.kind} ${ns}${f.resource.name}: ${messageWithFix(f)}`;
}

let findingSourceModule: typeof FindingSourcesModule | undefined;

/** Loaded when a synth has findings to report, like the analyzers. */
function findingSources(objects: ApiObject[], manifests: any[]): FindingSourcesModule.FindingSources {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  findingSourceModule ??= require('./finding-source') as typeof FindingSourcesModule;
  return new findingSourceModule.FindingSources(objects, manifests);
}
