import type { RouteApi } from '../model/mesh-model';

/**
 * The API routes are rendered with: Istio's own (VirtualService, Istio Gateway) or the
 * Kubernetes Gateway API (HTTPRoute, GRPCRoute, TLSRoute, and a Gateway of class `istio`).
 * DestinationRules carry traffic policy in both.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
export class RoutingApi {
  /** Istio's `networking.istio.io` APIs: every feature, first-match route order. */
  public static readonly ISTIO = new RoutingApi('istio');
  /**
   * The Kubernetes Gateway API (standard channel): portable, what ambient waypoints read, but
   * without fault injection, typed retries (experimental channel), TCP routes (Istio 1.31) or
   * `exportTo`; routes are ordered by match specificity.
   */
  public static readonly GATEWAY_API = new RoutingApi('gateway-api');

  private constructor(
    /** `istio` or `gateway-api`. */
    public readonly value: string,
  ) {}

  /** @internal */
  public get _kind(): RouteApi {
    return this.value as RouteApi;
  }
}

/** Which Gateway API CRDs the cluster has installed. */
export enum GatewayApiChannel {
  /** The standard channel: the stable kinds and fields. */
  STANDARD = 'standard',
  /** The experimental channel: also HTTPRoute `retry` (and more). */
  EXPERIMENTAL = 'experimental',
}
