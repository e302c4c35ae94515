import { IConstruct } from 'constructs';
import type { MeshService } from '../core/mesh-service';
import { DerivedNames } from '../core/naming';
import { perApp } from '../core/per-app';
import { isEmpty } from '../core/plain-objects';
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
    for (const destination of this.destinations.all) if (destination.announced) listener({ destination });
  }

  /**
   * The route table of a host in a binding, created on first use by `owner`. `key.name` is the
   * readable name wanted for its VirtualService; when another table of the namespace holds it
   * already (two hosts that read the same), the name carries a digest of host and binding.
   */
  public routeTable(owner: IConstruct, key: RouteTableKey): RouteTable {
    const scope = key.binding.kind === 'mesh' ? key.namespace : [key.namespace, bindingId(key.binding)].join('|');
    let table = this.tables.get(scope, key.host);
    if (table && (table.key.api ?? 'istio') !== (key.api ?? 'istio')) {
      const describe = (k: RouteTableKey) => `${(k.api ?? 'istio') === 'istio' ? 'a VirtualService' : 'an HTTPRoute'}${k.apiReason ? ` (${k.apiReason})` : ''}`;
      fail(owner, key.property ?? 'routes',
        `would route '${key.host}' with ${describe(key)}, but '${pathOf(table.firstOwner)}' routes it with ${describe(table.key)}; `
        + 'Istio\'s behaviour is undefined when a VirtualService and an HTTPRoute route one host', key.host,
        'Render every construct routing this host with one API: set the same api on both, or leave it to the app default (RoutingDefaults).');
    }
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
   * namespace makes it carry a digest of the host. `istioSubsets`: the caller's Istio routes
   * address the destination's subsets (or it is an Istio-only construct), so its rule lists them.
   */
  public destination(owner: IConstruct, host: string, namespace: string, name: string, istioSubsets: boolean = true): Destination {
    let destination = this.destinations.get(namespace, host);
    if (!destination) {
      destination = new Destination(host, namespace, this.destinationNames.reserve(namespace, name, host), owner, this);
      this.destinations.add(namespace, host, destination);
    }
    // Istio routes address subsets of the host's own DestinationRule (`istioSubsets`): it
    // exists from the first such user on. Gateway API routes address one Service per version
    // instead, and policy-only users add policy: for them the host's rule appears with its
    // first policy (see `announce`).
    if (istioSubsets) {
      destination.usedByIstio = true;
      this.announce(destination);
    }
    return destination;
  }

  /** Tells the renderers that a destination needs its DestinationRule (once). @internal */
  public announce(destination: Destination): void {
    if (destination.announced) return;
    destination.announced = true;
    for (const listener of this.listeners) listener({ destination });
  }

  /** Tells the renderers that a destination's traffic policy changed. @internal */
  public policyChanged(destination: Destination): void {
    this.announce(destination);
    for (const listener of this.listeners) listener({ policyOf: destination });
  }

  /** The destination of a host, if a construct created it. */
  public existingDestination(namespace: string, host: string): Destination | undefined {
    return this.destinations.get(namespace, host);
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
  /** A destination that needs its own DestinationRule now (see `Destination.announced`). */
  readonly destination?: Destination;
  /** A destination whose traffic policy changed (the Gateway API renderer copies it per version). */
  readonly policyOf?: Destination;
}

/**
 * The API a route table renders to: Istio's VirtualService, or the Kubernetes Gateway API
 * (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute). Destinations render as DestinationRules in both.
 */
export type RouteApi = 'istio' | 'gateway-api';

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
  /** The API the table renders to. @default 'istio' */
  readonly api?: RouteApi;
  /** Why the table uses this API (`api: RoutingApi.GATEWAY_API`, `ambient namespace 'shop' with a waypoint`), for messages. */
  readonly apiReason?: string;
  /** The service protocol of the routes (HTTP, HTTP2, GRPC, GRPC-WEB, TCP), where a renderer needs it (GRPCRoute). @default - HTTP for HTTP routes */
  readonly protocol?: string;
}

/** A destination of a route, already validated. */
export interface RouteDestination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  readonly weight?: number;
}

/**
 * How a string is compared. `prefix` is a string prefix (`/static` matches `/staticx`, as a
 * VirtualService `prefix`); `pathPrefix` matches whole path segments (`/static` matches
 * `/static` and `/static/x`, not `/staticx`, as an HTTPRoute `PathPrefix`); `regex` is an RE2
 * expression matching the whole string.
 */
export interface StringCondition {
  readonly kind: 'exact' | 'prefix' | 'regex' | 'pathPrefix';
  readonly value: string;
}

/** One alternative of a route's conditions; every field set must hold. */
export interface RequestCondition {
  /** By lowercased header name, or a JWT claim key (`@request.auth.claims.<claim>`). */
  readonly headers?: Readonly<Record<string, StringCondition>>;
  readonly withoutHeaders?: Readonly<Record<string, StringCondition>>;
  readonly path?: StringCondition;
  readonly method?: string;
  readonly queryParams?: Readonly<Record<string, StringCondition>>;
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly ignorePathCase?: boolean;
  /** Only traffic arriving through these bindings: 'mesh' or a gateway reference `<ns>/<name>`. */
  readonly gateways?: readonly string[];
}

/** One alternative of a TCP or TLS route's conditions. */
export interface StreamCondition {
  readonly port?: number;
  readonly sniHosts?: readonly string[];
  readonly gateways?: readonly string[];
}

/** Faults injected on a route; percentages are 0..100. */
export interface FaultIntent {
  readonly delay?: { readonly fixedDelayMillis: number; readonly percentage: number };
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: string; readonly percentage: number };
}

/** Retries of a route. `retryOn` undefined keeps the data plane's default conditions. */
export interface RetryIntent {
  readonly attempts: number;
  readonly perTryTimeoutMillis?: number;
  /** Condition names (`5xx`, `gateway-error`, ...), in the order given. */
  readonly retryOn?: readonly string[];
  /** HTTP status codes that trigger a retry. */
  readonly statusCodes?: readonly number[];
  readonly retryRemoteLocalities?: boolean;
}

/** Changes to the headers of a request or response. */
export interface HeaderOperationsIntent {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** A redirect answered by the proxy instead of routing. */
export interface RedirectIntent {
  readonly scheme?: string;
  /** Replaces the host (authority without port). */
  readonly host?: string;
  readonly port?: number;
  /** Replaces the whole path. */
  readonly path?: string;
  /** HTTP status: 301, 302, 303, 307 or 308. */
  readonly statusCode: number;
}

/** A rewrite of the request before it is forwarded. */
export interface RewriteIntent {
  /** Replaces the part of the path the route's path condition matched (a prefix). */
  readonly pathPrefix?: string;
  /** Replaces the Host header. */
  readonly host?: string;
}

/** A CORS policy: origins are exact, or have `*` wildcards (`*` alone: any origin). */
export interface CorsIntent {
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly maxAgeSeconds: number;
  readonly allowCredentials?: boolean;
}

/** One HTTP route, with typed, already validated values; renderers translate them. */
export interface HttpRouteIntent {
  readonly owner: IConstruct;
  /** Conditions (ORed); none makes this the default route. */
  readonly match?: readonly RequestCondition[];
  readonly route?: readonly RouteDestination[];
  readonly redirect?: RedirectIntent;
  readonly rewrite?: RewriteIntent;
  readonly fault?: FaultIntent;
  readonly mirror?: RouteDestination;
  /** Share of requests mirrored, 0..100. */
  readonly mirrorPercentage?: number;
  readonly timeoutMillis?: number;
  readonly retries?: RetryIntent;
  readonly requestHeaders?: HeaderOperationsIntent;
  readonly responseHeaders?: HeaderOperationsIntent;
  readonly cors?: CorsIntent;
  /** Readable rule name (shows in Envoy stats and access logs). */
  readonly name?: string;
  /** The owner's prop this route renders (`matchRoutes[1]`), for analysis findings about it. */
  readonly property?: string;
}

/** One TCP or TLS route. */
export interface StreamRouteIntent {
  readonly owner: IConstruct;
  readonly match?: readonly StreamCondition[];
  readonly route: readonly RouteDestination[];
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
  /**
   * Set by the renderer of tables whose API cannot express every intent: it checks each route
   * as it is added, so an inexpressible one fails at the construct that adds it. (One shared
   * object, not a closure per table: large apps have tens of thousands of tables.)
   */
  public routeChecker?: RouteChecker;
  private extraHosts?: Set<string>;

  constructor(public readonly key: RouteTableKey, public readonly firstOwner: IConstruct) {}

  /** The API this table renders to. */
  public get api(): RouteApi {
    return this.key.api ?? 'istio';
  }

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
    this.routeChecker?.checkRoute(this, route, 'http');
    this.http = this.http.concat([route]);
  }

  public addTcp(route: StreamRouteIntent): void {
    this.rejectDuplicateMatch(route, this.tcp, 'tcp');
    this.routeChecker?.checkRoute(this, route, 'tcp');
    this.tcp = this.tcp.concat([route]);
  }

  public addTls(route: StreamRouteIntent): void {
    this.rejectDuplicateMatch(route, this.tls, 'tls');
    this.routeChecker?.checkRoute(this, route, 'tls');
    this.tls = this.tls.concat([route]);
  }

  /** Routes in the documented order: matched routes as added, then the default route. */
  public ordered<T extends { readonly match?: readonly unknown[] }>(routes: readonly T[]): T[] {
    return [...routes.filter((r) => r.match && r.match.length > 0), ...routes.filter((r) => !r.match || r.match.length === 0)];
  }

  /** The constructs that contributed to this table. */
  public get owners(): IConstruct[] {
    return [...new Set([...this.http, ...this.tcp, ...this.tls].map((r) => r.owner))];
  }

  private rejectDuplicateMatch(route: MatchedRoute, existing: readonly MatchedRoute[], kind: string) {
    const isDefault = !route.match || route.match.length === 0;
    // The prop of the owner behind the route (`matchRoutes[1]`, `addRoute`), else the one that chose the host (`service`, `hosts`).
    const property = route.property ?? this.key.property ?? 'routes';
    for (const other of existing) {
      const otherDefault = !other.match || other.match.length === 0;
      if (isDefault && otherDefault) {
        fail(route.owner, property,
          `gives '${this.key.host}' a second default ${kind} route (without a match), but '${pathOf(other.owner)}' already gives it one`, this.key.host,
          'A host has one default route: let one construct own it (e.g. one CanaryRelease per service), or give this route a match.');
      }
      if (!isDefault && !otherDefault) {
        const taken = new Set(other.match!.map((m) => stableJson(m)));
        const repeated = route.match!.find((m) => taken.has(stableJson(m)));
        if (repeated) {
          fail(route.owner, property,
            `repeats a match of '${this.key.host}' already routed by '${pathOf(other.owner)}' (the second route would never be used)`, repeated,
            'Remove one of the two routes, or make the matches differ.');
        }
      }
    }
  }
}

const NO_ROUTES: readonly never[] = Object.freeze([]);

/** What a renderer checks (and renders) as each route is added to one of its tables. */
export interface RouteChecker {
  checkRoute(table: RouteTable, route: HttpRouteIntent | StreamRouteIntent, kind: 'http' | 'tcp' | 'tls'): void;
}

interface MatchedRoute {
  readonly owner: IConstruct;
  readonly match?: readonly object[];
  readonly property?: string;
}

/** A subset of a destination: a named group of endpoints selected by labels. */
export interface SubsetIntent {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly owner: IConstruct;
  /** Policy fields the subset's definer sets on it (others add theirs with `setSubsetPolicy`). */
  readonly trafficPolicy?: Record<string, any>;
  /** The owner's prop that defines the subset (`versions[1]`), for errors about it. */
  readonly property?: string;
}

/**
 * Subsets and traffic policy of one service host. Policy fields from several constructs merge
 * per top-level field (connectionPool, outlierDetection, loadBalancer, tls, ...), host-wide,
 * per port or per subset; two constructs setting the same field is an error naming both.
 *
 * Subset policy is kept by subset name, apart from the subsets: a CircuitBreaker may ask for
 * policy on 'v2' before the CanaryRelease that defines 'v2' exists. The renderer joins them.
 *
 * Policy values are DestinationRule traffic-policy fields on purpose: both renderers emit
 * them as DestinationRules (the Gateway API has no connection pool, outlier detection, load
 * balancing or mutual TLS origination), the Istio renderer for the host and its subsets, the
 * Gateway API renderer for each backend Service (one per version).
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
  /** Some Istio route (or Istio-only construct) uses this destination: its rule lists the subsets. */
  public usedByIstio = false;
  /** The renderers were told that this destination needs its own DestinationRule. */
  public announced = false;
  /** The service behind the host, when a construct routes to it by version (the Gateway API renderer makes one Service per version from it). */
  public service?: MeshService;

  constructor(
    public readonly host: string,
    public readonly namespace: string,
    /** Readable name of the rendered DestinationRule. */
    public readonly name: string,
    public readonly firstOwner: IConstruct,
    private readonly model?: MeshModel,
  ) {}

  /** Whether any construct set traffic policy on this destination (host-wide, per port or per subset). */
  public get hasPolicy(): boolean {
    return !isEmpty(this.policyOwners);
  }

  public addSubset(subset: SubsetIntent): void {
    const existing = this.subset(subset.name);
    if (existing && stableJson(existing.labels) !== stableJson(subset.labels)) {
      fail(subset.owner, subset.property ?? `subset '${subset.name}' of '${this.host}'`,
        `${subset.property ? `defines subset '${subset.name}' of '${this.host}' with` : 'has'} labels ${describeValue(subset.labels)} but '${pathOf(existing.owner)}' defines it with ${describeValue(existing.labels)}`,
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

  /**
   * Sets one top-level traffic policy field (e.g. `outlierDetection`), port-wide or for one
   * port. `property` is the owner's prop it comes from, for errors (default: the field).
   */
  public setPolicy(owner: IConstruct, field: string, value: Record<string, any>, port?: number, property?: string): void {
    this.claimPolicyField(owner, port === undefined ? field : `${port}:${field}`, `trafficPolicy.${field}${port ? ` (port ${port})` : ''}`, value, property);
    if (port === undefined) {
      this.trafficPolicy[field] = value;
    } else {
      this.portLevelSettings ??= new Map();
      const settings = this.portLevelSettings.get(port) ?? { port: { number: port } };
      settings[field] = value;
      this.portLevelSettings.set(port, settings);
    }
    this.model?.policyChanged(this);
  }

  /** Sets one top-level traffic policy field of a subset, defined now or later by another construct. */
  public setSubsetPolicy(owner: IConstruct, subset: string, field: string, value: Record<string, any>, property?: string): void {
    this.claimPolicyField(owner, `subset:${subset}:${field}`, `trafficPolicy.${field} (subset ${subset})`, value, property);
    this.subsetPolicies ??= new Map();
    const policy = this.subsetPolicies.get(subset) ?? {};
    policy[field] = value;
    this.subsetPolicies.set(subset, policy);
    this.model?.policyChanged(this);
  }

  /** The traffic policy requested for a subset, if any. */
  public subsetPolicy(subset: string): Record<string, any> | undefined {
    return this.subsetPolicies?.get(subset);
  }

  /**
   * Records `owner` as the one construct setting a policy field; another owner is an error
   * naming both, reported against the owner's prop when it says which.
   */
  private claimPolicyField(owner: IConstruct, key: string, description: string, value: unknown, property?: string): void {
    const previous = this.policyOwners[key];
    if (previous && previous !== owner) {
      fail(owner, property ?? `${description} of '${this.host}'`,
        `${property ? `sets ${description} of '${this.host}', which ` : ''}is already set by '${pathOf(previous)}'`, value,
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
