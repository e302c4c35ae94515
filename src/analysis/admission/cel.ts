/**
 * CEL for `x-kubernetes-validations`: @bufbuild/cel (a conformant CEL evaluator with an RE2 engine,
 * so `matches()` behaves as on the API server) plus the Kubernetes CEL libraries the CRDs we
 * emit use. Loaded only when the admission checks run, so `require('cdk8s-istio')` stays light.
 */
import * as net from 'net';
import type * as CelModule from '@bufbuild/cel';
import type * as CelEngineModule from './cel-engine';
import type * as CelParserModule from './cel-parser';

type CelEngine = typeof CelEngineModule;
let parser: typeof CelParserModule | undefined;

/** The parser, loaded on first use (see cel-parser.ts). */
function loadParser(): typeof CelParserModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('./cel-parser') as typeof CelParserModule;
  return parser;
}

/** Reserved words the API server escapes as `__word__` when a property name collides with them. */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var',
]);

/**
 * A property name as CEL expressions see it (apiextensions' escaping): `namespace` -> `__namespace__`,
 * `a.b` -> `a__dot__b`; undefined when the name cannot be used in CEL at all.
 */
export function escapeProperty(name: string): string | undefined {
  if (escaped.has(name)) return escaped.get(name);
  let e: string | undefined;
  if (CEL_RESERVED.has(name)) {e = `__${name}__`;} else if (/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) {
    e = name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
  }
  escaped.set(name, e);
  return e;
}

/** Property names come from the schemas: a few hundred distinct ones. */
const escaped = new Map<string, string | undefined>();

/** A compiled rule, or why it cannot be evaluated. */
export type CompiledRule =
  | { readonly ok: true; readonly program: (bindings: Record<string, unknown>) => unknown; readonly usesOldSelf: boolean }
  | { readonly ok: false; readonly reason: string };

/** What a rule evaluation gave: true/false, or the runtime error the API server would report. */
export type RuleResult = { readonly passed: boolean } | { readonly error: string; readonly unevaluable: boolean };

interface Engine {
  readonly cel: CelEngine;
  readonly env: CelModule.CelEnv;
}

let engine: Engine | undefined;

const URL_MARKER = '\u0000url';

function loadEngine(): Engine {
  if (engine) return engine;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cel = require('./cel-engine') as CelEngine;
  const { strings } = cel;
  const { CelScalar, celFunc, celMethod, celMap, mapType } = cel;
  const S = CelScalar.STRING;
  const B = CelScalar.BOOL;
  // Kubernetes' URL values are opaque; a map with a marker key stands in for them.
  const URL_TYPE = mapType(S, CelScalar.DYN);
  const parseUrl = (s: string): URL | undefined => {
    // Go's url.ParseRequestURI: an absolute URI, or an absolute path.
    try {
      return s.startsWith('/') ? new URL(s, 'relative:///') : new URL(s);
    } catch {
      return undefined;
    }
  };
  const toUrl = (s: string) => {
    const u = parseUrl(s);
    if (!u) throw new Error(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
    const relative = u.protocol === 'relative:';
    return celMap(new Map<string, string>([
      [URL_MARKER, ''],
      ['scheme', relative ? '' : u.protocol.slice(0, -1)],
      ['host', relative ? '' : u.host],
      ['hostname', relative ? '' : u.hostname.replace(/^\[|\]$/g, '')],
      ['port', relative ? '' : u.port],
      ['path', u.pathname],
      ['query', u.search.slice(1)],
    ]));
  };
  const urlPart = (name: string, part: string) => celMethod(name, URL_TYPE, [], S, function (this: any) {
    if (!this.has(URL_MARKER)) throw new Error(`no such overload: ${name} on a map`);
    return this.get(part) as string;
  });
  const isIp = (s: string) => net.isIP(s) !== 0 && !s.includes('%') && !/^::ffff:[0-9]+\./i.test(s);
  const isCidr = (s: string) => {
    const slash = s.indexOf('/');
    if (slash < 0 || !isIp(s.slice(0, slash))) return false;
    const bits = s.slice(slash + 1);
    return /^(0|[1-9][0-9]*)$/.test(bits) && Number(bits) <= (net.isIPv4(s.slice(0, slash)) ? 32 : 128);
  };
  const k8s: CelModule.CelFunc[] = [
    // k8s URL library (https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-url-library)
    celFunc('isURL', [S], B, (s) => parseUrl(s) !== undefined),
    celFunc('url', [S], URL_TYPE, toUrl as any),
    urlPart('getScheme', 'scheme'),
    urlPart('getHost', 'host'),
    urlPart('getHostname', 'hostname'),
    urlPart('getPort', 'port'),
    urlPart('getEscapedPath', 'path'),
    urlPart('getQuery', 'query'),
    // k8s IP and CIDR library: only the predicates (the rules we emit use isIP).
    celFunc('isIP', [S], B, isIp),
    celFunc('isCIDR', [S], B, isCidr),
  ];
  engine = { cel, env: cel.celEnv({ funcs: [...strings, ...k8s] }) };
  return engine;
}

/** Names the parser produces for operators; the planner implements them without the function table. */
const BUILT_IN_CALLS = new Set(['@in', '@not_strictly_false', '_&&_', '_||_', '_?_:_', '!_', '-_', '_[_]']);

/** Every function a parsed expression calls, to prove each one exists before trusting a result. */
function calledFunctions(expr: any, out: Set<string>): Set<string> {
  if (!expr || typeof expr !== 'object') return out;
  const kind = expr.exprKind;
  if (kind?.case === 'callExpr') out.add(kind.value.function);
  for (const v of Object.values(kind?.value ?? {})) {
    if (Array.isArray(v)) {v.forEach((e) => calledFunctions(e, out));} else if (v && typeof v === 'object') {
      if ((v as any).exprKind) calledFunctions(v, out);
      // struct/map entries
      for (const e of (v as any).entries ?? []) {
        calledFunctions(e.value, out);
        if (e.keyKind?.value?.exprKind) calledFunctions(e.keyKind.value, out);
      }
    }
  }
  return out;
}

const compiled = new Map<string, CompiledRule>();

/** A rule's parsed expression in protobuf binary, base64: what scripts/schemas.ts stores beside each rule. */
export function encodeParsedRule(rule: string): string {
  const p = loadParser();
  return Buffer.from(p.toBinary(p.ExprSchema, p.parse(rule).expr)).toString('base64');
}

/**
 * Plans a rule once (from its parsed form when the schemas carry it, else by parsing it); the
 * result is shared by every object the rule applies to.
 */
export function compileRule(rule: string, parsed?: string): CompiledRule {
  let c = compiled.get(rule);
  if (c) return c;
  try {
    const { cel, env } = loadEngine();
    const expr = parsed !== undefined ? cel.fromBinary(cel.ExprSchema, Buffer.from(parsed, 'base64')) : loadParser().parse(rule).expr;
    const missing = [...calledFunctions(expr, new Set())].filter((f) => !BUILT_IN_CALLS.has(f) && !env.funcs.find(f));
    if (missing.length > 0) {
      c = { ok: false, reason: `the Kubernetes CEL function(s) ${missing.join(', ')} are not implemented by cdk8s-istio` };
    } else {
      const program = cel.plan(env, expr) as (b: Record<string, unknown>) => unknown;
      c = { ok: true, program, usesOldSelf: /\boldSelf\b/.test(rule) };
    }
  } catch (e) {
    c = { ok: false, reason: `it does not compile: ${String((e as Error)?.message ?? e).split('\n')[0]}` };
  }
  compiled.set(rule, c);
  return c;
}

/** Results are kept per value (validator.ts): the two verdicts are shared objects. */
export const PASSED: RuleResult = Object.freeze({ passed: true });
export const FAILED: RuleResult = Object.freeze({ passed: false });

/** Evaluates a compiled rule with `self` bound. */
export function evaluate(rule: CompiledRule & { ok: true }, self: unknown): RuleResult {
  const { cel } = loadEngine();
  let result: unknown;
  try {
    result = rule.program({ self });
  } catch (e) {
    return { error: String((e as Error)?.message ?? e), unevaluable: true };
  }
  if (cel.isCelError(result)) {
    const message = result.message;
    // An unbound function or unresolved variable is a gap of ours, not a verdict on the object.
    return { error: message, unevaluable: /^(unbound function|unresolved attribute)/.test(message) };
  }
  if (typeof result !== 'boolean') return { error: `rule returned ${typeof result}, not a bool`, unevaluable: true };
  return result ? PASSED : FAILED;
}

/** The CEL map type, for values built by the schema-aware conversion. */
export function celMapOf(entries: Map<string, unknown>): unknown {
  return loadEngine().cel.celMap(entries as any);
}
