import { Construct, IConstruct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { perApp } from '../core/per-app';
import { declareRoutingSettings, GatewayApiChannel, routingSettings, RoutingApi } from '../core/routing-api';
import { check, fail, pathOf, ValidationError } from '../core/validation-error';
import { checkEnum, checkInstance, checkObject } from '../core/value-types';
import { addWarning } from '../core/warnings';
import { MeshModel, RouteApi } from '../model/mesh-model';
import { SecurityRegistry } from '../security/security-registry';

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

/** The API a host's mesh routes use, and why (for messages). */
export interface MeshRouteApi {
  readonly api: RouteApi;
  readonly reason?: string;
}

/**
 * The API of the mesh routes of a service in `namespace`: the construct's own choice, else the
 * Gateway API in an ambient namespace with a waypoint (VirtualServices at waypoints are alpha,
 * and the two APIs must not route one host), else the app default.
 */
export function meshRouteApi(scope: IConstruct, namespace: string, explicit: RoutingApi | undefined): MeshRouteApi {
  const record = SecurityRegistry.of(scope).namespaces.get(namespace);
  const waypoint = record !== undefined && record.ambient && record.usesWaypoint === true;
  if (explicit) {
    if (waypoint && explicit === RoutingApi.ISTIO) {
      addWarning(scope, `routes of namespace '${namespace}' render as a VirtualService (api: RoutingApi.ISTIO), but the namespace is ambient with a waypoint, `
        + 'where VirtualServices are alpha; leave api unset to render HTTPRoutes.');
    }
    return explicit === RoutingApi.ISTIO ? EXPLICIT_ISTIO : EXPLICIT_GATEWAY_API;
  }
  if (waypoint) return { api: 'gateway-api', reason: `namespace '${namespace}' is ambient with a waypoint` };
  rememberDecision(scope, namespace);
  // One answer per app (10,000-service apps ask for every release).
  return perApp(scope, 'routing-default-choice', () => {
    const settings = routingSettings(scope);
    return { api: settings.api, reason: settings.declaredBy ? `the default of '${pathOf(settings.declaredBy)}'` : undefined };
  });
}

const EXPLICIT_ISTIO: MeshRouteApi = { api: 'istio', reason: 'api: RoutingApi.ISTIO' };
const EXPLICIT_GATEWAY_API: MeshRouteApi = { api: 'gateway-api', reason: 'api: RoutingApi.GATEWAY_API' };

/**
 * Namespaces whose routes took the app default; an MtlsNamespace declared later that makes one
 * ambient with a waypoint would have changed the decision, which a synth-time check reports.
 */
function rememberDecision(scope: IConstruct, namespace: string): void {
  const decided = perApp(scope, 'routing-decisions', () => {
    const set = new Map<string, IConstruct>();
    scope.node.addValidation({ validate: () => lateWaypointErrors(scope, set) });
    return set;
  });
  if (!decided.has(namespace)) decided.set(namespace, scope);
}

function lateWaypointErrors(scope: IConstruct, decided: Map<string, IConstruct>): string[] {
  const registry = SecurityRegistry.of(scope);
  const errors: string[] = [];
  for (const [namespace, first] of decided) {
    const record = registry.namespaces.get(namespace);
    if (record?.ambient && record.usesWaypoint && routingSettings(scope).api !== 'gateway-api') {
      errors.push(new ValidationError(pathOf(first), 'routes', `render with Istio's APIs, but MtlsNamespace '${record.path}', created after them, makes namespace '${namespace}' ambient with a waypoint (whose routes must be HTTPRoutes)`,
        namespace, 'Create the MtlsNamespace before the constructs that route its services.').message);
    }
  }
  return errors;
}
