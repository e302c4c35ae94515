import { IConstruct } from 'constructs';

const STORES = new WeakMap<IConstruct, Map<string, unknown>>();

/**
 * State shared by all constructs of one app (the traffic model, the name registry, the
 * security registry, warnings), created on first use. Keyed by the construct tree's root, so
 * two apps in one process (tests) never see each other's state.
 */
export function perApp<T>(scope: IConstruct, key: string, create: () => T): T {
  const root = rootOf(scope);
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
