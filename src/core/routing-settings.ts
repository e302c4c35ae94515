import { IConstruct } from 'constructs';
import { perApp } from './per-app';
import { GatewayApiChannel } from './routing-api';
import type { RouteApi } from '../model/mesh-model';

/*
 * The routing settings an app declared (RoutingDefaults), read by constructs and renderers.
 * Internal: not part of the jsii API (its types are not jsii types).
 */

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
