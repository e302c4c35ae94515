/*
 * The mesh graph before it is drawn: nodes, edges and namespaces, built from manifests
 * (from-manifests.ts) and written out as DOT (dot.ts) or Mermaid (mermaid.ts). Not API.
 */
import { Finding } from '../analysis/finding';

/** A layer of the picture; a node or edge belongs to the layer of the objects that put it there. */
export type Layer = 'routes' | 'security' | 'egress';

/** Every layer, in the order the CLI lists them. */
export const LAYERS: readonly Layer[] = ['routes', 'security', 'egress'];

export type NodeKind =
  /** An ingress Gateway (Istio or Gateway API). */
  | 'gateway'
  /** A Gateway whose workload is an egress gateway. */
  | 'egress-gateway'
  /** An ambient waypoint. */
  | 'waypoint'
  /** A Kubernetes Service or mesh-internal host. */
  | 'service'
  /** One version of a service: a DestinationRule subset. */
  | 'subset'
  /** A workload known only by its labels or service account (authorization policies). */
  | 'workload'
  /** A host outside the mesh (ServiceEntry, or a host nothing declares). */
  | 'external'
  /** Sources a policy names that are not one workload: a namespace, IP blocks, JWT principals, anyone. */
  | 'sources'
  /** The sidecars of the mesh, as callers of hosts that are not services. */
  | 'mesh'
  /** What a route does instead of forwarding: redirect, direct response, delegate. */
  | 'action'
  /** Findings about objects that are no node of the picture. */
  | 'notes';

export interface GraphNode {
  readonly id: string;
  kind: NodeKind;
  title: string;
  /** What the node is, where its kind's usual caption would be wrong (a gateway of another workload). */
  caption?: string;
  /** Lines under the title, each tagged with the layer that contributed it ('base' lines always show). */
  readonly details: Array<{ readonly text: string; readonly layer: Layer | 'base' }>;
  /** The namespace box it is drawn in; none for hosts outside the mesh and mesh-wide sources. */
  namespace?: string;
  /** For a subset: the id of its service, drawn together with it. */
  group?: string;
  /** The cluster it is in, in the picture of an app of several clusters. */
  cluster?: string;
  /** The layers whose objects define this node ('base': the node exists whatever the layers). */
  readonly layers: Set<Layer | 'base'>;
  readonly findings: Finding[];
}

export type EdgeStyle = 'route' | 'mirror' | 'allow' | 'deny' | 'audit' | 'custom';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly layer: Layer;
  readonly style: EdgeStyle;
  readonly label: readonly string[];
  /** A route that carries no traffic (weight 0). */
  readonly idle?: boolean;
}

export interface NamespaceBox {
  readonly name: string;
  /** The cluster it is in, in the picture of an app of several clusters. */
  readonly cluster?: string;
  readonly details: Array<{ readonly text: string; readonly layer: Layer | 'base' }>;
}

/** The graph with its layers chosen: what the writers draw. */
export interface GraphView {
  /** Nodes in drawing order. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Namespaces that hold at least one drawn node, by name. */
  readonly namespaces: readonly NamespaceBox[];
  /** The layers drawn. */
  readonly layers: ReadonlySet<Layer>;
  /** The clusters, for an app of several: each node and namespace names its own. */
  readonly clusters: readonly string[];
}

/**
 * One picture of several clusters' graphs: each cluster's ids prefixed with its name, so the
 * same namespace or service in two clusters stays two boxes.
 */
export function combineViews(parts: ReadonlyArray<{ readonly cluster: string; readonly view: GraphView }>): GraphView {
  const id = (cluster: string, x: string) => `${cluster}/${x}`;
  return {
    nodes: parts.flatMap(({ cluster, view }) => view.nodes.map((n) => ({
      ...n, id: id(cluster, n.id), group: n.group && id(cluster, n.group), cluster,
    }))),
    edges: parts.flatMap(({ cluster, view }) => view.edges.map((e) => ({ ...e, from: id(cluster, e.from), to: id(cluster, e.to) }))),
    namespaces: parts.flatMap(({ cluster, view }) => view.namespaces.map((ns) => ({ ...ns, cluster }))),
    layers: parts[0]?.view.layers ?? new Set(),
    clusters: parts.map((p) => p.cluster),
  };
}

/** The whole graph, every layer. */
export class GraphData {
  public readonly nodes = new Map<string, GraphNode>();
  public readonly edges: GraphEdge[] = [];
  public readonly namespaces = new Map<string, NamespaceBox>();

  /** The node with this id, created with `init` the first time. */
  public node(id: string, layer: Layer | 'base', init: () => Pick<GraphNode, 'kind' | 'title'> & Partial<GraphNode>): GraphNode {
    let node = this.nodes.get(id);
    if (!node) {
      const props = init();
      node = { id, details: [], layers: new Set(), findings: [], ...props };
      this.nodes.set(id, node);
      if (node.namespace !== undefined) this.namespace(node.namespace);
    }
    node.layers.add(layer);
    return node;
  }

  public namespace(name: string): NamespaceBox {
    let box = this.namespaces.get(name);
    if (!box) {
      box = { name, details: [] };
      this.namespaces.set(name, box);
    }
    return box;
  }

  public edge(edge: GraphEdge): void {
    this.edges.push(edge);
  }

  /**
   * The nodes, edges and namespaces of the chosen layers: a node shows when a chosen layer
   * (or none in particular) defines it, or a drawn edge touches it.
   */
  public view(layers: ReadonlySet<Layer>): GraphView {
    const edges = this.edges.filter((e) => layers.has(e.layer) && this.nodes.has(e.from) && this.nodes.has(e.to));
    const touched = new Set(edges.flatMap((e) => [e.from, e.to]));
    const shown = (n: GraphNode) => touched.has(n.id) || n.layers.has('base') || [...n.layers].some((l) => layers.has(l as Layer));
    const nodes = [...this.nodes.values()]
      .filter(shown)
      .map((n) => ({ ...n, details: n.details.filter((d) => d.layer === 'base' || layers.has(d.layer)) }))
      .sort((a, b) => compare(a.id, b.id));
    const used = new Set(nodes.map((n) => n.namespace).filter((ns): ns is string => ns !== undefined));
    const namespaces = [...this.namespaces.values()]
      .filter((ns) => used.has(ns.name))
      .map((ns) => ({ ...ns, details: ns.details.filter((d) => d.layer === 'base' || layers.has(d.layer)) }))
      .sort((a, b) => compare(a.name, b.name));
    return { nodes, edges, namespaces, layers, clusters: [] };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds a detail line once. */
export function addDetail(target: { details: Array<{ text: string; layer: Layer | 'base' }> }, text: string, layer: Layer | 'base'): void {
  if (!target.details.some((d) => d.text === text)) target.details.push({ text, layer });
}
