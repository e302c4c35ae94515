import { Duration } from 'cdk8s';
import { Construct, IValidation } from 'constructs';
import type * as EnvoyExpressionModule from './envoy-expression';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck, reportDeferred } from '../core/deferred-checks';
import { istioDuration } from '../core/durations';
import { objectNameFor } from '../core/naming';
import { perApp } from '../core/per-app';
import { prune } from '../core/plain-objects';
import { envVarNameRule, httpHeaderNameRule, metricTagNameRule, samplingPercentageRule, singleLineRule } from '../core/telemetry-values';
import { check, fail, ValidationError } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkList, checkObject } from '../core/value-types';
import { addWarning } from '../core/warnings';
import { MeshConfig } from '../mesh/mesh-config';
import { ProviderUse } from '../mesh/provider-kinds';
import { providerNameError } from '../mesh/provider-resolution';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';
import { Attachment, resolveAttachment } from '../security/attachment';
import { PolicyTarget } from '../security/policy-target';

/** Which side of a connection a Telemetry setting applies to, seen from the selected workload. */
export enum WorkloadMode {
  /** Both outbound (client) and inbound (server) traffic. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  /** Outbound traffic only: the workload is the client. */
  CLIENT = 'CLIENT',
  /** Inbound traffic only: the workload is the server. */
  SERVER = 'SERVER',
}

/** Istio's standard metrics (Telemetry `metrics[].overrides[].match.metric`). */
export enum IstioMetric {
  /** Every standard metric. */
  ALL_METRICS = 'ALL_METRICS',
  /** `istio_requests_total`. */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** `istio_request_duration_milliseconds`. */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** `istio_request_bytes`. */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** `istio_response_bytes`. */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** `istio_tcp_connections_opened_total`. */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** `istio_tcp_connections_closed_total`. */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** `istio_tcp_sent_bytes_total`. */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** `istio_tcp_received_bytes_total`. */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** `istio_request_messages_total` (gRPC). */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** `istio_response_messages_total` (gRPC). */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/**
 * A tag added to every span: a fixed value, a request header or an environment variable of the proxy.
 *
 * The factories check their arguments where the tag is used: a bad one fails the {@link Telemetry}
 * that receives it, naming its path and the tag (`tracing[0].customTags['user'].name`).
 */
export class CustomTag {
  /** The same value on every span, e.g. the environment (`prod`). */
  public static literal(value: string): CustomTag {
    const tag = new CustomTag({ literal: { value } });
    deferCheck(tag, 'value', value, singleLineRule, "Give the tag's value, e.g. 'prod'.");
    return tag;
  }

  /** The value of a request header, or `defaultValue` when the request has none. */
  public static header(name: string, defaultValue?: string): CustomTag {
    const tag = new CustomTag({ header: prune({ name, defaultValue }) });
    deferCheck(tag, 'name', name, httpHeaderNameRule, "Header names are tokens such as 'x-user'.");
    return tag;
  }

  /** The value of an environment variable of the proxy, or `defaultValue` when it is unset. */
  public static environment(name: string, defaultValue?: string): CustomTag {
    const tag = new CustomTag({ environment: prune({ name, defaultValue }) });
    deferCheck(tag, 'name', name, envVarNameRule, "Use a variable of the proxy's environment, e.g. 'ISTIO_META_CLUSTER_ID'.");
    return tag;
  }

  /** The value of an Envoy access-log command operator, e.g. `%REQ(:path)%`. */
  public static formatter(value: string): CustomTag {
    const tag = new CustomTag({ formatter: { value } });
    deferCheck(tag, 'value', value, (v) => singleLineRule(v) ?? (/%[A-Z_]+/.test(v) ? undefined : 'must contain an Envoy command operator such as %REQ(:path)%'),
      "Use an Envoy command operator such as '%REQ(:path)%' or '%UPSTREAM_CLUSTER%'.");
    return tag;
  }

  private constructor(
    /** @internal */
    public readonly _wire: Record<string, any>,
  ) {}
}

/**
 * What a metrics override does to a tag (a metric label).
 *
 * `upsert` checks its expression where the override is used: an empty one fails the
 * {@link Telemetry} that receives it (`metrics[0].overrides[0].tagOverrides['host'].expression`).
 */
export class TagOverride {
  /**
   * Sets the tag to a CEL expression over Envoy attributes (`request.host`,
   * `string(destination.port)`), adding it when the metric does not have it.
   */
  public static upsert(expression: string): TagOverride {
    const override = new TagOverride('UPSERT', expression);
    deferCheck(override, 'expression', expression, (e) => (typeof e === 'string' && e.trim().length > 0 ? undefined : 'must not be empty'),
      "Give a CEL expression over Envoy attributes, e.g. 'request.host'; to drop the tag, use TagOverride.remove().");
    return override;
  }

  /** Drops the tag from the metric (e.g. `response_code`, to cut cardinality). */
  public static remove(): TagOverride {
    return new TagOverride('REMOVE');
  }

  private constructor(
    /** `UPSERT` or `REMOVE`. */
    public readonly operation: string,
    /** The value expression (UPSERT only). */
    public readonly value?: string,
  ) {}
}

/** One tracing entry of a {@link Telemetry}. */
export interface TelemetryTracing {
  /**
   * The provider spans are reported to (one: Istio uses a single provider per entry).
   * @default - inherited from a parent Telemetry, else MeshConfig `defaultProviders.tracing`
   */
  readonly providers?: string[];
  /**
   * The percentage of requests traced when no upstream sampling decision was made: 0 to 100 in 0.01 steps.
   * @default - inherited, else 1% (istiod's PILOT_TRACE_SAMPLING default)
   */
  readonly randomSamplingPercentage?: number;
  /**
   * Stop reporting spans (trace context is still propagated).
   * @default - inherited, else false
   */
  readonly disableSpanReporting?: boolean;
  /**
   * Stop propagating trace context headers in forwarded requests.
   * @default - inherited, else false
   */
  readonly disableContextPropagation?: boolean;
  /**
   * Base the sampling decision on the request id (`x-request-id`).
   * @default - inherited, else Istio's default
   */
  readonly useRequestIdForTraceSampling?: boolean;
  /**
   * Add Istio's own tags (canonical service, mesh id...) to spans.
   * @default - inherited, else Istio's default (true)
   */
  readonly enableIstioTags?: boolean;
  /**
   * Tags added to every span; they replace (not extend) the parent Telemetry's.
   * @default - inherited
   */
  readonly customTags?: { [tag: string]: CustomTag };
  /**
   * The traffic this entry applies to.
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: WorkloadMode;
}

/** One access-logging entry of a {@link Telemetry}. */
export interface TelemetryAccessLogging {
  /**
   * The access-log providers (`envoy` for the proxies' stdout, or a MeshConfig provider).
   * @default - MeshConfig `defaultProviders.accessLogging` (none unless set: the entry is then ignored)
   */
  readonly providers?: string[];
  /**
   * A CEL expression over Envoy attributes selecting what is logged, e.g. `response.code >= 400`.
   * Checked at construction: it must parse, read only attributes Envoy provides, and give a bool.
   * @default - every request and connection is logged
   */
  readonly filter?: string;
  /**
   * Turn access logging off for these providers (a parent Telemetry's logging included).
   * @default - inherited, else false
   */
  readonly disabled?: boolean;
  /**
   * The traffic this entry applies to.
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: WorkloadMode;
}

/** A change to some of the standard metrics of a {@link TelemetryMetrics} entry. */
export interface MetricsOverride {
  /**
   * The metric changed.
   * @default IstioMetric.ALL_METRICS (unless `customMetric` is given)
   */
  readonly metric?: IstioMetric;
  /**
   * A metric outside the standard set, by name.
   * @default - `metric`
   */
  readonly customMetric?: string;
  /**
   * The traffic whose metrics are changed.
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: WorkloadMode;
  /**
   * Stop generating the metric (`false` turns it back on under a parent that disabled it).
   * @default - inherited, else generated
   */
  readonly disabled?: boolean;
  /**
   * Tags (labels) to set or remove: `TagOverride.upsert('request.host')`, `TagOverride.remove()`.
   * @default - the metric's standard tags
   */
  readonly tagOverrides?: { [tag: string]: TagOverride };
}

/** One metrics entry of a {@link Telemetry}. */
export interface TelemetryMetrics {
  /**
   * The metrics providers these settings apply to.
   * @default - MeshConfig `defaultProviders.metrics` (`prometheus` with the istiod chart)
   */
  readonly providers?: string[];
  /**
   * Overrides, applied in order after the parent Telemetry's (list general ones first).
   * @default - none
   */
  readonly overrides?: MetricsOverride[];
  /**
   * How often metrics are reported (for providers that push them).
   * @default - the provider's default
   */
  readonly reportingInterval?: Duration;
}

/** Properties of a {@link Telemetry}. */
export interface TelemetryProps {
  /**
   * What the Telemetry applies to: `PolicyTarget.mesh()` (root namespace, no selector),
   * `PolicyTarget.namespace(ns)`, a workload or selector, an ingress gateway, or (`targetRefs`)
   * a service or waypoint in an ambient namespace.
   */
  readonly target: PolicyTarget;
  /**
   * The Telemetry's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Tracing entries; more can be added with `addTracing`.
   * @default - none
   */
  readonly tracing?: TelemetryTracing[];
  /**
   * Access-logging entries; more can be added with `addAccessLogging`.
   * @default - none
   */
  readonly accessLogging?: TelemetryAccessLogging[];
  /**
   * Metrics entries; more can be added with `addMetrics`.
   * @default - none
   */
  readonly metrics?: TelemetryMetrics[];
}

/** A provider name quoted by a section, resolved at synth (the MeshConfig may come later). */
interface ProviderRef {
  readonly property: string;
  readonly name: string;
  readonly use: ProviderUse;
}

/** The Telemetry objects of one app, for the one-per-scope checks. */
function telemetriesOf(scope: Construct): Telemetry[] {
  return perApp<Telemetry[]>(scope, 'telemetries', () => []);
}

let envoyExpression: typeof EnvoyExpressionModule | undefined;

/** The CEL checker, loaded on first use: only apps with filters or tag expressions pay for the CEL parser. */
function expressions(): typeof EnvoyExpressionModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  envoyExpression ??= require('./envoy-expression') as typeof EnvoyExpressionModule;
  return envoyExpression;
}

const L7_REASON = 'configures tracing, access logs or metrics, which ztunnel does not apply (waypoints and gateways do, through targetRefs)';

/**
 * An Istio Telemetry: tracing, access logging and metrics for the whole mesh, a namespace, some
 * workloads, or (ambient) a service's or namespace's waypoint.
 *
 * Settings are inherited mesh -> namespace -> workload: only what an entry sets is overridden.
 * Checked at synth: every provider name resolves against the app's {@link MeshConfig} or Istio's
 * built-ins (`prometheus`, `envoy`, `stackdriver`) and is of the right kind; a namespace has at
 * most one selector-less Telemetry and a workload selector is used once; a mesh-wide Telemetry
 * lives in the MeshConfig's root namespace; in ambient namespaces workload telemetry attaches to
 * the waypoint with `targetRefs`. Access-log filters are CEL over Envoy's attributes, checked
 * when the entry is added.
 *
 * @example
 * new Telemetry(chart, 'shop-tracing', {
 *   target: PolicyTarget.namespace('shop'),
 *   tracing: [{ providers: ['otel'], randomSamplingPercentage: 10 }],
 *   accessLogging: [{ providers: ['envoy'], filter: 'response.code >= 400' }],
 * });
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 */
export class Telemetry extends Construct {
  /** The Telemetry's name. */
  public readonly name: string;
  /** The namespace it lives in. */
  public readonly namespace: string;
  /** What it applies to. */
  public readonly target: PolicyTarget;
  private readonly tracing: Record<string, any>[] = [];
  private readonly accessLogging: Record<string, any>[] = [];
  private readonly metrics: Record<string, any>[] = [];
  private readonly providerRefs: ProviderRef[] = [];
  /** Tag values (CEL), checked at synth so that building an app does not load the CEL parser. */
  private readonly tagExpressions: Array<{ property: string; expression: string }> = [];
  /** Tracing entries without providers: they report nowhere unless a provider is inherited. */
  private readonly tracingWithoutProvider: string[] = [];

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    this.target = checkInstance(this, 'target', props.target, PolicyTarget, 'Use PolicyTarget.mesh(), PolicyTarget.namespace(...), PolicyTarget.workload(...)...');
    for (const list of ['tracing', 'accessLogging', 'metrics'] as const) checkList(this, list, props[list] as unknown[] | undefined);
    this.namespace = props.target.targetNamespace;
    this.name = objectNameFor(this, id, props.name);
    for (const t of props.tracing ?? []) this.addTracing(t);
    for (const a of props.accessLogging ?? []) this.addAccessLogging(a);
    for (const m of props.metrics ?? []) this.addMetrics(m);

    telemetriesOf(this).push(this);
    wireObject(this, 'Resource', GVK.Telemetry, { name: this.name, namespace: this.namespace }, () => this.renderSpec());
    this.node.addValidation(new TelemetryValidation(this));
  }

  /** Adds a tracing entry. */
  public addTracing(tracing: TelemetryTracing): void {
    const where = `tracing[${this.tracing.length}]`;
    checkObject(this, where, tracing);
    const providers = this.providers(where, tracing.providers, 'tracing');
    if (providers && providers.length > 1) {
      fail(this, `${where}.providers`, 'must name one provider (Istio uses a single provider per tracing entry)', tracing.providers,
        'Add one tracing entry per provider, or keep one.');
    }
    if (!providers && tracing.disableSpanReporting !== true) this.tracingWithoutProvider.push(where);
    const percentage = tracing.randomSamplingPercentage;
    this.tracing.push(prune({
      providers,
      randomSamplingPercentage: percentage === undefined ? undefined
        : check(this, `${where}.randomSamplingPercentage`, percentage, samplingPercentageRule, 'A percentage of requests, e.g. 10 or 0.5; 100 traces every request.'),
      disableSpanReporting: checkBoolean(this, `${where}.disableSpanReporting`, tracing.disableSpanReporting),
      disableContextPropagation: checkBoolean(this, `${where}.disableContextPropagation`, tracing.disableContextPropagation),
      useRequestIdForTraceSampling: checkBoolean(this, `${where}.useRequestIdForTraceSampling`, tracing.useRequestIdForTraceSampling),
      enableIstioTags: checkBoolean(this, `${where}.enableIstioTags`, tracing.enableIstioTags),
      customTags: tracing.customTags === undefined ? undefined : this.customTags(`${where}.customTags`, tracing.customTags),
      match: this.match(where, tracing.mode),
    }));
  }

  /** Adds an access-logging entry. */
  public addAccessLogging(accessLogging: TelemetryAccessLogging): void {
    const where = `accessLogging[${this.accessLogging.length}]`;
    checkObject(this, where, accessLogging);
    const filter = accessLogging.filter;
    if (filter !== undefined) {
      const problem = expressions().envoyExpressionProblem(filter, true);
      if (problem) fail(this, `${where}.filter`, problem.rule, filter, problem.hint);
    }
    this.accessLogging.push(prune({
      providers: this.providers(where, accessLogging.providers, 'accessLogging'),
      filter: filter === undefined ? undefined : { expression: filter },
      disabled: checkBoolean(this, `${where}.disabled`, accessLogging.disabled),
      match: this.match(where, accessLogging.mode),
    }));
  }

  /** Adds a metrics entry. */
  public addMetrics(metrics: TelemetryMetrics): void {
    const where = `metrics[${this.metrics.length}]`;
    checkObject(this, where, metrics);
    const overrides = metrics.overrides;
    if (overrides !== undefined && (!Array.isArray(overrides) || overrides.length === 0)) {
      fail(this, `${where}.overrides`, 'must not be an empty list', overrides, 'Leave overrides out instead.');
    }
    this.metrics.push(prune({
      providers: this.providers(where, metrics.providers, 'metrics'),
      overrides: overrides?.map((o, i) => this.override(`${where}.overrides[${i}]`, o)),
      reportingInterval: metrics.reportingInterval === undefined ? undefined
        : istioDuration(this, `${where}.reportingInterval`, metrics.reportingInterval),
    }));
  }

  private providers(where: string, names: string[] | undefined, use: ProviderUse): Array<{ name: string }> | undefined {
    if (names === undefined) return undefined;
    const property = `${where}.providers`;
    check(this, property, names, (n) => (!Array.isArray(n) ? 'must be a list' : n.length === 0 ? 'must not be an empty list' : undefined),
      'Name a provider, or leave providers out to use the default.');
    if (new Set(names).size !== names.length) fail(this, property, 'must not repeat a provider', names, 'List each provider once.');
    names.forEach((name, i) => this.providerRefs.push({ property: `${property}[${i}]`, name, use }));
    return names.map((name) => ({ name }));
  }

  private customTags(property: string, tags: { [tag: string]: CustomTag }): Record<string, any> {
    const keys = Object.keys(tags);
    check(this, property, keys, (k) => (k.length === 0 ? 'must not be empty' : undefined), 'Leave customTags out instead.');
    const out: Record<string, any> = {};
    for (const key of keys.sort()) {
      check(this, `${property} key`, key, singleLineRule, "Tag names are non-empty, e.g. 'environment'.");
      const tag = tags[key];
      if (!(tag instanceof CustomTag)) {
        fail(this, `${property}['${key}']`, 'must be a CustomTag', tag, 'Use CustomTag.literal, CustomTag.header, CustomTag.environment or CustomTag.formatter.');
      }
      // What the factory found wrong is reported here, against the tag as the user keyed it.
      reportDeferred(this, `${property}['${key}']`, tag);
      out[key] = tag._wire;
    }
    return out;
  }

  private override(where: string, o: MetricsOverride): Record<string, any> {
    if (o.metric !== undefined && o.customMetric !== undefined) {
      fail(this, `${where}.customMetric`, 'cannot be combined with metric', o.customMetric, 'An override matches either a standard metric or a custom one; split it in two.');
    }
    checkObject(this, where, o);
    checkEnum(this, `${where}.metric`, o.metric, IstioMetric, 'IstioMetric');
    if (o.customMetric !== undefined) {
      check(this, `${where}.customMetric`, o.customMetric, singleLineRule, "Name the metric, e.g. 'istio_custom_total'.");
    }
    if (o.disabled === undefined && o.tagOverrides === undefined) {
      fail(this, where, 'must set disabled or tagOverrides', o, 'An override that changes nothing is a mistake; say what to change.');
    }
    const match = prune({ metric: o.metric, customMetric: o.customMetric, mode: this.mode(`${where}.mode`, o.mode) });
    return prune({
      match: Object.keys(match).length > 0 ? match : undefined,
      disabled: checkBoolean(this, `${where}.disabled`, o.disabled),
      tagOverrides: o.tagOverrides === undefined ? undefined : this.tagOverrides(`${where}.tagOverrides`, o.tagOverrides),
    });
  }

  private tagOverrides(property: string, overrides: { [tag: string]: TagOverride }): Record<string, any> {
    const keys = Object.keys(overrides);
    check(this, property, keys, (k) => (k.length === 0 ? 'must not be empty' : undefined), 'Leave tagOverrides out instead.');
    const out: Record<string, any> = {};
    for (const tag of keys.sort()) {
      check(this, `${property} key`, tag, metricTagNameRule, "Tags are Prometheus label names such as 'request_host'.");
      const o = overrides[tag];
      if (!(o instanceof TagOverride)) {
        fail(this, `${property}['${tag}']`, 'must be a TagOverride', o, "Use TagOverride.upsert('request.host') or TagOverride.remove().");
      }
      reportDeferred(this, `${property}['${tag}']`, o);
      if (o.value !== undefined) this.tagExpressions.push({ property: `${property}['${tag}']`, expression: o.value });
      out[tag] = prune({ operation: o.operation, value: o.value });
    }
    return out;
  }

  private match(where: string, mode: WorkloadMode | undefined): { mode: string } | undefined {
    const m = this.mode(`${where}.mode`, mode);
    return m === undefined ? undefined : { mode: m };
  }

  private mode(property: string, mode: WorkloadMode | undefined): string | undefined {
    return checkEnum(this, property, mode, WorkloadMode, 'WorkloadMode');
  }

  /** How the Telemetry attaches: selector-less for the mesh and namespaces, else as the target's namespace requires. */
  private attachment(): Attachment | { error: [string, string] } {
    const kind = this.target._kind;
    if (kind === 'mesh' || kind === 'namespace') return {};
    return resolveAttachment(this, this.target, L7_REASON);
  }

  private renderSpec(): Record<string, any> {
    const attachment = this.attachment();
    if ('error' in attachment) throw new ValidationError(this.node.path, 'target', attachment.error[0], this.namespace, attachment.error[1]);
    return prune({
      ...attachment,
      tracing: this.tracing.length > 0 ? this.tracing : undefined,
      accessLogging: this.accessLogging.length > 0 ? this.accessLogging : undefined,
      metrics: this.metrics.length > 0 ? this.metrics : undefined,
    });
  }

  /**
   * The checks that need the whole app.
   * @internal
   */
  public _validate(): string[] {
    const errors: string[] = [];
    const error = (property: string, rule: string, value: unknown, hint: string) =>
      errors.push(new ValidationError(this.node.path, property, rule, value, hint).message);
    if (this.tracing.length + this.accessLogging.length + this.metrics.length === 0) {
      error('props', 'must configure tracing, accessLogging or metrics', {}, 'Add an entry (addTracing, addAccessLogging, addMetrics), or remove the Telemetry.');
    }
    for (const ref of this.providerRefs) {
      const problem = providerNameError(this, ref.property, ref.name, ref.use);
      if (problem) errors.push(problem);
    }
    for (const { property, expression } of this.tagExpressions) {
      const problem = expressions().envoyExpressionProblem(expression, false);
      if (problem) error(property, problem.rule, expression, problem.hint);
    }
    const config = MeshConfig.of(this);
    if (this.target._kind === 'mesh' && config && config.rootNamespace !== this.namespace) {
      error('target', `must be in the mesh's root namespace '${config.rootNamespace}' (MeshConfig '${config.node.path}' rootNamespace)`, this.namespace,
        `Use PolicyTarget.mesh('${config.rootNamespace}'): a selector-less Telemetry elsewhere only applies to its own namespace.`);
    }
    const attachment = this.attachment();
    if ('error' in attachment) {
      error('target', attachment.error[0], this.namespace, attachment.error[1]);
    } else {
      this.checkUniqueScope(attachment, error);
    }
    this.warnIfTracingReportsNowhere(config);
    return errors;
  }

  /** Istio applies one selector-less Telemetry per namespace, and one per workload selector or target: the others are ignored. */
  private checkUniqueScope(attachment: Attachment, error: (property: string, rule: string, value: unknown, hint: string) => void): void {
    const key = scopeKey(attachment);
    const others = telemetriesOf(this);
    for (const other of others) {
      if (other === this) return; // the first of a pair reports nothing; the later one names it
      if (other.namespace !== this.namespace) continue;
      const otherAttachment = other.attachment();
      if ('error' in otherAttachment || scopeKey(otherAttachment) !== key) continue;
      if (key === '') {
        error('target', `must not make a second selector-less Telemetry in namespace '${this.namespace}': '${other.node.path}' is one already`, this.namespace,
          'Istio applies only one of them (istioctl IST0160); merge the entries into one Telemetry (tracing, accessLogging and metrics can share it).');
      } else {
        error('target', `must not select what '${other.node.path}' selects (${key}) in namespace '${this.namespace}'`, this.namespace,
          'Istio applies one Telemetry per workload or target; merge the entries into one Telemetry.');
      }
      return;
    }
  }

  /** Tracing entries without providers report nowhere unless a provider is inherited (istio#38920). */
  private warnIfTracingReportsNowhere(config: MeshConfig | undefined): void {
    if (this.tracingWithoutProvider.length === 0 || (config?._defaultProviderNames('tracing') ?? []).length > 0) return;
    const root = config?.rootNamespace ?? 'istio-system';
    const parentNames = telemetriesOf(this).some((t) => t !== this && t.tracing.some((e) => e.providers)
      && (t.target._kind === 'mesh' || ((t.target._kind === 'namespace') && (t.namespace === this.namespace || t.namespace === root))));
    if (parentNames) return;
    addWarning(this, `${this.tracingWithoutProvider.join(', ')} names no tracing provider and none is inherited (no MeshConfig defaultProviders.tracing, `
      + 'no mesh or namespace Telemetry of this app names one): Istio has no default tracing provider, so no spans are reported. '
      + 'Name a provider, or set MeshConfig defaultProviders.tracing.');
  }
}

/** `''` for selector-less, else the selector's labels or the targetRefs, order-independent. */
function scopeKey(attachment: Attachment): string {
  if (attachment.selector) {
    const labels = attachment.selector.matchLabels;
    return `selector ${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
  }
  if (attachment.targetRefs) {
    return `targetRefs ${attachment.targetRefs.map((r) => `${r.kind}/${r.name}`).sort().join(',')}`;
  }
  return '';
}

/** The Telemetry's checks at synth. */
class TelemetryValidation implements IValidation {
  constructor(private readonly telemetry: Telemetry) {}

  public validate(): string[] {
    return this.telemetry._validate();
  }
}
