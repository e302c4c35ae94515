import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The ApiObjects of an app by kind, for constructs whose validation looks at objects they did
 * not create (a cdk8s-plus Namespace of the same name, the workloads a Service selects). A walk
 * of the app per construct made synth quadratic (10,000 services: 30 s instead of 6 s); one walk
 * per validation pass is shared. A pass starts at the root, which cdk8s validates first: the root
 * validation registered here (and the mesh analysis, which validates constructs itself) drops
 * the index. A construct reading it twice is in a new pass nothing announced (its own
 * `node.validate()`): the index is rebuilt.
 */
interface Index {
  readonly byKind: Map<string, ApiObject[]>;
  readonly readers: WeakSet<object>;
}

const INDEX = new WeakMap<IConstruct, Index>();
const HOOKED = new WeakSet<IConstruct>();

/** Makes each validation pass of `scope`'s app start with a fresh index; call from a constructor. */
export function indexAppObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (HOOKED.has(root)) return;
  HOOKED.add(root);
  root.node.addValidation({ validate: () => startValidationPass(root) });
}

/** Drops the index of `root`'s app: what follows is a new validation pass. */
export function startValidationPass(root: IConstruct): string[] {
  INDEX.delete(root);
  return [];
}

/** The app's ApiObjects of one kind, in tree order; `reader` is the construct asking (see above). */
export function appObjectsOfKind(reader: object, scope: IConstruct, kind: string): readonly ApiObject[] {
  const root = scope.node.root;
  let index = INDEX.get(root);
  if (!index || index.readers.has(reader)) {
    const byKind = new Map<string, ApiObject[]>();
    for (const c of root.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      const list = byKind.get(c.kind);
      if (list) list.push(c);
      else byKind.set(c.kind, [c]);
    }
    index = { byKind, readers: new WeakSet() };
    INDEX.set(root, index);
  }
  index.readers.add(reader);
  return index.byKind.get(kind) ?? [];
}
