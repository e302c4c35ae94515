import { Construct, IConstruct, Node } from 'constructs';
import { fail, pathOf } from './validation-error';

/**
 * The id of a new construct, checked before it is handed to the base constructor:
 * `super(scope, uniqueChildId(scope, id))`.
 *
 * The constructs library rejects an empty id ("Only root constructs may have an empty ID") and
 * an id already used in the scope ("There is already a Construct with name ..."), crashes on an
 * id that is not a string, and turns '/' into '--' (so `a/b` and `a--b` are one id). Each of
 * these is reported here in our format instead, at the path the construct would have had.
 */
export function uniqueChildId(scope: IConstruct, id: string): string {
  if (!Construct.isConstruct(scope)) {
    fail(typeof id === 'string' && id.length > 0 ? id : '<new construct>', 'scope', 'must be a construct (a Chart, or a construct in one)',
      scope, 'Pass the chart (or construct) to create it in as the first argument.');
  }
  // Paths are built only for a message: apps create constructs by the thousand.
  const within = () => (scope.node.scope === undefined ? 'the app' : `'${pathOf(scope)}'`);
  const where = (childId: string) => (scope.node.scope === undefined ? childId : `${pathOf(scope)}/${childId}`);
  if (typeof id !== 'string' || id.length === 0) {
    fail(where(String(id)), 'id', `must be a non-empty string, unique within ${within()}`, id,
      "Give the construct an id such as 'reviews'; it also names the objects it creates.");
  }
  // Ids are stored with '/' escaped, as the base constructor will store this one.
  const stored = id.includes(Node.PATH_SEP) ? id.split(Node.PATH_SEP).join('--') : id;
  const existing = scope.node.tryFindChild(stored);
  if (existing !== undefined) {
    const escaped = stored === id ? '' : " ('/' in an id becomes '--')";
    fail(where(stored), 'id', `must be unique within ${within()}, but '${existing.node.path}' already uses it${escaped}`, id,
      'Give this construct another id.');
  }
  return id;
}

/**
 * The path a construct will have, for errors raised before it exists (arguments its base
 * constructor needs, checked before `super`).
 */
export function childPath(scope: IConstruct, id: string): string {
  // A scope that is no construct is reported by uniqueChildId; until then the id alone says where.
  if (!Construct.isConstruct(scope)) return String(id);
  return scope.node.scope === undefined ? id : `${pathOf(scope)}/${id}`;
}
