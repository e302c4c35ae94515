import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HttpMethod } from './http-match';
import { checkDuration, DurationLimits } from '../core/durations';
import { int32Rule, percentageRule, wholeNumberRule } from '../core/numbers';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkEnumList, checkList, checkObject } from '../core/value-types';
import { addWarning } from '../core/warnings';
import { CorsIntent, FaultIntent, HeaderOperationsIntent, RetryIntent } from '../model/mesh-model';

/** gRPC status codes an abort fault can return. */
export enum GrpcStatus {
  CANCELLED = 'CANCELLED',
  UNKNOWN = 'UNKNOWN',
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  ABORTED = 'ABORTED',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  UNIMPLEMENTED = 'UNIMPLEMENTED',
  INTERNAL = 'INTERNAL',
  UNAVAILABLE = 'UNAVAILABLE',
  DATA_LOSS = 'DATA_LOSS',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
}

/**
 * Faults injected by the client-side proxy, to test resilience.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/fault-injection/
 */
export interface FaultInjection {
  /** Delay requests by this long. @default - no delay */
  readonly delay?: Duration;
  /** Share of requests delayed, in percent. @default 100 */
  readonly delayPercentage?: number;
  /** Abort requests with this HTTP status (200-599). @default - no HTTP abort */
  readonly abortHttpStatus?: number;
  /** Abort requests with this gRPC status. @default - no gRPC abort */
  readonly abortGrpcStatus?: GrpcStatus;
  /** Share of requests aborted, in percent. @default 100 */
  readonly abortPercentage?: number;
}

/** Conditions under which a request is retried. */
export enum RetryOn {
  /** Any 5xx response, connect failures and resets. */
  FIVE_XX = '5xx',
  /** 502, 503 and 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** No response at all (disconnect, reset, read timeout). */
  RESET = 'reset',
  /** Connection failures. */
  CONNECT_FAILURE = 'connect-failure',
  /** Retriable 4xx (409). */
  RETRIABLE_4XX = 'retriable-4xx',
  /** REFUSED_STREAM from an HTTP/2 upstream. */
  REFUSED_STREAM = 'refused-stream',
  /** The status codes listed in retryOnStatusCodes (added for you when you list any). */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** Upstream responses with `x-envoy-retriable-header-names` headers. */
  RETRIABLE_HEADERS = 'retriable-headers',
  /** Envoy's rate limiting. */
  ENVOY_RATELIMITED = 'envoy-ratelimited',
  /** gRPC CANCELLED. */
  GRPC_CANCELLED = 'cancelled',
  /** gRPC DEADLINE_EXCEEDED. */
  GRPC_DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC INTERNAL. */
  GRPC_INTERNAL = 'internal',
  /** gRPC RESOURCE_EXHAUSTED. */
  GRPC_RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC UNAVAILABLE. */
  GRPC_UNAVAILABLE = 'unavailable',
}

/** Retries of a route. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retries (Istio retries twice by default). */
  readonly attempts: number;
  /** Timeout of each attempt. @default - the route timeout */
  readonly perTryTimeout?: Duration;
  /** When to retry. @default - Istio's default: connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes */
  readonly retryOn?: RetryOn[];
  /** HTTP status codes that trigger a retry. @default - none */
  readonly retryOnStatusCodes?: number[];
  /** Prefer endpoints in other localities for retries. @default false */
  readonly retryRemoteLocalities?: boolean;
}

/** The checked, typed form of a fault. */
export function faultIntent(scope: IConstruct, property: string, fault: FaultInjection): FaultIntent {
  checkObject(scope, property, fault);
  checkEnum(scope, `${property}.abortGrpcStatus`, fault.abortGrpcStatus, GrpcStatus, 'GrpcStatus');
  let delay: FaultIntent['delay'];
  let abort: FaultIntent['abort'];
  if (fault.delay) {
    delay = {
      fixedDelayMillis: checkDuration(scope, `${property}.delay`, fault.delay),
      percentage: check(scope, `${property}.delayPercentage`, fault.delayPercentage ?? 100, percentageRule, 'Use a percentage from 0 to 100, e.g. 10.'),
    };
  } else if (fault.delayPercentage !== undefined) {
    fail(scope, `${property}.delayPercentage`, 'needs a delay', fault.delayPercentage, 'Set delay, e.g. Duration.seconds(7).');
  }
  if (fault.abortHttpStatus !== undefined && fault.abortGrpcStatus !== undefined) {
    fail(scope, `${property}.abortHttpStatus`, 'cannot be combined with abortGrpcStatus', fault.abortHttpStatus, 'Abort with an HTTP status or a gRPC status, not both.');
  }
  if (fault.abortHttpStatus !== undefined || fault.abortGrpcStatus !== undefined) {
    const httpStatus = fault.abortHttpStatus === undefined ? undefined
      : check(scope, `${property}.abortHttpStatus`, fault.abortHttpStatus, int32Rule(200, 599), 'Use an HTTP status such as 500 or 503.');
    abort = {
      httpStatus,
      grpcStatus: httpStatus === undefined ? fault.abortGrpcStatus : undefined,
      percentage: check(scope, `${property}.abortPercentage`, fault.abortPercentage ?? 100, percentageRule, 'Use a percentage from 0 to 100.'),
    };
  } else if (fault.abortPercentage !== undefined) {
    fail(scope, `${property}.abortPercentage`, 'needs abortHttpStatus or abortGrpcStatus', fault.abortPercentage, 'Set abortHttpStatus, e.g. 500.');
  }
  if (!delay && !abort) {
    fail(scope, property, 'must set a delay, an abort or both', fault, 'Set delay or abortHttpStatus.');
  }
  return { delay, abort };
}

/**
 * The checked, typed form of retries, warning when they cannot fit in the route timeout
 * (`routeTimeoutMillis`, already checked by the caller).
 */
export function retryIntent(scope: IConstruct, property: string, retries: RetryPolicy, routeTimeoutMillis?: number): RetryIntent {
  checkObject(scope, property, retries);
  checkEnumList(scope, `${property}.retryOn`, retries.retryOn, RetryOn, 'RetryOn');
  checkList(scope, `${property}.retryOnStatusCodes`, retries.retryOnStatusCodes);
  checkBoolean(scope, `${property}.retryRemoteLocalities`, retries.retryRemoteLocalities);
  const attempts = check(scope, `${property}.attempts`, retries.attempts, int32Rule(0), 'Use a whole number of retries, 0 to disable.');
  if (attempts === 0) {
    if (retries.perTryTimeout || retries.retryOn || retries.retryOnStatusCodes) {
      fail(scope, `${property}.attempts`, 'must be more than 0 when perTryTimeout or retryOn is set', 0, 'Set attempts, or drop the other retry settings.');
    }
    return { attempts: 0 };
  }
  const perTryMillis = retries.perTryTimeout && checkDuration(scope, `${property}.perTryTimeout`, retries.perTryTimeout);
  for (const code of retries.retryOnStatusCodes ?? []) {
    check(scope, `${property}.retryOnStatusCodes`, code, wholeNumberRule(100, 599), 'Use HTTP status codes such as 503.');
  }
  if (routeTimeoutMillis !== undefined && perTryMillis !== undefined) {
    const budget = (attempts + 1) * perTryMillis;
    if (budget > routeTimeoutMillis) {
      addWarning(scope, `${property}: ${attempts + 1} tries x perTryTimeout ${perTryMillis}ms = ${budget}ms exceeds the route timeout `
        + `of ${routeTimeoutMillis}ms; the last retries will never run. Lower attempts or perTryTimeout, or raise the timeout.`);
    }
  }
  return {
    attempts,
    perTryTimeoutMillis: perTryMillis,
    retryOn: retries.retryOn,
    statusCodes: retries.retryOnStatusCodes,
    retryRemoteLocalities: retries.retryRemoteLocalities ? true : undefined,
  };
}

/**
 * Changes to the headers of requests (before they are forwarded) or responses (before they
 * are returned). Values are literal strings.
 */
export interface HeaderOperations {
  /** Headers to set, replacing any value they have. @default - none */
  readonly set?: Record<string, string>;
  /** Headers to add; a header that already has a value gets this one appended. @default - none */
  readonly add?: Record<string, string>;
  /** Headers to remove. @default - none */
  readonly remove?: string[];
}

/**
 * Cross-origin resource sharing for a route: the proxy answers preflight requests and adds
 * the `Access-Control-*` headers.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export interface CorsPolicy {
  /** Origins allowed to call, exactly as browsers send them, e.g. `https://app.example.com`. */
  readonly allowOrigins: string[];
  /** Methods allowed. @default - the simple methods browsers allow without CORS (GET, HEAD, POST) */
  readonly allowMethods?: HttpMethod[];
  /** Request headers allowed. @default - none beyond the CORS-safelisted ones */
  readonly allowHeaders?: string[];
  /** Response headers the browser may read. @default - none beyond the CORS-safelisted ones */
  readonly exposeHeaders?: string[];
  /** How long browsers may cache a preflight answer, in whole seconds. @default Duration.seconds(5) (the Gateway API's default) */
  readonly maxAge?: Duration;
  /** Allow credentials (cookies, authorization headers). @default false */
  readonly allowCredentials?: boolean;
}

/** The Gateway API's header name (HTTPHeaderName), which Istio accepts as well. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** The Gateway API's limit on each list of a header modifier. */
const MAX_HEADER_OPERATIONS = 16;

function headerNameRule(name: string): string | undefined {
  return HEADER_NAME.test(name) ? undefined : 'must be a header name (letters, digits and !#$%&\'*+-.^_`|~)';
}

/** The checked, typed form of header operations (names lowercased: headers are case-insensitive). */
export function headerOperationsIntent(scope: IConstruct, property: string, ops: HeaderOperations): HeaderOperationsIntent {
  checkObject(scope, property, ops);
  checkObject(scope, `${property}.set`, ops.set);
  checkObject(scope, `${property}.add`, ops.add);
  checkList(scope, `${property}.remove`, ops.remove);
  const entries = (field: 'set' | 'add'): Record<string, string> | undefined => {
    const given = ops[field];
    if (given === undefined) return undefined;
    const out: Record<string, string> = {};
    const list = Object.entries(given);
    if (list.length > MAX_HEADER_OPERATIONS) fail(scope, `${property}.${field}`, `must have at most ${MAX_HEADER_OPERATIONS} headers`, list.length, 'Split the changes, or set fewer headers.');
    for (const [name, value] of list) {
      check(scope, `${property}.${field}`, name, headerNameRule, "Use header names such as 'x-env'.");
      check(scope, `${property}.${field}['${name}']`, value, (v) => (typeof v === 'string' && !/[\r\n\0]/.test(v) ? undefined : 'must be a string without line breaks'),
        'Header values are single-line text.');
      const key = name.toLowerCase();
      if (key in out) fail(scope, `${property}.${field}`, 'must not name a header twice (header names are case-insensitive)', name, 'Keep one of them.');
      out[key] = value;
    }
    return list.length > 0 ? out : undefined;
  };
  const set = entries('set');
  const add = entries('add');
  let remove: string[] | undefined;
  if (ops.remove !== undefined) {
    if (ops.remove.length > MAX_HEADER_OPERATIONS) fail(scope, `${property}.remove`, `must have at most ${MAX_HEADER_OPERATIONS} headers`, ops.remove.length, 'Remove fewer headers.');
    for (const name of ops.remove) check(scope, `${property}.remove`, name, headerNameRule, "Use header names such as 'x-debug'.");
    remove = ops.remove.length > 0 ? [...new Set(ops.remove.map((n) => n.toLowerCase()))] : undefined;
  }
  for (const name of Object.keys(set ?? {})) {
    if (add && name in add) fail(scope, `${property}.add`, 'must not name a header that set also names', name, 'Either set the header or add a value to it.');
    if (remove?.includes(name)) fail(scope, `${property}.remove`, 'must not name a header that set also names', name, 'Either set the header or remove it.');
  }
  if (!set && !add && !remove) fail(scope, property, 'must set, add or remove at least one header', ops, 'Leave the option out instead.');
  return { set, add, remove };
}

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;
/** The Gateway API's limits on CORS lists. */
const MAX_CORS_ORIGINS = 64;
const MAX_CORS_HEADERS = 64;

/** The checked, typed form of a CORS policy. */
export function corsIntent(scope: IConstruct, property: string, cors: CorsPolicy): CorsIntent {
  checkObject(scope, property, cors);
  for (const list of ['allowOrigins', 'allowHeaders', 'exposeHeaders'] as const) checkList(scope, `${property}.${list}`, cors[list]);
  checkEnumList(scope, `${property}.allowMethods`, cors.allowMethods, HttpMethod, 'HttpMethod');
  checkBoolean(scope, `${property}.allowCredentials`, cors.allowCredentials);
  const origins = cors.allowOrigins ?? [];
  if (origins.length === 0) fail(scope, `${property}.allowOrigins`, 'must list at least one origin', origins, "List the origins of the pages that call this route, e.g. 'https://app.example.com'.");
  if (origins.length > MAX_CORS_ORIGINS) fail(scope, `${property}.allowOrigins`, `must have at most ${MAX_CORS_ORIGINS} origins`, origins.length, 'Serve fewer origins from one route.');
  for (const origin of origins) {
    check(scope, `${property}.allowOrigins`, origin, (o) => (ORIGIN.test(o) ? undefined : 'must be an exact origin (scheme://host[:port], no path or wildcard)'),
      "Write the origin as the browser sends it, e.g. 'https://app.example.com'; Istio compares origins exactly.");
  }
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    const names = cors[field] ?? [];
    if (names.length > MAX_CORS_HEADERS) fail(scope, `${property}.${field}`, `must have at most ${MAX_CORS_HEADERS} headers`, names.length, 'List fewer headers.');
    for (const name of names) check(scope, `${property}.${field}`, name, headerNameRule, "Use header names such as 'authorization'.");
  }
  const maxAgeMillis = checkDuration(scope, `${property}.maxAge`, cors.maxAge ?? Duration.seconds(5), CORS_MAX_AGE);
  return {
    allowOrigins: [...origins],
    allowMethods: cors.allowMethods && cors.allowMethods.length > 0 ? [...new Set(cors.allowMethods)] : undefined,
    allowHeaders: cors.allowHeaders && cors.allowHeaders.length > 0 ? [...cors.allowHeaders] : undefined,
    exposeHeaders: cors.exposeHeaders && cors.exposeHeaders.length > 0 ? [...cors.exposeHeaders] : undefined,
    maxAgeSeconds: maxAgeMillis / 1000,
    allowCredentials: cors.allowCredentials ? true : undefined,
  };
}

/** CORS max-age: whole seconds (the Gateway API's int32 seconds), at least 1s. */
const CORS_MAX_AGE: DurationLimits = {
  minMillis: 1000,
  stepMillis: 1000,
  maxMillis: 2_147_483_647_000,
  hint: 'Browsers cache preflight answers for whole seconds, e.g. Duration.minutes(10).',
};
