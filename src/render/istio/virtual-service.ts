import { formatMillis } from '../../core/durations';
import { prune } from '../../core/plain-objects';
import {
  CorsIntent, FaultIntent, HeaderOperationsIntent, HttpRouteIntent, RedirectIntent, RequestCondition, RetryIntent, RewriteIntent,
  RouteDestination, RouteTable, StreamCondition, StreamRouteIntent, StringCondition,
} from '../../model/mesh-model';

/**
 * The spec of a route table's `networking.istio.io/v1` VirtualService: one per host and
 * binding, routes in the table's documented order (matched routes as added, then the default).
 */
export function virtualServiceSpec(table: RouteTable): Record<string, any> {
  const binding = table.key.binding;
  return prune({
    hosts: table.hosts,
    gateways: binding.kind === 'gateway' ? [binding.gateway, ...(binding.alsoMesh ? ['mesh'] : [])] : undefined,
    http: nonEmpty(table.ordered(table.http).map(httpRoute)),
    tls: nonEmpty(table.ordered(table.tls).map(streamRoute)),
    tcp: nonEmpty(table.ordered(table.tcp).map(streamRoute)),
  });
}

function httpRoute(route: HttpRouteIntent): Record<string, any> {
  const pathRewrite = route.rewrite?.pathPrefix;
  // A whole-segment prefix has no VirtualService form with a plain prefix rewrite (see segmentRewrite).
  const segmentPath = pathRewrite !== undefined ? route.match?.find((m) => m.path?.kind === 'pathPrefix')?.path : undefined;
  return prune({
    name: route.name,
    match: route.match ? nonEmpty(route.match.flatMap(requestMatch)) : undefined,
    route: route.route ? destinations(route.route) : undefined,
    redirect: route.redirect ? redirect(route.redirect) : undefined,
    rewrite: route.rewrite ? rewrite(route.rewrite, segmentPath) : undefined,
    fault: route.fault ? fault(route.fault) : undefined,
    mirror: route.mirror ? wireDestination(route.mirror) : undefined,
    mirrorPercentage: route.mirror && route.mirrorPercentage !== undefined ? { value: route.mirrorPercentage } : undefined,
    timeout: route.timeoutMillis === undefined ? undefined : formatMillis(route.timeoutMillis),
    retries: route.retries ? retries(route.retries) : undefined,
    headers: route.requestHeaders || route.responseHeaders
      ? prune({
        request: route.requestHeaders && headerOperations(route.requestHeaders),
        response: route.responseHeaders && headerOperations(route.responseHeaders),
      })
      : undefined,
    corsPolicy: route.cors ? corsPolicy(route.cors) : undefined,
  });
}

/**
 * Istio's wire form of one alternative. A whole-segment path prefix (`/static`: `/static` and
 * `/static/...`, not `/staticx`) has no single VirtualService form: it becomes two
 * alternatives, the exact path and the string prefix with a trailing '/'.
 */
export function requestMatch(condition: RequestCondition): Array<Record<string, any>> {
  const out: Record<string, any> = {};
  if (condition.headers) out.headers = stringMatches(condition.headers);
  if (condition.withoutHeaders) out.withoutHeaders = stringMatches(condition.withoutHeaders);
  if (condition.method) out.method = { exact: condition.method };
  if (condition.queryParams) out.queryParams = stringMatches(condition.queryParams);
  if (condition.sourceLabels) out.sourceLabels = condition.sourceLabels;
  if (condition.port !== undefined) out.port = condition.port;
  if (condition.ignorePathCase) out.ignoreUriCase = true;
  if (condition.gateways) out.gateways = condition.gateways;
  const path = condition.path;
  if (!path) return [out];
  if (path.kind !== 'pathPrefix') {
    out.uri = stringMatch(path);
    return [out];
  }
  if (path.value === '/') return [{ ...out, uri: { prefix: '/' } }];
  return [{ ...out, uri: { exact: path.value } }, { ...out, uri: { prefix: `${path.value}/` } }];
}

function stringMatch(condition: StringCondition): Record<string, string> {
  return { [condition.kind]: condition.value };
}

function stringMatches(conditions: Readonly<Record<string, StringCondition>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const name in conditions) out[name] = stringMatch(conditions[name]);
  return out;
}

function streamRoute(route: StreamRouteIntent): Record<string, any> {
  return prune({ match: route.match?.map(streamMatch), route: destinations(route.route) });
}

function streamMatch(condition: StreamCondition): Record<string, any> {
  return prune({ gateways: condition.gateways, port: condition.port, sniHosts: condition.sniHosts });
}

/** A single destination takes all traffic: its weight is left out, as Istio documents it. */
function destinations(routes: readonly RouteDestination[]): Array<Record<string, any>> {
  return routes.map((r) => prune({ destination: wireDestination(r), weight: routes.length > 1 ? r.weight : undefined }));
}

function wireDestination(r: RouteDestination): Record<string, any> {
  return prune({ host: r.host, subset: r.subset, port: r.port !== undefined ? { number: r.port } : undefined });
}

function fault(f: FaultIntent): Record<string, any> {
  const out: Record<string, any> = {};
  if (f.delay) out.delay = { fixedDelay: formatMillis(f.delay.fixedDelayMillis), percentage: { value: f.delay.percentage } };
  if (f.abort) {
    out.abort = prune({ httpStatus: f.abort.httpStatus, grpcStatus: f.abort.grpcStatus, percentage: { value: f.abort.percentage } });
  }
  return out;
}

/** `retryOn` lists the conditions, then `retriable-status-codes` and the codes themselves (Envoy reads them so). */
function retries(r: RetryIntent): Record<string, any> {
  if (r.attempts === 0) return { attempts: 0 };
  const conditions: string[] = [...(r.retryOn ?? [])];
  for (const code of r.statusCodes ?? []) {
    if (!conditions.includes('retriable-status-codes')) conditions.push('retriable-status-codes');
    conditions.push(String(code));
  }
  return prune({
    attempts: r.attempts,
    perTryTimeout: r.perTryTimeoutMillis === undefined ? undefined : formatMillis(r.perTryTimeoutMillis),
    retryOn: conditions.length > 0 ? [...new Set(conditions)].join(',') : undefined,
    retryRemoteLocalities: r.retryRemoteLocalities ? true : undefined,
  });
}

function headerOperations(ops: HeaderOperationsIntent): Record<string, any> {
  return prune({ set: ops.set, add: ops.add, remove: ops.remove && nonEmpty([...ops.remove]) });
}

function redirect(r: RedirectIntent): Record<string, any> {
  return prune({ scheme: r.scheme, authority: r.host, port: r.port, uri: r.path, redirectCode: r.statusCode });
}

/**
 * A prefix rewrite. After a string prefix Istio's `uri` replaces the matched prefix. After a
 * whole-segment prefix it would miss the separator (the exact alternative `/api` and the prefix
 * `/api/` need different replacements), so the path is rewritten by an anchored expression.
 */
function rewrite(r: RewriteIntent, segmentPath: StringCondition | undefined): Record<string, any> {
  if (r.pathPrefix !== undefined && segmentPath) {
    const prefix = segmentPath.value === '/' ? '' : escapeRegex(segmentPath.value);
    const match = r.pathPrefix.endsWith('/') ? `^${prefix}/?` : `^${prefix}`;
    return prune({ uriRegexRewrite: { match, rewrite: r.pathPrefix }, authority: r.host });
  }
  return prune({ uri: r.pathPrefix, authority: r.host });
}

/** Istio reads the Gateway API's CORS filter the same way: exact origins, preflights that match no origin ignored. */
function corsPolicy(c: CorsIntent): Record<string, any> {
  return prune({
    allowOrigins: c.allowOrigins.map((o) => ({ exact: o })),
    allowMethods: c.allowMethods && nonEmpty([...c.allowMethods]),
    allowHeaders: c.allowHeaders && nonEmpty([...c.allowHeaders]),
    exposeHeaders: c.exposeHeaders && nonEmpty([...c.exposeHeaders]),
    maxAge: `${c.maxAgeSeconds}s`,
    allowCredentials: c.allowCredentials ? true : undefined,
    unmatchedPreflights: 'IGNORE',
  });
}

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
