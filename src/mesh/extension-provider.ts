import { Duration } from 'cdk8s';
import { istioDuration } from '../core/durations';
import { dnsLabelRule, hostRule } from '../core/hosts';
import { portRule, uint32Rule, wholeNumberRule } from '../core/numbers';
import { prune } from '../core/plain-objects';
import { httpHeaderNameRule, providerNameRule, singleLineRule } from '../core/telemetry-values';
import { check, fail, Rule } from '../core/validation-error';
import { checkEnumList, checkList, checkObject } from '../core/value-types';

/** The kinds of extension provider (the key of the provider's entry in MeshConfig `extensionProviders`). */
export enum ExtensionProviderKind {
  /** OpenTelemetry tracing (OTLP over gRPC or HTTP). */
  OPENTELEMETRY = 'opentelemetry',
  /** Zipkin tracing. */
  ZIPKIN = 'zipkin',
  /** Datadog tracing. */
  DATADOG = 'datadog',
  /** Apache SkyWalking tracing. */
  SKYWALKING = 'skywalking',
  /** Envoy access logs written to a file or standard stream. */
  ENVOY_FILE_ACCESS_LOG = 'envoyFileAccessLog',
  /** Envoy access logs sent to an OpenTelemetry collector (OTLP logs over gRPC). */
  ENVOY_OTEL_ALS = 'envoyOtelAls',
  /** An external authorizer behind the Envoy ext_authz HTTP API (AuthorizationPolicy CUSTOM). */
  ENVOY_EXT_AUTHZ_HTTP = 'envoyExtAuthzHttp',
  /** An external authorizer behind the Envoy ext_authz gRPC API (AuthorizationPolicy CUSTOM). */
  ENVOY_EXT_AUTHZ_GRPC = 'envoyExtAuthzGrpc',
}

/** The names of the providers istiod always defines; a MeshConfig provider of the same name replaces one. */
export class BuiltInProvider {
  /** Prometheus metrics (the istiod chart's default metrics provider). */
  public static readonly PROMETHEUS = 'prometheus';
  /** Envoy access logs to `/dev/stdout` (an `envoyFileAccessLog` provider). */
  public static readonly ENVOY = 'envoy';
  /** Google Cloud Operations: metrics, tracing and access logs. */
  public static readonly STACKDRIVER = 'stackdriver';

  private constructor() {}
}

/** Where a provider sends its data: a service in the mesh's registry. */
export interface ProviderServiceOptions {
  /**
   * The service: the fully-qualified host of a Kubernetes Service or ServiceEntry
   * (`otel-collector.observability.svc.cluster.local`, or `MeshService.fromName(...).host`),
   * optionally prefixed with its namespace (`observability/otel.example.com`) when the host alone is ambiguous.
   */
  readonly service: string;
  /** The service's port. */
  readonly port: number;
}

/** OTLP over HTTP instead of gRPC, for an OpenTelemetry tracing provider. */
export interface OpenTelemetryHttpOptions {
  /** The path traces are posted to, e.g. `/v1/traces`. */
  readonly path: string;
  /**
   * How long an export may take.
   * @default - Istio's default, 3s
   */
  readonly timeout?: Duration;
  /**
   * Headers added to every export request (e.g. an API key).
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Resource detectors of an OpenTelemetry tracing provider. */
export enum OpenTelemetryResourceDetector {
  /** Attributes from the proxy's `OTEL_RESOURCE_ATTRIBUTES` environment variable. */
  ENVIRONMENT = 'environment',
  /** Host and process attributes from Dynatrace's enrichment files. */
  DYNATRACE = 'dynatrace',
}

/** Options of {@link ExtensionProvider.openTelemetry}. */
export interface OpenTelemetryTracingOptions extends ProviderServiceOptions {
  /**
   * The longest tag (the path tag) a span may carry.
   * @default - Istio's default, 256
   */
  readonly maxTagLength?: number;
  /**
   * Export over HTTP to this path.
   * @default - export over gRPC
   */
  readonly http?: OpenTelemetryHttpOptions;
  /**
   * Resource detectors whose attributes are added to every span.
   * @default - none
   */
  readonly resourceDetectors?: OpenTelemetryResourceDetector[];
}

/** Options of {@link ExtensionProvider.zipkin}. */
export interface ZipkinTracingOptions extends ProviderServiceOptions {
  /**
   * The longest tag (the path tag) a span may carry.
   * @default - Istio's default, 256
   */
  readonly maxTagLength?: number;
  /**
   * Use 64-bit trace ids.
   * @default false (128-bit trace ids)
   */
  readonly enable64bitTraceId?: boolean;
}

/** Options of {@link ExtensionProvider.datadog}. */
export interface DatadogTracingOptions extends ProviderServiceOptions {
  /**
   * The longest tag (the path tag) a span may carry.
   * @default - Istio's default, 256
   */
  readonly maxTagLength?: number;
}

/** Options of {@link ExtensionProvider.skyWalking}. */
export interface SkyWalkingTracingOptions extends ProviderServiceOptions {
  /**
   * The SkyWalking OAP access token.
   * @default - none
   */
  readonly accessToken?: string;
}

/** Options of {@link ExtensionProvider.envoyFileAccessLog}. */
export interface EnvoyFileAccessLogOptions {
  /**
   * The file the proxy writes to (`/dev/stdout`, `/dev/stderr` or a path in the proxy container).
   * @default '/dev/stdout'
   */
  readonly path?: string;
  /**
   * A text format with Envoy command operators, e.g. `[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%`.
   * @default - Istio's default text format (unless `jsonFormat` is given)
   */
  readonly textFormat?: string;
  /**
   * A JSON format: field name -> Envoy command operator, e.g. `{ status: '%RESPONSE_CODE%' }`.
   * @default - text (see `textFormat`)
   */
  readonly jsonFormat?: { [field: string]: string };
}

/** Options of {@link ExtensionProvider.envoyOtelAccessLog}. */
export interface EnvoyOtelAccessLogOptions extends ProviderServiceOptions {
  /**
   * The log name reported to the collector.
   * @default 'otel_envoy_accesslog'
   */
  readonly logName?: string;
  /**
   * The log body, with Envoy command operators.
   * @default - Envoy's default format
   */
  readonly textFormat?: string;
  /**
   * Log attributes: name -> Envoy command operator, e.g. `{ status: '%RESPONSE_CODE%' }`.
   * @default - none
   */
  readonly attributes?: { [name: string]: string };
}

/** Sending the request body to an external authorizer. */
export interface ExtAuthzRequestBody {
  /** The most body bytes held in memory for the check. */
  readonly maxRequestBytes: number;
  /**
   * Send the first `maxRequestBytes` of a longer body instead of answering 413.
   * @default false
   */
  readonly allowPartialMessage?: boolean;
}

/** Sending the request body to a gRPC external authorizer. */
export interface ExtAuthzGrpcRequestBody extends ExtAuthzRequestBody {
  /**
   * Send the body as raw bytes (`raw_body`) instead of a UTF-8 string (`body`).
   * @default false
   */
  readonly packAsBytes?: boolean;
}

/** Options shared by the ext-authz providers. */
export interface ExtAuthzOptions extends ProviderServiceOptions {
  /**
   * How long the proxy waits for the authorizer.
   * @default - Istio's default, 600s
   */
  readonly timeout?: Duration;
  /**
   * Allow requests when the authorizer cannot be reached or fails (5xx).
   * @default false (such requests are denied)
   */
  readonly failOpen?: boolean;
  /**
   * The HTTP status returned when the authorizer cannot be reached.
   * @default 403
   */
  readonly statusOnError?: number;
}

/** Options of {@link ExtensionProvider.envoyExtAuthzHttp}. */
export interface ExtAuthzHttpOptions extends ExtAuthzOptions {
  /**
   * A prefix added to the path of check requests (`/check` sends a check of `/admin` to `/check/admin`).
   * @default - the request's own path
   */
  readonly pathPrefix?: string;
  /**
   * Request headers sent to the authorizer besides Host, Method, Path and Content-Length: exact
   * names, `prefix*` or `*suffix`.
   * @default - none
   */
  readonly includeRequestHeadersInCheck?: string[];
  /**
   * Fixed headers added to check requests.
   * @default - none
   */
  readonly includeAdditionalHeadersInCheck?: { [name: string]: string };
  /**
   * Send the request body to the authorizer.
   * @default - no body
   */
  readonly includeRequestBodyInCheck?: ExtAuthzRequestBody;
  /**
   * Authorizer response headers copied to the upstream request when it allows (exact, `prefix*`, `*suffix`).
   * @default - the request is forwarded unchanged
   */
  readonly headersToUpstreamOnAllow?: string[];
  /**
   * Authorizer response headers returned to the client when it denies (exact, `prefix*`, `*suffix`).
   * @default - every header of the authorizer's response
   */
  readonly headersToDownstreamOnDeny?: string[];
  /**
   * Authorizer response headers added to the response when it allows (exact, `prefix*`, `*suffix`).
   * @default - the response is returned unchanged
   */
  readonly headersToDownstreamOnAllow?: string[];
}

/** Options of {@link ExtensionProvider.envoyExtAuthzGrpc}. */
export interface ExtAuthzGrpcOptions extends ExtAuthzOptions {
  /**
   * Send the request body to the authorizer.
   * @default - no body
   */
  readonly includeRequestBodyInCheck?: ExtAuthzGrpcRequestBody;
}

/** Provider service hosts: fully qualified, as Istio looks them up in its registry exactly as written. */
const SERVICE_HOST = hostRule({ shortName: false });

/**
 * An entry of MeshConfig `extensionProviders`: a tracer, an access-log sink or an external
 * authorizer that Telemetry and CUSTOM AuthorizationPolicy objects name.
 *
 * Add providers to the app's {@link MeshConfig}; constructs naming a provider are checked
 * against it at synth.
 *
 * @example
 * const otel = ExtensionProvider.openTelemetry('otel', { service: 'otel-collector.observability.svc.cluster.local', port: 4317 });
 * new MeshConfig(app, 'mesh-config', { extensionProviders: [otel], defaultProviders: { tracing: [otel.name] } });
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider
 */
export class ExtensionProvider {
  /** Traces to an OpenTelemetry collector (OTLP over gRPC, or HTTP with `http`). */
  public static openTelemetry(name: string, options: OpenTelemetryTracingOptions): ExtensionProvider {
    const where = whereOf('openTelemetry', name, options);
    const http = options.http;
    return new ExtensionProvider(name, ExtensionProviderKind.OPENTELEMETRY, {
      ...serviceFields(where, options),
      maxTagLength: maxTagLength(where, options.maxTagLength),
      http: http === undefined ? undefined : prune({
        path: check(where, 'http.path', http.path, pathRule, "Use the collector's OTLP traces path, e.g. '/v1/traces'."),
        timeout: http.timeout === undefined ? undefined : istioDuration(where, 'http.timeout', http.timeout),
        headers: http.headers === undefined ? undefined : headerList(where, 'http.headers', http.headers),
      }),
      resourceDetectors: resourceDetectors(where, options.resourceDetectors),
    });
  }

  /** Traces to a Zipkin-compatible collector (Zipkin, Jaeger's Zipkin port). */
  public static zipkin(name: string, options: ZipkinTracingOptions): ExtensionProvider {
    const where = whereOf('zipkin', name, options);
    return new ExtensionProvider(name, ExtensionProviderKind.ZIPKIN, {
      ...serviceFields(where, options),
      maxTagLength: maxTagLength(where, options.maxTagLength),
      enable64bitTraceId: options.enable64bitTraceId,
    });
  }

  /** Traces to a Datadog agent. */
  public static datadog(name: string, options: DatadogTracingOptions): ExtensionProvider {
    const where = whereOf('datadog', name, options);
    return new ExtensionProvider(name, ExtensionProviderKind.DATADOG, {
      ...serviceFields(where, options),
      maxTagLength: maxTagLength(where, options.maxTagLength),
    });
  }

  /** Traces to an Apache SkyWalking OAP server. */
  public static skyWalking(name: string, options: SkyWalkingTracingOptions): ExtensionProvider {
    const where = whereOf('skyWalking', name, options);
    return new ExtensionProvider(name, ExtensionProviderKind.SKYWALKING, {
      ...serviceFields(where, options),
      accessToken: options.accessToken === undefined ? undefined
        : check(where, 'accessToken', options.accessToken, singleLineRule, 'Give the SkyWalking OAP access token, or leave accessToken out.'),
    });
  }

  /** Access logs written by each proxy to a file or standard stream (`/dev/stdout` by default). */
  public static envoyFileAccessLog(name: string, options: EnvoyFileAccessLogOptions = {}): ExtensionProvider {
    const where = whereOf('envoyFileAccessLog', name, options);
    if (options.textFormat !== undefined && options.jsonFormat !== undefined) {
      fail(where, 'jsonFormat', 'cannot be combined with textFormat', options.jsonFormat, 'A log format is either text or JSON; keep one of them.');
    }
    const logFormat = options.textFormat !== undefined
      ? { text: check(where, 'textFormat', options.textFormat, nonEmpty, "Give a format such as '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%', or leave textFormat out.") }
      : options.jsonFormat !== undefined ? { labels: fieldMap(where, 'jsonFormat', options.jsonFormat) } : undefined;
    return new ExtensionProvider(name, ExtensionProviderKind.ENVOY_FILE_ACCESS_LOG, {
      path: options.path === undefined ? undefined
        : check(where, 'path', options.path, filePathRule, "Use '/dev/stdout', '/dev/stderr' or an absolute path in the proxy container."),
      logFormat,
    });
  }

  /** Access logs sent to an OpenTelemetry collector (OTLP logs over gRPC). */
  public static envoyOtelAccessLog(name: string, options: EnvoyOtelAccessLogOptions): ExtensionProvider {
    const where = whereOf('envoyOtelAccessLog', name, options);
    const logFormat = prune({
      text: options.textFormat === undefined ? undefined
        : check(where, 'textFormat', options.textFormat, nonEmpty, 'Give a format with Envoy command operators, or leave textFormat out.'),
      labels: options.attributes === undefined ? undefined : fieldMap(where, 'attributes', options.attributes),
    });
    return new ExtensionProvider(name, ExtensionProviderKind.ENVOY_OTEL_ALS, {
      ...serviceFields(where, options),
      logName: options.logName === undefined ? undefined
        : check(where, 'logName', options.logName, singleLineRule, "Give a log name such as 'otel_envoy_accesslog', or leave logName out."),
      logFormat: Object.keys(logFormat).length > 0 ? logFormat : undefined,
    });
  }

  /** An external authorizer implementing Envoy's ext_authz HTTP API, for AuthorizationPolicy CUSTOM. */
  public static envoyExtAuthzHttp(name: string, options: ExtAuthzHttpOptions): ExtensionProvider {
    const where = whereOf('envoyExtAuthzHttp', name, options);
    return new ExtensionProvider(name, ExtensionProviderKind.ENVOY_EXT_AUTHZ_HTTP, {
      ...extAuthzFields(where, options),
      pathPrefix: options.pathPrefix === undefined ? undefined
        : check(where, 'pathPrefix', options.pathPrefix, pathRule, "Use a path such as '/check'."),
      includeRequestHeadersInCheck: headerPatterns(where, 'includeRequestHeadersInCheck', options.includeRequestHeadersInCheck),
      includeAdditionalHeadersInCheck: options.includeAdditionalHeadersInCheck === undefined ? undefined
        : headerMap(where, 'includeAdditionalHeadersInCheck', options.includeAdditionalHeadersInCheck),
      includeRequestBodyInCheck: requestBody(where, options.includeRequestBodyInCheck),
      headersToUpstreamOnAllow: headerPatterns(where, 'headersToUpstreamOnAllow', options.headersToUpstreamOnAllow),
      headersToDownstreamOnDeny: headerPatterns(where, 'headersToDownstreamOnDeny', options.headersToDownstreamOnDeny),
      headersToDownstreamOnAllow: headerPatterns(where, 'headersToDownstreamOnAllow', options.headersToDownstreamOnAllow),
    });
  }

  /** An external authorizer implementing Envoy's ext_authz gRPC API, for AuthorizationPolicy CUSTOM. */
  public static envoyExtAuthzGrpc(name: string, options: ExtAuthzGrpcOptions): ExtensionProvider {
    const where = whereOf('envoyExtAuthzGrpc', name, options);
    const body = options.includeRequestBodyInCheck;
    return new ExtensionProvider(name, ExtensionProviderKind.ENVOY_EXT_AUTHZ_GRPC, {
      ...extAuthzFields(where, options),
      includeRequestBodyInCheck: body === undefined ? undefined : prune({ ...requestBody(where, body), packAsBytes: body.packAsBytes }),
    });
  }

  /**
   * The provider's entry of `extensionProviders`, in wire format.
   * @internal
   */
  public readonly _wire: Record<string, any>;

  private constructor(
    /** The name Telemetry and AuthorizationPolicy objects use. */
    public readonly name: string,
    /** The kind of provider. */
    public readonly kind: ExtensionProviderKind,
    settings: Record<string, any>,
  ) {
    this._wire = { name, [kind]: prune(settings) };
  }
}

/**
 * Where a provider's errors point: the factory call, as the user wrote it
 * (`ExtensionProvider.zipkin('zipkin', ...)`), since the provider exists before the MeshConfig
 * that takes it. Checks the name and options first, so every later message names a valid provider.
 */
function whereOf(factory: string, name: string, options: object | undefined): string {
  const where = `ExtensionProvider.${factory}(${typeof name === 'string' ? `'${name}'` : 'name'}, ...)`;
  check(where, 'name', name, providerNameRule, "Name the provider as Telemetry and AuthorizationPolicy objects will, e.g. 'otel' or 'ext-authz'.");
  checkObject(where, 'options', options);
  return where;
}

const nonEmpty: Rule<string> = (v) => (typeof v !== 'string' || v.length === 0 ? 'must not be empty' : undefined);

const pathRule: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must not be empty';
  if (!v.startsWith('/')) return "must start with '/'";
  if (/[\s?#]/.test(v)) return 'must be a path without spaces, query or fragment';
  return undefined;
};

const filePathRule: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must not be empty';
  if (!v.startsWith('/')) return "must be an absolute path (starting with '/')";
  if (/[\r\n\0]/.test(v)) return 'must be a single line';
  return undefined;
};

/** `[<namespace>/]<host>`, as istiod resolves provider services. */
const serviceRule: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must not be empty';
  const parts = v.split('/');
  if (parts.length > 2) return "must be 'host' or 'namespace/host'";
  const [namespace, host] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (namespace !== undefined && dnsLabelRule(namespace) !== undefined) return `has an invalid namespace '${namespace}' (a DNS label)`;
  const broken = SERVICE_HOST(host);
  if (broken !== undefined) return broken;
  if (/\.svc$/.test(host)) return 'must be fully qualified with the cluster domain (Istio looks the host up as written)';
  return undefined;
};

function serviceFields(where: string, options: ProviderServiceOptions): Record<string, any> {
  return {
    service: check(where, 'service', options.service, serviceRule,
      "Use the service's fully-qualified host, e.g. 'otel-collector.observability.svc.cluster.local' (MeshService.fromName(...).host)."),
    port: check(where, 'port', options.port, portRule, 'Use the service port number, e.g. 4317.'),
  };
}

function maxTagLength(where: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined
    : check(where, 'maxTagLength', value, uint32Rule(1), 'A number of characters, e.g. 256; leave it out for the default.');
}

function resourceDetectors(where: string, detectors: OpenTelemetryResourceDetector[] | undefined): Record<string, object> | undefined {
  if (detectors === undefined) return undefined;
  checkEnumList(where, 'resourceDetectors', detectors, OpenTelemetryResourceDetector, 'OpenTelemetryResourceDetector');
  const out: Record<string, object> = {};
  for (const d of detectors) out[d] = {};
  return Object.keys(out).length > 0 ? out : undefined;
}

function headerName(where: string, property: string, name: string): string {
  return check(where, property, name, httpHeaderNameRule, "Header names are tokens such as 'x-api-key'.");
}

/** `{ name: value }` -> `[{ name, value }]` (OpenTelemetry HTTP headers). */
function headerList(where: string, property: string, headers: { [name: string]: string }): Array<{ name: string; value: string }> {
  return Object.keys(headers).sort().map((name) => ({
    name: headerName(where, `${property} key`, name),
    value: check(where, `${property}['${name}']`, headers[name], singleLineRule, 'Header values are non-empty single lines.'),
  }));
}

function headerMap(where: string, property: string, headers: { [name: string]: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers).sort()) {
    headerName(where, `${property} key`, name);
    out[name] = check(where, `${property}['${name}']`, headers[name], singleLineRule, 'Header values are non-empty single lines.');
  }
  return out;
}

/** A map of log fields to Envoy command operators (log format labels). */
function fieldMap(where: string, property: string, fields: { [field: string]: string }): Record<string, string> {
  const keys = Object.keys(fields);
  check(where, property, keys, (k) => (k.length === 0 ? 'must have at least one field' : undefined), "Give fields such as { status: '%RESPONSE_CODE%' }.");
  const out: Record<string, string> = {};
  for (const key of keys.sort()) {
    check(where, `${property} key`, key, nonEmpty, 'Field names must not be empty.');
    out[key] = check(where, `${property}['${key}']`, fields[key], nonEmpty, "Give an Envoy command operator such as '%RESPONSE_CODE%'.");
  }
  return out;
}

/** Header patterns of ext-authz lists: exact names, `prefix*` or `*suffix`. */
function headerPatterns(where: string, property: string, patterns: string[] | undefined): string[] | undefined {
  if (patterns === undefined) return undefined;
  checkList(where, property, patterns);
  check(where, property, patterns, (p) => (p.length === 0 ? 'must not be an empty list' : undefined), 'Leave the field out instead.');
  for (const pattern of patterns) {
    check(where, property, pattern, (p) => {
      if (typeof p !== 'string' || p.length === 0) return 'must not contain an empty header name';
      const bare = p.replace(/^\*/, '').replace(/\*$/, '');
      if (p.startsWith('*') && p.endsWith('*') && p.length > 1) return "must use '*' at one end only (exact, 'prefix*' or '*suffix')";
      return bare.length === 0 ? "must not be '*' alone (name the headers)" : httpHeaderNameRule(bare);
    }, "Use header names such as 'x-user', 'x-auth-*' or '*-token'.");
  }
  return [...patterns];
}

function requestBody(where: string, body: ExtAuthzRequestBody | undefined): Record<string, any> | undefined {
  if (body === undefined) return undefined;
  return prune({
    maxRequestBytes: check(where, 'includeRequestBodyInCheck.maxRequestBytes', body.maxRequestBytes, uint32Rule(1),
      'The most body bytes to hold for the check, e.g. 8192.'),
    allowPartialMessage: body.allowPartialMessage,
  });
}

function extAuthzFields(where: string, options: ExtAuthzOptions): Record<string, any> {
  return {
    ...serviceFields(where, options),
    timeout: options.timeout === undefined ? undefined : istioDuration(where, 'timeout', options.timeout),
    failOpen: options.failOpen,
    statusOnError: options.statusOnError === undefined ? undefined
      : String(check(where, 'statusOnError', options.statusOnError, wholeNumberRule(100, 599), 'Use an HTTP status code, e.g. 503.')),
  };
}
