import { AnalysisCheck } from './analysis-check';
import { Finding, FindingLevel, FindingResource } from './finding';

/** A manifest as parsed from YAML or produced by `Testing.synth`. */
export type Manifest = { [key: string]: any };

/** Kinds that live outside namespaces; everything else defaults to `default` like kubectl does. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer', 'PersistentVolume', 'StorageClass', 'PriorityClass',
  'IngressClass', 'GatewayClass', 'APIService',
]);

/** One object of the analyzed set, with the fields analyzers use most at hand. */
export class Resource {
  public readonly kind: string;
  public readonly group: string;
  public readonly version: string;
  /** Key used to index the object: the kind, qualified for kinds whose names clash (Gateway API). */
  public readonly key: string;
  public readonly name: string;
  /** The namespace the object lives in (`default` when the manifest leaves it out). */
  public readonly namespace: string;
  /** The namespace as written (empty when absent). */
  public readonly declaredNamespace: string;
  public readonly labels: Record<string, string>;
  public readonly annotations: Record<string, string>;
  public readonly spec: any;

  constructor(public readonly obj: Manifest, public readonly source?: string) {
    const [group, version] = groupVersion(String(obj.apiVersion ?? ''));
    this.group = group;
    this.version = version;
    this.kind = String(obj.kind ?? '');
    this.key = kindKey(this.group, this.kind);
    const md = obj.metadata ?? NOTHING;
    this.name = String(md.name ?? '');
    this.declaredNamespace = md.namespace ? String(md.namespace) : '';
    this.namespace = CLUSTER_SCOPED.has(this.kind) ? '' : this.declaredNamespace || 'default';
    // Absent maps are one shared, frozen empty object: analyzers read them, and most objects have no labels.
    this.labels = isRecord(md.labels) ? md.labels : NOTHING;
    this.annotations = isRecord(md.annotations) ? md.annotations : NOTHING;
    this.spec = isRecord(obj.spec) ? obj.spec : NOTHING;
  }

  /** `namespace/name`, or `name` for cluster-scoped objects (Istio's FullName). */
  public get fullName(): string {
    return this.namespace ? `${this.namespace}/${this.name}` : this.name;
  }

  public get ref(): FindingResource {
    return { kind: this.kind, namespace: this.declaredNamespace || undefined, name: this.name };
  }
}

const NOTHING: Record<string, any> = Object.freeze({});

/** Group and version of each apiVersion, split once (a mesh has a handful of them). */
const groupVersions = new Map<string, readonly [string, string]>();

function groupVersion(apiVersion: string): readonly [string, string] {
  let gv = groupVersions.get(apiVersion);
  if (!gv) {
    const slash = apiVersion.lastIndexOf('/');
    gv = slash >= 0 ? [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)] : ['', apiVersion];
    if (groupVersions.size < 1000) groupVersions.set(apiVersion, gv);
  }
  return gv;
}

/** Index key of a kind: Istio and core kinds by name; Gateway API kinds qualified by group. */
export function kindKey(group: string, kind: string): string {
  if (group === 'gateway.networking.k8s.io' || group === 'gateway.networking.x-k8s.io') return `${kind}.${group}`;
  return kind;
}

export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `kind: List` (or `ServiceList`...) whose `items` are the objects. */
export function isListObject(m: unknown): m is Manifest {
  return isRecord(m) && (m.kind === 'List' || (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)));
}

/** Settings of the mesh (MeshConfig) the analysis needs. */
export interface MeshSettings {
  readonly raw: Manifest;
}

export interface ReportOptions {
  readonly fix?: string;
  readonly level?: FindingLevel;
}

/**
 * What every analyzer sees: the objects indexed by kind and by name, the mesh config, and a
 * report function. Indexes are built once so each analyzer runs in linear time.
 */
export class AnalysisContext {
  public readonly findings: Finding[] = [];
  private readonly byKind = new Map<string, Resource[]>();
  /** kind key -> namespace -> name: nested maps, so a lookup builds no key string. */
  private readonly byName = new Map<string, Map<string, Map<string, Resource>>>();
  private readonly memo = new Map<string, unknown>();
  private readonly reported = new Set<string>();

  constructor(public readonly resources: readonly Resource[], public readonly meshConfig: Manifest = {},
    /** MeshNetworks (the `meshNetworks` key of the istio ConfigMap), when given. */
    public readonly meshNetworks?: Manifest) {
    for (const r of resources) {
      let list = this.byKind.get(r.key);
      if (!list) this.byKind.set(r.key, (list = []));
      list.push(r);
      let namespaces = this.byName.get(r.key);
      if (!namespaces) this.byName.set(r.key, (namespaces = new Map()));
      let names = namespaces.get(r.namespace);
      if (!names) namespaces.set(r.namespace, (names = new Map()));
      names.set(r.name, r);
    }
  }

  public all(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  public find(kind: string, namespace: string, name: string): Resource | undefined {
    return this.byName.get(kind)?.get(namespace)?.get(name);
  }

  /** Computes a value once per analysis (indexes shared by several analyzers). */
  public cached<T>(key: string, produce: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, produce());
    return this.memo.get(key) as T;
  }

  /** Records a finding; the same message about the same object is reported once. */
  public report(analyzer: string, code: string, level: FindingLevel, r: Resource, message: string, fix?: string): void {
    const key = `${analyzer}|${code}|${r.key}|${r.namespace}|${r.name}|${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.findings.push({ code, level, analyzer, resource: r.ref, message, ...(fix ? { fix } : {}) });
  }
}

/** One analyzer: a name (istioctl's where it mirrors one) and a function over the context. */
export interface Analyzer {
  readonly name: string;
  /** The group it belongs to (default: istioctl's). */
  readonly check?: AnalysisCheck;
  readonly analyze: (ctx: AnalysisContext) => void;
}
