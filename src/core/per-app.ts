import { IConstruct } from 'constructs';

const STORES = new WeakMap<IConstruct, Map<string, unknown>>();

/** What a cluster of a several-cluster app tells the constructs inside it. */
export interface ClusterScope {
  /** The construct that is the cluster (a MeshCluster chart). */
  readonly construct: IConstruct;
  /** The cluster's name (Istio `clusterName`). */
  readonly clusterName: string;
  /** The stem of the files the cluster's output goes to (`<stem>.k8s.yaml`, `<stem>.istiod-values.yaml`). */
  readonly fileStem: string;
  /** The cluster's trust domain. */
  readonly trustDomain: string;
  /** The cluster's DNS domain. */
  readonly clusterDomain: string;
}

const CLUSTERS = new WeakMap<IConstruct, ClusterScope>();
/** The clusters of each app, by the app's root, in the order they were created. */
const CLUSTERS_OF_APP = new WeakMap<IConstruct, ClusterScope[]>();

/**
 * Makes `scope` (a MeshCluster) a boundary of per-app state: constructs inside it get the
 * cluster's own traffic model, name registry, security registry and mesh configuration, as
 * separate clusters have. Called before any construct is added inside it.
 */
export function markClusterScope(scope: ClusterScope): void {
  CLUSTERS.set(scope.construct, scope);
  const root = rootOf(scope.construct);
  const clusters = CLUSTERS_OF_APP.get(root) ?? [];
  clusters.push(scope);
  CLUSTERS_OF_APP.set(root, clusters);
}

/** The clusters of the app `scope` belongs to, so far (none when the app describes one cluster). */
export function clusterScopesOfApp(scope: IConstruct): readonly ClusterScope[] {
  return CLUSTERS_OF_APP.get(rootOf(scope)) ?? [];
}

/** The cluster `scope` is in, when the app describes several clusters. */
export function clusterScopeOf(scope: IConstruct): ClusterScope | undefined {
  for (let current: IConstruct | undefined = scope; current; current = current.node.scope) {
    const cluster = CLUSTERS.get(current);
    if (cluster) return cluster;
  }
  return undefined;
}

/**
 * State shared by all constructs of one app (the traffic model, the name registry, the
 * security registry, the mesh configuration), created on first use. Keyed by the construct
 * tree's root, so two apps in one process (tests) never see each other's state; in an app of
 * several MeshClusters, by the cluster, since each cluster has its own.
 */
export function perApp<T>(scope: IConstruct, key: string, create: () => T): T {
  const root = stateRootOf(scope);
  let store = STORES.get(root);
  if (!store) {
    store = new Map();
    STORES.set(root, store);
  }
  let value = store.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    store.set(key, value);
  }
  return value;
}

/**
 * The root of the construct tree. `node.root` builds the array of every scope on the way to
 * answer; this runs several times for each construct of large apps.
 */
export function rootOf(scope: IConstruct): IConstruct {
  let current = scope;
  for (let parent = current.node.scope; parent; parent = parent.node.scope) current = parent;
  return current;
}

/** The construct per-app state is keyed by: the enclosing MeshCluster, else the root. */
function stateRootOf(scope: IConstruct): IConstruct {
  let current = scope;
  for (let parent = current.node.scope; ; parent = parent.node.scope) {
    if (CLUSTERS.has(current) || !parent) return current;
    current = parent;
  }
}
