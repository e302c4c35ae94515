import { ApiObject, GroupVersionKind } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkHttpIntent, checkStreamIntent, httpRules } from './http-route';
import { gatewayListenerFor } from '../../core/mesh-gateway';
import { fitName, MAX_LABEL_NAME, MAX_OBJECT_NAME } from '../../core/naming';
import { isEmpty, prune } from '../../core/plain-objects';
import { GatewayApiChannel } from '../../core/routing-api';
import { RoutingSettings, routingSettings } from '../../core/routing-settings';
import { fail, pathOf } from '../../core/validation-error';
import { Destination, HttpRouteIntent, MeshModel, ModelEvent, RouteChecker, RouteDestination, RouteTable, StreamRouteIntent } from '../../model/mesh-model';
import { wireObject } from '../api-object';
import { GVK } from '../gvk';
import { containerFor, ModelSpecProducer, recordRendered, renderedId, renderedObjectOf } from '../rendered';

/**
 * The Gateway API renderer: each Gateway API route table becomes one HTTPRoute (GRPCRoute for
 * GRPC services, TLSRoute for TLS passthrough at a gateway, TCPRoute on Istio 1.31+), in the
 * table's namespace. Routes cannot address subsets, so each version a route reaches gets its
 * own Service (the service's selector plus the version's labels, as Istio's
 * `bookinfo-versions.yaml`), and the host's traffic policy a DestinationRule for that
 * Service's host. A backend in another namespace gets a ReferenceGrant there.
 *
 * Returns the listener of the model's events.
 */
export function gatewayApiRenderer(model: MeshModel): (event: ModelEvent) => void {
  const renderer = new GatewayApiRenderer(model);
  return (event) => renderer.onEvent(event);
}

/** One Service (and, with policy, one DestinationRule) for a version of a destination. */
interface VersionBackend {
  readonly destination: Destination;
  readonly subset: string;
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly port: number;
  readonly protocol?: string;
  rule?: ApiObject;
}

const ROUTE_KINDS: Record<string, GroupVersionKind> = {
  HTTPRoute: GVK.HTTPRoute, GRPCRoute: GVK.GRPCRoute, TLSRoute: GVK.TLSRoute, TCPRoute: GVK.TCPRoute,
};

class GatewayApiRenderer implements RouteChecker {
  /** Version backends by destination, then subset. */
  private readonly versions = new Map<Destination, Map<string, VersionBackend>>();
  /** Version Service names taken, by namespace. */
  private readonly serviceNames = new Map<string, Set<string>>();
  /** Grants by namespace of the backend, then namespace of the route. */
  private readonly grants = new Map<string, Map<string, GrantProducer>>();

  /** The app's settings: RoutingDefaults precedes every route, so they are known when this renderer starts. */
  private settings?: RoutingSettings;

  constructor(private readonly model: MeshModel) {}

  public onEvent(event: ModelEvent): void {
    if (event.table && event.table.api === 'gateway-api') this.adopt(event.table);
    if (event.policyOf) this.policyChanged(event.policyOf);
  }

  /** Checks every route added to the table and renders what it needs. */
  private adopt(table: RouteTable): void {
    table.routeChecker = this;
  }

  public checkRoute(table: RouteTable, route: HttpRouteIntent | StreamRouteIntent, kind: 'http' | 'tcp' | 'tls'): void {
    const settings = this.settings ??= routingSettings(table.firstOwner);
    if (kind === 'http') checkHttpIntent(table, route as HttpRouteIntent, settings);
    else checkStreamIntent(table, route as StreamRouteIntent, kind, settings);
    const kindName = kind === 'tls' ? 'TLSRoute' : kind === 'tcp' ? 'TCPRoute' : table.key.protocol === 'GRPC' ? 'GRPCRoute' : 'HTTPRoute';
    this.routeObject(table, kindName, settings);
    const http = kind === 'http' ? route as HttpRouteIntent : undefined;
    if (http?.retries && settings.channel === GatewayApiChannel.EXPERIMENTAL) {
      // The analysis knows the standard CRDs only, which prune `retry`: the cluster has the experimental ones.
      renderedObjectOf(table)?.metadata.addAnnotation('galley.istio.io/analyze-suppress', 'CIS1001');
    }
    for (const d of route.route ?? []) this.backend(table, route.owner, d, kindName);
    if (http?.mirror) this.backend(table, route.owner, http.mirror, kindName);
  }

  private routeObject(table: RouteTable, kind: string, settings: RoutingSettings): void {
    const producer = ROUTE_PRODUCERS.get(table);
    if (producer) {
      if (producer.kind !== kind) {
        fail(table.firstOwner, `routes for '${table.key.host}'`, `mix ${producer.kind} and ${kind} routes, which the Gateway API keeps in separate objects`, kind,
          'Route the host with one protocol, or keep it on Istio APIs.');
      }
      return;
    }
    const { name, namespace } = table.key;
    const created = new RouteProducer(table, kind, settings, this);
    ROUTE_PRODUCERS.set(table, created);
    const obj = wireObject(containerFor(table.firstOwner), renderedId(kind, namespace, name), ROUTE_KINDS[kind], { name, namespace }, created,
      table.firstOwner as Construct);
    // Precedence and CRD limits need every route of the table: checked once the app is complete.
    obj.node.addValidation(created);
    recordRendered(table, obj);
  }

  /** The backend a destination reaches: the service itself, or its version's own Service. */
  private backend(table: RouteTable, owner: IConstruct, d: RouteDestination, routeKind: string): void {
    const resolved = this.resolve(d, owner, table.key.protocol);
    if (resolved.namespace !== table.key.namespace && resolved.kind === undefined) {
      this.grant(resolved.namespace, table.key.namespace, routeKind, resolved.name, owner);
    }
  }

  /** The name and namespace of the Service a destination reaches (creating a version's on first use). */
  public resolve(d: RouteDestination, owner?: IConstruct, protocol?: string): { name: string; namespace: string; group?: string; kind?: string } {
    const cluster = /^([^.]+)\.([^.]+)\.svc\.(.+)$/.exec(d.host);
    if (!cluster) return { group: 'networking.istio.io', kind: 'Hostname', name: d.host, namespace: '' };
    const [, service, namespace] = cluster;
    if (d.subset === undefined) return { name: service, namespace };
    const destination = this.model.existingDestination(namespace, d.host);
    const existing = destination && this.versions.get(destination)?.get(d.subset);
    if (existing) return existing;
    if (!destination || !destination.subset(d.subset) || !owner) {
      fail(owner ?? '<renderer>', `destination '${d.host}'`, `names subset '${d.subset}', which no construct defines`, d.subset, 'Define the version (CanaryRelease versions).');
    }
    return this.version(destination, d.subset, d.port!, cluster[3], protocol);
  }

  private version(destination: Destination, subset: string, port: number, clusterDomain: string, protocol?: string): VersionBackend {
    const service = destination.service;
    const serviceName = service?.name ?? destination.host.split('.')[0];
    const namespace = destination.namespace;
    let taken = this.serviceNames.get(namespace);
    if (!taken) this.serviceNames.set(namespace, (taken = new Set()));
    const names = taken;
    // Service names are DNS labels: `reviews-v1`, digest-suffixed when too long or taken.
    const name = fitName(`${serviceName}-${subset}`, `${destination.host}|${subset}`, MAX_LABEL_NAME, (n) => names.has(n));
    names.add(name);
    const backend: VersionBackend = {
      destination, subset, name, namespace, port, protocol, host: `${name}.${namespace}.svc.${clusterDomain}`,
    };
    let bySubset = this.versions.get(destination);
    if (!bySubset) this.versions.set(destination, (bySubset = new Map()));
    bySubset.set(subset, backend);
    wireObject(containerFor(destination.firstOwner), renderedId('Service', namespace, name), GVK.Service, { name, namespace },
      new VersionServiceProducer(backend), destination.firstOwner as Construct);
    if (destination.hasPolicy) this.versionRule(backend);
    return backend;
  }

  private versionRule(backend: VersionBackend): void {
    if (backend.rule) return;
    const { destination, name, namespace } = backend;
    backend.rule = wireObject(containerFor(destination.firstOwner), renderedId('DestinationRule', namespace, name), GVK.DestinationRule,
      { name, namespace }, new VersionRuleProducer(backend), destination.firstOwner as Construct);
  }

  /** Policy set on a destination reaches the rules of its versions (created now if needed). */
  private policyChanged(destination: Destination): void {
    const bySubset = this.versions.get(destination);
    if (!bySubset) return;
    for (const backend of bySubset.values()) this.versionRule(backend);
  }

  /** A ReferenceGrant in the backend's namespace lets routes of `from` reach the Service. */
  private grant(namespace: string, from: string, routeKind: string, service: string, owner: IConstruct): void {
    let byFrom = this.grants.get(namespace);
    if (!byFrom) this.grants.set(namespace, (byFrom = new Map()));
    let producer = byFrom.get(from);
    if (!producer) {
      producer = new GrantProducer(from);
      byFrom.set(from, producer);
      const name = fitName(`routes-from-${from}`, `${namespace}|${from}`, MAX_OBJECT_NAME);
      wireObject(containerFor(owner), renderedId('ReferenceGrant', namespace, name), GVK.ReferenceGrant, { name, namespace }, producer, owner as Construct);
    }
    producer.kinds.add(routeKind);
    producer.services.add(service);
  }
}

const ROUTE_PRODUCERS = new WeakMap<RouteTable, RouteProducer>();

/** The spec of a table's route object; rules are computed once per set of routes. */
class RouteProducer implements ModelSpecProducer {
  private cache?: { http: readonly HttpRouteIntent[]; rules: Array<Record<string, any>>; errors: string[] };

  constructor(
    public readonly modelSource: RouteTable,
    public readonly kind: string,
    private readonly settings: RoutingSettings,
    private readonly renderer: GatewayApiRenderer,
  ) {}

  /** The table's precedence and limit errors (an IValidation of the route object). */
  public validate(): string[] {
    return this.kind === 'HTTPRoute' || this.kind === 'GRPCRoute' ? this.rendered().errors : [];
  }

  public produce(): Record<string, any> {
    const table = this.modelSource;
    const parentRefs = [this.parentRef()];
    const backend = (d: RouteDestination) => this.renderer.resolve(d);
    if (this.kind === 'TLSRoute' || this.kind === 'TCPRoute') {
      const route = (this.kind === 'TLSRoute' ? table.tls : table.tcp)[0];
      const backendRefs = route.route.map((d) => {
        const b = backend(d);
        return prune({
          group: b.group,
          kind: b.kind,
          name: b.name,
          namespace: b.namespace && b.namespace !== table.key.namespace ? b.namespace : undefined,
          port: d.port,
          weight: route.route.length > 1 ? d.weight : undefined,
        });
      });
      return prune({ parentRefs, hostnames: this.kind === 'TLSRoute' ? table.hosts : undefined, rules: [{ backendRefs }] });
    }
    return prune({
      parentRefs,
      hostnames: table.key.binding.kind === 'gateway' ? table.hosts : undefined,
      rules: this.rendered().rules,
    });
  }

  private rendered(): { rules: Array<Record<string, any>>; errors: string[] } {
    const table = this.modelSource;
    if (this.cache?.http !== table.http) {
      const { rules, errors } = httpRules(table, this.settings, (d) => this.renderer.resolve(d));
      this.cache = { http: table.http, rules, errors };
    }
    return this.cache;
  }

  /** Mesh routes attach to the Service (and its port); gateway routes to the listener serving the host. */
  private parentRef(): Record<string, any> {
    const table = this.modelSource;
    const binding = table.key.binding;
    if (binding.kind === 'mesh') {
      const port = [...table.http, ...table.tcp].flatMap((r) => r.route ?? []).find((d) => d.host === table.key.host)?.port
        ?? MeshModel.of(table.firstOwner).existingDestination(table.key.namespace, table.key.host)?.service?.port;
      return prune({ group: '', kind: 'Service', name: table.key.host.split('.')[0], port });
    }
    const [namespace, name] = binding.gateway.split('/');
    return prune({
      name,
      namespace: namespace === table.key.namespace ? undefined : namespace,
      sectionName: gatewayListenerFor(table.firstOwner, binding.gateway, table.key.host),
    });
  }
}

/** A version's Service: the service's selector plus the version's labels, the routed port. */
class VersionServiceProducer implements ModelSpecProducer {
  public readonly modelSource: Destination;
  constructor(private readonly backend: VersionBackend) {
    this.modelSource = backend.destination;
  }

  public produce(): Record<string, any> {
    const { destination, subset, port, protocol } = this.backend;
    const service = destination.service;
    const labels = destination.subset(subset)?.labels ?? {};
    return {
      // Istio reads a port's protocol from its name prefix.
      ports: [prune({ name: protocol === undefined ? 'http' : protocol.toLowerCase(), port, targetPort: service?._targetPort(port) })],
      selector: { ...(service ? service._selectorLabels() : { app: destination.host.split('.')[0] }), ...labels },
    };
  }
}

/**
 * A version's DestinationRule: the host's policy, the version's own policy over it field by
 * field (as Istio applies subset policy), port-level settings for fields the version leaves.
 */
class VersionRuleProducer implements ModelSpecProducer {
  public readonly modelSource: Destination;
  constructor(private readonly backend: VersionBackend) {
    this.modelSource = backend.destination;
  }

  public produce(): Record<string, any> {
    const { destination, subset, host } = this.backend;
    const own = destination.subsetPolicy(subset) ?? {};
    const policy: Record<string, any> = { ...destination.trafficPolicy };
    for (const field in own) if (field !== 'portLevelSettings') policy[field] = own[field];
    const levels = destination.portLevelSettings;
    const ports = levels ? [...levels.keys()].sort((a, b) => a - b).map((p) => {
      const settings: Record<string, any> = { ...levels.get(p)! };
      for (const field in own) delete settings[field];
      return settings;
    }).filter((s) => Object.keys(s).length > 1) : [];
    if (ports.length > 0) policy.portLevelSettings = ports;
    return prune({ host, trafficPolicy: isEmpty(policy) ? undefined : policy });
  }
}

/** Lets routes of one namespace reach Services of another. */
class GrantProducer {
  public readonly kinds = new Set<string>();
  public readonly services = new Set<string>();
  constructor(private readonly from: string) {}

  public produce(): Record<string, any> {
    return {
      from: [...this.kinds].sort().map((kind) => ({ group: 'gateway.networking.k8s.io', kind, namespace: this.from })),
      to: [...this.services].sort().map((name) => ({ group: '', kind: 'Service', name })),
    };
  }
}

/** For messages: where a table's routes come from. */
export function tableOwners(table: RouteTable): string {
  return table.owners.map(pathOf).join(', ');
}
