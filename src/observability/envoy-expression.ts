/**
 * CEL expressions over Envoy's attributes (Telemetry access-log filters, metric tag values),
 * checked with the CEL engine of the admission layer: the expression must parse, every
 * attribute it reads must be one Envoy provides (an unknown one makes the expression fail at
 * run time, so a filter never matches), and a filter must give a bool.
 *
 * Loaded only when an expression is checked: the CEL parser and engine are large, and
 * `require('cdk8s-istio')` must stay cheap. Internal: not part of the jsii API.
 *
 * Vocabulary: Envoy's attributes (envoyproxy.io `intro/arch_overview/advanced/attributes`),
 * which Istio exposes to access-log filters and metric expressions, plus `node` (the proxy's
 * node metadata, which Istio adds); peer metadata is `filter_state.upstream_peer` / `downstream_peer`.
 */
import type * as CelEngineModule from '../analysis/admission/cel-engine';
import type * as CelParserModule from '../analysis/admission/cel-parser';

type AttributeType = 'string' | 'int' | 'uint' | 'bool' | 'map' | 'timestamp' | 'duration' | 'message';

const S = 'string';
const I = 'int';
const TLS_FIELDS = {
  tls_version: S,
  subject_local_certificate: S,
  subject_peer_certificate: S,
  dns_san_local_certificate: S,
  dns_san_peer_certificate: S,
  uri_san_local_certificate: S,
  uri_san_peer_certificate: S,
  sha256_peer_certificate_digest: S,
  peer_certificate: S,
  transport_failure_reason: S,
} as const;

/** Attribute groups (name -> field types) and whole attributes (name -> type). */
const ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeType>> | AttributeType>> = {
  request: {
    path: S,
    url_path: S,
    host: S,
    scheme: S,
    method: S,
    headers: 'map',
    headers_bytes: I,
    referer: S,
    useragent: S,
    time: 'timestamp',
    id: S,
    protocol: S,
    query: S,
    duration: 'duration',
    size: I,
    total_size: I,
  },
  response: {
    code: I,
    code_details: S,
    flags: I,
    grpc_status: I,
    headers: 'map',
    headers_bytes: I,
    trailers: 'map',
    size: I,
    total_size: I,
    backend_latency: 'duration',
  },
  source: { address: S, port: I },
  destination: { address: S, port: I },
  connection: { id: 'uint', mtls: 'bool', requested_server_name: S, termination_details: S, ...TLS_FIELDS },
  upstream: {
    address: S,
    port: I,
    local_address: S,
    num_endpoints: 'uint',
    request_attempt_count: 'uint',
    cx_pool_ready_duration: 'duration',
    locality: 'message',
    ...TLS_FIELDS,
  },
  xds: {
    node: 'message',
    cluster_name: S,
    cluster_metadata: 'message',
    listener_direction: I,
    listener_metadata: 'message',
    route_name: S,
    route_metadata: 'message',
    virtual_host_name: S,
    virtual_host_metadata: 'message',
    upstream_host_metadata: 'message',
    upstream_host_locality_metadata: 'message',
    filter_chain_name: S,
  },
  metadata: 'message',
  filter_state: 'map',
  upstream_filter_state: 'map',
  node: 'message',
};

/** Identifiers CEL itself defines (type names, usable in `type(x) == int`). */
const CEL_IDENTIFIERS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);

/** Why an expression is wrong, as the rule and hint parts of an error. */
export interface ExpressionProblem {
  readonly rule: string;
  readonly hint: string;
}

let parser: typeof CelParserModule | undefined;
let engine: typeof CelEngineModule | undefined;

/**
 * The first problem of `expression`, or undefined. `filter`: the expression selects requests, so
 * it must give a bool (a metric tag value may give any type).
 */
export function envoyExpressionProblem(expression: string, filter: boolean): ExpressionProblem | undefined {
  const example = filter ? 'response.code >= 400' : 'request.host';
  if (typeof expression !== 'string' || expression.trim().length === 0) {
    return { rule: 'must not be empty', hint: `Write a CEL expression over Envoy attributes, e.g. ${example}.` };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('../analysis/admission/cel-parser') as typeof CelParserModule;
  let expr: any;
  try {
    expr = parser.parse(expression).expr;
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).split('\n')[0].replace(/^<input>:/, 'at ');
    return { rule: `must be a valid CEL expression (${reason})`, hint: `Write a CEL expression over Envoy attributes, e.g. ${example}.` };
  }
  const used = new Map<string, AttributeType>();
  const unknown = attributeProblem(expr, new Set(), used);
  if (unknown) return unknown;
  return filter ? resultProblem(expr, used) : undefined;
}

/** The first attribute reference Envoy does not provide, recording the types of the ones it does. */
function attributeProblem(expr: any, bound: ReadonlySet<string>, used: Map<string, AttributeType>): ExpressionProblem | undefined {
  const kind = expr?.exprKind;
  switch (kind?.case) {
    case 'identExpr':
      return bound.has(kind.value.name) ? undefined : pathProblem([kind.value.name], used);
    case 'selectExpr': {
      const fields: string[] = [];
      let operand = expr;
      while (operand?.exprKind?.case === 'selectExpr') {
        fields.unshift(operand.exprKind.value.field);
        operand = operand.exprKind.value.operand;
      }
      if (operand?.exprKind?.case === 'identExpr') {
        const root = operand.exprKind.value.name;
        return bound.has(root) ? undefined : pathProblem([root, ...fields], used);
      }
      return attributeProblem(operand, bound, used);
    }
    case 'callExpr':
      return firstOf([kind.value.target, ...kind.value.args], (e) => attributeProblem(e, bound, used));
    case 'listExpr':
      return firstOf(kind.value.elements, (e) => attributeProblem(e, bound, used));
    case 'structExpr':
      return firstOf(kind.value.entries, (entry: any) =>
        (entry.keyKind?.case === 'mapKey' ? attributeProblem(entry.keyKind.value, bound, used) : undefined) ?? attributeProblem(entry.value, bound, used));
    case 'comprehensionExpr': {
      const c = kind.value;
      const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((v) => v));
      return attributeProblem(c.iterRange, bound, used) ?? attributeProblem(c.accuInit, inner, used)
        ?? firstOf([c.loopCondition, c.loopStep, c.result], (e) => attributeProblem(e, inner, used));
    }
    default:
      return undefined;
  }
}

function firstOf<T>(items: readonly T[], problem: (item: T) => ExpressionProblem | undefined): ExpressionProblem | undefined {
  for (const item of items) {
    if (item === undefined || item === null) continue;
    const p = problem(item);
    if (p) return p;
  }
  return undefined;
}

const ROOTS_HINT = 'Envoy provides request.*, response.*, connection.*, source.*, destination.*, upstream.*, xds.*, '
  + 'metadata, filter_state, upstream_filter_state and node (Istio\'s Mixer attributes such as source.principal no longer exist)';

/** Checks `root.field.more...` against the vocabulary. */
function pathProblem(path: string[], used: Map<string, AttributeType>): ExpressionProblem | undefined {
  const [root, field, ...rest] = path;
  if (CEL_IDENTIFIERS.has(root) && path.length === 1) return undefined;
  const attribute = ATTRIBUTES[root];
  if (attribute === undefined) {
    return { rule: `uses '${path.slice(0, 2).join('.')}', which is not an attribute Envoy provides`, hint: `${ROOTS_HINT}.` };
  }
  if (typeof attribute === 'string' || field === undefined) return undefined;
  const type = attribute[field];
  if (type === undefined) {
    const fields = Object.keys(attribute).sort();
    const guess = closest(field, fields);
    return {
      rule: `uses '${root}.${field}', which is not an attribute Envoy provides`,
      hint: `${guess ? `Did you mean '${root}.${guess}'? ` : ''}The ${root} attributes are ${fields.join(', ')}.`,
    };
  }
  used.set(`${root}.${field}`, type);
  if (rest.length > 0 && type !== 'map' && type !== 'message') {
    return { rule: `selects '.${rest[0]}' of '${root}.${field}', which is a ${type}`, hint: `Use '${root}.${field}' itself (a ${type}).` };
  }
  return undefined;
}

/** The candidate within edit distance 2 (a typo), if one is. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * Evaluates the filter once over sample attributes (empty strings, zeros, false; absent maps
 * entries and timestamps): a result that is not a bool, or an operator applied to the wrong
 * types, is wrong for every request. Any other failure (a missing header, a function our
 * engine lacks) depends on the request or on us, and is not reported.
 */
function resultProblem(expr: any, used: ReadonlyMap<string, AttributeType>): ExpressionProblem | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require('../analysis/admission/cel-engine') as typeof CelEngineModule;
  const cel = engine;
  let result: unknown;
  try {
    const program = cel.plan(cel.celEnv(), expr) as (bindings: Record<string, unknown>) => unknown;
    result = program(sampleAttributes(cel));
  } catch {
    return undefined;
  }
  const types = [...used].map(([name, type]) => `${name} is ${type === 'int' ? 'an' : 'a'} ${type}`).join(', ');
  if (cel.isCelError(result)) {
    if (!/no matching overload/.test(result.message)) return undefined;
    return {
      rule: `must compare values of matching types (${result.message})`,
      hint: `${types ? `Here ${types}. ` : ''}Compare numbers with numbers and strings with strings, e.g. response.code >= 400 or request.method == 'GET'.`,
    };
  }
  if (typeof result === 'boolean') return undefined;
  return {
    rule: `must give a bool (true: log the request), but gives ${describeResult(result)}`,
    hint: 'Compare the attribute, e.g. response.code >= 400 rather than response.code.',
  };
}

function describeResult(value: unknown): string {
  switch (typeof value) {
    case 'bigint': return 'an int';
    case 'number': return 'a double';
    case 'string': return 'a string';
    default: return 'a value that is not a bool';
  }
}

/** Every scalar attribute with a neutral value; maps empty; timestamps, durations, uints and messages left out. */
function sampleAttributes(cel: typeof CelEngineModule): Record<string, unknown> {
  const sample = (type: AttributeType): unknown => {
    switch (type) {
      case 'string': return '';
      case 'int': return 0n;
      case 'bool': return false;
      case 'map': return cel.celMap(new Map());
      default: return undefined;
    }
  };
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(ATTRIBUTES)) {
    if (typeof attribute === 'string') {
      const value = sample(attribute);
      if (value !== undefined) out[name] = value;
      continue;
    }
    const fields = new Map<string, unknown>();
    for (const [field, type] of Object.entries(attribute)) {
      const value = sample(type);
      if (value !== undefined) fields.set(field, value);
    }
    out[name] = cel.celMap(fields as Map<string, any>);
  }
  return out;
}
