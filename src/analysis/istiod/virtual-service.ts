import {
  checkDuration, goSlice, isDns1123Label, isIpOrCidr, Issues, q, validateExportTo, validateLabels, validatePort,
  validateRegex, validateStringMatchRegex, validateWildcardDomain, strings,
} from './primitives';
import { isIpAddress } from '../../core/hosts';
import { remembered } from '../../core/remembered';
import { isRecord } from '../context';
import { arr, hostMatches, hostSubsetOf } from '../util';

const JWT_CLAIM = '@request.auth.claims';
const HEADER_NAME = /^:?[-!#$%&'*+.^_`|~0-9A-Za-z]+$/;
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes',
  'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'reset-before-request',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** Status codes Go's `http.StatusText` knows (retryOn accepts them). */
const HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
]);

const isAuthority = (name: string) => name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';

/** `ValidateHTTPHeaderName` (header names in CORS lists and outputClaimToHeaders). */
export function validateHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (!/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

/** `ValidateHTTPHeaderOperationName`: names in headers add/set/remove. */
export function validateHeaderOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.startsWith(':')) return `invalid header ${q(name)}: header cannot have ":" prefix`;
  if (name.toLowerCase() === 'host') return `invalid header ${q(name)}: cannot set Host header`;
  return validateHeaderName(name);
}

/** `ValidateHTTPHeaderValue`: Envoy's `%COMMAND(arg)%` substitutions must be well formed. */
export function validateHeaderValue(value: string): string | undefined {
  if (value === '') return undefined;
  const rest = value.replace(/%%/g, '').replace(/%[A-Z][A-Z0-9_]*(\([^)]*\))?(:\d+)?%/g, '');
  return rest.includes('%') ? `header value configuration ${value} is invalid` : undefined;
}

/** The header operations of a route or route destination (`headers.request`/`headers.response`). */
export function validateHeaderOperations(issues: Issues, headers: unknown): void {
  if (!isRecord(headers)) return;
  const request = isRecord(headers.request) ? headers.request : {};
  const response = isRecord(headers.response) ? headers.response : {};
  for (const op of ['add', 'set']) {
    for (const [name, val] of Object.entries(isRecord(request[op]) ? request[op] : {})) {
      if (!isAuthority(name)) issues.error(validateHeaderOperationName(name));
      issues.error(validateHeaderValue(String(val ?? '')));
    }
  }
  for (const name of strings(request.remove)) issues.error(validateHeaderOperationName(name));
  for (const op of ['add', 'set']) {
    for (const [name, val] of Object.entries(isRecord(response[op]) ? response[op] : {})) {
      issues.error(validateHeaderOperationName(name));
      issues.error(validateHeaderValue(String(val ?? '')));
    }
  }
  for (const name of strings(response.remove)) issues.error(validateHeaderOperationName(name));
}

/** `validateGatewayNames`: `<ns>/<name>`, or a (legacy) host-like name. */
export function validateGatewayNames(issues: Issues, gateways: unknown): void {
  for (const gw of strings(gateways)) {
    const slash = gw.indexOf('/');
    if (slash < 0) {
      if (gw.includes('.')) {
        const parts = gw.split('.');
        issues.warn(`using legacy gatewayName format ${q(gw)}; prefer the <namespace>/<name> format: ${q(`${parts[1]}/${parts[0]}`)}`);
      }
      issues.error(validateWildcardDomain(gw));
      continue;
    }
    const ns = gw.slice(0, slash);
    const name = gw.slice(slash + 1);
    if (ns === '' || name === '') {
      issues.error('config namespace and gateway name cannot be empty');
      continue;
    }
    if (!isDns1123Label(ns)) issues.error(`invalid value for namespace: ${q(ns)}`);
    // Gateway API gateways are referenced through their generated internal name.
    if (name.includes('~istio-autogenerated-k8s-gateway')) continue;
    if (!isDns1123Label(name) && validateWildcardDomain(name) !== undefined) issues.error(`invalid value for gateway name: ${q(name)}`);
  }
}

/** `validateDestination`. */
export function validateDestination(issues: Issues, d: unknown): void {
  if (!isRecord(d)) return;
  const host = String(d.host ?? '');
  if (host === '*') issues.error(`invalid destination host ${host}`);
  issues.error(validateWildcardDomain(host));
  if (d.subset !== undefined && String(d.subset) !== '' && !isDns1123Label(String(d.subset))) issues.error(`subset name is invalid: ${d.subset}`);
  if (isRecord(d.port)) issues.error(validatePort(d.port.number ?? 0));
}

function validateWeights(issues: Issues, routes: unknown, http: boolean): void {
  const list = arr(routes);
  let total = 0;
  for (const r of list) {
    if (!isRecord(r)) {
      issues.error('weight may not be nil');
      continue;
    }
    if (!isRecord(r.destination)) issues.error('destination is required');
    if (http) validateHeaderOperations(issues, r.headers);
    validateDestination(issues, r.destination);
    const w = Number(r.weight ?? 0);
    if (w < 0) issues.error(`weight ${w} < 0`);
    total += w;
  }
  if (list.length > 1 && total === 0) issues.error('total destination weight = 0');
}

function validatePercentage(issues: Issues, p: unknown): void {
  if (!isRecord(p)) return;
  const v = Number(p.value ?? 0);
  if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) issues.error(`percentage ${v} is neither 0.0, nor in range [0.0001, 100.0]`);
}

function validateHttpStatus(issues: Issues, status: number): void {
  if (status < 200 || status > 600) issues.error(`HTTP status ${status} is not in range 200-599`);
}

function validateFault(issues: Issues, fault: unknown): void {
  if (!isRecord(fault)) return;
  if (fault.abort === undefined && fault.delay === undefined) issues.error('HTTP fault injection must have an abort and/or a delay');
  if (isRecord(fault.abort)) {
    const a = fault.abort;
    validatePercentage(issues, a.percentage);
    if (a.grpcStatus !== undefined) {
      const s = String(a.grpcStatus);
      if (!GRPC_STATUS.has(s) && !(/^\d+$/.test(s) && Number(s) <= 16)) {
        issues.error(`gRPC status ${q(s)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes`);
      }
    } else if (a.http2Error !== undefined) {
      issues.error('HTTP/2 abort fault injection not supported yet');
    } else if (a.httpStatus !== undefined) {
      validateHttpStatus(issues, Number(a.httpStatus));
    } else {
      issues.warn('abort configured, but error type not set');
    }
  }
  if (isRecord(fault.delay)) {
    const d = fault.delay;
    validatePercentage(issues, d.percentage);
    if (d.percent !== undefined && (Number(d.percent) < 0 || Number(d.percent) > 100)) issues.error(`percentage ${d.percent} is not in range 0..100`);
    if (d.fixedDelay !== undefined) checkDuration(issues, d.fixedDelay);
    else if (d.exponentialDelay !== undefined) issues.error('exponentialDelay not supported yet');
  }
}

function validateCors(issues: Issues, cors: unknown): void {
  if (!isRecord(cors)) return;
  for (const origin of arr(cors.allowOrigins)) {
    const o = isRecord(origin) ? origin : {};
    const value = String(o.exact ?? o.prefix ?? o.regex ?? '');
    if (value === '') {
      issues.error(`'${value}' is not a valid match type for CORS allow origins`);
      continue;
    }
    validateStringMatchRegex(issues, o, 'corsPolicy.allowOrigins');
  }
  for (const m of strings(cors.allowMethods)) if (!HTTP_METHODS.has(m)) issues.error(`${q(m)} is not a supported HTTP method`);
  for (const h of strings(cors.allowHeaders)) issues.error(validateHeaderName(h));
  for (const h of strings(cors.exposeHeaders)) issues.error(validateHeaderName(h));
  if (cors.maxAge !== undefined) {
    checkDuration(issues, cors.maxAge);
    const m = /\.(\d+)s$/.exec(String(cors.maxAge));
    if (m && /[1-9]/.test(m[1])) issues.error('max_age duration is accurate only to seconds precision');
  }
}

function validateRedirect(issues: Issues, redirect: unknown): void {
  if (!isRecord(redirect)) return;
  const port = redirect.port ?? 0;
  if (!redirect.uri && !redirect.authority && !redirect.scheme && redirect.port === undefined && redirect.derivePort === undefined) {
    issues.error('redirect must specify URI, authority, scheme, or port');
    return;
  }
  const code = Number(redirect.redirectCode ?? 0);
  if (code !== 0 && (code < 300 || code > 399)) {
    issues.error(`${code} is not a valid redirect code, must be 3xx`);
    return;
  }
  if (redirect.scheme && redirect.scheme !== 'http' && redirect.scheme !== 'https') {
    issues.error('invalid redirect scheme, must be "http" or "https"');
    return;
  }
  if (Number(port) > 0) issues.error(validatePort(port));
}

function validateDirectResponse(issues: Issues, dr: unknown): void {
  if (!isRecord(dr)) return;
  const body = isRecord(dr.body) ? dr.body : {};
  const size = body.string !== undefined ? Buffer.byteLength(String(body.string)) : body.bytes !== undefined ? Buffer.from(String(body.bytes), 'base64').length : 0;
  if (size > 1024 * 1024) issues.error('large direct_responses may impact control plane performance, must be less than 1MB');
  else if (size > 100 * 1024) issues.warn('large direct_responses may impact control plane performance');
  validateHttpStatus(issues, Number(dr.status ?? 0));
}

function validateRetries(issues: Issues, retries: unknown): void {
  if (!isRecord(retries)) return;
  const attempts = Number(retries.attempts ?? 0);
  if (attempts < 0) issues.error('attempts cannot be negative');
  if (attempts === 0 && (retries.perTryTimeout !== undefined || (retries.retryOn ?? '') !== '' || retries.retryRemoteLocalities !== undefined)) {
    issues.error('http retry policy configured when attempts are set to 0 (disabled)');
  }
  if (retries.perTryTimeout !== undefined) checkDuration(issues, retries.perTryTimeout);
  if (retries.backoff !== undefined) checkDuration(issues, retries.backoff);
  if (retries.retryOn) for (const e of retryOnErrors(String(retries.retryOn))) issues.error(e);
}

// Apps repeat a few retryOn lists (`gateway-error,connect-failure`) on every route: each is checked once.
const retryOnErrors = remembered(1000, (retryOn: string): readonly string[] => retryOn.split(',')
  .filter((policy) => !((/^\d+$/.test(policy) && HTTP_STATUS.has(Number(policy))) || RETRY_ON.has(policy)))
  .map((policy) => `${q(policy)} is not a valid retryOn policy`));

function validateRewrite(issues: Issues, rewrite: unknown): void {
  if (!isRecord(rewrite)) return;
  const regex = rewrite.uriRegexRewrite;
  if (rewrite.uri && regex !== undefined) {
    issues.error('rewrite may only contain one of URI or UriRegexRewrite');
    return;
  }
  if (!rewrite.uri && regex === undefined && !rewrite.authority) {
    issues.error('rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
    return;
  }
  if (isRecord(regex)) {
    if (!regex.match || !regex.rewrite) {
      issues.error('UriRegexRewrite requires both Rewrite and Match fields to be specified');
      return;
    }
    issues.error(validateRegex(String(regex.match), 'HTTPRewrite.UriRegexRewrite.Match'));
  }
}

function validateAuthorityRewrite(issues: Issues, rewrite: unknown, headers: unknown): void {
  // Only header operations can set the authority a second time.
  if (!isRecord(headers) || !isRecord(headers.request)) return;
  let current = isRecord(rewrite) && rewrite.authority ? String(rewrite.authority) : '';
  const request = headers.request;
  for (const op of ['set', 'add']) {
    for (const [k, v] of Object.entries(isRecord(request[op]) ? request[op] : {})) {
      if (!isAuthority(k)) continue;
      if (current !== '') issues.error(`authority header cannot be set multiple times: have ${q(current)}, attempting to set ${q(v)}`);
      current = String(v ?? '');
    }
  }
}

function validateMatchHeaders(issues: Issues, headers: unknown, where: string): void {
  if (!isRecord(headers)) return;
  for (const [name, m] of Object.entries(headers)) {
    if (m === null) issues.error(`header match ${name} cannot be null`);
    if (name.startsWith(JWT_CLAIM)) {
      if (!/^@request\.auth\.claims(\.[^.]+)+$/.test(name) && !/^@request\.auth\.claims\[[^\]]+\](\[[^\]]+\])*$/.test(name)) {
        issues.error(`invalid JWT claim routing key ${name}`);
      }
    } else if (name === '' || !HEADER_NAME.test(name)) {
      issues.error(`header name ${name} is not a valid header name`);
    }
    validateStringMatchRegex(issues, m, where);
  }
}

const STRING_MATCH_FIELDS = ['uri', 'scheme', 'method', 'authority'];

function validateHttpMatches(issues: Issues, route: any): void {
  for (const m of arr(route.match)) {
    if (!isRecord(m)) continue;
    validateMatchHeaders(issues, m.headers, 'headers');
    validateMatchHeaders(issues, m.withoutHeaders, 'withoutHeaders');
    for (const f of STRING_MATCH_FIELDS) validateStringMatchRegex(issues, m[f], f);
    if (isRecord(m.queryParams)) for (const qp of Object.values(m.queryParams)) validateStringMatchRegex(issues, qp, 'queryParams');
    if (m.port !== undefined && Number(m.port) !== 0) issues.error(validatePort(m.port));
    validateLabels(issues, m.sourceLabels);
    validateGatewayNames(issues, m.gateways);
    if (m.sourceNamespace && !isDns1123Label(String(m.sourceNamespace))) issues.error(`sourceNamespace match ${m.sourceNamespace} is invalid`);
  }
}

function validateHttpRoute(issues: Issues, h: any, delegate: boolean): void {
  // route conflicts
  if (h.redirect !== undefined) {
    if (arr(h.route).length > 0) issues.error('HTTP route cannot contain both route and redirect');
    if (h.fault !== undefined) issues.error('HTTP route cannot contain both fault and redirect');
    if (h.rewrite !== undefined) issues.error('HTTP route rule cannot contain both rewrite and redirect');
    if (h.directResponse !== undefined) issues.error('HTTP route cannot contain both redirect and direct_response');
  }
  if (h.directResponse !== undefined && arr(h.route).length > 0) issues.error('HTTP route cannot contain both route and direct_response');
  if (h.mirror !== undefined && arr(h.mirrors).length > 0) issues.error('HTTP route cannot contain both mirror and mirrors');
  if (h.delegate !== undefined) {
    if (delegate) issues.error('http delegate only applies to root virtual service');
    if (arr(h.route).length > 0) issues.error('HTTP route cannot contain both route and delegate');
  } else if (arr(h.route).length === 0 && h.redirect === undefined && h.directResponse === undefined) {
    issues.error('HTTP route, redirect or direct_response is required');
  }
  validateHttpMatches(issues, h);
  validateHeaderOperations(issues, h.headers);
  validateCors(issues, h.corsPolicy);
  validateFault(issues, h.fault);
  const mirrorPct = (p: unknown) => {
    if (!isRecord(p)) return;
    const v = Number(p.value ?? 0);
    if (v > 100) issues.error(`mirror_percentage must have a max value of 100 (it has ${v.toFixed(6)})`);
    if (v < 0) issues.error(`mirror_percentage must have a min value of 0 (it has ${v.toFixed(6)})`);
  };
  mirrorPct(h.mirrorPercentage);
  validateDestination(issues, h.mirror);
  for (const m of arr(h.mirrors)) {
    if (!isRecord(m)) continue;
    if (!isRecord(m.destination)) issues.error('destination is required for mirrors');
    validateDestination(issues, m.destination);
    mirrorPct(m.percentage);
  }
  validateRedirect(issues, h.redirect);
  validateDirectResponse(issues, h.directResponse);
  validateRetries(issues, h.retries);
  validateRewrite(issues, h.rewrite);
  validateAuthorityRewrite(issues, h.rewrite, h.headers);
  validateWeights(issues, h.route, true);
  if (h.timeout !== undefined) checkDuration(issues, h.timeout);
}

function validateL4Match(issues: Issues, m: any): void {
  for (const subnet of strings(m.destinationSubnets)) {
    if (!isIpOrCidr(subnet)) issues.error(`${subnet} is not a valid IP or CIDR`);
  }
  if (m.port !== undefined && Number(m.port) !== 0) issues.error(validatePort(m.port));
  validateLabels(issues, m.sourceLabels);
  validateGatewayNames(issues, m.gateways);
}

function validateSniHost(issues: Issues, sni: string, hosts: string[]): void {
  const e = validateWildcardDomain(sni);
  if (e) {
    if (!isIpAddress(sni)) issues.error(e);
    return;
  }
  if (hosts.some((h) => hostSubsetOf(sni, h))) return;
  issues.error(`SNI host ${q(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
}

/** istiod's `ValidateVirtualService`, except the unreachable-rule warnings (IST0130/IST0131, reported elsewhere). */
export function validateVirtualService(name: string, namespace: string, spec: any): Issues {
  void name;
  const issues = new Issues();
  const hosts = strings(spec.hosts);
  const gateways = strings(spec.gateways);
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) issues.error('delegate virtual service must have no gateways specified');
    if (arr(spec.tls).length > 0) issues.error('delegate virtual service must have no tls route specified');
    if (arr(spec.tcp).length > 0) issues.error('delegate virtual service must have no tcp route specified');
  }
  let appliesToMesh = gateways.length === 0;
  let appliesToGateway = false;
  if (gateways.length > 0) {
    validateGatewayNames(issues, gateways);
    for (const g of gateways) {
      if (g === 'mesh') appliesToMesh = true;
      else appliesToGateway = true;
    }
  }
  if (!appliesToGateway) {
    for (const h of arr(spec.http)) {
      for (const m of arr(h?.match)) {
        for (const headers of [m?.headers, m?.withoutHeaders]) {
          if (!isRecord(headers)) continue;
          for (const key in headers) {
            if (key.startsWith(JWT_CLAIM)) {
              issues.error(`JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: ${goSlice(gateways)}`);
            }
          }
        }
      }
    }
  }
  let allHostsValid = true;
  for (const h of hosts) {
    const e = validateWildcardDomain(h);
    if (e) {
      if (!isIpAddress(h)) {
        issues.error(e);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      issues.error('wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostMatches(hosts[i], hosts[j])) issues.error(`duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if (arr(spec.http).length === 0 && arr(spec.tcp).length === 0 && arr(spec.tls).length === 0) {
    issues.error('http, tcp or tls must be provided in virtual service');
  }
  for (const h of arr(spec.http)) {
    if (!isRecord(h)) {
      issues.error('http route may not be null');
      continue;
    }
    validateHttpRoute(issues, h, delegate);
  }
  for (const t of arr(spec.tls)) {
    if (!isRecord(t)) continue;
    const matches = arr(t.match);
    if (matches.length === 0) issues.error('TLS route must have at least one match condition');
    for (const m of matches) {
      if (!isRecord(m)) continue;
      const snis = strings(m.sniHosts);
      if (snis.length === 0) issues.error('TLS match must have at least one SNI host');
      for (const sni of snis) validateSniHost(issues, sni, hosts);
      validateL4Match(issues, m);
    }
    if (arr(t.route).length === 0) issues.error('TLS route is required');
    validateWeights(issues, t.route, false);
  }
  for (const t of arr(spec.tcp)) {
    if (!isRecord(t)) continue;
    for (const m of arr(t.match)) if (isRecord(m)) validateL4Match(issues, m);
    if (arr(t.route).length === 0) issues.error('TCP route is required');
    validateWeights(issues, t.route, false);
  }
  validateExportTo(issues, namespace, spec.exportTo, false);
  return issues;
}
