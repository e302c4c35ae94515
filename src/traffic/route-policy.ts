import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDuration, formatMillis, istioDuration } from '../core/durations';
import { int32Rule, percentageRule, wholeNumberRule } from '../core/numbers';
import { isEmpty } from '../core/plain-objects';
import { check, fail } from '../core/validation-error';
import { addWarning } from '../core/warnings';

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

/** Renders a fault in Istio's wire format. */
export function renderFault(scope: IConstruct, property: string, fault: FaultInjection): Record<string, any> {
  const out: Record<string, any> = {};
  if (fault.delay) {
    out.delay = {
      fixedDelay: istioDuration(scope, `${property}.delay`, fault.delay),
      percentage: { value: check(scope, `${property}.delayPercentage`, fault.delayPercentage ?? 100, percentageRule, 'Use a percentage from 0 to 100, e.g. 10.') },
    };
  } else if (fault.delayPercentage !== undefined) {
    fail(scope, `${property}.delayPercentage`, 'needs a delay', fault.delayPercentage, 'Set delay, e.g. Duration.seconds(7).');
  }
  if (fault.abortHttpStatus !== undefined && fault.abortGrpcStatus !== undefined) {
    fail(scope, `${property}.abortHttpStatus`, 'cannot be combined with abortGrpcStatus', fault.abortHttpStatus, 'Abort with an HTTP status or a gRPC status, not both.');
  }
  if (fault.abortHttpStatus !== undefined || fault.abortGrpcStatus !== undefined) {
    const abort: Record<string, any> = {};
    if (fault.abortHttpStatus !== undefined) {
      abort.httpStatus = check(scope, `${property}.abortHttpStatus`, fault.abortHttpStatus, int32Rule(200, 599), 'Use an HTTP status such as 500 or 503.');
    } else {
      abort.grpcStatus = fault.abortGrpcStatus;
    }
    abort.percentage = { value: check(scope, `${property}.abortPercentage`, fault.abortPercentage ?? 100, percentageRule, 'Use a percentage from 0 to 100.') };
    out.abort = abort;
  } else if (fault.abortPercentage !== undefined) {
    fail(scope, `${property}.abortPercentage`, 'needs abortHttpStatus or abortGrpcStatus', fault.abortPercentage, 'Set abortHttpStatus, e.g. 500.');
  }
  if (isEmpty(out)) {
    fail(scope, property, 'must set a delay, an abort or both', fault, 'Set delay or abortHttpStatus.');
  }
  return out;
}

/**
 * Renders retries in Istio's wire format, warning when they cannot fit in the route timeout
 * (`routeTimeoutMillis`, already checked by the caller).
 */
export function renderRetries(scope: IConstruct, property: string, retries: RetryPolicy, routeTimeoutMillis?: number): Record<string, any> {
  const attempts = check(scope, `${property}.attempts`, retries.attempts, int32Rule(0), 'Use a whole number of retries, 0 to disable.');
  if (attempts === 0) {
    if (retries.perTryTimeout || retries.retryOn || retries.retryOnStatusCodes) {
      fail(scope, `${property}.attempts`, 'must be more than 0 when perTryTimeout or retryOn is set', 0, 'Set attempts, or drop the other retry settings.');
    }
    return { attempts: 0 };
  }
  const out: Record<string, any> = { attempts };
  const perTryMillis = retries.perTryTimeout && checkDuration(scope, `${property}.perTryTimeout`, retries.perTryTimeout);
  if (perTryMillis !== undefined) out.perTryTimeout = formatMillis(perTryMillis);
  const conditions: string[] = [...(retries.retryOn ?? [])];
  for (const code of retries.retryOnStatusCodes ?? []) {
    check(scope, `${property}.retryOnStatusCodes`, code, wholeNumberRule(100, 599), 'Use HTTP status codes such as 503.');
    if (!conditions.includes(RetryOn.RETRIABLE_STATUS_CODES)) conditions.push(RetryOn.RETRIABLE_STATUS_CODES);
    conditions.push(String(code));
  }
  if (conditions.length > 0) out.retryOn = [...new Set(conditions)].join(',');
  if (retries.retryRemoteLocalities) out.retryRemoteLocalities = true;
  if (routeTimeoutMillis !== undefined && perTryMillis !== undefined) {
    const budget = (attempts + 1) * perTryMillis;
    if (budget > routeTimeoutMillis) {
      addWarning(scope, `${property}: ${attempts + 1} tries x perTryTimeout ${perTryMillis}ms = ${budget}ms exceeds the route timeout `
        + `of ${routeTimeoutMillis}ms; the last retries will never run. Lower attempts or perTryTimeout, or raise the timeout.`);
    }
  }
  return out;
}
