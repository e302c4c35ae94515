/**
 * Admission as the API server does it, offline: an object is checked against the structural
 * schema of its CRD version (value validations, unknown and null fields the server would prune
 * silently) and against the CRD's `x-kubernetes-validations` CEL rules, after defaulting.
 *
 * One walk per object over the object and its schema together, so validation stays linear in
 * the size of the manifests; regexps and CEL programs are compiled once per schema node.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { CompiledRule, compileRule, escapeProperty, evaluate, FAILED, PASSED, RuleResult } from './cel';
import { KnownRule, knownRule, presentField } from './known-rules';

/** A problem found by the admission checks. */
export interface AdmissionProblem {
  /** `CIS1001` schema, `CIS1002` CEL rule violated, `CIS1000` CEL rule we cannot evaluate. */
  readonly code: 'CIS1000' | 'CIS1001' | 'CIS1002';
  readonly message: string;
}

/** The schema of one CRD version, as `npx projen schemas` writes it. */
export interface CrdEntry {
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schema: Schema;
}

type Schema = { [keyword: string]: any };

let schemas: Record<string, CrdEntry> | undefined;

/** The committed schemas (`npx projen schemas`), read on first use. */
export function admissionSchemas(): Record<string, CrdEntry> {
  schemas ??= JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas.json'), 'utf8'));
  return schemas!;
}

/** The schema of an apiVersion/kind, when it is one of the versions we check. */
export function schemaFor(apiVersion: string, kind: string): CrdEntry | undefined {
  // Two map lookups per object instead of building `apiVersion/kind` for each.
  let kinds = schemasByVersion.get(apiVersion);
  if (!kinds) schemasByVersion.set(apiVersion, (kinds = new Map()));
  if (kinds.has(kind)) return kinds.get(kind);
  const entry = admissionSchemas()[`${apiVersion}/${kind}`];
  kinds.set(kind, entry);
  return entry;
}

const schemasByVersion = new Map<string, Map<string, CrdEntry | undefined>>();

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const patterns = new WeakMap<Schema, RegExp | null>();

function patternOf(schema: Schema): RegExp | null {
  let re = patterns.get(schema);
  if (re === undefined) {
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch {
      // The API server compiles patterns with Go's regexp; the few RE2 forms JS lacks are not checked.
      re = null;
    }
    patterns.set(schema, re);
  }
  return re;
}

/** Values in messages as the API server prints them: scalars as JSON (long ones cut), objects and lists by type. */
function show(v: unknown): string {
  if (Array.isArray(v)) return '"array"';
  if (v && typeof v === 'object') return '"object"';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function jsType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    default: return true;
  }
}

const FORMATS: Record<string, (s: string) => boolean> = {
  'ipv4': (s) => net.isIPv4(s),
  'ipv6': (s) => net.isIPv6(s),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  'byte': (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
};

/** Integer formats and their ranges (int64 as far as a JavaScript number tells). */
const INTEGER_FORMATS: Record<string, readonly [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

/** A key identifying a list element (list-type `set` or `map`) for duplicate detection. */
function elementKey(schema: Schema, item: unknown): string {
  if (schema['x-kubernetes-list-type'] === 'map' && item && typeof item === 'object') {
    const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
    const defaults = schema.items?.properties ?? {};
    return JSON.stringify(keys.map((k) => (item as any)[k] ?? defaults[k]?.default ?? null));
  }
  return JSON.stringify(item);
}

const COMBINATORS = ['oneOf', 'anyOf', 'allOf', 'not'] as const;

/** The message the API server gives for a failed rule. */
function messageOf(rule: { rule: string; message?: string }): string {
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/**
 * A schema node with the keywords the walk reads for every value, read once. The schemas come from
 * JSON, where each node has its own set of keywords (and so its own object shape): reading them
 * through one class keeps the walk's property accesses fast, which matters at 100,000 objects.
 */
class Node {
  public readonly nullable: boolean;
  public readonly intOrString: boolean;
  public readonly type: string | undefined;
  /** Any value validation besides the type (enum, ranges, lengths, pattern, format, counts). */
  public readonly constrained: boolean;
  /** oneOf, anyOf, allOf or not. */
  public readonly combined: boolean;
  public readonly hasRules: boolean;
  public readonly properties: Map<string, Node> | undefined;
  /** The schema of undeclared properties (a map's values). */
  public readonly additional: Node | undefined;
  /** Undeclared properties are kept without a schema (`additionalProperties: true`, preserve-unknown-fields). */
  public readonly keepsUnknown: boolean;
  public readonly required: readonly string[] | undefined;
  public readonly items: Node | undefined;
  /** A list whose items must be unique (list-type set or map, uniqueItems). */
  public readonly uniqueItems: boolean;
  /**
   * A node with nothing to check on a scalar but its type: most leaves. Its scalar values are
   * checked inline by the walk, without entering the node.
   */
  public readonly plainLeaf: boolean;

  constructor(public readonly raw: Schema) {
    this.nullable = raw.nullable === true;
    this.intOrString = raw['x-kubernetes-int-or-string'] === true;
    this.type = typeof raw.type === 'string' ? raw.type : undefined;
    this.constrained = CONSTRAINTS.some((k) => raw[k] !== undefined);
    this.combined = COMBINATORS.some((k) => raw[k] !== undefined);
    this.hasRules = Array.isArray(raw['x-kubernetes-validations']) && raw['x-kubernetes-validations'].length > 0;
    this.properties = raw.properties ? new Map(Object.entries(raw.properties as Record<string, Schema>).map(([k, s]) => [k, nodeOf(s)])) : undefined;
    this.additional = typeof raw.additionalProperties === 'object' && raw.additionalProperties !== null ? nodeOf(raw.additionalProperties) : undefined;
    this.keepsUnknown = raw.additionalProperties === true || raw['x-kubernetes-preserve-unknown-fields'] === true;
    this.required = Array.isArray(raw.required) && raw.required.length > 0 ? raw.required : undefined;
    this.items = raw.items ? nodeOf(raw.items) : undefined;
    const listType = raw['x-kubernetes-list-type'];
    this.uniqueItems = listType === 'set' || listType === 'map' || raw.uniqueItems === true;
    this.plainLeaf = !this.intOrString && !this.constrained && !this.combined && !this.hasRules;
  }
}

/** The keywords `constraints` checks. */
const CONSTRAINTS = ['enum', 'minimum', 'maximum', 'format', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'maxProperties', 'minProperties'];

const nodes = new WeakMap<Schema, Node>();

function nodeOf(schema: Schema): Node {
  let node = nodes.get(schema);
  if (!node) {
    node = new Node(schema);
    nodes.set(schema, node);
  }
  return node;
}

class Walk {
  public readonly problems: AdmissionProblem[] = [];
  /**
   * The path of the node being checked, as keys and how each is written (`.key`, `[key]` for map
   * keys, `[i]`): kept as a stack and spelled out only for a problem, so valid objects (nearly all
   * of them) cost no string per node.
   */
  private readonly keys: Array<string | number> = [];
  private readonly mapKeys: boolean[] = [];

  /** The current path (`spec.http[0].route`), with `child` appended when given. */
  public where(child?: string, mapKey = false): string {
    let out = '';
    const segment = (key: string | number, asMapKey: boolean) => {
      if (typeof key === 'number' || asMapKey) out += `[${key}]`;
      else out += out ? `.${key}` : key;
    };
    for (let i = 0; i < this.keys.length; i++) segment(this.keys[i], this.mapKeys[i]);
    if (child !== undefined) segment(child, mapKey);
    return out;
  }

  public schemaError(where: string, detail: string): void {
    this.problems.push({ code: 'CIS1001', message: where ? `${where}: ${detail}` : detail });
  }

  private enter(key: string | number, mapKey = false): void {
    this.keys.push(key);
    this.mapKeys.push(mapKey);
  }

  private leave(): void {
    this.keys.pop();
    this.mapKeys.pop();
  }

  /**
   * Validates `value` against `schema` at the current path; returns false when its type is wrong,
   * so the caller (and the CEL rules of enclosing nodes) do not evaluate it further.
   */
  public value(node: Node, value: unknown, rules: boolean): boolean {
    if (value === null) {
      if (node.nullable) return true;
      this.schemaError(this.where(), 'null value: the API server drops it silently (pruning), so the field would not be set');
      return false;
    }
    if (node.intOrString) {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
        this.schemaError(this.where(), `Invalid value: ${show(value)}: must be an integer or a string, got ${jsType(value)}`);
        return false;
      }
    } else if (node.type && !typeMatches(node.type, value)) {
      this.schemaError(this.where(), `Invalid value: ${show(value)}: must be of type ${node.type}, got ${jsType(value)}`);
      return false;
    }
    if (node.constrained) this.constraints(node.raw, value);
    if (node.combined) {
      for (const alt of COMBINATORS) if (node.raw[alt]) this.combinator(alt, node.raw[alt], value);
    }
    let ok = true;
    if (Array.isArray(value)) {
      ok = this.array(node, value, rules);
    } else if (typeof value === 'object') {
      ok = this.object(node, value as Record<string, unknown>, rules);
    }
    if (ok && rules && node.hasRules) this.cel(node, value);
    return true;
  }

  private constraints(schema: Schema, v: unknown): void {
    if (schema.enum && schema.enum.indexOf(v) < 0) {
      this.schemaError(this.where(), `Unsupported value: ${show(v)}: supported values: ${schema.enum.map((e: unknown) => show(e)).join(', ')}`);
    }
    if (typeof v === 'number') {
      if (schema.minimum !== undefined && (schema.exclusiveMinimum ? v <= schema.minimum : v < schema.minimum)) {
        this.schemaError(this.where(), `Invalid value: ${v}: should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`);
      }
      if (schema.maximum !== undefined && (schema.exclusiveMaximum ? v >= schema.maximum : v > schema.maximum)) {
        this.schemaError(this.where(), `Invalid value: ${v}: should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`);
      }
      // The API server checks integer formats as ranges; istiod could not decode a value outside them either.
      const range = schema.format ? INTEGER_FORMATS[schema.format] : undefined;
      if (range && (v < range[0] || v > range[1])) {
        this.schemaError(this.where(), `Invalid value: ${v}: must be of type ${schema.format}`);
      }
    } else if (typeof v === 'string') {
      // Kubernetes counts characters (runes), not UTF-16 units.
      const length = schema.maxLength !== undefined || schema.minLength !== undefined ? runeCount(v) : 0;
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        this.schemaError(this.where(), `Too long: may not be more than ${schema.maxLength} bytes, got ${length}`);
      }
      if (schema.minLength !== undefined && length < schema.minLength) {
        this.schemaError(this.where(), `Invalid value: ${show(v)}: should be at least ${schema.minLength} chars long`);
      }
      if (schema.pattern !== undefined) {
        const re = patternOf(schema);
        if (re && !re.test(v)) this.schemaError(this.where(), `Invalid value: ${show(v)}: should match '${schema.pattern}'`);
      }
      if (schema.format && FORMATS[schema.format] && !FORMATS[schema.format](v)) {
        this.schemaError(this.where(), `Invalid value: ${show(v)}: must be of type ${schema.format}`);
      }
    } else if (Array.isArray(v)) {
      if (schema.maxItems !== undefined && v.length > schema.maxItems) {
        this.schemaError(this.where(), `Too many: ${v.length}: must have at most ${schema.maxItems} items`);
      }
      if (schema.minItems !== undefined && v.length < schema.minItems) {
        this.schemaError(this.where(), `Invalid value: ${v.length}: should have at least ${schema.minItems} items`);
      }
    } else if (v && typeof v === 'object' && (schema.maxProperties !== undefined || schema.minProperties !== undefined)) {
      const n = Object.keys(v).length;
      if (schema.maxProperties !== undefined && n > schema.maxProperties) {
        this.schemaError(this.where(), `Too many: ${n}: must have at most ${schema.maxProperties} items`);
      }
      if (schema.minProperties !== undefined && n < schema.minProperties) {
        this.schemaError(this.where(), `Invalid value: ${n}: should have at least ${schema.minProperties} properties`);
      }
    }
  }

  /** oneOf/anyOf/allOf/not hold value validations only (structural schemas); branches are probed with `conforms`. */
  private combinator(alt: 'oneOf' | 'anyOf' | 'allOf' | 'not', branches: Schema | Schema[], v: unknown): void {
    if (alt === 'not') {
      if (conforms(branches as Schema, v)) this.schemaError(this.where(), `Invalid value: ${show(v)}: must not validate the schema (not)`);
      return;
    }
    const list = branches as Schema[];
    if (alt === 'allOf') {
      for (const s of list) this.valueOnly(s, v);
      return;
    }
    let valid = 0;
    for (const s of list) if (conforms(s, v)) valid++;
    if (alt === 'oneOf' && valid !== 1) {
      this.schemaError(this.where(), `Invalid value: ${show(v)}: must validate one and only one schema (oneOf), ${valid} matched`
        + (valid > 1 ? ': set only one of the mutually exclusive fields' : ''));
    } else if (alt === 'anyOf' && valid === 0) {
      this.schemaError(this.where(), `Invalid value: ${show(v)}: must validate at least one schema (anyOf)`);
    }
  }

  /** The value validations of a combinator branch, without pruning or CEL. */
  private valueOnly(schema: Schema, v: unknown): void {
    if (schema.type && !typeMatches(schema.type, v)) {
      this.schemaError(this.where(), `Invalid value: ${show(v)}: must be of type ${schema.type}`);
      return;
    }
    this.constraints(schema, v);
    if (schema.required && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const r of schema.required) if ((v as any)[r] === undefined) this.schemaError(this.where(r), 'Required value');
    }
    for (const alt of COMBINATORS) if (schema[alt]) this.combinator(alt, schema[alt], v);
    if (schema.properties && v && typeof v === 'object') {
      for (const [k, s] of Object.entries(schema.properties as Record<string, Schema>)) {
        if ((v as any)[k] === undefined) continue;
        this.enter(k);
        this.valueOnly(s, (v as any)[k]);
        this.leave();
      }
    }
    if (schema.items && Array.isArray(v)) {
      v.forEach((item, i) => {
        this.enter(i);
        this.valueOnly(schema.items, item);
        this.leave();
      });
    }
  }

  private array(node: Node, v: unknown[], rules: boolean): boolean {
    let ok = true;
    const seen = node.uniqueItems ? new Set<string>() : undefined;
    const items = node.items;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      // A scalar of the right type where only the type is checked: nothing more to do.
      if (!seen && items?.plainLeaf && isScalarOf(items.type, item)) continue;
      this.enter(i);
      if (items && !this.value(items, item, rules)) ok = false;
      if (seen) {
        const key = elementKey(node.raw, item);
        if (seen.has(key)) this.schemaError(this.where(), `Duplicate value: ${node.raw['x-kubernetes-list-type'] === 'map' ? key : show(item)}`);
        seen.add(key);
      }
      this.leave();
    }
    return ok;
  }

  private object(node: Node, v: Record<string, unknown>, rules: boolean): boolean {
    let ok = true;
    const props = node.properties;
    if (node.required) {
      for (const r of node.required) {
        if (v[r] === undefined && props?.get(r)?.raw.default === undefined) {
          this.schemaError(this.where(r), 'Required value');
          ok = false;
        }
      }
    }
    const root = this.keys.length === 0;
    for (const k in v) {
      const child = v[k];
      // metadata is ObjectMeta, checked by the API server itself (see metadata()).
      if (child === undefined || (root && k === 'metadata')) continue;
      const property = props?.get(k);
      const s = property ?? node.additional;
      // A scalar of the right type where only the type is checked (most fields): nothing more to do.
      if (s?.plainLeaf && isScalarOf(s.type, child)) continue;
      if (s) {
        this.enter(k, !property);
        if (!this.value(s, child, rules)) ok = false;
        this.leave();
      } else if (!node.keepsUnknown && !(root && k in TOP_LEVEL)) {
        this.schemaError('', `unknown field "${this.where(k)}": the API server drops it silently (pruning); check its name and indentation`);
      }
    }
    return ok;
  }

  private cel(node: Node, value: unknown): void {
    let self: unknown;
    const scalar = typeof value !== 'object';
    for (const r of rulesOf(node)) {
      const rule = r.rule;
      // The common rules are answered without CEL where the answer is certain (see known-rules.ts).
      const verdict = r.known?.(value, node.raw);
      let result: RuleResult | undefined = verdict === undefined ? undefined : verdict ? PASSED : FAILED;
      if (!result) {
        const compiled = r.compiled();
        if (!compiled.ok) {
          this.problems.push({ code: 'CIS1000', message: `${this.where() || '<root>'}: cannot evaluate the CRD rule \`${rule.rule}\`: ${compiled.reason}` });
          continue;
        }
        // Transition rules (oldSelf) only run on updates; the manifests we analyze are creations.
        if (compiled.usesOldSelf) continue;
        // A rule's result is kept per value for scalars, and per projection (the fields it reads) for objects where one exists.
        const key = scalar ? value : projectionKey(r.projection, node.raw, value as Record<string, unknown>);
        result = key === NO_PROJECTION ? undefined : r.result(scalar, key);
        if (!result) {
          result = evaluate(compiled, scalar ? toCel(node.raw, value) : (self ??= toCel(node.raw, value)));
          if (key !== NO_PROJECTION) r.keep(scalar, key, result);
        }
      }
      if ('passed' in result) {
        if (!result.passed) this.problems.push({ code: 'CIS1002', message: `${this.where() || '<root>'}: Invalid value: ${show(value)}: ${messageOf(rule)}` });
      } else if (result.unevaluable) {
        this.problems.push({ code: 'CIS1000', message: `${this.where() || '<root>'}: cannot evaluate the CRD rule \`${rule.rule}\`: ${result.error}` });
      } else {
        // The API server rejects the object with the runtime error (a bad duration, a missing key...).
        this.problems.push({ code: 'CIS1002', message: `${this.where() || '<root>'}: Invalid value: ${show(value)}: ${result.error} evaluating rule: ${messageOf(rule)}` });
      }
    }
  }
}

/**
 * Whether a value passes a combinator branch's value validations: `Walk.valueOnly` without the
 * messages. oneOf branches fail routinely (that is how oneOf works), so probing them must not
 * build problem texts.
 */
function conforms(schema: Schema, v: unknown): boolean {
  if (schema.type && !typeMatches(schema.type, v)) return false;
  if (schema.enum && schema.enum.indexOf(v) < 0) return false;
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? v <= schema.minimum : v < schema.minimum)) return false;
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? v >= schema.maximum : v > schema.maximum)) return false;
    const range = schema.format ? INTEGER_FORMATS[schema.format] : undefined;
    if (range && (v < range[0] || v > range[1])) return false;
  } else if (typeof v === 'string') {
    const length = schema.maxLength !== undefined || schema.minLength !== undefined ? runeCount(v) : 0;
    if (schema.maxLength !== undefined && length > schema.maxLength) return false;
    if (schema.minLength !== undefined && length < schema.minLength) return false;
    if (schema.pattern !== undefined) {
      const re = patternOf(schema);
      if (re && !re.test(v)) return false;
    }
    if (schema.format && FORMATS[schema.format] && !FORMATS[schema.format](v)) return false;
  } else if (Array.isArray(v)) {
    if (schema.maxItems !== undefined && v.length > schema.maxItems) return false;
    if (schema.minItems !== undefined && v.length < schema.minItems) return false;
  } else if (v && typeof v === 'object' && (schema.maxProperties !== undefined || schema.minProperties !== undefined)) {
    const n = Object.keys(v).length;
    if (schema.maxProperties !== undefined && n > schema.maxProperties) return false;
    if (schema.minProperties !== undefined && n < schema.minProperties) return false;
  }
  const isObject = v !== null && typeof v === 'object' && !Array.isArray(v);
  if (schema.required && isObject) {
    for (const r of schema.required) if ((v as any)[r] === undefined) return false;
  }
  if (schema.not && conforms(schema.not, v)) return false;
  if (schema.allOf) for (const s of schema.allOf) if (!conforms(s, v)) return false;
  if (schema.oneOf || schema.anyOf) {
    for (const alt of ['oneOf', 'anyOf'] as const) {
      if (!schema[alt]) continue;
      let valid = 0;
      for (const s of schema[alt]) if (conforms(s, v)) valid++;
      if (alt === 'oneOf' ? valid !== 1 : valid === 0) return false;
    }
  }
  if (schema.properties && v && typeof v === 'object') {
    for (const k in schema.properties) {
      const child = (v as any)[k];
      if (child !== undefined && !conforms(schema.properties[k], child)) return false;
    }
  }
  if (schema.items && Array.isArray(v)) {
    for (const item of v) if (!conforms(schema.items, item)) return false;
  }
  return true;
}

/** Whether `v` is a non-null scalar (string, number, boolean) that `type` accepts (any type when none is given). */
function isScalarOf(type: string | undefined, v: unknown): boolean {
  switch (typeof v) {
    case 'string': return type === undefined || type === 'string';
    case 'boolean': return type === undefined || type === 'boolean';
    case 'number': return type === undefined || type === 'number' || (type === 'integer' && Number.isInteger(v));
    default: return false;
  }
}

/** Characters (runes) of a string: its length unless it holds surrogate pairs. */
function runeCount(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) return [...s].length;
  }
  return s.length;
}

/**
 * CEL is pure: on a scalar, a rule's result depends on the value alone; on an object, on the parts
 * of it the rule reads. Generated apps repeat the same durations and hosts, and the same shapes,
 * thousands of times, so each rule of each schema node keeps its results (bounded in all) per value,
 * or per projection.
 */
class NodeRule {
  private scalars = new Map<unknown, RuleResult>();
  private objects = new Map<unknown, RuleResult>();
  private generation = resultGeneration;
  private program?: CompiledRule;
  /** The JavaScript answer for the common rules, which spares loading the CEL engine. */
  public readonly known: KnownRule | undefined;
  public readonly projection: Projection;

  constructor(public readonly rule: { readonly rule: string; readonly message?: string; readonly parsed?: string }) {
    this.known = knownRule(rule.rule);
    this.projection = projectionOf(rule.rule);
  }

  /** The rule compiled, on first need (compiling loads the CEL engine). */
  public compiled(): CompiledRule {
    this.program ??= compileRule(this.rule.rule, this.rule.parsed);
    return this.program;
  }

  public result(scalar: boolean, key: unknown): RuleResult | undefined {
    if (this.generation !== resultGeneration) {
      this.scalars = new Map();
      this.objects = new Map();
      this.generation = resultGeneration;
    }
    return (scalar ? this.scalars : this.objects).get(key);
  }

  public keep(scalar: boolean, key: unknown, result: RuleResult): void {
    if (++resultCount > MAX_RESULTS) {
      // Every node's results start over (checked lazily by `result`).
      resultGeneration++;
      resultCount = 0;
      return;
    }
    // (1 and '1' are different keys: no string is built per lookup)
    (scalar ? this.scalars : this.objects).set(key, result);
  }
}

/** How many results are kept in all (a few MB): apps with more distinct values evaluate some twice. */
const MAX_RESULTS = 200_000;
let resultCount = 0;
let resultGeneration = 0;

const nodeRules = new WeakMap<Node, NodeRule[]>();

/** A node's rules (each compiled on first need). */
function rulesOf(node: Node): NodeRule[] {
  let rules = nodeRules.get(node);
  if (!rules) {
    rules = (node.raw['x-kubernetes-validations'] as Array<{ rule: string; message?: string; parsed?: string }>).map((r) => new NodeRule(r));
    nodeRules.set(node, rules);
  }
  return rules;
}

/** An object rule whose result depends on more than a projection of the object: evaluated every time. */
const NO_PROJECTION = Symbol('no projection');

/**
 * What an object rule reads, when that is less than the whole object:
 * - `presence`: the rule reads `self` only as `has(self.f)` (mutually exclusive fields, "one of" rules);
 * - `keys`: the rule is `self.all(k, <expression of k alone>)` over a map (label key rules).
 */
type Projection = { readonly presence: readonly string[] } | { readonly keys: true } | undefined;

const projections = new Map<string, Projection>();
const HAS_FIELD = /has\(self\.([A-Za-z_][A-Za-z0-9_]*)\)/g;
const ALL_KEYS = /^\s*self\.all\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,([^]*)\)\s*$/;

function projectionOf(rule: string): Projection {
  if (projections.has(rule)) return projections.get(rule);
  let projection: Projection;
  const fields = [...rule.matchAll(HAS_FIELD)].map((m) => m[1]);
  if (fields.length > 0 && !/\bself\b/.test(rule.replace(HAS_FIELD, ''))
    && fields.every((f) => escapeProperty(f) === f)) {
    projection = { presence: [...new Set(fields)] };
  } else {
    const all = ALL_KEYS.exec(rule);
    if (all && !/\bself\b/.test(all[2])) projection = { keys: true };
  }
  projections.set(rule, projection);
  return projection;
}

/** The key under which an object rule's result is kept (see `projectionOf`), or `NO_PROJECTION`. */
function projectionKey(projection: Projection, schema: Schema, o: Record<string, unknown>): unknown {
  if (!projection || Array.isArray(o) || o === null) return NO_PROJECTION;
  const present = (k: string) => presentField(schema, o, k);
  if ('presence' in projection) {
    // One digit per field: `101`.
    let bits = '';
    for (const f of projection.presence) bits += present(f) ? '1' : '0';
    return bits;
  }
  let keys = '';
  for (const k in o) if (present(k)) keys += `${k}\u0000`;
  return keys;
}

/** Fields every object has, validated by the API server itself rather than the CRD schema. */
const TOP_LEVEL: Record<string, true> = { apiVersion: true, kind: true, metadata: true };

/**
 * The value as CEL sees it on the API server: after defaulting and pruning, integers as CEL ints,
 * objects as maps with escaped property names.
 */
export function toCel(schema: Schema | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((item) => toCel(schema?.items, item));
  if (typeof v === 'number') {
    if (schema?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out = new Map<string, unknown>();
  const props: Record<string, Schema> | undefined = schema?.properties;
  const additional = schema?.additionalProperties;
  if (props) {
    for (const k in props) {
      const s = props[k];
      const value = o[k] ?? s.default;
      if (value === undefined || value === null) continue;
      const name = escapeProperty(k);
      if (name !== undefined) out.set(name, toCel(s, value));
    }
  }
  if (!props || typeof additional === 'object' || schema?.['x-kubernetes-preserve-unknown-fields']) {
    for (const k in o) {
      const value = o[k];
      if (props?.[k] || value === undefined || value === null) continue;
      out.set(k, toCel(typeof additional === 'object' ? additional : undefined, value));
    }
  }
  return out;
}

/** Checks metadata as the API server does for custom resources. */
function metadata(obj: Record<string, any>, scope: string, walk: Walk): void {
  const md = obj.metadata;
  if (md === undefined || md === null || typeof md !== 'object') {
    walk.schemaError('metadata', 'Required value');
    return;
  }
  if (md.name === undefined && md.generateName === undefined) {
    walk.schemaError('metadata.name', 'Required value: name or generateName is required');
  } else if (md.name !== undefined && (typeof md.name !== 'string' || md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name))) {
    walk.schemaError('metadata.name', `Invalid value: ${show(md.name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  if (md.namespace !== undefined && scope === 'Namespaced' && (typeof md.namespace !== 'string' || md.namespace.length > 63 || !DNS_LABEL.test(md.namespace))) {
    walk.schemaError('metadata.namespace', `Invalid value: ${show(md.namespace)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`);
  }
}

/**
 * Checks one object; returns undefined when its apiVersion/kind is not one we hold a schema for
 * (other versions, built-in kinds), an empty list when it would be admitted.
 */
export function admit(obj: Record<string, any>): AdmissionProblem[] | undefined {
  const entry = schemaFor(String(obj.apiVersion), String(obj.kind));
  return entry ? check(entry, obj) : undefined;
}

/** Checks one object against one CRD version's schema. */
export function check(entry: CrdEntry, obj: Record<string, any>): AdmissionProblem[] {
  const walk = new Walk();
  metadata(obj, entry.scope, walk);
  walk.value(nodeOf(entry.schema), obj, true);
  return walk.problems;
}
