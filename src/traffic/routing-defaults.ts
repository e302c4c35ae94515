import { Construct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { GatewayApiChannel, RoutingApi } from '../core/routing-api';
import { declareRoutingSettings, routingSettings } from '../core/routing-settings';
import { check, fail, pathOf } from '../core/validation-error';
import { checkEnum, checkInstance, checkObject } from '../core/value-types';
import { MeshModel } from '../model/mesh-model';

/** Properties of {@link RoutingDefaults}. */
export interface RoutingDefaultsProps {
  /**
   * The API of every route the app renders, unless a construct chooses its own (`api`) or the
   * service is in an ambient namespace with a waypoint (always the Gateway API there).
   * @default RoutingApi.ISTIO
   */
  readonly api?: RoutingApi;
  /**
   * The Gateway API channel whose CRDs the cluster has installed. With the experimental
   * channel, retries render as HTTPRoute `retry`.
   * @default GatewayApiChannel.STANDARD
   */
  readonly gatewayApiChannel?: GatewayApiChannel;
  /**
   * The cluster's Istio version, as `1.<minor>`. From 1.31 Istio reads TCPRoute `v1`, so TCP
   * routes can render through the Gateway API.
   * @default '1.30'
   */
  readonly istioVersion?: string;
}

/**
 * The routing API of an app: Istio's APIs (the default) or the Kubernetes Gateway API, the
 * Gateway API channel installed and the Istio version, which decide what the Gateway API
 * renderer may use. Create it before the constructs that route (one per app).
 *
 * Trade-offs: Istio's APIs express every feature (fault injection, typed retries, TCP routes,
 * `exportTo`) and try routes in the order written. The Gateway API is portable, is what
 * ambient waypoints read, and merges routes of one host, but orders routes by match
 * specificity and, on Istio 1.30 with the standard channel, has no fault injection, retries or
 * TCP routes: a construct that needs them fails at synth, naming the way out.
 *
 * @example
 * new RoutingDefaults(app, 'routing', { api: RoutingApi.GATEWAY_API });
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
export class RoutingDefaults extends Construct {
  /** The app-wide API. */
  public readonly api: RoutingApi;

  constructor(scope: Construct, id: string, props: RoutingDefaultsProps = {}) {
    super(scope, uniqueChildId(scope, id));
    const previous = routingSettings(this).declaredBy;
    if (previous) {
      fail(this, 'id', `is a second RoutingDefaults of this app ('${pathOf(previous)}' is the first)`, id, 'Declare the routing defaults once per app.');
    }
    const routed = MeshModel.of(this).allRouteTables();
    if (routed.length > 0) {
      fail(this, 'id', `must be created before the constructs that route, but '${pathOf(routed[0].firstOwner)}' already routes '${routed[0].key.host}'`, id,
        'Create RoutingDefaults first (right after the App), so every route renders with the same API.');
    }
    checkObject(this, 'props', props);
    this.api = checkInstance(this, 'api', props.api ?? RoutingApi.ISTIO, RoutingApi, 'Use RoutingApi.ISTIO or RoutingApi.GATEWAY_API.');
    checkEnum(this, 'gatewayApiChannel', props.gatewayApiChannel, GatewayApiChannel, 'GatewayApiChannel');
    const version = check(this, 'istioVersion', props.istioVersion ?? '1.30', (v) => (/^1\.\d{1,3}$/.test(v) ? undefined : "must be '1.<minor>'"),
      "Give the Istio minor version, e.g. '1.30'.");
    const minor = Number(version.slice(2));
    if (minor < 22) {
      fail(this, 'istioVersion', 'must be 1.22 or later (mesh routes through the Gateway API are stable from 1.22)', version, 'Upgrade Istio, or leave istioVersion unset.');
    }
    declareRoutingSettings(this, {
      api: this.api._kind,
      channel: props.gatewayApiChannel ?? GatewayApiChannel.STANDARD,
      istioMinor: minor,
      declaredBy: this,
    });
  }
}
