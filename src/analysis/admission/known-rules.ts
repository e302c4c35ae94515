/*
 * The CRD rules (x-kubernetes-validations) that nearly every Istio object carries, answered in
 * plain JavaScript for the values where the answer is certain; for any other value (and any other
 * rule) the CEL engine decides. An app whose values all fall in these cases never loads the
 * engine (about a tenth of a second: a tenth of a 1,000-service synth). test/analysis/
 * admission-cache.test.ts compares every answer with the engine's.
 */

type Schema = { [keyword: string]: any };

/** A rule's verdict on a value (`self`), or undefined when the CEL engine must decide. */
export type KnownRule = (self: unknown, schema: Schema) => boolean | undefined;

/**
 * Whether `has(self.field)` holds for the object, as CEL sees it on the API server: declared
 * fields after defaulting, others only where the schema keeps unknown fields (see toCel).
 */
export function presentField(schema: Schema, o: Record<string, unknown>, field: string): boolean {
  const props: Record<string, Schema> | undefined = schema.properties;
  const declared = props?.[field];
  const keepsOthers = !props || typeof schema.additionalProperties === 'object' || schema['x-kubernetes-preserve-unknown-fields'];
  const v = declared ? o[field] ?? declared.default : keepsOthers ? o[field] : undefined;
  return v !== undefined && v !== null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nanoseconds per unit of Go's time.ParseDuration (which CEL's duration() follows). */
const UNIT_NANOS: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };
/** Plain durations only (`10s`, `1h30m`, `0.5s`): no sign, no bare `0`, no leading dot. */
const PLAIN_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const DURATION_PART = /(\d+)(?:\.(\d+))?(h|ms|m|s|us|µs|ns)/g;

/** `duration(self) >= duration('1ms')` for plain durations well away from the limits. */
function atLeastOneMillisecond(self: unknown): boolean | undefined {
  if (typeof self !== 'string' || self.length > 40) return undefined;
  // Manifests repeat a few durations (`10s`, `2s`) thousands of times: each is read once.
  if (durationVerdicts.has(self)) return durationVerdicts.get(self);
  if (durationVerdicts.size >= 10_000) durationVerdicts.clear();
  let verdict: boolean | undefined;
  if (PLAIN_DURATION.test(self)) {
    let nanos = 0;
    for (const [, whole, fraction, unit] of self.matchAll(DURATION_PART)) {
      const scale = UNIT_NANOS[unit];
      nanos += Number(whole) * scale + (fraction ? Number(`0.${fraction}`) * scale : 0);
    }
    // Far below Go's overflow (292 years), and not within a rounding step of 1ms.
    verdict = nanos > 1e15 || Math.abs(nanos - 1e6) < 1 ? undefined : nanos >= 1e6;
  }
  durationVerdicts.set(self, verdict);
  return verdict;
}

const durationVerdicts = new Map<string, boolean | undefined>();

/** Whether every key of a CEL map (an object with no declared properties) passes `test`; undefined for other values. */
function everyKey(self: unknown, schema: Schema, test: (key: string) => boolean): boolean | undefined {
  if (!isObject(self) || schema.properties) return undefined;
  for (const k in self) {
    if (self[k] !== undefined && self[k] !== null && !test(k)) return false;
  }
  return true;
}

const withoutWildcard = (key: string) => !key.includes('*');
const nonEmpty = (key: string) => key !== '';

const RULES = new Map<string, KnownRule>([
  ["duration(self) >= duration('1ms')", atLeastOneMillisecond],
  ['!self.contains("*")', (self) => (typeof self === 'string' ? !self.includes('*') : undefined)],
  ['0 < self && self <= 65535', (self) => (typeof self === 'number' && Number.isInteger(self) ? self > 0 && self <= 65535 : undefined)],
  ["!('*' in self && self.size() > 1)", (self) => (Array.isArray(self) && self.every((x) => typeof x === 'string') ? !(self.includes('*') && self.length > 1) : undefined)],
  ['self.all(key, !key.contains("*"))', (self, schema) => everyKey(self, schema, withoutWildcard)],
  ['self.all(key, key.size() != 0)', (self, schema) => everyKey(self, schema, nonEmpty)],
]);

/** `(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) ... <= 1` (or `== 1`): how many of the fields are set. */
const COUNT_OF_FIELDS = /^\(has\(self\.(\w+)\) \? 1 : 0\)(?: \+ \(has\(self\.\w+\) \? 1 : 0\))* (<=|==) 1$/;
/** `has(self.a) ? (...) : true`: nothing to check while the field is absent. */
const ONLY_WITH_FIELD = /^has\(self\.(\w+)\) \? \(([^]*)\) : true$/;

/** A rule about which fields are set, with the object's fields as arguments. */
function countOfFields(rule: string): KnownRule | undefined {
  const m = COUNT_OF_FIELDS.exec(rule);
  if (!m) return undefined;
  const fields = [...rule.matchAll(/has\(self\.(\w+)\)/g)].map((f) => f[1]);
  const atMostOne = m[2] === '<=';
  return (self, schema) => {
    if (!isObject(self)) return undefined;
    const set = fields.filter((f) => presentField(schema, self, f)).length;
    return atMostOne ? set <= 1 : set === 1;
  };
}

/** The parenthesized expression's closing parenthesis is the last character: `(a) && (b)` is not one expression. */
function oneParenthesizedExpression(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // Skip string literals (no escaped quotes in the rules this applies to: give up on a backslash).
      const end = text.indexOf(c, i + 1);
      if (end < 0 || text.slice(i, end).includes('\\')) return false;
      i = end;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === -1) return i === text.length - 1;
    }
  }
  return false;
}

function onlyWithField(rule: string): KnownRule | undefined {
  const m = ONLY_WITH_FIELD.exec(rule);
  if (!m || !oneParenthesizedExpression(`${m[2]})`)) return undefined;
  const field = m[1];
  return (self, schema) => (isObject(self) && !presentField(schema, self, field) ? true : undefined);
}

/** The AuthorizationPolicy source rule: service accounts exclude principals and namespaces. */
const SERVICE_ACCOUNTS_EXCLUSIVE = '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && '
  + '!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true';

function serviceAccountsExclusive(self: unknown, schema: Schema): boolean | undefined {
  if (!isObject(self)) return undefined;
  const has = (f: string) => presentField(schema, self, f);
  if (!has('serviceAccounts') && !has('notServiceAccounts')) return true;
  return !has('principals') && !has('notPrincipals') && !has('namespaces') && !has('notNamespaces');
}

const known = new Map<string, KnownRule | null>();

/** The JavaScript answer to a rule, when it is one of the rules above. */
export function knownRule(rule: string): KnownRule | undefined {
  let k = known.get(rule);
  if (k === undefined) {
    const text = rule.replace(/\s+/g, ' ').trim();
    k = RULES.get(text) ?? (text === SERVICE_ACCOUNTS_EXCLUSIVE ? serviceAccountsExclusive : undefined)
      ?? countOfFields(text) ?? onlyWithField(text) ?? null;
    known.set(rule, k);
  }
  return k ?? undefined;
}
