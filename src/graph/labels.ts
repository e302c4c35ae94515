/*
 * The short texts on the graph's nodes and edges, from the manifests' own fields:
 * `end-user = jason`, `90%`, `delay 7s (100%)`, `GET /v1/*`. Not API.
 */
import { isRecord } from '../analysis/context';

type Json = Record<string, any>;

function list(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** A few items, then how many more: hosts and values can run long. */
export function few(items: readonly string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} +${items.length - max}`;
}

/** `= v`, `= v*`, `~ v` for an Istio StringMatch ({exact}, {prefix}, {regex}). */
function stringMatch(name: string, m: unknown): string {
  if (!isRecord(m)) return name;
  if (m.exact !== undefined) return `${name} = ${m.exact}`;
  if (m.prefix !== undefined) return `${name} = ${m.prefix}*`;
  if (m.regex !== undefined) return `${name} ~ ${m.regex}`;
  return `${name} present`;
}

function uriMatch(m: unknown): string {
  if (!isRecord(m)) return 'path';
  if (m.exact !== undefined) return `path ${m.exact}`;
  if (m.prefix !== undefined) return `path ${m.prefix}*`;
  if (m.regex !== undefined) return `path ~ ${m.regex}`;
  return 'path';
}

function labelsText(labels: unknown): string {
  return isRecord(labels) ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : '';
}

/** One HTTPMatchRequest of a VirtualService, e.g. `end-user = jason, GET`. */
export function httpMatchText(m: Json): string {
  const parts: string[] = [];
  if (m.uri) parts.push(uriMatch(m.uri));
  if (isRecord(m.method)) parts.push(stringMatch('method', m.method).replace(/^method = /, ''));
  if (m.authority) parts.push(stringMatch('authority', m.authority));
  if (m.scheme) parts.push(stringMatch('scheme', m.scheme));
  for (const [k, v] of Object.entries(isRecord(m.headers) ? m.headers : {})) parts.push(stringMatch(k, v));
  for (const [k, v] of Object.entries(isRecord(m.withoutHeaders) ? m.withoutHeaders : {})) parts.push(`not ${stringMatch(k, v)}`);
  for (const [k, v] of Object.entries(isRecord(m.queryParams) ? m.queryParams : {})) parts.push(stringMatch(`?${k}`, v));
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.sourceLabels) parts.push(`from ${labelsText(m.sourceLabels)}`);
  if (m.sourceNamespace) parts.push(`from ns ${m.sourceNamespace}`);
  return parts.join(', ');
}

/** One L4 match (TCP or TLS route): port, SNI hosts, source labels, destination subnets. */
export function l4MatchText(m: Json): string {
  const parts: string[] = [];
  if (m.sniHosts) parts.push(`sni ${few(list(m.sniHosts).map(String))}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.destinationSubnets) parts.push(`to ${few(list(m.destinationSubnets).map(String))}`);
  if (m.sourceLabels) parts.push(`from ${labelsText(m.sourceLabels)}`);
  if (m.sourceNamespace) parts.push(`from ns ${m.sourceNamespace}`);
  return parts.join(', ');
}

function percent(p: unknown): string {
  return isRecord(p) && typeof p.value === 'number' ? ` (${p.value}%)` : '';
}

/** What an HTTP route rule does besides choosing destinations: timeout, retries, fault, rewrite. */
export function httpPolicyTexts(rule: Json): string[] {
  const out: string[] = [];
  if (rule.timeout) out.push(`timeout ${rule.timeout}`);
  if (isRecord(rule.retries)) {
    const r = rule.retries;
    if (r.attempts === 0) {
      out.push('no retries');
    } else {
      const tries = `retries ${r.attempts ?? '?'}${r.perTryTimeout ? ` × ${r.perTryTimeout}` : ''}`;
      out.push(r.retryOn ? `${tries} on ${r.retryOn}` : tries);
    }
  }
  if (isRecord(rule.fault)) {
    const f = rule.fault;
    if (isRecord(f.delay)) out.push(`delay ${f.delay.fixedDelay ?? f.delay.exponentialDelay ?? '?'}${percent(f.delay.percentage)}`);
    if (isRecord(f.abort)) out.push(`abort ${f.abort.httpStatus ?? f.abort.grpcStatus ?? f.abort.http2Error ?? '?'}${percent(f.abort.percentage)}`);
  }
  if (isRecord(rule.rewrite)) {
    const w = rule.rewrite;
    const to = [w.uri, w.uriRegexRewrite ? `~ ${w.uriRegexRewrite.match} → ${w.uriRegexRewrite.rewrite}` : undefined, w.authority ? `host ${w.authority}` : undefined];
    out.push(`rewrite ${to.filter((x) => x).join(' ')}`.trim());
  }
  if (isRecord(rule.corsPolicy)) out.push('CORS');
  return out;
}

/** A redirect or direct response, as the text of the node it ends in. */
export function actionText(rule: Json): string | undefined {
  if (isRecord(rule.redirect)) {
    const r = rule.redirect;
    const where = `${r.scheme ? `${r.scheme}://` : ''}${r.authority ?? ''}${r.port ? `:${r.port}` : ''}${r.uri ?? ''}`;
    return `redirect${where ? ` ${where}` : ''}${r.redirectCode ? ` (${r.redirectCode})` : ''}`;
  }
  if (isRecord(rule.directResponse)) return `respond ${rule.directResponse.status ?? '?'}`;
  if (isRecord(rule.delegate)) return `delegate to ${rule.delegate.namespace ? `${rule.delegate.namespace}/` : ''}${rule.delegate.name}`;
  return undefined;
}

/** A DestinationRule traffic policy in a few lines: load balancing, affinity, limits, TLS. */
export function trafficPolicyTexts(tp: unknown, prefix = ''): string[] {
  if (!isRecord(tp)) return [];
  const out: string[] = [];
  const lb = tp.loadBalancer;
  if (isRecord(lb)) {
    if (lb.simple) out.push(`LB ${lb.simple}`);
    const h = lb.consistentHash;
    if (isRecord(h)) {
      if (h.httpHeaderName) out.push(`sticky: header ${h.httpHeaderName}`);
      else if (isRecord(h.httpCookie)) out.push(`sticky: cookie ${h.httpCookie.name}${h.httpCookie.ttl ? ` (ttl ${h.httpCookie.ttl})` : ''}`);
      else if (h.useSourceIp) out.push('sticky: source IP');
      else if (h.httpQueryParameterName) out.push(`sticky: query ?${h.httpQueryParameterName}`);
      else out.push('sticky: consistent hash');
    }
    if (isRecord(lb.localityLbSetting) && lb.localityLbSetting.enabled !== false) {
      const failover = list(lb.localityLbSetting.failover).filter(isRecord);
      if (failover.length > 0) out.push(`failover ${failover.map((f) => `${f.from}→${f.to}`).join(', ')}`);
      if (lb.localityLbSetting.distribute) out.push('locality weights');
    }
  }
  const pool = tp.connectionPool;
  if (isRecord(pool)) {
    const limits: string[] = [];
    if (isRecord(pool.tcp) && pool.tcp.maxConnections !== undefined) limits.push(`${pool.tcp.maxConnections} conn`);
    if (isRecord(pool.http) && pool.http.http1MaxPendingRequests !== undefined) limits.push(`${pool.http.http1MaxPendingRequests} pending`);
    if (isRecord(pool.http) && pool.http.http2MaxRequests !== undefined) limits.push(`${pool.http.http2MaxRequests} requests`);
    out.push(limits.length > 0 ? `limits: ${limits.join(', ')}` : 'connection pool');
  }
  const od = tp.outlierDetection;
  if (isRecord(od)) {
    const after = od.consecutive5xxErrors ?? od.consecutiveGatewayErrors ?? od.consecutiveErrors;
    out.push(`eject${after !== undefined ? ` after ${after}× 5xx` : ''}${od.baseEjectionTime ? ` for ${od.baseEjectionTime}` : ''}`);
  }
  if (isRecord(tp.tls) && tp.tls.mode && tp.tls.mode !== 'ISTIO_MUTUAL') out.push(`TLS ${tp.tls.mode}${tp.tls.sni ? ` sni ${tp.tls.sni}` : ''}`);
  for (const pls of list(tp.portLevelSettings)) {
    if (isRecord(pls)) out.push(...trafficPolicyTexts({ ...pls, port: undefined }, `${prefix}:${pls.port?.number ?? '?'} `));
  }
  return out.map((t) => `${prefix}${t}`);
}

/** One server of an Istio Gateway: `443 HTTPS SIMPLE: bookinfo.example.com`. */
export function serverText(server: Json, namespace: string): string {
  const port = isRecord(server.port) ? server.port : {};
  const tls = isRecord(server.tls) ? server.tls : {};
  const hosts = list(server.hosts).map(String).map((h) => (h.startsWith(`${namespace}/`) || h.startsWith('*/') || h.startsWith('./') ? h.slice(h.indexOf('/') + 1) : h));
  const mode = tls.httpsRedirect ? '→ HTTPS' : tls.mode ? String(tls.mode) : '';
  return `${port.number ?? '?'} ${port.protocol ?? ''}${mode ? ` ${mode}` : ''}: ${few(hosts)}`;
}

/** One listener of a Gateway API Gateway: `443 HTTPS Terminate: bookinfo.example.com`. */
export function listenerText(listener: Json): string {
  const mode = isRecord(listener.tls) && listener.tls.mode ? ` ${listener.tls.mode}` : '';
  return `${listener.port ?? '?'} ${listener.protocol ?? ''}${mode}: ${listener.hostname ?? '*'}`;
}

/** A Gateway API HTTPRoute match: `path /api*, GET, end-user = jason`. */
export function gatewayApiMatchText(m: Json): string {
  const parts: string[] = [];
  if (isRecord(m.path)) {
    const v = m.path.value ?? '/';
    const type = m.path.type ?? 'PathPrefix';
    parts.push(type === 'Exact' ? `path ${v}` : type === 'RegularExpression' ? `path ~ ${v}` : `path ${v}*`);
  }
  if (m.method) parts.push(String(m.method));
  if (isRecord(m.method)) parts.push(`${m.method.service ?? '*'}/${m.method.method ?? '*'}`);
  for (const h of list(m.headers)) parts.push(h?.type === 'RegularExpression' ? `${h.name} ~ ${h.value}` : `${h?.name} = ${h?.value}`);
  for (const q of list(m.queryParams)) parts.push(q?.type === 'RegularExpression' ? `?${q.name} ~ ${q.value}` : `?${q?.name} = ${q?.value}`);
  return parts.join(', ');
}

/** The request side of an AuthorizationPolicy rule: `GET, POST /v1/* port 8080`, one text per `to`. */
export function operationTexts(rule: Json): string[] {
  const out: string[] = [];
  for (const to of list(rule.to)) {
    const op = isRecord(to?.operation) ? to.operation : {};
    const parts: string[] = [];
    if (op.methods) parts.push(list(op.methods).join(','));
    if (op.notMethods) parts.push(`not ${list(op.notMethods).join(',')}`);
    if (op.paths) parts.push(few(list(op.paths).map(String)));
    if (op.notPaths) parts.push(`not ${few(list(op.notPaths).map(String))}`);
    if (op.ports) parts.push(`port ${list(op.ports).join(',')}`);
    if (op.notPorts) parts.push(`not port ${list(op.notPorts).join(',')}`);
    if (op.hosts) parts.push(`host ${few(list(op.hosts).map(String))}`);
    if (op.notHosts) parts.push(`not host ${few(list(op.notHosts).map(String))}`);
    out.push(parts.join(' ') || 'any request');
  }
  return out;
}

/** The `when` conditions of a rule: `request.auth.claims[groups] = admin`. */
export function conditionTexts(rule: Json): string[] {
  return list(rule.when).filter(isRecord).map((c) => {
    if (c.values) return `${c.key} = ${few(list(c.values).map(String), 2)}`;
    if (c.notValues) return `${c.key} != ${few(list(c.notValues).map(String), 2)}`;
    return String(c.key);
  });
}
