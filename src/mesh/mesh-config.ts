import { Construct, IConstruct } from 'constructs';
import { ExtensionProvider } from './extension-provider';
import { definedProviders, providerProblem, ProviderUse } from './provider-kinds';
import { TrustAnchor } from './trust-anchor';
import type * as MeshAnalysisModule from '../analysis/mesh-analysis';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule, hostRule } from '../core/hosts';
import { clusterScopeOf, clusterScopesOfApp, perApp } from '../core/per-app';
import { prune } from '../core/plain-objects';
import { check, fail, pathOf, ValidationError } from '../core/validation-error';
import { checkList, checkObject, checkRequiredInstance } from '../core/value-types';
import { claimValuesFile, sortKeys, valuesFileRule, valuesYaml, writeBesideManifests } from '../core/values-file';

/** The providers Istio uses where a Telemetry section (or a policy) names none. */
export interface DefaultProviders {
  /**
   * Tracing providers.
   * @default - none: Istio has no default tracing provider, so Telemetry tracing without providers reports nowhere
   */
  readonly tracing?: string[];
  /**
   * Metrics providers.
   * @default - the istiod chart's: `prometheus`
   */
  readonly metrics?: string[];
  /**
   * Access-logging providers.
   * @default - none: Telemetry access logging without providers is ignored
   */
  readonly accessLogging?: string[];
}

/** Properties of a {@link MeshConfig}. */
export interface MeshConfigProps {
  /**
   * Extension providers (tracers, access-log sinks, external authorizers); more can be added with
   * `addExtensionProvider`.
   * @default - none besides Istio's built-ins (`prometheus`, `envoy`, `stackdriver`)
   */
  readonly extensionProviders?: ExtensionProvider[];
  /**
   * The providers used where a Telemetry section names none.
   * @default - Istio's: metrics to `prometheus`, no tracing, no access logging
   */
  readonly defaultProviders?: DefaultProviders;
  /**
   * The mesh's trust domain: the first part of every workload identity (SPIFFE ID).
   * @default - not written: Istio's 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The root namespace: its selector-less Telemetry and policies apply to the whole mesh.
   * @default - not written: istiod's own namespace, 'istio-system' with the usual install
   */
  readonly rootNamespace?: string;
  /**
   * The file name of the Helm values written beside the app's manifests at `app.synth()`.
   * @default 'istiod-values.yaml'; `<cluster>.istiod-values.yaml` inside a MeshCluster
   */
  readonly valuesFile?: string;
  /**
   * Further roots workloads trust (MeshConfig `caCertificates`), e.g. the roots of federated
   * meshes; more can be added with `addCaCertificate`.
   * @default - none: workloads trust their own mesh's root only
   */
  readonly caCertificates?: TrustAnchor[];
}

/** Trust domains: host names, short ones included (`cluster.local`, `example.org`, `td1`). */
const TRUST_DOMAIN_RULE = hostRule({ shortName: true });

/** The one MeshConfig of an app, if it declares one. */
interface Holder {
  config?: MeshConfig;
}

/**
 * The part of Istio's mesh configuration an app depends on, written as a values file for the
 * istiod Helm chart (`meshConfig:`): extension providers, default providers, trust domain, root
 * namespace.
 *
 * One per app, or one per cluster in an app of several MeshClusters (whose values go to
 * `<cluster>.istiod-values.yaml`). Constructs that name a provider (Telemetry sections, CUSTOM AuthorizationPolicy)
 * are checked against it at synth: a name that is neither defined here nor one of Istio's
 * built-ins (`prometheus`, `envoy`, `stackdriver`), or a provider of the wrong kind (an access
 * log sink used for tracing), fails synth with the providers known.
 *
 * The values are written by `app.synth()` to `<outdir>/istiod-values.yaml`, keys sorted and
 * providers by name, so the file changes only when the configuration does; install or upgrade
 * istiod with it (`helm upgrade --install istiod istio/istiod -n istio-system -f
 * dist/istiod-values.yaml`). Mesh configuration is read by istiod at run time: it is not a
 * Kubernetes object the app can apply.
 *
 * @example
 * const otel = ExtensionProvider.openTelemetry('otel', { service: 'otel-collector.observability.svc.cluster.local', port: 4317 });
 * new MeshConfig(app, 'mesh-config', { extensionProviders: [otel], defaultProviders: { tracing: ['otel'] } });
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 */
export class MeshConfig extends Construct {
  /** The MeshConfig of the app `scope` belongs to, if the app declares one. */
  public static of(scope: IConstruct): MeshConfig | undefined {
    return holderOf(scope).config;
  }

  /** The trust domain workload identities use (as written, or Istio's default `cluster.local`). */
  public readonly trustDomain: string;
  /** The root namespace (as written, or `istio-system`). */
  public readonly rootNamespace: string;
  /** The file name of the values written at `app.synth()`. */
  public readonly valuesFile: string;
  /**
   * The construct that created this MeshConfig for its own istiod values (the app declared none):
   * it reports a misplacement itself, at a construct the user wrote.
   * @internal
   */
  public _createdBy?: IConstruct;
  private readonly providers = new Map<string, ExtensionProvider>();
  private readonly defaults: DefaultProviders;
  private readonly explicitTrustDomain?: string;
  private readonly explicitRootNamespace?: string;
  private readonly caCertificates: TrustAnchor[] = [];
  /** Values other constructs set (multicluster `global.*`, istiod env), by dotted path, with who set them. */
  private readonly contributed = new Map<string, { value: unknown; owner: IConstruct; reason: string }>();
  /** Lines for the values file's header: steps the values alone cannot take (remote secrets...). */
  private readonly notes: string[] = [];

  constructor(scope: Construct, id: string, props: MeshConfigProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    const holder = holderOf(this);
    if (holder.config) {
      fail(this, 'id', `must not declare a second MeshConfig in one app, but '${holder.config.node.path}' is the app's MeshConfig`, id,
        'Add to that one instead, e.g. MeshConfig.of(app)!.addExtensionProvider(...): istiod reads one mesh configuration.');
    }
    holder.config = this;

    if (props.trustDomain !== undefined) {
      this.explicitTrustDomain = check(this, 'trustDomain', props.trustDomain, TRUST_DOMAIN_RULE,
        "Use a DNS-like name such as 'cluster.local' or 'example.org'.");
    }
    // Inside a MeshCluster the trust domain is the cluster's, written out so each cluster's file says it.
    const cluster = clusterScopeOf(this);
    if (cluster && this.explicitTrustDomain !== undefined && this.explicitTrustDomain !== cluster.trustDomain) {
      fail(this, 'trustDomain', `must be the trust domain of cluster '${cluster.clusterName}' ('${cluster.trustDomain}')`, this.explicitTrustDomain,
        'Set the trust domain once, on the MeshCluster (trustDomain), and leave it out here.');
    }
    if (cluster) this.explicitTrustDomain = cluster.trustDomain;
    if (props.rootNamespace !== undefined) {
      this.explicitRootNamespace = check(this, 'rootNamespace', props.rootNamespace, dnsLabelRule,
        "Use the namespace istiod is installed in, usually 'istio-system'.");
    }
    this.trustDomain = this.explicitTrustDomain ?? 'cluster.local';
    this.rootNamespace = this.explicitRootNamespace ?? 'istio-system';
    this.valuesFile = check(this, 'valuesFile', props.valuesFile ?? (cluster ? `${cluster.fileStem}.istiod-values.yaml` : 'istiod-values.yaml'),
      valuesFileRule,
      "Use a name such as 'istiod-values.yaml'; it is written into the app's output directory.");
    claimValuesFile(this, 'valuesFile', this.valuesFile);
    this.defaults = checkObject(this, 'defaultProviders', props.defaultProviders) ?? {};
    for (const [use, names] of Object.entries(this.defaults)) {
      checkList(this, `defaultProviders.${use}`, names as string[] | undefined);
      for (const [i, name] of (names as string[] | undefined ?? []).entries()) {
        check(this, `defaultProviders.${use}[${i}]`, name, (n) => (typeof n === 'string' && n.length > 0 ? undefined : 'must not be empty'),
          'Name a provider, e.g. ExtensionProvider.openTelemetry(...).name.');
      }
    }
    checkList(this, 'extensionProviders', props.extensionProviders);
    checkList(this, 'caCertificates', props.caCertificates);
    props.extensionProviders?.forEach((provider, i) => this.addProvider(provider, `extensionProviders[${i}]`));
    props.caCertificates?.forEach((anchor, i) => this.addAnchor(anchor, `caCertificates[${i}]`));

    this.node.addValidation({ validate: () => this.validateDefaults() });
    // Checked at synth: the app's MeshClusters may be created after this MeshConfig.
    if (!cluster) this.node.addValidation({ validate: () => this.validateOutsideClusters() });
    writeBesideManifests(this, this.valuesFile, () => this.toValuesYaml());
    // Like every construct of this library, the app is analyzed at synth (here against this mesh configuration).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('../analysis/mesh-analysis') as typeof MeshAnalysisModule).MeshAnalysis._automatic(this);
  }

  /** Adds an extension provider; names are unique within the mesh. */
  public addExtensionProvider(provider: ExtensionProvider): void {
    this.addProvider(provider, 'addExtensionProvider provider');
  }

  /** Adds a root workloads trust (MeshConfig `caCertificates`); the same root twice is kept once. */
  public addCaCertificate(anchor: TrustAnchor): void {
    this.addAnchor(anchor, 'addCaCertificate anchor');
  }

  private addProvider(provider: ExtensionProvider, property: string): void {
    checkRequiredInstance(this, property, provider, ExtensionProvider, "Use a factory such as ExtensionProvider.openTelemetry('otel', { service, port }).");
    const existing = this.providers.get(provider.name);
    if (existing) {
      fail(this, 'extensionProviders', `must not define provider '${provider.name}' twice`, provider.kind,
        `It is already a ${existing.kind} provider; give one of them another name.`);
    }
    this.providers.set(provider.name, provider);
  }

  private addAnchor(anchor: TrustAnchor, property: string): void {
    checkRequiredInstance(this, property, anchor, TrustAnchor, 'Use TrustAnchor.fromPem(pem) or TrustAnchor.fromSpiffeBundleUrl(url).');
    const wire = JSON.stringify(anchor._wire());
    if (!this.caCertificates.some((a) => JSON.stringify(a._wire()) === wire)) this.caCertificates.push(anchor);
  }

  /**
   * Sets one Helm value outside `meshConfig` (or deep inside it), e.g. `global.network` or
   * `pilot.env.ISTIO_MULTIROOT_MESH`, for the construct `owner` because of `reason`. Two
   * constructs asking for different values of one path fail, naming both.
   * @internal
   */
  public _setValue(valuePath: string, value: unknown, owner: IConstruct, reason: string): void {
    const existing = this.contributed.get(valuePath);
    if (existing && JSON.stringify(existing.value) !== JSON.stringify(value)) {
      fail(owner, valuePath, `is already set to ${JSON.stringify(existing.value)} by '${existing.owner.node.path}' (${existing.reason})`, value,
        'Both constructs configure the same istiod value: declare it in one place.');
    }
    if (!existing) this.contributed.set(valuePath, { value, owner, reason });
  }

  /**
   * Adds a line to the values file's header, for a step the values cannot take themselves.
   * @internal
   */
  public _addNote(note: string): void {
    if (!this.notes.includes(note)) this.notes.push(note);
  }

  /** The extension providers, by name. */
  public get extensionProviders(): ExtensionProvider[] {
    return [...this.providers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The Helm values for the istiod chart: `{ meshConfig: { ... } }`, keys sorted.
   * The chart merges them over its own mesh defaults (`defaultProviders.metrics: [prometheus]` stays
   * unless `metrics` is given here).
   */
  public toValues(): any {
    const meshConfig = prune({
      defaultProviders: this.renderDefaults(),
      extensionProviders: this.providers.size > 0 ? this.extensionProviders.map((p) => p._wire) : undefined,
      rootNamespace: this.explicitRootNamespace,
      trustDomain: this.explicitTrustDomain,
      caCertificates: this.caCertificates.length > 0 ? this.caCertificates.map((a) => a._wire()) : undefined,
    });
    const values: Record<string, any> = { meshConfig };
    for (const [valuePath, { value }] of this.contributed) setPath(values, valuePath.split('.'), value);
    return sortKeys(values);
  }

  /** The values file's content: a header saying how to use it, then the values as YAML. */
  public toValuesYaml(): string {
    return [
      `# istiod Helm values written by cdk8s-istio (MeshConfig '${this.node.path}'). Install or upgrade istiod with them:`,
      `#   helm upgrade --install istiod istio/istiod -n istio-system -f ${this.valuesFile}`,
      ...this.notes.map((note) => `# ${note}`),
      valuesYaml(this.toValues()),
    ].join('\n');
  }

  /**
   * Name -> kind of the providers defined here (for provider-name resolution).
   * @internal
   */
  public _definedProviders(): Map<string, string> {
    return definedProviders(this.extensionProviders.map((p) => p._wire));
  }

  /**
   * The default providers of one use, as given.
   * @internal
   */
  public _defaultProviderNames(use: keyof DefaultProviders): string[] {
    return [...(this.defaults[use] ?? [])];
  }

  private renderDefaults(): Record<string, string[]> | undefined {
    const d = prune({ accessLogging: this.defaults.accessLogging, metrics: this.defaults.metrics, tracing: this.defaults.tracing });
    return Object.keys(d).length > 0 ? Object.fromEntries(Object.entries(d).map(([k, v]) => [k, [...v!]])) : undefined;
  }

  /**
   * In an app of MeshClusters each cluster's istiod reads the values of the MeshConfig inside that
   * cluster: one outside every cluster (at the app root, in a plain chart) configures none of them.
   */
  private validateOutsideClusters(): string[] {
    const clusters = clusterScopesOfApp(this);
    if (clusters.length === 0 || this._createdBy !== undefined) return [];
    const names = clusters.map((c) => `'${c.clusterName}'`).join(', ');
    return [new ValidationError(this.node.path, 'scope',
      `must be the MeshCluster it configures (or a construct inside it): this app has MeshClusters (${names}), and each cluster's istiod reads the values of its own MeshConfig only`,
      pathOf(this.node.scope!),
      "Create it inside the cluster, e.g. new MeshConfig(cluster, 'mesh-config', ...), or give its settings to that MeshCluster's meshConfig prop.").message];
  }

  private validateDefaults(): string[] {
    const errors: string[] = [];
    const defined = this._definedProviders();
    const uses: Array<[keyof DefaultProviders, ProviderUse]> = [['tracing', 'tracing'], ['metrics', 'metrics'], ['accessLogging', 'accessLogging']];
    for (const [field, use] of uses) {
      (this.defaults[field] ?? []).forEach((name, i) => {
        const problem = providerProblem(name, use, defined, "this MeshConfig's extensionProviders", `Add '${name}' with addExtensionProvider, or name a known provider.`);
        if (problem) errors.push(new ValidationError(this.node.path, `defaultProviders.${field}[${i}]`, problem.rule, name, problem.hint).message);
      });
    }
    return errors;
  }
}

function holderOf(scope: IConstruct): Holder {
  return perApp<Holder>(scope, 'mesh-config', () => ({}));
}

/** Sets `value` at `keys` in `target`, creating objects on the way. */
function setPath(target: Record<string, any>, keys: string[], value: unknown): void {
  let current = target;
  for (const key of keys.slice(0, -1)) current = current[key] ??= {};
  current[keys[keys.length - 1]] = value;
}
