import { IConstruct } from 'constructs';
import { DerivedNames } from '../core/naming';
import { perApp } from '../core/per-app';
import { describeValue, fail, pathOf } from '../core/validation-error';

/**
 * The per-app model of traffic intent, keyed by host.
 *
 * Constructs never create VirtualServices or DestinationRules themselves: they add routes,
 * subsets and traffic policy here, and a renderer turns each route table and each destination
 * into exactly one object at synth. That is what keeps one VirtualService per host and binding
 * (Istio does not merge several for a mesh host, IST0109) however many constructs touch it, and
 * what lets another renderer (Kubernetes Gateway API) reuse the same intent.
 */
export class MeshModel {
  /** The model of the app `scope` belongs to. */
  public static of(scope: IConstruct): MeshModel {
    return perApp(scope, 'mesh-model', () => new MeshModel());
  }

  private readonly tables = new HostIndex<RouteTable>();
  private readonly destinations = new HostIndex<Destination>();
  // Hosts that read the same (`a-b.com`, `a.b-com`) would otherwise name two objects alike.
  private readonly tableNames = new DerivedNames();
  private readonly destinationNames = new DerivedNames();
  /** The one table per host bound to the mesh (sidecars read one VirtualService per host, IST0109). */
  private readonly meshBound = new Map<string, RouteTable>();
  private readonly listeners: Array<(event: ModelEvent) => void> = [];

  private constructor() {}

  /** Renderers subscribe to learn when a route table or destination first appears. */
  public onNew(listener: (event: ModelEvent) => void): void {
    this.listeners.push(listener);
    for (const table of this.tables.all) listener({ table });
    for (const destination of this.destinations.all) listener({ destination });
  }

  /**
   * The route table of a host in a binding, created on first use by `owner`. `key.name` is the
   * readable name wanted for its VirtualService; when another table of the namespace holds it
   * already (two hosts that read the same), the name carries a digest of host and binding.
   */
  public routeTable(owner: IConstruct, key: RouteTableKey): RouteTable {
    const scope = key.binding.kind === 'mesh' ? key.namespace : [key.namespace, bindingId(key.binding)].join('|');
    let table = this.tables.get(scope, key.host);
    if (!table) {
      const mesh = key.binding.kind === 'mesh' || key.binding.alsoMesh === true;
      const other = mesh ? this.meshBound.get(key.host) : undefined;
      if (other) {
        const where = (k: RouteTableKey) => (k.binding.kind === 'mesh' ? `the mesh in namespace '${k.namespace}'` : `gateway '${k.binding.gateway}' and the mesh in namespace '${k.namespace}'`);
        fail(owner, key.property ?? 'routes',
          `would bind a second VirtualService for '${key.host}' to the mesh (${where(key)}), but '${pathOf(other.firstOwner)}' routes it for ${where(other.key)}; `
          + 'sidecars use only one of them (istioctl IST0109)', key.host,
          'Route each host in one place: one ExternalService per external host (direct, through an SNI proxy or an egress gateway), one CanaryRelease per service.');
      }
      const name = this.tableNames.reserve(key.namespace, key.name, `${bindingId(key.binding)} ${key.host}`);
      table = new RouteTable(name === key.name ? key : { ...key, name }, owner);
      if (mesh) this.meshBound.set(key.host, table);
      this.tables.add(scope, key.host, table);
      for (const listener of this.listeners) listener({ table });
    }
    return table;
  }

  /**
   * The destination (subsets + traffic policy) of a service host, created on first use. `name`
   * is the readable name wanted for its DestinationRule; another host holding it already in the
   * namespace makes it carry a digest of the host.
   */
  public destination(owner: IConstruct, host: string, namespace: string, name: string): Destination {
    let destination = this.destinations.get(namespace, host);
    if (!destination) {
      destination = new Destination(host, namespace, this.destinationNames.reserve(namespace, name, host), owner);
      this.destinations.add(namespace, host, destination);
      for (const listener of this.listeners) listener({ destination });
    }
    return destination;
  }

  /** Every destination, in creation order (deterministic). */
  public allDestinations(): Destination[] {
    return [...this.destinations.all];
  }

  /** Every route table, in creation order (deterministic). */
  public allRouteTables(): RouteTable[] {
    return [...this.tables.all];
  }
}


/**
 * Entries by scope (a namespace, with the binding for route tables), then by host, and in
 * creation order. Two levels rather than one composite key: the hosts are kept anyway, and
 * 10,000-service apps would otherwise keep 10,000 composite keys per index.
 */
class HostIndex<T> {
  public readonly all: T[] = [];
  private readonly byScope = new Map<string, Map<string, T>>();

  public get(scope: string, host: string): T | undefined {
    return this.byScope.get(scope)?.get(host);
  }

  public add(scope: string, host: string, value: T): void {
    let hosts = this.byScope.get(scope);
    if (!hosts) {
      hosts = new Map();
      this.byScope.set(scope, hosts);
    }
    hosts.set(host, value);
    this.all.push(value);
  }
}

export interface ModelEvent {
  readonly table?: RouteTable;
  readonly destination?: Destination;
}

/** Where routes apply: sidecars and waypoints of the mesh, or one Istio Gateway. */
export type Binding = { readonly kind: 'mesh' } | { readonly kind: 'gateway'; readonly gateway: string; readonly alsoMesh?: boolean };

export function bindingId(binding: Binding): string {
  return binding.kind === 'mesh' ? 'mesh' : `gateway:${binding.gateway}`;
}

export interface RouteTableKey {
  /** The host clients call: a service FQDN for the mesh, an external name at a gateway. */
  readonly host: string;
  /** Where the rendered object lives. */
  readonly namespace: string;
  readonly binding: Binding;
  /** The readable name of the rendered object (as wanted; the table's key holds the one given). */
  readonly name: string;
  /** The prop of the first owner that asks for these routes (for messages). @default - the host */
  readonly property?: string;
}

/** A destination of a route, already validated. */
export interface RouteDestination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  readonly weight?: number;
}

/** One HTTP route; fields are in Istio's wire format, produced and validated by constructs. */
export interface HttpRouteIntent {
  readonly owner: IConstruct;
  /** Conditions (ORed); none makes this the default route. */
  readonly match?: Array<Record<string, any>>;
  readonly route?: RouteDestination[];
  readonly redirect?: Record<string, any>;
  readonly directResponse?: Record<string, any>;
  readonly rewrite?: Record<string, any>;
  readonly fault?: Record<string, any>;
  readonly mirror?: RouteDestination;
  readonly mirrorPercentage?: number;
  readonly timeout?: string;
  readonly retries?: Record<string, any>;
  readonly headers?: Record<string, any>;
  readonly corsPolicy?: Record<string, any>;
  /** Readable rule name (shows in Envoy stats and access logs). */
  readonly name?: string;
  /** The owner's prop this route renders (`matchRoutes[1]`), for analysis findings about it. */
  readonly property?: string;
}

/** One TCP or TLS route. */
export interface StreamRouteIntent {
  readonly owner: IConstruct;
  readonly match?: Array<Record<string, any>>;
  readonly route: RouteDestination[];
  /** The owner's prop this route renders, for analysis findings about it. */
  readonly property?: string;
}

/**
 * The routes of one host in one binding. Matched routes keep the order they were added in and
 * always precede the one default (match-less) route, which is rendered last.
 */
export class RouteTable {
  // Replaced by concat, not pushed to: a pushed-to (or spread) array reserves room for 17 entries,
  // and tables of large apps hold one or two routes each.
  public http: readonly HttpRouteIntent[] = NO_ROUTES;
  public tcp: readonly StreamRouteIntent[] = NO_ROUTES;
  public tls: readonly StreamRouteIntent[] = NO_ROUTES;
  private extraHosts?: Set<string>;

  constructor(public readonly key: RouteTableKey, public readonly firstOwner: IConstruct) {}

  /** All hosts of the rendered object (the key host first). */
  public get hosts(): string[] {
    if (!this.extraHosts) return [this.key.host];
    return [this.key.host, ...[...this.extraHosts].filter((h) => h !== this.key.host)];
  }

  public addHost(host: string): void {
    (this.extraHosts ??= new Set()).add(host);
  }

  public addHttp(route: HttpRouteIntent): void {
    this.rejectDuplicateMatch(route, this.http, 'http');
    this.http = this.http.concat([route]);
  }

  public addTcp(route: StreamRouteIntent): void {
    this.rejectDuplicateMatch(route, this.tcp, 'tcp');
    this.tcp = this.tcp.concat([route]);
  }

  public addTls(route: StreamRouteIntent): void {
    this.rejectDuplicateMatch(route, this.tls, 'tls');
    this.tls = this.tls.concat([route]);
  }

  /** Routes in the documented order: matched routes as added, then the default route. */
  public ordered<T extends { match?: unknown[] }>(routes: readonly T[]): T[] {
    return [...routes.filter((r) => r.match && r.match.length > 0), ...routes.filter((r) => !r.match || r.match.length === 0)];
  }

  /** The constructs that contributed to this table. */
  public get owners(): IConstruct[] {
    return [...new Set([...this.http, ...this.tcp, ...this.tls].map((r) => r.owner))];
  }

  private rejectDuplicateMatch(route: MatchedRoute, existing: readonly MatchedRoute[], kind: string) {
    const isDefault = !route.match || route.match.length === 0;
    for (const other of existing) {
      const otherDefault = !other.match || other.match.length === 0;
      if (isDefault && otherDefault) {
        fail(route.owner, `${kind} default route for '${this.key.host}'`,
          `conflicts with the default route already set by '${pathOf(other.owner)}'`, this.key.host,
          'A host has one default route: let one construct own it (e.g. one CanaryRelease per service), or give this route a match.');
      }
      if (!isDefault && !otherDefault) {
        const taken = new Set(other.match!.map((m) => stableJson(m)));
        const repeated = route.match!.find((m) => taken.has(stableJson(m)));
        if (repeated) {
          fail(route.owner, `${kind} match for '${this.key.host}'`,
            `repeats a match already routed by '${pathOf(other.owner)}' (the second route would never be used)`, repeated,
            'Remove one of the two routes, or make the matches differ.');
        }
      }
    }
  }
}

const NO_ROUTES: readonly never[] = Object.freeze([]);

interface MatchedRoute {
  readonly owner: IConstruct;
  readonly match?: Array<Record<string, any>>;
}

/** A subset of a destination: a named group of endpoints selected by labels. */
export interface SubsetIntent {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly owner: IConstruct;
  /** Policy fields the subset's definer sets on it (others add theirs with `setSubsetPolicy`). */
  readonly trafficPolicy?: Record<string, any>;
}

/**
 * Subsets and traffic policy of one service host. Policy fields from several constructs merge
 * per top-level field (connectionPool, outlierDetection, loadBalancer, tls, ...), host-wide,
 * per port or per subset; two constructs setting the same field is an error naming both.
 *
 * Subset policy is kept by subset name, apart from the subsets: a CircuitBreaker may ask for
 * policy on 'v2' before the CanaryRelease that defines 'v2' exists. The renderer joins them.
 */
export class Destination {
  /** In the order first defined (an array: destinations have a few subsets, and large apps thousands of destinations). */
  public subsets: readonly SubsetIntent[] = [];
  public readonly trafficPolicy: Record<string, any> = {};
  /** Per-port policy, by port number (allocated on first use: most hosts have none). */
  public portLevelSettings?: Map<number, Record<string, any>>;
  /** Per-subset policy, by subset name, whether or not the subset is defined yet (allocated on first use). */
  private subsetPolicies?: Map<string, Record<string, any>>;
  /** Which construct set each policy field (`field`, `port:field` or `subset:name:field`). */
  private readonly policyOwners: Record<string, IConstruct> = {};
  public exportTo?: string[];

  constructor(
    public readonly host: string,
    public readonly namespace: string,
    /** Readable name of the rendered DestinationRule. */
    public readonly name: string,
    public readonly firstOwner: IConstruct,
  ) {}

  public addSubset(subset: SubsetIntent): void {
    const existing = this.subset(subset.name);
    if (existing && stableJson(existing.labels) !== stableJson(subset.labels)) {
      fail(subset.owner, `subset '${subset.name}' of '${this.host}'`,
        `has labels ${describeValue(subset.labels)} but '${pathOf(existing.owner)}' defines it with ${describeValue(existing.labels)}`,
        subset.labels, 'Use the same version labels in both constructs, or another subset name.');
    }
    if (!existing) this.subsets = this.subsets.concat([subset]);
    for (const [field, value] of Object.entries(subset.trafficPolicy ?? {})) {
      // The same subset defined twice with the same policy (two routes through one egress hop) is one definition.
      if (stableJson(this.subsetPolicy(subset.name)?.[field]) === stableJson(value)) continue;
      this.setSubsetPolicy(subset.owner, subset.name, field, value);
    }
  }

  /** The subset with this name, if defined. */
  public subset(name: string): SubsetIntent | undefined {
    return this.subsets.find((s) => s.name === name);
  }

  /** Sets one top-level traffic policy field (e.g. `outlierDetection`), port-wide or for one port. */
  public setPolicy(owner: IConstruct, field: string, value: Record<string, any>, port?: number): void {
    this.claimPolicyField(owner, port === undefined ? field : `${port}:${field}`, `trafficPolicy.${field}${port ? ` (port ${port})` : ''}`, value);
    if (port === undefined) {
      this.trafficPolicy[field] = value;
    } else {
      this.portLevelSettings ??= new Map();
      const settings = this.portLevelSettings.get(port) ?? { port: { number: port } };
      settings[field] = value;
      this.portLevelSettings.set(port, settings);
    }
  }

  /** Sets one top-level traffic policy field of a subset, defined now or later by another construct. */
  public setSubsetPolicy(owner: IConstruct, subset: string, field: string, value: Record<string, any>): void {
    this.claimPolicyField(owner, `subset:${subset}:${field}`, `trafficPolicy.${field} (subset ${subset})`, value);
    this.subsetPolicies ??= new Map();
    const policy = this.subsetPolicies.get(subset) ?? {};
    policy[field] = value;
    this.subsetPolicies.set(subset, policy);
  }

  /** The traffic policy requested for a subset, if any. */
  public subsetPolicy(subset: string): Record<string, any> | undefined {
    return this.subsetPolicies?.get(subset);
  }

  /** Records `owner` as the one construct setting a policy field; another owner is an error naming both. */
  private claimPolicyField(owner: IConstruct, key: string, description: string, value: unknown): void {
    const previous = this.policyOwners[key];
    if (previous && previous !== owner) {
      fail(owner, `${description} of '${this.host}'`, `is already set by '${pathOf(previous)}'`, value,
        'Configure this field in one construct only (e.g. one CircuitBreaker per host).');
    }
    this.policyOwners[key] = owner;
  }

  public get owners(): IConstruct[] {
    return [...new Set([this.firstOwner, ...Object.values(this.policyOwners), ...this.subsets.map((s) => s.owner)])];
  }
}

/** JSON with sorted keys, for comparing intents. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
