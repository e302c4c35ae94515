import { Construct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule } from '../core/hosts';
import { check } from '../core/validation-error';
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
    const where = `waypoint '${namespace}/${name}'`;
    check(where, 'name', name, dnsLabelRule, "Waypoint names are DNS labels such as 'waypoint'.");
    check(where, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return { waypointName: name, waypointNamespace: namespace };
  }

  public readonly waypointName: string;
  public readonly waypointNamespace: string;

  constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, uniqueChildId(scope, id));
    this.waypointName = check(this, 'name', props.name ?? 'waypoint', dnsLabelRule, "Waypoint names are DNS labels such as 'waypoint'.");
    this.waypointNamespace = check(this, 'namespace', props.namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    wireObject(this, 'Resource', GVK.KubernetesGateway, {
      name: this.waypointName,
      namespace: this.waypointNamespace,
      labels: { 'istio.io/waypoint-for': props.trafficType ?? WaypointTrafficType.SERVICE },
    }, () => ({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    }));
  }
}
