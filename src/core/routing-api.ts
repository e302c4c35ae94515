import { IConstruct } from 'constructs';
import { perApp } from './per-app';
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

/** What an app declared about routing (RoutingDefaults), read by constructs and renderers. Internal. */
export interface RoutingSettings {
  readonly api: RouteApi;
  readonly channel: GatewayApiChannel;
  /** Minor version of the cluster's Istio (30 for 1.30). */
  readonly istioMinor: number;
  /** The RoutingDefaults construct, when the app has one. */
  readonly declaredBy?: IConstruct;
}

const DEFAULT_SETTINGS: RoutingSettings = { api: 'istio', channel: GatewayApiChannel.STANDARD, istioMinor: 30 };

/** The routing settings of `scope`'s app (Istio's APIs, standard channel, Istio 1.30 unless declared). */
export function routingSettings(scope: IConstruct): RoutingSettings {
  return perApp<{ value: RoutingSettings }>(scope, 'routing-settings', () => ({ value: DEFAULT_SETTINGS })).value;
}

/** Records the app's routing settings (RoutingDefaults). */
export function declareRoutingSettings(scope: IConstruct, settings: RoutingSettings): void {
  perApp<{ value: RoutingSettings }>(scope, 'routing-settings', () => ({ value: DEFAULT_SETTINGS })).value = settings;
}
