import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { SpecProducer, WireApiObject } from './api-object';
import { Destination, RouteTable } from '../model/mesh-model';

const RENDERED = new WeakMap<RouteTable | Destination, ApiObject>();

/** A producer of an object rendered from the model, which says what it renders. */
export interface ModelSpecProducer extends SpecProducer {
  readonly modelSource: RouteTable | Destination;
}

/** Records the primary object rendered for a route table or destination. */
export function recordRendered(source: RouteTable | Destination, obj: ApiObject): void {
  RENDERED.set(source, obj);
}

/** The object rendered for a route table or destination, if any (for escape hatches). */
export function renderedObjectOf(source: RouteTable | Destination): ApiObject | undefined {
  return RENDERED.get(source);
}

/**
 * The route table or destination an object was rendered from, for objects of our renderers
 * (the analysis traces findings to the constructs and props behind them).
 */
export function modelSourceOf(obj: ApiObject): RouteTable | Destination | undefined {
  const producer = obj instanceof WireApiObject ? (obj as WireApiObject).producer : undefined;
  return producer && 'modelSource' in producer ? (producer as ModelSpecProducer).modelSource : undefined;
}

/** Rendered objects live in the chart of the first construct that touched the host. */
export function containerFor(owner: IConstruct): Construct {
  const chart = Chart.of(owner);
  const id = 'cdk8s-istio.rendered';
  return (chart.node.tryFindChild(id) as Construct | undefined) ?? new Construct(chart, id);
}

/**
 * The id of a rendered object in its chart's container. ':' appears in no namespace or name, so
 * `(a-b, c)` and `(a, b-c)` get different ids (with '-' both were `...-a-b-c`).
 */
export function renderedId(kind: string, namespace: string, name: string): string {
  return [kind, namespace, name].join(':');
}
