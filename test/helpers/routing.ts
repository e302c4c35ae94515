/**
 * A small evaluator of how Istio routes one concrete request through our manifests, written
 * from Istio's documented behaviour (and its Gateway API conversion, pilot/pkg/config/kube/
 * gateway/conversion.go at 1.30), so a test can check that the same app rendered with
 * VirtualServices and with HTTPRoutes sends every request to the same pods, with the same
 * weights and policies.
 *
 * VirtualService: the first route (in list order) with a matching alternative wins.
 * HTTPRoute: every match of every rule (after API-server defaulting: a rule without matches
 * and a match without path both mean PathPrefix '/') is sorted stably by Istio's comparator
 * (exact path, then prefix, then regular expression; longer path first; method; more headers;
 * more query parameters), and the first that matches wins.
 */

/** A request as a client sends it. */
export interface RoutedRequest {
  /** The Host the client calls: a service FQDN (mesh) or an external name (gateway). */
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  /** Header values by lowercased name. */
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Through a gateway (`namespace/name`), or in the mesh. */
  readonly gateway?: string;
}

/** What happens to a request, in terms both APIs share. */
export interface Outcome {
  /** 'route', 'redirect', 'not-found' (no route), 'error' (a route without backends: 500). */
  readonly kind: 'route' | 'redirect' | 'not-found' | 'error';
  /** Backends: the pods (service host + selected labels) and share in percent, sorted. */
  readonly backends?: Array<{ pods: string; port?: number; weight: number; policy?: unknown }>;
  readonly redirect?: { scheme?: string; host?: string; port?: number; path?: string; statusCode: number };
  /** The path forwarded upstream (after rewrites). */
  readonly upstreamPath?: string;
  readonly upstreamHost?: string;
  readonly timeoutMillis?: number;
  readonly mirrors?: Array<{ pods: string; percent: number }>;
  readonly requestHeaders?: unknown;
  readonly responseHeaders?: unknown;
  readonly cors?: unknown;
}

/** Labels a Service selects when the manifests do not define it (our default: `app: <name>`). */
export type SelectorOf = (host: string) => Record<string, string>;

const defaultSelector: SelectorOf = (host) => ({ app: host.split('.')[0] });

function objects(manifests: readonly any[], kind: string, group?: string): any[] {
  return manifests.filter((m) => m?.kind === kind && (group === undefined || String(m.apiVersion ?? '').startsWith(group)));
}

/** RE2 full match, approximated with JavaScript (our expressions use the common subset). */
function fullMatch(pattern: string, value: string): boolean {
  let flags = '';
  let body = pattern;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  return new RegExp(`^(?:${body})$`, flags).test(value);
}

function durationMillis(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(m[1]) * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as any)[m[2]];
  return Math.round(total);
}

/** Pods are what a backend is: a namespace and the labels selected there. */
function podsOf(host: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  return `${host.split('.')[1]}{${sorted}}`;
}

/** The selector of a Service the manifests define, else `selectorOf`'s answer. */
function selectorIn(manifests: readonly any[], host: string, selectorOf: SelectorOf): Record<string, string> {
  const [name, ns] = host.split('.');
  const service = objects(manifests, 'Service').find((s) => s.apiVersion === 'v1' && s.metadata.name === name && (s.metadata.namespace ?? 'default') === ns);
  return service?.spec?.selector ?? selectorOf(host);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** The DestinationRule policy for a host (and subset, and port), merged as Istio applies it. */
function policyFor(manifests: readonly any[], host: string, subset: string | undefined, port: number | undefined): unknown {
  const rule = objects(manifests, 'DestinationRule').find((d) => d.spec?.host === host);
  if (!rule) return undefined;
  const top: Record<string, any> = { ...(rule.spec.trafficPolicy ?? {}) };
  const levels: any[] = top.portLevelSettings ?? [];
  delete top.portLevelSettings;
  const atPort = levels.find((l) => l.port?.number === port);
  const merged: Record<string, any> = { ...top };
  if (atPort) for (const [k, v] of Object.entries(atPort)) if (k !== 'port') merged[k] = v;
  const subsetPolicy = subset ? rule.spec.subsets?.find((s: any) => s.name === subset)?.trafficPolicy : undefined;
  if (subsetPolicy) for (const [k, v] of Object.entries(subsetPolicy)) if (k !== 'portLevelSettings') merged[k] = v;
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function stringMatches(m: any, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (m.exact !== undefined) return v === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return v.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) return fullMatch(m.regex, value);
  return false;
}

function vsMatch(m: any, request: RoutedRequest): boolean {
  if (m.uri && !stringMatches(m.uri, request.path, m.ignoreUriCase === true && m.uri.regex === undefined)) return false;
  if (m.method && !stringMatches(m.method, request.method ?? 'GET')) return false;
  for (const [name, cond] of Object.entries<any>(m.headers ?? {})) if (!stringMatches(cond, request.headers?.[name])) return false;
  for (const [name, cond] of Object.entries<any>(m.withoutHeaders ?? {})) if (stringMatches(cond, request.headers?.[name])) return false;
  for (const [name, cond] of Object.entries<any>(m.queryParams ?? {})) if (!stringMatches(cond, request.query?.[name])) return false;
  if (m.port !== undefined && m.port !== request.port) return false;
  if (m.gateways && !m.gateways.includes(request.gateway ?? 'mesh')) return false;
  return true;
}

function vsRewrite(route: any, match: any, path: string): string {
  const rewrite = route.rewrite;
  if (!rewrite) return path;
  if (rewrite.uriRegexRewrite) return path.replace(new RegExp(rewrite.uriRegexRewrite.match), rewrite.uriRegexRewrite.rewrite);
  if (rewrite.uri === undefined) return path;
  if (match?.uri?.prefix !== undefined) return rewrite.uri + path.slice(match.uri.prefix.length);
  return rewrite.uri;
}

/** How Istio routes `request` with the VirtualServices (and Istio Gateways) among `manifests`. */
export function routeWithVirtualServices(manifests: readonly any[], request: RoutedRequest, selectorOf: SelectorOf = defaultSelector): Outcome {
  if (request.gateway) {
    const [ns, name] = request.gateway.split('/');
    const gateway = objects(manifests, 'Gateway', 'networking.istio.io').find((g) => g.metadata.name === name && (g.metadata.namespace ?? 'default') === ns);
    const server = gateway?.spec.servers.find((s: any) => s.port.number === request.port
      && s.hosts.some((h: string) => hostMatches(h, request.host)));
    if (!server) return { kind: 'not-found' };
    if (server.tls?.httpsRedirect) return { kind: 'redirect', redirect: { scheme: 'https', statusCode: 301 } };
  }
  const services = objects(manifests, 'VirtualService').filter((vs) => {
    const gateways: string[] = vs.spec.gateways ?? ['mesh'];
    return vs.spec.hosts.some((h: string) => hostMatches(h, request.host)) && gateways.includes(request.gateway ?? 'mesh');
  });
  for (const vs of services) {
    for (const route of vs.spec.http ?? []) {
      const alternatives: any[] = route.match ?? [{}];
      const match = alternatives.find((m) => vsMatch(m, request));
      if (!match) continue;
      return vsOutcome(manifests, route, match, request, selectorOf);
    }
  }
  return services.length > 0 ? { kind: 'not-found' } : defaultOutcome(manifests, request, selectorOf);
}

function vsOutcome(manifests: readonly any[], route: any, match: any, request: RoutedRequest, selectorOf: SelectorOf): Outcome {
  const common = {
    timeoutMillis: durationMillis(route.timeout),
    requestHeaders: normalizeHeaders(route.headers?.request),
    responseHeaders: normalizeHeaders(route.headers?.response),
    cors: route.corsPolicy ? normalizeCors(route.corsPolicy) : undefined,
  };
  if (route.redirect) {
    const r = route.redirect;
    return { kind: 'redirect', redirect: clean({ scheme: r.scheme, host: r.authority, port: r.port, path: r.uri, statusCode: r.redirectCode ?? 301 }), ...clean(common) };
  }
  const destinations: any[] = route.route ?? [];
  const pods = (d: any) => {
    const rule = objects(manifests, 'DestinationRule').find((x) => x.spec?.host === d.host);
    const labels = d.subset ? rule?.spec.subsets?.find((s: any) => s.name === d.subset)?.labels ?? { missingSubset: d.subset } : {};
    return podsOf(d.host, { ...selectorIn(manifests, d.host, selectorOf), ...labels });
  };
  const backends = destinations.map((d) => ({
    pods: pods(d.destination),
    port: d.destination.port?.number,
    weight: destinations.length === 1 ? 100 : d.weight ?? 0,
    policy: policyFor(manifests, d.destination.host, d.destination.subset, d.destination.port?.number),
  })).filter((b) => b.weight > 0).sort((a, b) => a.pods.localeCompare(b.pods));
  const mirrors = [...(route.mirror ? [{ destination: route.mirror, percentage: route.mirrorPercentage }] : []), ...(route.mirrors ?? [])]
    .map((m: any) => ({ pods: pods(m.destination), percent: m.percentage?.value ?? 100 }));
  return clean({
    kind: 'route',
    backends,
    upstreamPath: vsRewrite(route, match, request.path),
    upstreamHost: route.rewrite?.authority,
    mirrors: mirrors.length > 0 ? mirrors : undefined,
    ...common,
  }) as Outcome;
}

/** No route object for the host: the request goes to the service itself. */
function defaultOutcome(manifests: readonly any[], request: RoutedRequest, selectorOf: SelectorOf): Outcome {
  if (request.gateway) return { kind: 'not-found' };
  return {
    kind: 'route',
    backends: [{
      pods: podsOf(request.host, selectorIn(manifests, request.host, selectorOf)),
      port: request.port,
      weight: 100,
      policy: policyFor(manifests, request.host, undefined, request.port),
    }],
    upstreamPath: request.path,
  };
}

interface SortedMatch {
  readonly route: any;
  readonly rule: any;
  readonly match: any;
  readonly rank: number;
  readonly length: number;
}

/** How Istio routes `request` with the HTTPRoutes (and Gateway API Gateways) among `manifests`. */
export function routeWithHttpRoutes(manifests: readonly any[], request: RoutedRequest, selectorOf: SelectorOf = defaultSelector): Outcome {
  const routes = [...objects(manifests, 'HTTPRoute', 'gateway.networking.k8s.io'), ...objects(manifests, 'GRPCRoute', 'gateway.networking.k8s.io')]
    .filter((r) => attaches(manifests, r, request))
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  if (routes.length === 0) return request.gateway ? { kind: 'not-found' } : defaultOutcome(manifests, request, selectorOf);
  const matches: SortedMatch[] = [];
  for (const route of routes) {
    for (const rule of route.spec.rules ?? []) {
      for (const given of rule.matches ?? [{}]) {
        const grpc = route.kind === 'GRPCRoute';
        // A GRPCRoute's `method` is the gRPC method, which Istio reads as a path; it has no HTTP method.
        const match = { ...given, method: grpc ? undefined : given.method, path: given.path ?? (grpc ? grpcPath(given.method) : undefined) ?? { type: 'PathPrefix', value: '/' } };
        const value: string = match.path.type === 'PathPrefix' && match.path.value !== '/' ? match.path.value.replace(/\/+$/, '') : match.path.value;
        const rank = match.path.type === 'Exact' ? 3 : match.path.type === 'PathPrefix' || match.path.type === 'StringPrefix' ? 2 : 1;
        matches.push({ route, rule, match: { ...match, path: { ...match.path, value } }, rank, length: value.length });
      }
    }
  }
  // Stable: ties keep the order of routes (creation, then namespace/name) and of rules.
  const sorted = matches.map((m, i) => ({ m, i })).sort((x, y) => compare(x.m, y.m) || x.i - y.i).map((x) => x.m);
  const chosen = sorted.find((m) => httpRouteMatch(m.match, request));
  if (!chosen) return { kind: 'not-found' };
  return httpRouteOutcome(manifests, chosen, request, selectorOf);
}

/** Istio reads a GRPCRoute method match as a path: exact `/service/method`, or the prefix `/service/`. */
function grpcPath(method: any): any {
  if (!method) return undefined;
  if (method.service && method.method) return { type: 'Exact', value: `/${method.service}/${method.method}` };
  if (method.service) return { type: 'StringPrefix', value: `/${method.service}/` };
  return { type: 'RegularExpression', value: `/[^/]+/${method.method}` };
}

function compare(a: SortedMatch, b: SortedMatch): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (a.length !== b.length) return b.length - a.length;
  const am = a.match.method !== undefined;
  const bm = b.match.method !== undefined;
  if (am !== bm) return am ? -1 : 1;
  const ah = (a.match.headers ?? []).length;
  const bh = (b.match.headers ?? []).length;
  if (ah !== bh) return bh - ah;
  return (b.match.queryParams ?? []).length - (a.match.queryParams ?? []).length;
}

function attaches(manifests: readonly any[], route: any, request: RoutedRequest): boolean {
  const namespace = route.metadata.namespace ?? 'default';
  return (route.spec.parentRefs ?? []).some((p: any) => {
    const parentNamespace = p.namespace ?? namespace;
    if (p.kind === 'Service') {
      if (request.gateway) return false;
      const [svc, ns] = request.host.split('.');
      return p.name === svc && parentNamespace === ns && (p.port === undefined || p.port === request.port);
    }
    if (!request.gateway || `${parentNamespace}/${p.name}` !== request.gateway) return false;
    const gateway = objects(manifests, 'Gateway', 'gateway.networking.k8s.io').find((g) => g.metadata.name === p.name && (g.metadata.namespace ?? 'default') === parentNamespace);
    const listeners = (gateway?.spec.listeners ?? []).filter((l: any) => (p.sectionName === undefined || l.name === p.sectionName)
      && l.port === request.port
      && (l.hostname === undefined || hostMatches(l.hostname, request.host)));
    const hostnames: string[] = route.spec.hostnames ?? [];
    return listeners.length > 0 && (hostnames.length === 0 || hostnames.some((h) => hostMatches(h, request.host)));
  });
}

function gatewayValueMatches(type: string | undefined, expected: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return (type ?? 'Exact') === 'Exact' ? value === expected : fullMatch(expected, value);
}

function httpRouteMatch(m: any, request: RoutedRequest): boolean {
  const path = m.path;
  if (path.type === 'Exact' && request.path !== path.value) return false;
  if (path.type === 'PathPrefix' && !(path.value === '/' || request.path === path.value || request.path.startsWith(`${path.value}/`))) return false;
  if (path.type === 'RegularExpression' && !fullMatch(path.value, request.path)) return false;
  if (path.type === 'StringPrefix' && !request.path.startsWith(path.value)) return false;
  if (m.method && m.method !== (request.method ?? 'GET')) return false;
  for (const h of m.headers ?? []) if (!gatewayValueMatches(h.type, h.value, request.headers?.[h.name.toLowerCase()])) return false;
  for (const q of m.queryParams ?? []) if (!gatewayValueMatches(q.type, q.value, request.query?.[q.name])) return false;
  return true;
}

function httpRouteOutcome(manifests: readonly any[], chosen: SortedMatch, request: RoutedRequest, selectorOf: SelectorOf): Outcome {
  const { route, rule, match } = chosen;
  const namespace = route.metadata.namespace ?? 'default';
  const filters: any[] = rule.filters ?? [];
  const filter = (type: string) => filters.find((f) => f.type === type);
  const modifier = (f: any) => (f ? normalizeHeaders({
    set: f.set ? Object.fromEntries(f.set.map((h: any) => [h.name, h.value])) : undefined,
    add: f.add ? Object.fromEntries(f.add.map((h: any) => [h.name, h.value])) : undefined,
    remove: f.remove,
  }) : undefined);
  const cors = filter('CORS')?.cors;
  const common = {
    timeoutMillis: durationMillis(rule.timeouts?.request),
    requestHeaders: modifier(filter('RequestHeaderModifier')?.requestHeaderModifier),
    responseHeaders: modifier(filter('ResponseHeaderModifier')?.responseHeaderModifier),
    cors: cors ? normalizeCors({
      allowOrigins: cors.allowOrigins.map((o: string) => ({ exact: o })),
      allowMethods: cors.allowMethods,
      allowHeaders: cors.allowHeaders,
      exposeHeaders: cors.exposeHeaders,
      maxAge: `${cors.maxAge ?? 5}s`,
      allowCredentials: cors.allowCredentials,
      unmatchedPreflights: 'IGNORE',
    }) : undefined,
  };
  const redirect = filter('RequestRedirect')?.requestRedirect;
  if (redirect) {
    return clean({
      kind: 'redirect',
      redirect: clean({
        scheme: redirect.scheme,
        host: redirect.hostname,
        port: redirect.port,
        path: redirect.path?.replaceFullPath,
        statusCode: redirect.statusCode ?? 302,
      }),
      ...clean(common),
    }) as Outcome;
  }
  const refs: any[] = rule.backendRefs ?? [];
  const total = refs.reduce((n, r) => n + (r.weight ?? 1), 0);
  if (refs.length === 0 || total === 0) return { kind: 'error' };
  const backend = (ref: any) => {
    const host = `${ref.name}.${ref.namespace ?? namespace}.svc.cluster.local`;
    return { host, pods: podsOf(host, selectorIn(manifests, host, selectorOf)) };
  };
  const backends = refs.map((r) => {
    const b = backend(r);
    const weight = Math.round(((r.weight ?? 1) / total) * 100);
    return { pods: b.pods, port: r.port, weight, policy: policyFor(manifests, b.host, undefined, r.port) };
  }).filter((b) => b.weight > 0).sort((a, b) => a.pods.localeCompare(b.pods));
  const mirrors = filters.filter((f) => f.type === 'RequestMirror').map((f) => ({
    pods: backend(f.requestMirror.backendRef).pods,
    percent: f.requestMirror.percent
      ?? (f.requestMirror.fraction ? (100 * f.requestMirror.fraction.numerator) / (f.requestMirror.fraction.denominator ?? 100) : 100),
  }));
  const rewrite = filter('URLRewrite')?.urlRewrite;
  let upstreamPath = request.path;
  if (rewrite?.path?.type === 'ReplacePrefixMatch' && match.path.type === 'PathPrefix') {
    const prefix = match.path.value;
    const replacement = rewrite.path.replacePrefixMatch.replace(/\/+$/, '');
    const rest = prefix === '/' ? request.path : request.path.slice(prefix.length);
    upstreamPath = `${replacement}${rest.startsWith('/') || rest === '' ? rest : `/${rest}`}` || '/';
  } else if (rewrite?.path?.type === 'ReplaceFullPath') {
    upstreamPath = rewrite.path.replaceFullPath;
  }
  return clean({
    kind: 'route', backends, upstreamPath, upstreamHost: rewrite?.hostname, mirrors: mirrors.length > 0 ? mirrors : undefined, ...common,
  }) as Outcome;
}

function normalizeHeaders(h: any): unknown {
  if (!h) return undefined;
  const lower = (m?: Record<string, string>) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]).sort()) : undefined);
  return clean({ set: lower(h.set), add: lower(h.add), remove: h.remove ? [...h.remove].map((x: string) => x.toLowerCase()).sort() : undefined });
}

function normalizeCors(c: any): unknown {
  return clean({
    allowOrigins: c.allowOrigins.map((o: any) => o.exact ?? o.regex).sort(),
    allowMethods: c.allowMethods ? [...c.allowMethods].sort() : undefined,
    allowHeaders: c.allowHeaders ? [...c.allowHeaders].sort() : undefined,
    exposeHeaders: c.exposeHeaders ? [...c.exposeHeaders].sort() : undefined,
    maxAgeMillis: durationMillis(c.maxAge),
    allowCredentials: c.allowCredentials === true ? true : undefined,
    unmatchedPreflights: c.unmatchedPreflights,
  });
}

function clean<T extends Record<string, any>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Concrete requests that probe every condition of the routes among `manifests`: each path
 * value, its near misses (`/static` -> `/staticx`, `/static/`, `/static/x`, `/Static`), each
 * header and query value with and without it, a near-miss value, and other methods.
 */
export function probeRequests(manifests: readonly any[], base: Omit<RoutedRequest, 'path'>): RoutedRequest[] {
  const paths = new Set<string>(['/', '/x']);
  const headers: Array<Record<string, string>> = [{}];
  const queries: Array<Record<string, string>> = [{}];
  const literal = (v: string) => v.replace(/\\(.)/g, '$1').replace(/[\^$()|*+?]|\.\*|\(\?i\)/g, '');
  const addPath = (v: string) => {
    const p = literal(v);
    for (const x of [p, `${p}x`, `${p}/`, `${p}/x`, p.replace(/\/+$/, ''), p.toUpperCase(), `${p}.css`]) if (x.startsWith('/')) paths.add(x);
  };
  const addValue = (list: Array<Record<string, string>>, name: string, v: string) => {
    const value = literal(v);
    list.push({ [name]: value }, { [name]: `${value}x` }, { [name]: value.toUpperCase() });
  };
  for (const vs of objects(manifests, 'VirtualService')) {
    for (const route of vs.spec.http ?? []) {
      for (const m of route.match ?? []) {
        if (m.uri) addPath(m.uri.exact ?? m.uri.prefix ?? m.uri.regex);
        for (const [name, c] of Object.entries<any>(m.headers ?? {})) addValue(headers, name, c.exact ?? c.prefix ?? c.regex);
        for (const [name, c] of Object.entries<any>(m.queryParams ?? {})) addValue(queries, name, c.exact ?? c.prefix ?? c.regex);
      }
    }
  }
  for (const route of [...objects(manifests, 'HTTPRoute'), ...objects(manifests, 'GRPCRoute')]) {
    for (const rule of route.spec.rules ?? []) {
      for (const m of rule.matches ?? []) {
        if (m.path) addPath(m.path.value);
        if (m.method) addPath(grpcPath(m.method).value);
        for (const h of m.headers ?? []) addValue(headers, h.name, h.value);
        for (const q of m.queryParams ?? []) addValue(queries, q.name, q.value);
      }
    }
  }
  const requests: RoutedRequest[] = [];
  for (const path of paths) {
    for (const h of headers) {
      for (const q of queries) {
        for (const method of ['GET', 'POST']) requests.push({ ...base, path, headers: h, query: q, method });
      }
    }
  }
  return requests;
}
