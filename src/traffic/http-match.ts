import { IConstruct } from 'constructs';
import { labelValueRule } from '../core/labels';
import { portRule } from '../core/numbers';
import { isEmpty } from '../core/plain-objects';
import { checkRegex } from '../core/regex';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkObject } from '../core/value-types';
import { RequestCondition, StringCondition } from '../model/mesh-model';

/** A path prefix of whole segments: absolute, without empty segments, query or fragment. */
const pathPrefixRule = (p: string) => (/^\/([^/\s?#]+\/?)*$/.test(p) ? undefined : "must be an absolute path of segments (starting with '/', no '//', spaces, '?' or '#')");

/**
 * How a string is compared: exactly, by prefix, by whole path segments, or by an RE2 regular
 * expression.
 *
 * `prefix` is a *string* prefix in every API: `StringMatch.prefix('/static')` matches
 * `/staticx` too, as an Istio VirtualService `prefix` does. Through the Gateway API (whose
 * `PathPrefix` matches whole segments) it is rendered as a regular expression, so the same
 * requests match. For the Gateway API's meaning use `pathPrefix`.
 */
export class StringMatch {
  /** Equal to `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }
  /** Starting with `value` (must not be empty); a string prefix: `/static` also matches `/staticx`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }
  /**
   * A path made of the segments of `value` and possibly more: `/static` matches `/static` and
   * `/static/app.css`, not `/staticx` (the Gateway API's `PathPrefix`; a trailing '/' is
   * ignored). Paths only. Through Istio's VirtualService it becomes two alternatives: the exact
   * path and the string prefix `/static/`.
   */
  public static pathPrefix(value: string): StringMatch {
    return new StringMatch('pathPrefix', value);
  }
  /**
   * Matching the RE2 regular expression `value` (the whole string).
   *
   * Checked as istiod and Envoy compile it: RE2 syntax (no lookaround, no backreferences; `(?i)`,
   * `(?s)` and `(?P<name>...)` are fine), at most 1024 bytes, and small enough for Envoy's
   * program-size limit.
   *
   * @see https://github.com/google/re2/wiki/Syntax
   */
  public static regex(value: string): StringMatch {
    return new StringMatch('regex', value);
  }

  private constructor(
    /** `exact`, `prefix` or `regex`. */
    public readonly kind: string,
    /** The value compared against. */
    public readonly value: string,
  ) {}

  /** The checked condition. `path` says whether it compares a path (the only place `pathPrefix` means something). @internal */
  public _condition(scope: IConstruct, property: string, path = false): StringCondition {
    if (typeof this.value !== 'string') fail(scope, property, `must match a string (StringMatch.${this.kind})`, this.value, `Pass the text to match, e.g. StringMatch.${this.kind}('v1').`);
    if (this.kind !== 'exact' && this.value.length === 0) {
      fail(scope, property, `must not be an empty ${this.kind}`, this.value, 'An empty prefix or regex matches everything: leave the condition out instead.');
    }
    if (this.kind === 'regex') checkRegex(scope, property, this.value);
    if (this.kind === 'pathPrefix') {
      if (!path) fail(scope, property, 'cannot be a pathPrefix (it compares whole path segments)', this.value, 'Use StringMatch.prefix or StringMatch.exact.');
      check(scope, property, this.value, pathPrefixRule, "Use a path such as '/static'.");
      // A trailing '/' is ignored, as the Gateway API does: '/static/' means the segments of '/static'.
      return { kind: 'pathPrefix', value: this.value.length > 1 ? this.value.replace(/\/+$/, '') : this.value };
    }
    return this.kind === 'exact' ? { kind: 'exact', value: this.value } : this.kind === 'prefix' ? { kind: 'prefix', value: this.value } : { kind: 'regex', value: this.value };
  }
}

/** HTTP methods, as Istio and Envoy name them. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  PATCH = 'PATCH',
  OPTIONS = 'OPTIONS',
  CONNECT = 'CONNECT',
  TRACE = 'TRACE',
}

/**
 * Conditions on a request; all given conditions must hold.
 *
 * Cookies have no match of their own in Istio: they are matched as a regex on the `Cookie`
 * header, which this class writes for you.
 */
export interface RequestMatch {
  /** Header conditions (names are lowercased). @default - no header condition */
  readonly headers?: Record<string, StringMatch>;
  /** Headers that must be absent or not match. @default - none */
  readonly withoutHeaders?: Record<string, StringMatch>;
  /** Path condition. @default - any path */
  readonly uri?: StringMatch;
  /** Request method. @default - any method */
  readonly method?: HttpMethod;
  /** Query parameter conditions. @default - none */
  readonly queryParams?: Record<string, StringMatch>;
  /** Cookies with exact values, e.g. `{ user: 'jason' }`. @default - none */
  readonly cookies?: Record<string, string>;
  /** Only requests from workloads with these labels (sidecar mesh only). @default - any source */
  readonly sourceLabels?: Record<string, string>;
  /** Only requests arriving on this port. @default - any port */
  readonly port?: number;
  /** Case-insensitive URI matching. @default false */
  readonly ignoreUriCase?: boolean;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The prefix of header-match keys that match a claim of the request's JWT instead of a header. */
export const JWT_CLAIM_PREFIX = '@request.auth.claims.';

/** istiod's form of a claim key: `@request.auth.claims.<claim>[.<nested claim>...]`. */
const JWT_CLAIM_KEY = /^@request\.auth\.claims(\.[^.]+)+$/;

/**
 * The key of a header condition: a header name, lowercased (header names are case-insensitive),
 * or a JWT claim key, kept as written (claim names are case-sensitive).
 */
function headerMatchKey(scope: IConstruct, property: string, rawName: string): string {
  if (rawName.startsWith(JWT_CLAIM_PREFIX)) {
    if (!JWT_CLAIM_KEY.test(rawName)) {
      fail(scope, property, "must name a JWT claim as '@request.auth.claims.<claim>' (nested claims joined by '.', no empty parts)", rawName,
        "For example '@request.auth.claims.groups'.");
    }
    return rawName;
  }
  const name = rawName.toLowerCase();
  if (!HEADER_NAME.test(name)) {
    fail(scope, property, 'must use valid header names', rawName, "Header names are tokens such as 'end-user' or 'x-canary'.");
  }
  return name;
}

/**
 * The condition of a StringMatch prop, checked to be a StringMatch first: a plain string (a
 * frequent slip) has no match kind.
 */
export function matchCondition(scope: IConstruct, property: string, value: StringMatch, path = false): StringCondition {
  checkInstance(scope, property, value, StringMatch, typeof value === 'string'
    ? `Say how to match it, e.g. StringMatch.exact('${value}') or StringMatch.prefix('${value}').`
    : "Use StringMatch.exact('v1'), StringMatch.prefix(...), StringMatch.regex(...)" + (path ? ' or StringMatch.pathPrefix(...).' : '.'));
  return value._condition(scope, property, path);
}

/** The checked, typed condition of a RequestMatch. */
export function requestCondition(scope: IConstruct, property: string, match: RequestMatch): RequestCondition {
  checkObject(scope, property, match);
  for (const map of ['headers', 'withoutHeaders', 'queryParams', 'cookies', 'sourceLabels'] as const) checkObject(scope, `${property}.${map}`, match[map]);
  const out: { -readonly [K in keyof RequestCondition]: RequestCondition[K] } = {};
  const headers: Record<string, StringCondition> = {};
  for (const [rawName, value] of Object.entries(match.headers ?? {})) {
    const name = headerMatchKey(scope, `${property}.headers`, rawName);
    headers[name] = matchCondition(scope, `${property}.headers['${name}']`, value);
  }
  if (match.cookies && Object.keys(match.cookies).length > 0) {
    if (headers.cookie) {
      fail(scope, `${property}.cookies`, "cannot be combined with a 'cookie' header match", match.cookies, 'Express all cookie conditions in cookies.');
    }
    const parts = Object.entries(match.cookies).map(([name, value]) => {
      if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) fail(scope, `${property}.cookies`, 'must use valid cookie names', name, 'Cookie names are tokens such as "user".');
      if (typeof value !== 'string') fail(scope, `${property}.cookies['${name}']`, 'must be a string', value, "Give the cookie's exact value, e.g. 'jason'.");
      return `(?:^|.*;\\s*)${escapeRegex(name)}=${escapeRegex(value)}(?:;.*)?$`;
    });
    // RE2 has no lookahead, so one expression cannot require several cookies in any order.
    if (parts.length > 1) {
      fail(scope, `${property}.cookies`, 'must name a single cookie (RE2 cannot match several cookies in any order)', match.cookies,
        'Match one cookie here and use a header match for the rest.');
    }
    headers.cookie = { kind: 'regex', value: checkRegex(scope, `${property}.cookies`, parts[0]) };
  }
  if (!isEmpty(headers)) out.headers = headers;
  const without: Record<string, StringCondition> = {};
  for (const [rawName, value] of Object.entries(match.withoutHeaders ?? {})) {
    const name = headerMatchKey(scope, `${property}.withoutHeaders`, rawName);
    without[name] = matchCondition(scope, `${property}.withoutHeaders['${name}']`, value);
  }
  if (!isEmpty(without)) out.withoutHeaders = without;
  if (match.uri) out.path = matchCondition(scope, `${property}.uri`, match.uri, true);
  if (match.method) out.method = checkEnum(scope, `${property}.method`, match.method, HttpMethod, 'HttpMethod');
  if (match.queryParams && Object.keys(match.queryParams).length > 0) {
    out.queryParams = Object.fromEntries(Object.entries(match.queryParams).map(([k, v]) => [k, matchCondition(scope, `${property}.queryParams['${k}']`, v)]));
  }
  if (match.sourceLabels) {
    for (const [k, v] of Object.entries(match.sourceLabels)) check(scope, `${property}.sourceLabels['${k}']`, v, labelValueRule, 'Label values look like "v1".');
    out.sourceLabels = match.sourceLabels;
  }
  if (match.port !== undefined) out.port = check(scope, `${property}.port`, match.port, portRule, 'Use a port number from 1 to 65535.');
  if (checkBoolean(scope, `${property}.ignoreUriCase`, match.ignoreUriCase)) out.ignorePathCase = true;
  if (isEmpty(out)) {
    fail(scope, property, 'must set at least one condition', match, 'An empty match matches every request: leave the route without a match to make it the default.');
  }
  return out;
}
