import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/durations';
import { check } from '../core/validation-error';
import { checkObject } from '../core/value-types';

/** Options for cookie-based session affinity. */
export interface CookieAffinityOptions {
  /** The cookie's name. */
  readonly name: string;
  /**
   * Lifetime of the cookie Envoy generates when the client has none.
   * @default - a session cookie
   */
  readonly ttl?: Duration;
  /**
   * The cookie's path.
   * @default - no path attribute
   */
  readonly path?: string;
}

/**
 * How the proxy picks an endpoint of a service.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export class LoadBalancer {
  /** Round robin over healthy endpoints. */
  public static readonly ROUND_ROBIN = new LoadBalancer('simple', 'ROUND_ROBIN');
  /** The endpoint with the fewest outstanding requests (Istio's default). */
  public static readonly LEAST_REQUEST = new LoadBalancer('simple', 'LEAST_REQUEST');
  /** A random endpoint. */
  public static readonly RANDOM = new LoadBalancer('simple', 'RANDOM');
  /** The original destination address of the connection (no load balancing). */
  public static readonly PASSTHROUGH = new LoadBalancer('simple', 'PASSTHROUGH');

  /** Session affinity on a request header (for example `x-user`). */
  public static consistentHashOnHeader(header: string): LoadBalancer {
    return new LoadBalancer('hash', 'httpHeaderName', header);
  }

  /** Session affinity on a cookie; Envoy sets it when absent if a ttl is given. */
  public static consistentHashOnCookie(options: CookieAffinityOptions): LoadBalancer {
    return new LoadBalancer('hash', 'httpCookie', undefined, options);
  }

  /** Session affinity on the client's source IP. */
  public static consistentHashOnSourceIp(): LoadBalancer {
    return new LoadBalancer('hash', 'useSourceIp');
  }

  /** Session affinity on a query parameter. */
  public static consistentHashOnQueryParameter(name: string): LoadBalancer {
    return new LoadBalancer('hash', 'httpQueryParameterName', name);
  }

  private constructor(
    private readonly type: 'simple' | 'hash',
    private readonly key: string,
    private readonly value?: string,
    private readonly cookie?: CookieAffinityOptions,
  ) {}

  /** True for the consistent-hash (session affinity) variants. */
  public get isSessionAffinity(): boolean {
    return this.type === 'hash';
  }

  /** @internal */
  public _render(scope: IConstruct, property: string): Record<string, any> {
    if (this.type === 'simple') return { simple: this.key };
    if (this.key === 'useSourceIp') return { consistentHash: { useSourceIp: true } };
    if (this.key === 'httpCookie') {
      const cookie = checkObject(scope, `${property}.cookie`, this.cookie!);
      check(scope, `${property}.cookie.name`, cookie.name, (n) => (n ? undefined : 'must not be empty'), "Name the cookie, e.g. 'session'.");
      const httpCookie: Record<string, any> = { name: cookie.name };
      if (cookie.path) httpCookie.path = cookie.path;
      if (cookie.ttl) httpCookie.ttl = istioDuration(scope, `${property}.cookie.ttl`, cookie.ttl);
      return { consistentHash: { httpCookie } };
    }
    check(scope, `${property}.${this.key}`, this.value ?? '', (n) => (n ? undefined : 'must not be empty'), 'Name the header or query parameter to hash on.');
    return { consistentHash: { [this.key]: this.value } };
  }
}

