/*
 * The one place where the analysis turns YAML (or JSON) text into values: the CLI's input files,
 * its mesh documents (and the ConfigMap entries inside them), and YAML embedded in annotations.
 * Replacing the parser means changing this file only.
 *
 * Values are read as the Kubernetes API server reads them: sigs.k8s.io/yaml decodes with go-yaml
 * v2, whose plain scalars follow YAML 1.1 (`yes`, `on`, `y` are booleans, `0755` is octal,
 * `1_000` is a number, `<<` merges), not YAML 1.2's core schema that most YAML libraries use.
 * Where the two readings of a plain scalar differ, the parse records it (`yamlReadingsOf`) so the
 * analysis can say so with the file and line.
 *
 * The parser is js-yaml (a parse of 100,000 objects takes a tenth of the `yaml` package's time:
 * see docs/performance.md). Each document is parsed on its own, so a bad document never hides
 * the others and every object and error keeps its line; the `yaml` package, loaded only then,
 * words the errors and locates the scalars whose readings differ.
 */

import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import type { JsYaml } from './js-yaml';

/**
 * How many nodes aliases may expand to in one document. Kubernetes manifests rarely use aliases
 * at all; a "billion laughs" document expands to millions.
 */
export const MAX_ALIAS_EXPANSION = 1000;

/** How deep collections may nest (js-yaml's default of 100 is too low for some CRD schemas). */
const MAX_DEPTH = 1000;

/** One YAML document of a stream, as a plain value, with where it starts. */
export interface YamlDocument {
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** For an object with an `items` sequence (a `kind: List`): the line of each item. */
  readonly itemLines?: readonly number[];
}

/** A document that could not be read; the other documents of the stream still are. */
export interface YamlProblem {
  /** 1-based line of the problem, when known. */
  readonly line?: number;
  readonly message: string;
}

export interface YamlStream {
  readonly documents: readonly YamlDocument[];
  readonly problems: readonly YamlProblem[];
}

/**
 * A plain (unquoted) scalar that the API server reads differently from a YAML 1.2 reader, e.g.
 * `on` (the boolean true, not the string "on") or `0644` (420, not 644).
 */
export interface YamlReading {
  /** Path from the object: keys and indexes. For a mapping key, the path of its value. */
  readonly path: ReadonlyArray<string | number>;
  /** 1-based line in the stream. */
  readonly line: number;
  /** The scalar as written. */
  readonly text: string;
  /** The value the API server reads (for a key: the key it becomes, a string). */
  readonly value: unknown;
  /** The value a YAML 1.2 (core schema) reader reads. */
  readonly yaml12: unknown;
  /** The scalar is a mapping key. */
  readonly isKey: boolean;
}

/** Thrown by `parseYamlValue` for text that is not one readable YAML value. */
export class YamlInputError extends Error {}

/** The scalars of each parsed object that the two YAML versions read differently (objects with none are absent). */
const READINGS = new WeakMap<object, YamlReading[]>();

/** The plain scalars of an object (parsed by this module) that YAML 1.1 and 1.2 read differently. */
export function yamlReadingsOf(obj: object): readonly YamlReading[] | undefined {
  return READINGS.get(obj);
}

// ---------------------------------------------------------------------------------------------
// Plain scalars as go-yaml v2 resolves them (resolve.go), then as sigs.k8s.io/yaml turns them into JSON.

/** A plain scalar that stays a string. */
const STRING = Symbol('string');

const GO_YAML_SPECIAL = new Map<string, unknown>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) GO_YAML_SPECIAL.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) GO_YAML_SPECIAL.set(s, false);
for (const s of ['~', 'null', 'Null', 'NULL']) GO_YAML_SPECIAL.set(s, null);
for (const s of ['.nan', '.NaN', '.NAN']) GO_YAML_SPECIAL.set(s, NaN);
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) GO_YAML_SPECIAL.set(s, Infinity);
for (const s of ['-.inf', '-.Inf', '-.INF']) GO_YAML_SPECIAL.set(s, -Infinity);

/** go-yaml's hint per first character: 1 a word of the table above, 2 a digit or sign, 3 a dot. */
const HINT = new Uint8Array(128);
for (const c of 'yYnNtTfFoO~') HINT[c.charCodeAt(0)] = 1;
for (const c of '+-0123456789') HINT[c.charCodeAt(0)] = 2;
HINT['.'.charCodeAt(0)] = 3;

/** The characters of any number go-yaml reads: `10s`, `128Mi` or `1.4.2-rc` fail this quick test and stay strings. */
const NUMBER_CHARS = /^[-+0-9a-fA-FxXoO_.]+$/;

/** Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed): sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|(0|[1-9][0-9]*))$/;
/** go-yaml's yamlStyleFloat (and YAML 1.2's float). */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

const INT64_MAX = BigInt('9223372036854775807');
const UINT64_MAX = BigInt('18446744073709551615');

/** The integer Go's ParseInt (or ParseUint, for larger values) reads, or undefined. */
function goInteger(plain: string): number | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const [, sign, hex, oct, bin, leadingZeroOct, dec] = m;
  const digits = hex ?? oct ?? bin ?? leadingZeroOct ?? dec;
  const radix = hex !== undefined ? 16 : oct !== undefined || leadingZeroOct !== undefined ? 8 : bin !== undefined ? 2 : 10;
  if (digits.length > 15) {
    // Outside int64 (and, for positive values, uint64) Go fails: the text is then a float or a string.
    const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
    const big = BigInt(`${prefix}${digits}`);
    if (sign === '-' ? big > INT64_MAX + BigInt(1) : big > UINT64_MAX) return undefined;
  }
  const magnitude = radix === 10 ? Number(digits) : parseInt(digits, radix);
  return sign === '-' ? -magnitude : magnitude;
}

/** What the API server reads for a plain scalar: null, a boolean, a number, or `STRING`. */
function apiServerReading(text: string): unknown {
  if (text.length === 0) return null;
  const hint = HINT[text.charCodeAt(0)];
  if (hint === undefined || hint === 0) return STRING;
  const special = GO_YAML_SPECIAL.get(text);
  if (special !== undefined || GO_YAML_SPECIAL.has(text)) return special;
  if (hint === 1) return STRING;
  if (hint === 3) return DOT_FLOAT.test(text) ? Number(text) : STRING;
  if (isPlainDecimal(text)) return Number(text);
  if (!NUMBER_CHARS.test(text)) return STRING;
  // go-yaml drops every underscore before reading a number.
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const integer = goInteger(plain);
  if (integer !== undefined) return integer;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return STRING;
}

const YAML12_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const YAML12_SPECIAL = new Map<string, unknown>([
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
  ['~', null], ['null', null], ['Null', null], ['NULL', null], ['', null],
  ['.nan', NaN], ['.NaN', NaN], ['.NAN', NaN],
]);

/** What a YAML 1.2 core-schema reader makes of a plain scalar. */
function yaml12Reading(text: string): unknown {
  if (YAML12_SPECIAL.has(text)) return YAML12_SPECIAL.get(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (YAML12_INT.test(text)) {
    if (text.startsWith('0o')) return parseInt(text.slice(2), 8);
    if (text.startsWith('0x')) return parseInt(text.slice(2), 16);
    return Number(text);
  }
  if (YAML_FLOAT.test(text)) return Number(text);
  return text;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && isNaN(a) && isNaN(b));
}

/** Ports, counts, weights: digits without sign or leading zero (and short enough to be exact), read alike everywhere. */
function isPlainDecimal(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first < 0x31 || first > 0x39 || text.length > 15) return first === 0x30 && text.length === 1;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const YAML12_BOOLEANS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/**
 * Whether YAML 1.2 might read the plain scalar differently: booleans other than true/false, and
 * numbers with underscores or a leading zero (octal, binary, signed hex). Nulls and the other
 * numbers read alike.
 */
function mayDiffer(text: string, value: unknown): boolean {
  if (typeof value === 'boolean') return !YAML12_BOOLEANS.has(text);
  if (typeof value !== 'number') return false;
  const digit = text.charCodeAt(0) === 0x2b || text.charCodeAt(0) === 0x2d ? 1 : 0;
  return text.includes('_') || (text.charCodeAt(digit) === 0x30 && text.length > digit + 1);
}

/** The two readings of a plain scalar, when they differ. */
function differingReadings(text: string): { value: unknown; yaml12: unknown } | undefined {
  const value = apiServerReading(text);
  if (value === STRING || !mayDiffer(text, value)) return undefined;
  const yaml12 = yaml12Reading(text);
  return sameValue(value, yaml12) ? undefined : { value, yaml12 };
}

/** Set when a plain scalar of the document being parsed reads differently in YAML 1.2. */
let differingSeen = false;

// ---------------------------------------------------------------------------------------------
// js-yaml: the schema, and the parse of one document.

interface JsYamlError {
  readonly name: string;
  readonly reason?: string;
  readonly mark?: { readonly line: number };
}

let jsYamlSchema: object | undefined;
let jsYaml: JsYaml | undefined;

function jsYamlModule(): { yaml: JsYaml; schema: object } {
  if (!jsYaml || !jsYamlSchema) {
    // Loaded on first use: synth-time analysis never parses YAML.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jsYaml = (require('./js-yaml') as { jsYaml(): JsYaml }).jsYaml();
    jsYamlSchema = apiServerSchema(jsYaml);
  }
  return { yaml: jsYaml, schema: jsYamlSchema };
}

/**
 * go-yaml v2's resolution as a js-yaml schema: one implicit type resolves every plain scalar (the
 * value computed by `resolve` is handed to `construct`), `<<` merges, explicit tags read the text
 * the way go-yaml does, and tags go-yaml does not know leave the value as it is.
 */
function apiServerSchema(yaml: JsYaml): object {
  let resolved: unknown;
  const plain = new yaml.Type('tag:yaml.org,2002:k8s-plain', {
    kind: 'scalar',
    resolve: (text: string) => {
      resolved = apiServerReading(text);
      if (resolved === STRING) return false;
      if (!differingSeen && mayDiffer(text, resolved) && !sameValue(resolved, yaml12Reading(text))) differingSeen = true;
      return true;
    },
    construct: () => resolved,
  });
  const merge = new yaml.Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (text: string) => text === '<<' });
  // Explicit tags read the text as go-yaml does and must agree with it (`!!int 0755` is 493).
  const explicit = (tag: string, accepts: (v: unknown) => boolean) => new yaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (text: string | null) => accepts(apiServerReading(text ?? '')),
    construct: (text: string | null) => apiServerReading(text ?? ''),
  });
  const keep = (prefix: string, kind: string) => new yaml.Type(prefix, { kind, multi: true, construct: (data: unknown) => data });
  // Timestamps stay strings (go-yaml keeps their text when decoding into interface{}); binary is decoded.
  const timestamp = new yaml.Type('tag:yaml.org,2002:timestamp', { kind: 'scalar', construct: (text: string | null) => text ?? '' });
  const binary = new yaml.Type('tag:yaml.org,2002:binary', {
    kind: 'scalar',
    resolve: (text: string | null) => /^[A-Za-z0-9+/=\s]*$/.test(text ?? ''),
    construct: (text: string | null) => Buffer.from((text ?? '').replace(/\s/g, ''), 'base64').toString('utf8'),
  });
  return yaml.FAILSAFE_SCHEMA.extend({
    implicit: [plain, merge],
    explicit: [
      explicit('null', (v) => v === null),
      explicit('bool', (v) => typeof v === 'boolean'),
      explicit('int', (v) => typeof v === 'number' && Number.isInteger(v)),
      explicit('float', (v) => typeof v === 'number'),
      timestamp, binary,
      // Local tags (`!foo`) and other YAML tags (`!!set`): the node as it is.
      ...['!', 'tag:yaml.org,2002:'].flatMap((prefix) => ['scalar', 'sequence', 'mapping'].map((kind) => keep(prefix, kind))),
    ],
  });
}

function yamlModule(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

// ---------------------------------------------------------------------------------------------
// Documents: where each starts, without parsing.

/** True when a document marker (`---` or `...`) starts at `pos`, which begins a line. */
function markerAt(text: string, pos: number, marker: string): boolean {
  if (!text.startsWith(marker, pos)) return false;
  const next = text.charCodeAt(pos + 3);
  return isNaN(next) || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d;
}

/**
 * Where the documents of a stream start (offsets, and 1-based lines): a `---` line starts one
 * (directives just before it belong to it), and the line after a `...` does. Markers never occur
 * inside content (YAML forbids them there), so this scan agrees with the parser. One pass over
 * the line starts.
 */
function documentStarts(text: string): { starts: number[]; lines: number[] } {
  const starts = [0];
  const lines = [1];
  const add = (pos: number, line: number) => {
    if (pos > starts[starts.length - 1] && pos < text.length) {
      starts.push(pos);
      lines.push(line);
    }
  };
  // A run of directive lines (with comments and blank lines between) waiting for its `---`.
  let directives = -1;
  let directivesLine = 0;
  let afterEnd = false;
  let line = 1;
  for (let pos = 0; pos < text.length; line++) {
    const c = text.charCodeAt(pos);
    if (afterEnd) add(pos, line);
    afterEnd = false;
    if (c === 0x2d /* - */ && markerAt(text, pos, '---')) {
      if (directives >= 0) add(directives, directivesLine);
      else add(pos, line);
      directives = -1;
    } else if (c === 0x2e /* . */ && markerAt(text, pos, '...')) {
      afterEnd = true;
      directives = -1;
    } else if (c === 0x25 /* % */) {
      if (directives < 0) {
        directives = pos;
        directivesLine = line;
      }
    } else if (directives >= 0 && c !== 0x23 /* # */ && !/^[ \t\r]*(\n|$)/.test(text.slice(pos, pos + 200))) {
      directives = -1;
    }
    const eol = text.indexOf('\n', pos);
    if (eol < 0) break;
    pos = eol + 1;
  }
  return { starts, lines };
}

/** Counts line breaks in text[from, to). */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 0-based line, counted from `from`, of the document's first content (after markers, directives, comments) in text[from, to). */
function contentLine(text: string, from = 0, to = text.length): number {
  let line = 0;
  let pos = from;
  let atLineStart = true;
  while (pos < to) {
    const c = text.charCodeAt(pos);
    if (c === 0x0a) {
      line++;
      pos++;
      atLineStart = true;
    } else if (atLineStart && (markerAt(text, pos, '---') || markerAt(text, pos, '...'))) {
      pos += 3;
      atLineStart = false;
    } else if ((atLineStart && c === 0x25 /* % directive */) || c === 0x23 /* # comment */) {
      const eol = text.indexOf('\n', pos);
      if (eol < 0 || eol >= to) return line;
      pos = eol;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0xfeff) {
      pos++;
      atLineStart = false;
    } else {
      return line;
    }
  }
  return 0;
}

/**
 * Whether a string occurs in text[from, to), for ranges visited in increasing order: the next
 * occurrence is searched once and kept, so all the ranges of a text cost one scan in all.
 */
class Occurrences {
  private next = -1;

  constructor(private readonly text: string, private readonly what: string) {}

  public within(from: number, to: number): boolean {
    if (this.next < from) {
      const at = this.text.indexOf(this.what, from);
      this.next = at < 0 ? Infinity : at;
    }
    return this.next < to;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/**
 * Records where each object of a document starts: js-yaml reports every node's start ('open') and
 * end ('close', with its value); the line of a List's item is that of the node that produced it.
 */
function objectLineListener(lines: Map<object, number>): (event: string, state: { line: number; result: unknown }) => void {
  const open: number[] = [];
  return (event, state) => {
    if (event === 'open') {
      open.push(state.line);
      return;
    }
    const line = open.pop() ?? 0;
    const result = state.result;
    // A flow collection read as a would-be key closes twice; the inner node has the right start.
    if (typeof result === 'object' && result !== null && !Array.isArray(result) && !lines.has(result)) lines.set(result, line);
  };
}

/** Looks like a List (`items:` at the root, or JSON's `"items":`): parsed with the item listener from the start. */
const LIST_HINT = /(?:^|\n)items:|"items"\s*:/;

function isListValue(value: unknown): value is { items: unknown[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as any).items)
    && typeof (value as any).kind === 'string' && (value as any).kind.endsWith('List');
}

/** Aliases may be present (an anchor and something like an alias): only then is the expansion counted. */
const ALIAS_HINT = /(?:^|[\s[{,:])\*[^\s,[\]{}]/;

/**
 * How many nodes the value's aliases stand for: js-yaml shares an anchored value among its
 * aliases, so this is the number of nodes a walk of the value would visit more than once.
 */
function aliasExpansion(value: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  let expansion = 0;
  const size = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) return 1;
    const known = sizes.get(v);
    if (known !== undefined) {
      expansion += known;
      return known;
    }
    sizes.set(v, 1);
    let total = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      total += size(child);
      if (expansion > limit) break;
    }
    sizes.set(v, total);
    return total;
  };
  size(value);
  return expansion;
}

function aliasProblem(): string {
  return `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?); the document is not read`;
}

/** The error the `yaml` package reports for a document js-yaml rejected (its messages say more), or js-yaml's own. */
function diagnose(chunk: string, firstLine: number, error: JsYamlError, last: boolean): YamlProblem {
  const problem = diagnosis(chunk, firstLine, error);
  if (last) return problem;
  // An error found at the end of a document (an unterminated quote) is on its last line, not on the next document's marker.
  const lastLine = firstLine + countLines(chunk, 0, chunk.length) - (chunk.endsWith('\n') ? 1 : 0);
  return problem.line !== undefined && problem.line > lastLine ? { ...problem, line: lastLine } : problem;
}

function diagnosis(chunk: string, firstLine: number, error: JsYamlError): YamlProblem {
  try {
    const YAML = yamlModule();
    const lineCounter = new YAML.LineCounter();
    for (const doc of YAML.parseAllDocuments(chunk, { lineCounter, prettyErrors: true })) {
      const e = doc.errors[0];
      if (e) {
        return {
          line: firstLine + (e.linePos?.[0]?.line ?? 1) - 1,
          message: `invalid YAML: ${String(e.message).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }
    }
  } catch {
    // fall through to js-yaml's message
  }
  return { line: firstLine + (error.mark?.line ?? 0), message: `invalid YAML: ${error.reason ?? String(error)}` };
}

/**
 * The plain scalars of a document that YAML 1.1 and 1.2 read differently, with their lines: the
 * `yaml` package (schema failsafe: every scalar its text) walks the document beside js-yaml's value.
 */
function recordReadings(chunk: string, firstLine: number, value: unknown): void {
  const YAML = yamlModule();
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(chunk, { lineCounter, schema: 'failsafe', uniqueKeys: false, merge: false, strict: false });
  if (doc.errors.length > 0) return;
  const lineOf = (node: any) => firstLine + lineCounter.linePos(node?.range?.[0] ?? 0).line - 1;
  // Readings are kept per object: the document's root, or each item of a List.
  const rootOf = (path: ReadonlyArray<string | number>): [object | undefined, ReadonlyArray<string | number>] => {
    if (isListValue(value) && path[0] === 'items' && typeof path[1] === 'number') return [value.items[path[1]] as object, path.slice(2)];
    return [value as object, path];
  };
  const record = (reading: Omit<YamlReading, 'path'>, path: ReadonlyArray<string | number>) => {
    const [root, relative] = rootOf(path);
    if (typeof root !== 'object' || root === null) return;
    let list = READINGS.get(root);
    if (!list) READINGS.set(root, (list = []));
    list.push({ ...reading, path: relative });
  };
  const walk = (node: any, path: Array<string | number>): void => {
    if (YAML.isMap(node)) {
      for (const pair of node.items) {
        const keyNode: any = pair.key;
        if (!YAML.isScalar(keyNode)) continue;
        const text = String(keyNode.value);
        let key = text;
        if (keyNode.type === 'PLAIN') {
          if (text === '<<') continue;
          const readings = differingReadings(text);
          const read = apiServerReading(text);
          key = read === STRING ? text : String(read);
          if (readings) record({ line: lineOf(keyNode), text, value: key, yaml12: String(readings.yaml12 ?? 'null'), isKey: true }, [...path, key]);
        }
        walk(pair.value, [...path, key]);
      }
    } else if (YAML.isSeq(node)) {
      node.items.forEach((item: any, i: number) => walk(item, [...path, i]));
    } else if (YAML.isScalar(node) && (node as any).type === 'PLAIN') {
      const text = String(node.value);
      const readings = differingReadings(text);
      if (readings) record({ line: lineOf(node), text, value: readings.value, yaml12: readings.yaml12, isKey: false }, path);
    }
  };
  walk(doc.contents, []);
}

/** How many documents one js-yaml call reads at most (see parseYamlStream). */
const BATCH = 128;

/** Parses every document of a YAML stream; bad documents become problems, never exceptions. */
export function parseYamlStream(text: string): YamlStream {
  // A lone CR is a line break to YAML: make it one for the line counts too.
  if (text.includes('\r') && /\r(?!\n)/.test(text)) text = text.replace(/\r\n?/g, '\n');
  const { starts, lines } = documentStarts(text);
  return parseDocuments(text, starts, lines);
}

/** The documents of a text, which start at `starts` (on lines `startLines`), parsed. */
function parseDocuments(text: string, starts: readonly number[], startLines: readonly number[]): YamlStream {
  const { yaml, schema } = jsYamlModule();
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const endOf = (i: number) => (i + 1 < starts.length ? starts[i + 1] : text.length);
  const lists = new Occurrences(text, 'items');
  const anchors = new Occurrences(text, '&');

  /** A document's value is kept unless its aliases expand too far. */
  const keep = (i: number, value: unknown, itemLines?: Map<object, number>) => {
    const firstLine = startLines[i];
    const line = firstLine + contentLine(text, starts[i], endOf(i));
    if (anchors.within(starts[i], endOf(i)) && ALIAS_HINT.test(text.slice(starts[i], endOf(i)))
      && aliasExpansion(value, MAX_ALIAS_EXPANSION) > MAX_ALIAS_EXPANSION) {
      problems.push({ line, message: aliasProblem() });
      return;
    }
    const lines = isListValue(value) && itemLines
      ? value.items.map((item) => {
        const at = typeof item === 'object' && item !== null ? itemLines.get(item) : undefined;
        return at === undefined ? line : firstLine + at;
      })
      : undefined;
    documents.push({ value, line, ...(lines ? { itemLines: lines } : {}) });
  };

  /** One document on its own: errors, List item lines and differing readings are found here. */
  const parseOne = (i: number) => {
    const chunk = text.slice(starts[i], endOf(i));
    const firstLine = startLines[i];
    let objectLines: Map<object, number> | undefined = lists.within(starts[i], endOf(i)) && LIST_HINT.test(chunk) ? new Map() : undefined;
    let value: unknown;
    differingSeen = false;
    try {
      value = yaml.load(chunk, { schema, maxDepth: MAX_DEPTH, ...(objectLines ? { listener: objectLineListener(objectLines) } : {}) });
      if (isListValue(value) && !objectLines) {
        // A List the hint missed: parsed again, this time recording where its items start.
        objectLines = new Map();
        value = yaml.load(chunk, { schema, maxDepth: MAX_DEPTH, listener: objectLineListener(objectLines) });
      }
    } catch (e) {
      if ((e as JsYamlError)?.name !== 'YAMLException') throw e;
      problems.push(diagnose(chunk, firstLine, e as JsYamlError, endOf(i) === text.length));
      return;
    }
    if (value === undefined) return;
    if (differingSeen) recordReadings(chunk, firstLine, value);
    keep(i, value, objectLines);
  };

  /**
   * Documents i..j-1, each opening with `---` (so each is one document of the range) and none a
   * List, in one js-yaml call: a call per document costs a few percent more. Any error, or a
   * reading that differs from YAML 1.2, sends them through `parseOne` instead.
   */
  const parseBatch = (i: number, j: number): boolean => {
    differingSeen = false;
    let values: unknown[];
    try {
      values = yaml.loadAll(text.slice(starts[i], endOf(j - 1)), null, { schema, maxDepth: MAX_DEPTH });
    } catch (e) {
      if ((e as JsYamlError)?.name !== 'YAMLException') throw e;
      return false;
    }
    if (values.length !== j - i || differingSeen) return false;
    for (let k = i; k < j; k++) if (values[k - i] !== undefined) keep(k, values[k - i]);
    return true;
  };

  const plain = (i: number) => text.startsWith('---', starts[i]) && !lists.within(starts[i], endOf(i));
  for (let i = 0; i < starts.length;) {
    let j = i;
    while (j < starts.length && j - i < BATCH && plain(j)) j++;
    if (j - i > 1 && parseBatch(i, j)) {
      i = j;
      continue;
    }
    // (a failed batch: its documents one by one)
    const until = Math.max(j, i + 1);
    for (; i < until; i++) parseOne(i);
  }
  return { documents, problems };
}

/** Parses text holding one YAML value (an embedded mesh config, an annotation); throws `YamlInputError`. */
export function parseYamlValue(text: string): unknown {
  const { documents, problems } = parseYamlStream(text);
  if (problems.length > 0) {
    const p = problems[0];
    throw new YamlInputError(`${p.line ? `line ${p.line}: ` : ''}${p.message}`);
  }
  return documents[0]?.value;
}

/**
 * The text of a file, or undefined for binary content (see `decodeText`). Read as UTF-8 directly,
 * the fastest way there is; only a text holding a replacement character (which invalid bytes
 * become) or a NUL byte is read again and checked byte by byte.
 */
export function readTextFile(file: string): string | undefined {
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes('\uFFFD') || text.includes('\0')) return decodeText(fs.readFileSync(file));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The text of a file's bytes, or undefined for binary content (a NUL byte, or bytes that are not
 * UTF-8): a YAML parser would read such bytes as one long string.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // (checking first and decoding then is about twice as fast as TextDecoder's fatal mode)
  if (!isUtf8(buffer)) return undefined;
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
