import { IConstruct } from 'constructs';
import { GatewayApiChannel } from '../../core/routing-api';
import { RoutingSettings } from '../../core/routing-settings';
import { describeValue, fail, pathOf, ValidationError } from '../../core/validation-error';
import {
  CorsIntent, HeaderOperationsIntent, HttpRouteIntent, RequestCondition, RetryIntent, RouteDestination, RouteTable, StreamRouteIntent,
  StringCondition, stableJson,
} from '../../model/mesh-model';
import { escapeRegex } from '../istio/virtual-service';

/**
 * Translation of typed route intents into Gateway API routes (standard channel v1.6.1, as
 * Istio 1.30 reads them), with the checks that keep the user's behaviour: an intent the
 * Gateway API cannot express fails naming its construct and the way out, and an order of
 * routes that HTTPRoute's precedence would change fails naming the two routes.
 */

/** The way out named by every "cannot express" message. */
const KEEP_ISTIO = 'keep this host on Istio APIs (api: RoutingApi.ISTIO on the construct, or on its gateway)';

/** The backend Service a destination resolves to (one per version), from the renderer. */
export type BackendNamer = (destination: RouteDestination) => BackendService;

/** A backendRef's target: a Service (name, namespace), or an Istio `Hostname` (group and kind set). */
export interface BackendService {
  readonly name: string;
  readonly namespace: string;
  readonly group?: string;
  readonly kind?: string;
}

/**
 * Fails when an HTTP route uses what the Gateway API cannot express; called as the route is
 * added, so the error names the construct that adds it.
 */
export function checkHttpIntent(table: RouteTable, route: HttpRouteIntent, settings: RoutingSettings): void {
  const grpc = table.key.protocol === 'GRPC';
  const where = routeName(route);
  const cannot = (what: string, why: string, value: unknown, wayOut = `Remove it, or ${KEEP_ISTIO}.`): never =>
    fail(route.owner, what ? propOf(route, what) : where, `cannot be expressed through the Gateway API: ${why}`, value, wayOut);
  if (route.fault) {
    cannot('fault', 'HTTPRoute has no fault injection (Istio rejects ExtensionRef filters)', route.fault,
      `Inject faults with Istio's APIs: ${KEEP_ISTIO}.`);
  }
  if (route.retries) {
    if (settings.channel !== GatewayApiChannel.EXPERIMENTAL) {
      cannot('retries', "HTTPRoute 'retry' is in the experimental channel only (Gateway API v1.6.1)", route.retries,
        `Declare the experimental CRDs (RoutingDefaults gatewayApiChannel: GatewayApiChannel.EXPERIMENTAL), or ${KEEP_ISTIO}.`);
    }
    if (grpc) cannot('retries', 'GRPCRoute has no retries', route.retries);
    checkRetryExpressible(route, route.retries);
  }
  if (route.timeoutMillis !== undefined && route.timeoutMillis > MAX_GATEWAY_DURATION_MILLIS) {
    cannot('timeout', 'Gateway API durations have at most 99999 hours', `${route.timeoutMillis}ms`, 'Use a shorter timeout.');
  }
  if (grpc) {
    if (route.timeoutMillis !== undefined) cannot('timeout', 'GRPCRoute has no timeouts (Gateway API v1.6.1)', route.timeoutMillis);
    if (route.cors) cannot('cors', 'GRPCRoute has no CORS filter', route.cors.allowOrigins);
    if (route.redirect) cannot('', 'GRPCRoute has no redirect', route.redirect);
    if (route.rewrite) cannot('', 'GRPCRoute has no rewrite', route.rewrite);
  }
  if (route.rewrite?.pathPrefix !== undefined) {
    const paths = (route.match ?? []).map((m) => m.path);
    if (paths.length !== 1 || paths[0]?.kind !== 'pathPrefix') {
      cannot('', `a prefix rewrite needs exactly one whole-segment path condition (URLRewrite ReplacePrefixMatch), but the route matches ${describeValue(paths.map((p) => p && `${p.kind} ${p.value}`))}`,
        route.rewrite.pathPrefix, `Match the path with StringMatch.pathPrefix (e.g. addRoute path: StringMatch.pathPrefix('/api')), or ${KEEP_ISTIO}.`);
    }
  }
  const conditions = route.match ?? [];
  for (let i = 0; i < conditions.length; i++) checkCondition(route, i, conditions[i], grpc);
  for (const d of [...(route.route ?? []), ...(route.mirror ? [route.mirror] : [])]) {
    if (d.port === undefined) {
      fail(route.owner, `${where} destination '${d.host}'`, 'needs a port: a Gateway API backendRef to a Service names its port', d.port,
        'Give the service a port (MeshService.fromName(name, ns, { port: 9080 })), or keep this host on Istio APIs.');
    }
  }
  if ((route.route?.length ?? 0) > 16) {
    fail(route.owner, where, 'must route to at most 16 backends (HTTPRoute backendRefs limit)', route.route!.length, 'Route to fewer versions.');
  }
}

function checkCondition(route: HttpRouteIntent, index: number, m: RequestCondition, grpc: boolean): void {
  // The property name is built only for an error (every route of large apps passes here).
  const cannot = (what: string, why: string, value: unknown): never =>
    fail(route.owner, propOf(route, `matches[${index}].${what}`), `cannot be expressed through the Gateway API: ${why}`, value, `Remove it, or ${KEEP_ISTIO}.`);
  if (m.withoutHeaders) cannot('withoutHeaders', 'HTTPRoute has no negative header match', Object.keys(m.withoutHeaders));
  if (m.sourceLabels) cannot('sourceLabels', 'HTTPRoute cannot match the calling workload', m.sourceLabels);
  if (m.port !== undefined) cannot('port', 'an HTTPRoute match has no port (the parent reference chooses the port)', m.port);
  if (m.gateways) cannot('gateways', 'an HTTPRoute match cannot choose the gateway', m.gateways);
  for (const name of Object.keys(m.headers ?? {})) {
    if (name.startsWith('@')) cannot(`headers['${name}']`, 'HTTPRoute cannot match JWT claims', name);
  }
  if (grpc) {
    if (m.method) cannot('method', 'GRPCRoute matches no HTTP method', m.method);
    if (m.queryParams) cannot('queryParams', 'GRPCRoute matches no query parameters', Object.keys(m.queryParams));
    if (m.ignorePathCase) cannot('ignoreUriCase', 'GRPCRoute matches gRPC methods exactly', true);
    if (m.path && grpcMethod(m.path) === undefined) {
      cannot('uri', "GRPCRoute matches '/<package.Service>/<Method>' exactly or '/<package.Service>/' as a prefix", m.path.value);
    }
  }
}

/** Istio's reading of HTTPRoute `retry`: fixed conditions, codes appended, no per-try timeout but `backendRequest`. */
const GATEWAY_RETRY_ON = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled'];

function checkRetryExpressible(route: HttpRouteIntent, retries: RetryIntent): void {
  const on = retries.retryOn;
  if (on && (on.length !== GATEWAY_RETRY_ON.length || !GATEWAY_RETRY_ON.every((c) => on.includes(c)))) {
    fail(route.owner, propOf(route, 'retries.retryOn'), `cannot be expressed through the Gateway API: Istio always retries on ${GATEWAY_RETRY_ON.join(',')} (plus the status codes)`, on.join(','),
      `Leave retryOn unset (and list status codes in retryOnStatusCodes), or ${KEEP_ISTIO}.`);
  }
  if (retries.retryRemoteLocalities) {
    fail(route.owner, propOf(route, 'retries.retryRemoteLocalities'), 'cannot be expressed through the Gateway API', true, `Remove it, or ${KEEP_ISTIO}.`);
  }
  if (retries.perTryTimeoutMillis !== undefined && route.timeoutMillis !== undefined && retries.perTryTimeoutMillis > route.timeoutMillis) {
    fail(route.owner, propOf(route, 'retries.perTryTimeout'), 'must not be longer than the route timeout through the Gateway API (timeouts.backendRequest <= timeouts.request)',
      `${retries.perTryTimeoutMillis}ms`, 'Shorten perTryTimeout or lengthen the timeout.');
  }
}

/** Fails for a TCP or TLS route the Gateway API cannot take. */
export function checkStreamIntent(table: RouteTable, route: StreamRouteIntent, kind: 'tcp' | 'tls', settings: RoutingSettings): void {
  // A release's TCP route comes from its `protocol`; other stream routes name their own prop.
  const where = route.property === undefined || route.property === 'service' ? (kind === 'tcp' ? 'protocol' : 'routes') : route.property;
  if (kind === 'tcp' && settings.istioMinor < 31) {
    fail(route.owner, where, 'cannot be expressed through the Gateway API on Istio 1.30: Istio reads TCPRoute only as v1alpha2, which the Gateway API v1.6.1 CRDs no longer serve (istio/istio#61540)',
      table.key.host, `Declare Istio 1.31 or later (RoutingDefaults istioVersion: '1.31'), or ${KEEP_ISTIO}.`);
  }
  if (kind === 'tcp' && table.key.binding.kind !== 'mesh') {
    fail(route.owner, where, 'cannot be expressed through the Gateway API: the gateway has no TCP listener', table.key.host, `Route TCP at the gateway with ${KEEP_ISTIO}.`);
  }
  if (kind === 'tls' && (table.key.binding.kind !== 'gateway' || table.tls.length > 0)) {
    fail(route.owner, where, 'cannot be expressed through the Gateway API: a TLSRoute has exactly one rule, bound to a gateway listener', table.key.host, `Route each host once, or ${KEEP_ISTIO}.`);
  }
  for (const d of route.route) {
    if (d.port === undefined) fail(route.owner, `${where} destination '${d.host}'`, 'needs a port: a Gateway API backendRef to a Service names its port', d.port, 'Give the service a port.');
  }
}

/** One match of a Gateway API rule as Istio converts it, with the route it comes from. */
interface RenderedMatch {
  /** Index of the route in the table's VirtualService order. */
  readonly route: number;
  /** The condition the Gateway API evaluates (path kinds exact, pathPrefix, regex). */
  readonly condition: RequestCondition;
  /** Istio's sort key (`sortHTTPRoutes`): URI rank, URI length, method, header and query counts. */
  readonly rank: number;
  readonly length: number;
}

/** The exact rule segmentShadow adds: the route it copies, its index, the bare path. */
interface ShadowRule {
  readonly intent: HttpRouteIntent;
  readonly route: number;
  readonly condition: RequestCondition;
}

/** A rendered rule: the spec plus, for the precedence check, what it matches and for which route. */
export interface RenderedRules {
  readonly rules: Array<Record<string, any>>;
  /** Errors found while rendering (precedence, limits), as messages. */
  readonly errors: string[];
}

/**
 * The rules of an HTTPRoute (or GRPCRoute) for a table, in the VirtualService order (matched
 * routes as added, then the default), plus the precedence and limit errors.
 */
export function httpRules(table: RouteTable, settings: RoutingSettings, backend: BackendNamer): RenderedRules {
  const grpc = table.key.protocol === 'GRPC';
  const routes = table.ordered(table.http);
  const rules: Array<Record<string, any>> = [];
  const matches: RenderedMatch[] = [];
  const errors: string[] = [];
  routes.forEach((route, index) => {
    // A string prefix ending in '/' renders as a whole-segment prefix (which also matches the
    // path without the '/'); the route that path reaches under VirtualService order comes first.
    const shadow = grpc ? {} : segmentShadow(routes, index);
    if (shadow.error) errors.push(shadow.error);
    if (shadow.rule) {
      // Unnamed: rule names are unique within a route, and this one repeats another rule's action.
      rules.push(rule({ ...shadow.rule.intent, name: undefined }, [shadow.rule.condition], grpc, settings, backend, table));
      matches.push(renderedMatch(shadow.rule.route, shadow.rule.condition));
    }
    const conditions = (route.match ?? []).map((m) => (grpc ? grpcCondition(m) : gatewayCondition(m)));
    rules.push(rule(route, conditions, grpc, settings, backend, table));
    if (conditions.length === 0) matches.push(renderedMatch(index, {}));
    for (const c of conditions) matches.push(renderedMatch(index, c));
  });
  errors.push(...precedenceErrors(table, routes, matches));
  errors.push(...limitErrors(table, rules));
  return { rules, errors };
}

/**
 * For a route whose string prefix `p/` becomes the segment prefix `p`: the path `p` itself,
 * which the VirtualService sends to the first later route that accepts it, gets an exact rule
 * to that route (exact paths precede prefixes in HTTPRoute order).
 */
function segmentShadow(routes: readonly HttpRouteIntent[], index: number): { rule?: ShadowRule; error?: string } {
  const conditions = routes[index].match ?? [];
  const trailing = conditions.map((m) => m.path).find((p) => p?.kind === 'prefix' && p.value.length > 1 && p.value.endsWith('/') && isPlainPath(p.value));
  if (!trailing || conditions.length !== 1 || hasNonPathConditions(conditions[0])) return {};
  const bare = trailing.value.replace(/\/+$/, '');
  for (let later = index + 1; later < routes.length; later++) {
    const candidates = routes[later].match;
    if (!candidates || candidates.length === 0) return { rule: { intent: routes[later], route: later, condition: { path: { kind: 'exact', value: bare } } } };
    const accepting = candidates.filter((m) => !m.path || pathAccepts(m.path, bare, m.ignorePathCase === true));
    if (accepting.length === 0) continue;
    if (accepting.some((m) => !hasNonPathConditions(m))) {
      return { rule: { intent: routes[later], route: later, condition: { path: { kind: 'exact', value: bare } } } };
    }
    break;
  }
  return {};
}

function hasNonPathConditions(m: RequestCondition): boolean {
  return m.headers !== undefined || m.queryParams !== undefined || m.method !== undefined || m.ignorePathCase === true;
}

/** Whether a path condition accepts one concrete path. */
function pathAccepts(path: StringCondition, value: string, ignoreCase: boolean): boolean {
  const [p, v] = ignoreCase ? [path.value.toLowerCase(), value.toLowerCase()] : [path.value, value];
  switch (path.kind) {
    case 'exact': return v === p;
    case 'prefix': return v.startsWith(p);
    case 'pathPrefix': return p === '/' || v === p || v.startsWith(`${p}/`);
    default: return false; // an expression: not decided here
  }
}

/** The characters the Gateway API accepts in an Exact or PathPrefix path (CRD CEL). */
function isPlainPath(value: string): boolean {
  return /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/.test(value) && !/\/\/|\/\.\.?(\/|$)|%2f/i.test(value) && value.startsWith('/');
}

/**
 * The condition as the Gateway API can evaluate it. String prefixes (which match `/staticx` for
 * `/static`) and case-insensitive paths become regular expressions; a prefix ending in '/'
 * becomes the segment prefix (see segmentShadow for the bare path).
 */
export function gatewayCondition(m: RequestCondition): RequestCondition {
  const out: { -readonly [K in keyof RequestCondition]: RequestCondition[K] } = {};
  if (m.path) out.path = gatewayPath(m.path, m.ignorePathCase === true);
  if (m.method) out.method = m.method;
  if (m.headers) out.headers = exactOrRegex(m.headers);
  if (m.queryParams) out.queryParams = exactOrRegex(m.queryParams);
  return out;
}

/** A GRPCRoute condition: the path stays what grpcMethod reads; header prefixes become expressions. */
function grpcCondition(m: RequestCondition): RequestCondition {
  return m.headers ? { path: m.path, headers: exactOrRegex(m.headers) } : { path: m.path };
}

function gatewayPath(path: StringCondition, ignoreCase: boolean): StringCondition {
  const v = path.value;
  const caseless = ignoreCase ? '(?i)' : '';
  switch (path.kind) {
    case 'exact':
      return !ignoreCase && isPlainPath(v) ? path : { kind: 'regex', value: `${caseless}${escapeRegex(v)}` };
    case 'pathPrefix':
      return !ignoreCase && isPlainPath(v) ? path : { kind: 'regex', value: `${caseless}${v === '/' ? '/.*' : `${escapeRegex(v)}(/.*)?`}` };
    case 'prefix':
      if (!ignoreCase && v === '/') return { kind: 'pathPrefix', value: '/' };
      if (!ignoreCase && v.endsWith('/') && isPlainPath(v)) return { kind: 'pathPrefix', value: v.replace(/\/+$/, '') };
      return { kind: 'regex', value: `${caseless}${escapeRegex(v)}.*` };
    default:
      return path; // Istio ignores ignoreUriCase for expressions
  }
}

function exactOrRegex(conditions: Readonly<Record<string, StringCondition>>): Record<string, StringCondition> {
  const out: Record<string, StringCondition> = {};
  for (const name in conditions) {
    const c = conditions[name];
    out[name] = c.kind === 'prefix' ? { kind: 'regex', value: `${escapeRegex(c.value)}.*` } : c;
  }
  return out;
}

function renderedMatch(route: number, c: RequestCondition): RenderedMatch {
  // After API-server defaulting a match without a path is PathPrefix '/', which Istio reads as prefix '/'.
  const path = c.path ?? { kind: 'pathPrefix', value: '/' };
  // A string prefix only reaches here for GRPCRoute (a service's methods), which Istio reads as a prefix.
  const rank = path.kind === 'exact' ? 3 : path.kind === 'pathPrefix' || path.kind === 'prefix' ? 2 : 1;
  return { route, condition: c, rank, length: path.value.length };
}

/** Istio's `sortHTTPRoutes` comparator: true when `a` is tried before `b`. */
function triedBefore(a: RenderedMatch, b: RenderedMatch): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.length !== b.length) return a.length > b.length;
  const am = a.condition.method !== undefined;
  const bm = b.condition.method !== undefined;
  if (am !== bm) return am;
  const ah = count(a.condition.headers);
  const bh = count(b.condition.headers);
  if (ah !== bh) return ah > bh;
  return count(a.condition.queryParams) > count(b.condition.queryParams);
}

function count(record: object | undefined): number {
  return record ? Object.keys(record).length : 0;
}

/**
 * A VirtualService tries routes in order; Istio sorts an HTTPRoute's matches by specificity
 * (exact path, longest prefix, method, header count, query count). Where a later route's match
 * would be tried first and some request matches both it and an earlier route that behaves
 * differently, the Gateway API would route that request differently: an error naming both.
 */
function precedenceErrors(table: RouteTable, routes: readonly HttpRouteIntent[], matches: readonly RenderedMatch[]): string[] {
  const errors: string[] = [];
  const reported = new Set<string>();
  for (const later of matches) {
    for (const earlier of matches) {
      if (earlier.route >= later.route || !triedBefore(later, earlier)) continue;
      const key = `${earlier.route}:${later.route}`;
      if (reported.has(key)) continue;
      const laterIntent = routes[later.route];
      const earlierIntent = routes[earlier.route];
      if (sameBehaviour(earlierIntent, laterIntent)) continue;
      // A request the later route's Gateway API match accepts that the earlier route's own
      // (VirtualService) conditions accept too.
      const earlierConditions = earlierIntent.match && earlierIntent.match.length > 0 ? earlierIntent.match : [{}];
      if (!earlierConditions.some((c) => mayOverlap(later.condition, c))) continue;
      reported.add(key);
      errors.push(new ValidationError(pathOf(laterIntent.owner), routeName(laterIntent),
        `would take precedence over '${describeRoute(earlierIntent)}' through the Gateway API (HTTPRoute orders matches by specificity: exact path, longest prefix, method, header count, query count; a VirtualService tries them in order), `
        + `and some request to '${table.key.host}' matches both, so it would reach another destination`,
        describeConditions(laterIntent),
        `Make the routes' conditions exclusive, put the more specific route first, use StringMatch.pathPrefix for segment prefixes, or ${KEEP_ISTIO}.`).message);
    }
  }
  return errors;
}

function describeRoute(route: HttpRouteIntent): string {
  return `${pathOf(route.owner)} (${routeName(route)})`;
}

function describeConditions(route: HttpRouteIntent): string {
  return (route.match ?? []).map((m) => [
    m.path && `path ${m.path.kind} ${m.path.value}`,
    m.method && `method ${m.method}`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `header ${k} ${v.kind} ${v.value}`),
    ...Object.entries(m.queryParams ?? {}).map(([k, v]) => `query ${k} ${v.kind} ${v.value}`),
  ].filter((x) => x).join(' and ')).join(' or ') || 'every request';
}

/** Whether two routes do the same thing with a request (then their order does not matter). */
function sameBehaviour(a: HttpRouteIntent, b: HttpRouteIntent): boolean {
  const action = (r: HttpRouteIntent) => stableJson({
    route: r.route,
    redirect: r.redirect,
    rewrite: r.rewrite,
    fault: r.fault,
    mirror: r.mirror,
    mirrorPercentage: r.mirrorPercentage,
    timeoutMillis: r.timeoutMillis,
    retries: r.retries,
    requestHeaders: r.requestHeaders,
    responseHeaders: r.responseHeaders,
    cors: r.cors,
  });
  return action(a) === action(b);
}

/** Whether some request may satisfy both conditions (false only when provably exclusive). */
export function mayOverlap(a: RequestCondition, b: RequestCondition): boolean {
  if (a.method && b.method && a.method !== b.method) return false;
  if (a.path && b.path && !pathsMayOverlap(a.path, b.path, a.ignorePathCase === true || b.ignorePathCase === true)) return false;
  for (const [field] of [['headers'], ['queryParams']] as const) {
    const left = a[field as 'headers'] ?? {};
    const right = b[field as 'headers'] ?? {};
    for (const name in left) {
      if (name in right && !stringsMayOverlap(left[name], right[name])) return false;
    }
  }
  return true;
}

function pathsMayOverlap(a: StringCondition, b: StringCondition, ignoreCase: boolean): boolean {
  const norm = (c: StringCondition): StringCondition => (ignoreCase ? { kind: c.kind, value: c.value.toLowerCase() } : c);
  return stringsMayOverlap(norm(a), norm(b));
}

/** Exclusive only when both sides are exact, prefixes or segment prefixes that cannot share a string. */
function stringsMayOverlap(a: StringCondition, b: StringCondition): boolean {
  if (a.kind === 'regex' || b.kind === 'regex') return true;
  const some = (c: StringCondition) => c.value;
  if (a.kind === 'exact') return accepts(b, some(a));
  if (b.kind === 'exact') return accepts(a, some(b));
  // Two prefixes of either kind share strings when one extends the other.
  const ap = a.kind === 'pathPrefix' && a.value !== '/' ? `${a.value}/` : a.value;
  const bp = b.kind === 'pathPrefix' && b.value !== '/' ? `${b.value}/` : b.value;
  return ap.startsWith(bp) || bp.startsWith(ap) || (a.kind === 'pathPrefix' && accepts(b, a.value)) || (b.kind === 'pathPrefix' && accepts(a, b.value));
}

function accepts(c: StringCondition, value: string): boolean {
  switch (c.kind) {
    case 'exact': return c.value === value;
    case 'prefix': return value.startsWith(c.value);
    case 'pathPrefix': return c.value === '/' || value === c.value || value.startsWith(`${c.value}/`);
    default: return true;
  }
}

/**
 * The prop behind one field of a route, as the user wrote it: a match route's own
 * (`matchRoutes[0].fault`), the release's for its default route (`fault`; the default route's
 * property is `service`), or a gateway route's (`addRoute /api timeout`).
 */
function propOf(route: HttpRouteIntent, field: string): string {
  const p = route.property;
  if (p === undefined || p === 'service') return field;
  return p.startsWith('matchRoutes[') ? `${p}.${field}` : `${p} ${field}`;
}

/** A route as messages name it. */
export function routeName(route: HttpRouteIntent | StreamRouteIntent): string {
  return route.property === undefined || route.property === 'service' ? 'default route' : route.property;
}

/** The HTTPRoute CRD's limits (rules, matches, backends), checked at synth. */
function limitErrors(table: RouteTable, rules: ReadonlyArray<Record<string, any>>): string[] {
  const errors: string[] = [];
  const where = pathOf(table.firstOwner);
  const report = (property: string, broken: string, value: unknown, hint: string) => {
    errors.push(new ValidationError(where, property, broken, value, hint).message);
  };
  if (rules.length > 16) {
    report(`routes for '${table.key.host}'`, 'must be at most 16 rules through the Gateway API (HTTPRoute limit)', rules.length,
      `Route fewer paths on this host, or ${KEEP_ISTIO}.`);
  }
  const total = rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0);
  if (total >= 128) report(`routes for '${table.key.host}'`, 'must have fewer than 128 matches in all through the Gateway API (HTTPRoute limit)', total, 'Match fewer alternatives.');
  rules.forEach((r, i) => {
    if ((r.matches?.length ?? 0) > 64) report(`routes for '${table.key.host}' rule ${i}`, 'must have at most 64 matches (HTTPRoute limit)', r.matches.length, 'Split the route.');
  });
  if (table.hosts.length > 16) report(`hosts of '${table.key.name}'`, 'must be at most 16 through the Gateway API (HTTPRoute hostnames limit)', table.hosts.length, 'Route fewer hosts in one place.');
  return errors;
}

/** One rule: matches, filters, timeouts, retry (experimental) and backends. */
function rule(route: HttpRouteIntent, conditions: readonly RequestCondition[], grpc: boolean, settings: RoutingSettings,
  backend: BackendNamer, table: RouteTable): Record<string, any> {
  const filters: Array<Record<string, any>> = [];
  if (route.requestHeaders) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(route.requestHeaders) });
  if (route.responseHeaders) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: headerModifier(route.responseHeaders) });
  if (route.rewrite) {
    filters.push({
      type: 'URLRewrite',
      urlRewrite: prune({
        hostname: route.rewrite.host,
        path: route.rewrite.pathPrefix !== undefined ? { type: 'ReplacePrefixMatch', replacePrefixMatch: route.rewrite.pathPrefix } : undefined,
      }),
    });
  }
  if (route.redirect) {
    const r = route.redirect;
    filters.push({
      type: 'RequestRedirect',
      requestRedirect: prune({
        scheme: r.scheme,
        hostname: r.host,
        port: r.port,
        path: r.path !== undefined ? { type: 'ReplaceFullPath', replaceFullPath: r.path } : undefined,
        // Always written: the CRD's default is 302, a VirtualService's 301.
        statusCode: r.statusCode,
      }),
    });
  }
  if (route.mirror) filters.push({ type: 'RequestMirror', requestMirror: prune({ backendRef: backendRef(route.mirror, backend, table, false), ...mirrorShare(route.mirrorPercentage) }) });
  if (route.cors) filters.push({ type: 'CORS', cors: cors(route.cors) });
  const experimentalRetry = route.retries && settings.channel === GatewayApiChannel.EXPERIMENTAL ? route.retries : undefined;
  const timeouts = prune({
    request: route.timeoutMillis !== undefined ? gatewayDuration(route.timeoutMillis) : undefined,
    backendRequest: experimentalRetry?.perTryTimeoutMillis !== undefined ? gatewayDuration(experimentalRetry.perTryTimeoutMillis) : undefined,
  });
  const validName = route.name !== undefined && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(route.name) && route.name.length <= 253;
  return prune({
    // Istio names the route after the rule (Envoy stats); a name the Gateway API cannot take stays off.
    name: validName ? route.name : undefined,
    matches: conditions.length > 0 ? conditions.map((c) => (grpc ? grpcMatch(c) : httpMatch(c))) : undefined,
    filters: filters.length > 0 ? filters : undefined,
    timeouts: Object.keys(timeouts).length > 0 && !grpc ? timeouts : undefined,
    retry: experimentalRetry ? retry(experimentalRetry) : undefined,
    backendRefs: route.route ? route.route.map((d) => backendRef(d, backend, table, route.route!.length > 1)) : undefined,
  });
}

function httpMatch(c: RequestCondition): Record<string, any> {
  return prune({
    path: c.path ? { type: pathType(c.path), value: c.path.value } : undefined,
    method: c.method,
    headers: c.headers ? Object.entries(c.headers).map(([name, v]) => ({ name, type: v.kind === 'exact' ? 'Exact' : 'RegularExpression', value: v.value })) : undefined,
    queryParams: c.queryParams ? Object.entries(c.queryParams).map(([name, v]) => ({ name, type: v.kind === 'exact' ? 'Exact' : 'RegularExpression', value: v.value })) : undefined,
  });
}

function pathType(path: StringCondition): string {
  return path.kind === 'exact' ? 'Exact' : path.kind === 'pathPrefix' ? 'PathPrefix' : 'RegularExpression';
}

/** `/pkg.Service/Method` exactly, or `/pkg.Service/` as a prefix: GRPCRoute's method match. */
function grpcMethod(path: StringCondition): { service: string; method?: string } | undefined {
  const exact = /^\/([A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*)\/([A-Za-z_][A-Za-z_0-9]*)$/.exec(path.value);
  if (path.kind === 'exact' && exact) return { service: exact[1], method: exact[2] };
  const prefix = /^\/([A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*)\/$/.exec(path.value);
  if (path.kind === 'prefix' && prefix) return { service: prefix[1] };
  return undefined;
}

function grpcMatch(c: RequestCondition): Record<string, any> {
  const method = c.path ? grpcMethod(c.path) : undefined;
  return prune({
    method: method ? { type: 'Exact', ...method } : undefined,
    headers: c.headers ? Object.entries(c.headers).map(([name, v]) => ({ name, type: v.kind === 'exact' ? 'Exact' : 'RegularExpression', value: v.value })) : undefined,
  });
}

function headerModifier(ops: HeaderOperationsIntent): Record<string, any> {
  const list = (map?: Readonly<Record<string, string>>) => (map ? Object.entries(map).map(([name, value]) => ({ name, value })) : undefined);
  return prune({ set: list(ops.set), add: list(ops.add), remove: ops.remove ? [...ops.remove] : undefined });
}

function cors(c: CorsIntent): Record<string, any> {
  return prune({
    allowOrigins: [...c.allowOrigins],
    allowMethods: c.allowMethods ? [...c.allowMethods] : undefined,
    allowHeaders: c.allowHeaders ? [...c.allowHeaders] : undefined,
    exposeHeaders: c.exposeHeaders ? [...c.exposeHeaders] : undefined,
    maxAge: c.maxAgeSeconds,
    allowCredentials: c.allowCredentials,
  });
}

/** Whole percentages as `percent`; fractional ones (0.5) as a fraction of a million. */
function mirrorShare(percentage: number | undefined): Record<string, any> {
  if (percentage === undefined) return {};
  if (Number.isInteger(percentage)) return { percent: percentage };
  return { fraction: { numerator: Math.round(percentage * 10_000), denominator: 1_000_000 } };
}

function retry(r: RetryIntent): Record<string, any> {
  return prune({ attempts: r.attempts, codes: r.statusCodes && r.statusCodes.length > 0 ? [...r.statusCodes] : undefined });
}

function backendRef(d: RouteDestination, backend: BackendNamer, table: RouteTable, weighted: boolean): Record<string, any> {
  const b = backend(d);
  return prune({
    group: b.group,
    kind: b.kind,
    name: b.name,
    namespace: b.namespace === table.key.namespace ? undefined : b.namespace,
    port: d.port,
    weight: weighted ? d.weight : undefined,
  });
}

/**
 * A Gateway API duration (GEP-2257: up to four `<1-5 digits><h|m|s|ms>` parts), from whole
 * milliseconds: `1500` -> `1s500ms`, `90000` -> `1m30s`.
 */
export function gatewayDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join('');
}

/** The Gateway API's duration range: hours are limited to five digits. */
export const MAX_GATEWAY_DURATION_MILLIS = 99_999 * 3_600_000 + 3_599_999;

function prune<T extends Record<string, any>>(obj: T): T {
  const out: Record<string, any> = {};
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key];
  return out as T;
}

/** Whether the owner construct of a table is where its errors belong (for the renderer's validation). */
export function tableOwner(table: RouteTable): IConstruct {
  return table.firstOwner;
}
