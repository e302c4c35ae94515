import { Construct, IConstruct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck, reportDeferred } from '../core/deferred-checks';
import { dnsLabelRule } from '../core/hosts';
import { check, fail } from '../core/validation-error';
import { checkEnum, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Which traffic a waypoint processes (the `istio.io/waypoint-for` label). */
export enum WaypointTrafficType {
  /** Traffic addressed to services (the default, and what L7 policies on services need). */
  SERVICE = 'service',
  /** Traffic addressed to pods by IP. */
  WORKLOAD = 'workload',
  /** Both service and workload traffic. */
  ALL = 'all',
}

/** A waypoint proxy that policies can attach to with `targetRefs`. */
export interface IWaypoint {
  /** The waypoint Gateway's name. */
  readonly waypointName: string;
  /** The waypoint Gateway's namespace. */
  readonly waypointNamespace: string;
}

/** Properties of a {@link Waypoint}. */
export interface WaypointProps {
  /** The namespace the waypoint serves. */
  readonly namespace: string;
  /**
   * The Gateway's name.
   * @default 'waypoint' (what `istioctl waypoint apply` creates)
   */
  readonly name?: string;
  /**
   * Which traffic the waypoint processes.
   * @default WaypointTrafficType.SERVICE
   */
  readonly trafficType?: WaypointTrafficType;
}

/**
 * An IWaypoint prop (a Waypoint, or Waypoint.fromName): checked, since a plain object with
 * other fields would render a `targetRefs` or label without a name. Reports what
 * Waypoint.fromName postponed, unless `report` is false (a value built from it reports later).
 */
export function checkWaypoint(scope: IConstruct | string, property: string, value: IWaypoint, report = true): IWaypoint {
  if (value === null || typeof value !== 'object' || typeof value.waypointName !== 'string' || typeof value.waypointNamespace !== 'string') {
    fail(scope, property, 'must be a waypoint', value, "Pass a Waypoint construct, or Waypoint.fromName('waypoint', 'shop') for one this app does not define.");
  }
  if (report) reportDeferred(scope, property, value);
  return value;
}

/**
 * An ambient-mode waypoint proxy: a Kubernetes Gateway of class `istio-waypoint` with the
 * `mesh` listener on port 15008 (HBONE), as `istioctl waypoint apply` writes it.
 *
 * Waypoints enforce L7 policy (HTTP methods, paths, JWTs) in ambient namespaces; ztunnel only
 * enforces L4. Policies reach a waypoint with `targetRefs`, never with a `selector`. Usually
 * created by {@link MtlsNamespace} (`waypoint: {}`), which also labels the namespace with
 * `istio.io/use-waypoint`.
 *
 * @example
 * new Waypoint(chart, 'waypoint', { namespace: 'shop' });
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export class Waypoint extends Construct implements IWaypoint {
  /** A waypoint this app does not define. */
  public static fromName(name: string, namespace: string): IWaypoint {
    // Checked where the waypoint is used (useWaypoint, PolicyTarget.waypoint), naming that prop.
    const waypoint: IWaypoint = { waypointName: name, waypointNamespace: namespace };
    deferCheck(waypoint, 'name', name, dnsLabelRule, "Waypoint names are DNS labels such as 'waypoint'.");
    deferCheck(waypoint, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return waypoint;
  }

  public readonly waypointName: string;
  public readonly waypointNamespace: string;

  constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    const trafficType = checkEnum(this, 'trafficType', props.trafficType ?? WaypointTrafficType.SERVICE, WaypointTrafficType, 'WaypointTrafficType');
    this.waypointName = check(this, 'name', props.name ?? 'waypoint', dnsLabelRule, "Waypoint names are DNS labels such as 'waypoint'.");
    this.waypointNamespace = check(this, 'namespace', props.namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    wireObject(this, 'Resource', GVK.KubernetesGateway, {
      name: this.waypointName,
      namespace: this.waypointNamespace,
      labels: { 'istio.io/waypoint-for': trafficType },
    }, () => ({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    }));
  }
}
