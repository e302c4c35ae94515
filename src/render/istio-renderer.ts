import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { SpecProducer, WireApiObject, wireObject } from './api-object';
import { GVK } from './gvk';
import { isEmpty, prune } from '../core/plain-objects';
import { Destination, HttpRouteIntent, MeshModel, RouteDestination, RouteTable, StreamRouteIntent } from '../model/mesh-model';

const ATTACHED = new WeakSet<MeshModel>();
const RENDERED = new WeakMap<RouteTable | Destination, ApiObject>();

/** The object rendered for a route table or destination (for escape hatches). */
export function renderedObject(source: RouteTable | Destination): ApiObject {
  return RENDERED.get(source)!;
}

/**
 * The route table or destination an object was rendered from, for objects of this renderer
 * (the analysis traces findings to the constructs and props behind them).
 */
export function modelSourceOf(obj: ApiObject): RouteTable | Destination | undefined {
  const producer = obj instanceof WireApiObject ? (obj as WireApiObject).producer : undefined;
  if (producer instanceof VirtualServiceProducer) return producer.table;
  if (producer instanceof DestinationRuleProducer) return producer.destination;
  return undefined;
}

/**
 * The model of `scope`'s app, with the Istio renderer attached: every route table becomes one
 * `networking.istio.io/v1` VirtualService, every destination one DestinationRule.
 */
export function meshModel(scope: IConstruct): MeshModel {
  const model = MeshModel.of(scope);
  if (!ATTACHED.has(model)) {
    ATTACHED.add(model);
    model.onNew((event) => {
      if (event.table) renderVirtualService(event.table);
      if (event.destination) renderDestinationRule(event.destination);
    });
  }
  return model;
}

/** Rendered objects live in the chart of the first construct that touched the host. */
function containerFor(owner: IConstruct): Construct {
  const chart = Chart.of(owner);
  const id = 'cdk8s-istio.rendered';
  return (chart.node.tryFindChild(id) as Construct | undefined) ?? new Construct(chart, id);
}

/**
 * The id of a rendered object in its chart's container. ':' appears in no namespace or name, so
 * `(a-b, c)` and `(a, b-c)` get different ids (with '-' both were `...-a-b-c`).
 */
function constructId(kind: string, namespace: string, name: string): string {
  return [kind, namespace, name].join(':');
}

function renderVirtualService(table: RouteTable): void {
  const { name, namespace } = table.key;
  const obj = wireObject(containerFor(table.firstOwner), constructId('VirtualService', namespace, name), GVK.VirtualService,
    { name, namespace }, new VirtualServiceProducer(table), table.firstOwner as Construct);
  RENDERED.set(table, obj);
}

function renderDestinationRule(destination: Destination): void {
  const { name, namespace } = destination;
  const obj = wireObject(containerFor(destination.firstOwner), constructId('DestinationRule', namespace, name), GVK.DestinationRule,
    { name, namespace }, new DestinationRuleProducer(destination), destination.firstOwner as Construct);
  RENDERED.set(destination, obj);
}

class VirtualServiceProducer implements SpecProducer {
  constructor(public readonly table: RouteTable) {}
  public produce() {
    return virtualServiceSpec(this.table);
  }
}

class DestinationRuleProducer implements SpecProducer {
  constructor(public readonly destination: Destination) {}
  public produce() {
    return destinationRuleSpec(this.destination);
  }
}

export function virtualServiceSpec(table: RouteTable): Record<string, any> {
  const binding = table.key.binding;
  return prune({
    hosts: table.hosts,
    gateways: binding.kind === 'gateway' ? [binding.gateway, ...(binding.alsoMesh ? ['mesh'] : [])] : undefined,
    http: nonEmpty(table.ordered(table.http).map(httpRoute)),
    tls: nonEmpty(table.ordered(table.tls).map(streamRoute)),
    tcp: nonEmpty(table.ordered(table.tcp).map(streamRoute)),
  });
}

function httpRoute(route: HttpRouteIntent): Record<string, any> {
  return prune({
    name: route.name,
    match: route.match,
    route: route.route ? destinations(route.route) : undefined,
    redirect: route.redirect,
    directResponse: route.directResponse,
    rewrite: route.rewrite,
    fault: route.fault,
    mirror: route.mirror ? wireDestination(route.mirror) : undefined,
    mirrorPercentage: route.mirror && route.mirrorPercentage !== undefined ? { value: route.mirrorPercentage } : undefined,
    timeout: route.timeout,
    retries: route.retries,
    headers: route.headers,
    corsPolicy: route.corsPolicy,
  });
}

function streamRoute(route: StreamRouteIntent): Record<string, any> {
  return prune({ match: route.match, route: destinations(route.route) });
}

/** A single destination takes all traffic: its weight is left out, as Istio documents it. */
function destinations(routes: readonly RouteDestination[]): Array<Record<string, any>> {
  return routes.map((r) => prune({ destination: wireDestination(r), weight: routes.length > 1 ? r.weight : undefined }));
}

function wireDestination(r: RouteDestination): Record<string, any> {
  return prune({ host: r.host, subset: r.subset, port: r.port !== undefined ? { number: r.port } : undefined });
}

export function destinationRuleSpec(d: Destination): Record<string, any> {
  const levels = d.portLevelSettings;
  const ports = levels ? [...levels.keys()].sort((a, b) => a - b).map((p) => levels.get(p)!) : [];
  const policy = prune({ ...d.trafficPolicy, portLevelSettings: nonEmpty(ports) });
  return prune({
    host: d.host,
    trafficPolicy: isEmpty(policy) ? undefined : policy,
    subsets: nonEmpty(d.subsets.map((s) => prune({ name: s.name, labels: s.labels, trafficPolicy: d.subsetPolicy(s.name) }))),
    exportTo: d.exportTo,
  });
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
