import { Construct, IConstruct } from 'constructs';
import { reportDeferred } from './deferred-checks';
import { fail } from './validation-error';

/**
 * The kind of a prop's value, checked for callers without a type checker (JavaScript, YAML
 * turned into props, `as any`): an enum prop given a string outside the enum, a boolean given
 * `'yes'`, a list given a string, one of our classes given a plain object. Each is reported in
 * the standard format, naming the prop, instead of a TypeError deep inside a construct or a
 * value that only the API server would reject.
 */

/** The values (and member names) of an enum, computed once per enum. */
const ENUM_MEMBERS = new WeakMap<object, { values: string[]; keys: string[] }>();

function membersOf(type: Record<string, string>): { values: string[]; keys: string[] } {
  let members = ENUM_MEMBERS.get(type);
  if (!members) {
    members = { keys: Object.keys(type), values: Object.values(type) };
    ENUM_MEMBERS.set(type, members);
  }
  return members;
}

/**
 * A value of a string enum: `mtls: 'strict'` fails with "mtls must be one of STRICT,
 * PERMISSIVE, DISABLE, got 'strict'. Did you mean 'STRICT'?". `enumName` is the enum as the
 * user imports it (`'MtlsMode'`), for the hint when no value is close.
 */
export function checkEnum<T extends string>(scope: IConstruct | string, property: string, value: T, type: Record<string, T>, enumName: string): T;
export function checkEnum<T extends string>(
  scope: IConstruct | string, property: string, value: T | undefined, type: Record<string, T>, enumName: string): T | undefined;
export function checkEnum<T extends string>(
  scope: IConstruct | string, property: string, value: T | undefined, type: Record<string, T>, enumName: string,
): T | undefined {
  if (value === undefined) return undefined;
  const { values, keys } = membersOf(type);
  if (values.includes(value)) return value;
  const close = closestMember(value, values, keys);
  fail(scope, property, `must be one of ${values.join(', ')}`, value,
    close !== undefined ? `Did you mean '${close}'?` : `Use ${enumName}, e.g. ${enumName}.${keys[0]}.`);
}

/** A list of enum values (`retryOn: [RetryOn.FIVE_XX]`): a list, each entry checked as `<property>[i]`. */
export function checkEnumList<T extends string>(
  scope: IConstruct | string, property: string, list: T[] | undefined, type: Record<string, T>, enumName: string,
): T[] | undefined {
  if (list === undefined) return undefined;
  checkList(scope, property, list);
  list.forEach((value, i) => checkEnum(scope, `${property}[${i}]`, value, type, enumName));
  return list;
}

/** A boolean prop: `true` or `false` (not `'true'`, `1` or `'yes'`, which JavaScript would read as truthy). */
export function checkBoolean(scope: IConstruct | string, property: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    const quoted = typeof value === 'string' && /^(true|false)$/i.test(value) ? `: ${(value as string).toLowerCase()}, without quotes` : '';
    fail(scope, property, 'must be true or false', value, `Use a boolean${quoted}.`);
  }
  return value;
}

/** A list prop: an array (a string would be read character by character, an object not at all). */
export function checkList<T>(scope: IConstruct | string, property: string, value: T[]): T[];
export function checkList<T>(scope: IConstruct | string, property: string, value: T[] | undefined): T[] | undefined;
export function checkList<T>(scope: IConstruct | string, property: string, value: T[] | undefined): T[] | undefined {
  if (value !== undefined && !Array.isArray(value)) {
    fail(scope, property, 'must be a list', value, typeof value === 'string' ? `Put the value in a list: ['${value}'].` : 'Pass an array.');
  }
  return value;
}

/**
 * An options object (props, an entry of a list of options): not a string, a list or null,
 * whose fields would otherwise be read as undefined (silently dropping them) or crash.
 * `required` for props without a default (left out, they are `undefined`).
 */
export function checkObject<T extends object>(scope: IConstruct | string, property: string, value: T, required?: boolean): T;
export function checkObject<T extends object>(scope: IConstruct | string, property: string, value: T | undefined, required?: boolean): T | undefined;
export function checkObject<T extends object>(scope: IConstruct | string, property: string, value: T | undefined, required = false): T | undefined {
  if ((value !== undefined || required) && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    fail(scope, property, 'must be an object', value, 'Pass an object literal such as { ... } with the documented fields.');
  }
  return value;
}

/** A class, also one with a private constructor (made by static factories). */
export interface ClassOf<T> {
  readonly prototype: T;
  readonly name: string;
}

/**
 * A value that must be an instance of one of our classes (a MeshService, a PolicyTarget, a
 * cdk8s Duration): a plain object that looks alike has none of its methods or hidden state.
 * `hint` says how to make one, e.g. "Use MeshService.fromName('reviews', 'default').". What the
 * value's factory postponed (core/deferred-checks) is reported here too, against `property`.
 */
export function checkInstance<T>(scope: IConstruct | string, property: string, value: T, type: ClassOf<T>, hint: string): T;
export function checkInstance<T>(
  scope: IConstruct | string, property: string, value: T | undefined, type: ClassOf<T>, hint: string): T | undefined;
export function checkInstance<T>(
  scope: IConstruct | string, property: string, value: T | undefined, type: ClassOf<T>, hint: string,
): T | undefined {
  if (value === undefined) return value;
  if (!(value instanceof (type as unknown as abstract new () => T))) fail(scope, property, `must be ${withArticle(type.name)}`, value, hint);
  // What its factory found wrong is reported here, against the prop the user wrote.
  reportDeferred(scope, property, value);
  return value;
}

/** `an ExtensionProvider`, `a TrustAnchor`. */
function withArticle(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** `checkInstance` for a value that must be there: a list item, a required argument. */
export function checkRequiredInstance<T>(scope: IConstruct | string, property: string, value: T, type: ClassOf<T>, hint: string): T {
  if (value === undefined) fail(scope, property, `must be ${withArticle(type.name)}`, value, hint);
  return checkInstance(scope, property, value, type, hint);
}

/**
 * An object of the app made with cdk8s or cdk8s-plus (a kplus Service, Deployment or
 * ServiceAccount), from which a factory reads the name, namespace and labels. Asked by shape:
 * an app may load its own copy of cdk8s-plus.
 */
export function checkApiObject(scope: IConstruct | string, property: string, value: unknown, hint: string): void {
  const candidate = value as { metadata?: unknown; name?: unknown } | null;
  if (!Construct.isConstruct(value) || typeof candidate?.metadata !== 'object' || typeof candidate?.name !== 'string') {
    fail(scope, property, 'must be a cdk8s-plus object of this app', value, hint);
  }
}

/**
 * The member a mistyped value most likely meant: the same letters in another case or with
 * other separators (`'strict'`, `'grpc_web'`), the member's name instead of its value
 * (`'FIVE_XX'` for `'5xx'`), or a spelling one or two letters off.
 */
function closestMember(value: unknown, values: string[], keys: string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const normal = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = normal(value);
  if (wanted.length === 0) return undefined;
  const same = values.findIndex((v, i) => normal(v) === wanted || normal(keys[i]) === wanted);
  if (same !== -1) return values[same];
  let best: string | undefined;
  let bestDistance = 3;
  for (const v of values) {
    const candidate = normal(v);
    if (candidate.length < 4) continue;
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance) {
      best = v;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (values are short member names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
