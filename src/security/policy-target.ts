import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkWaypoint, IWaypoint } from './waypoint';
import { deferCheck, deferFailure, deferProblemsOf } from '../core/deferred-checks';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels, labelsAreValid } from '../core/labels';
import { deferObjectNamespaceCheck, objectNamespace } from '../core/object-namespace';
import { ValidationError } from '../core/validation-error';
import { checkApiObject, checkObject } from '../core/value-types';

/** Options for {@link PolicyTarget.ingressGateway}. */
export interface IngressGatewayTargetOptions {
  /**
   * The gateway's namespace.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * The gateway pods' labels.
   * @default { istio: 'ingressgateway' }
   */
  readonly labels?: Record<string, string>;
}

/**
 * What a security policy applies to: the whole mesh, a namespace, some workloads, a service or
 * a waypoint.
 *
 * The same target is rendered as a `selector` or as `targetRefs` depending on the namespace's
 * data plane (see {@link AuthorizationPolicy}): sidecars and ztunnel honour selectors, waypoints
 * only honour `targetRefs`.
 */
export class PolicyTarget {
  /** Every workload of the mesh: the policy lives in the root namespace, without selector. */
  public static mesh(rootNamespace: string = 'istio-system'): PolicyTarget {
    const target = new PolicyTarget('mesh', rootNamespace);
    deferCheck(target, 'rootNamespace', rootNamespace, dnsLabelRule, "Use the mesh's root namespace, usually 'istio-system'.");
    return target;
  }

  /** Every workload of a namespace. */
  public static namespace(name: string): PolicyTarget {
    const target = new PolicyTarget('namespace', name);
    deferCheck(target, 'namespace', name, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return target;
  }

  /** The pods of a cdk8s-plus workload (its pod selector labels). */
  public static workload(workload: kplus.Workload): PolicyTarget {
    checkApiObject('PolicyTarget.workload(workload)', 'workload', workload, 'Pass a cdk8s-plus workload (Deployment, StatefulSet...), or use PolicyTarget.selector.');
    const target = new PolicyTarget('selector', objectNamespace(workload), () => workload.matchLabels, workload.name);
    deferObjectNamespaceCheck(target, 'namespace', workload);
    return target;
  }

  /** The pods of a namespace with these labels. */
  public static selector(namespace: string, matchLabels: Record<string, string>): PolicyTarget {
    const target = new PolicyTarget('selector', namespace, matchLabels !== null && typeof matchLabels === 'object' ? { ...matchLabels } : matchLabels);
    deferCheck(target, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    if (!labelsAreValid(matchLabels)) {
      // The label checker names the offending key; it reports against the target's prop when the target is used.
      try {
        checkLabels('', 'matchLabels', matchLabels);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        deferFailure(target, e.property, e.rule, e.value, e.hint);
      }
    }
    return target;
  }

  /**
   * A cdk8s-plus Service: its pods (by the service's selector) with sidecars or ztunnel, the
   * service itself (`targetRefs`) when the policy is enforced by an ambient namespace's waypoint.
   */
  public static service(service: kplus.Service): PolicyTarget {
    checkApiObject('PolicyTarget.service(service)', 'service', service, 'Pass a cdk8s-plus Service, or use PolicyTarget.serviceName.');
    const target = new PolicyTarget('service', objectNamespace(service), () => ApiObject.of(service).toJson()?.spec?.selector, service.name);
    deferObjectNamespaceCheck(target, 'namespace', service);
    return target;
  }

  /**
   * A service by name. Only enforceable by a waypoint (ambient namespaces with a waypoint):
   * sidecars and ztunnel select pods by labels, which a name alone does not give.
   */
  public static serviceName(name: string, namespace: string): PolicyTarget {
    const target = new PolicyTarget('serviceName', namespace, undefined, name);
    deferCheck(target, 'name', name, dnsLabelRule, "Service names are DNS labels such as 'reviews'.");
    deferCheck(target, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return target;
  }

  /** Istio's ingress gateway pods (by default `istio: ingressgateway` in `istio-system`). */
  public static ingressGateway(options: IngressGatewayTargetOptions = {}): PolicyTarget {
    checkObject('PolicyTarget.ingressGateway(options)', 'options', options);
    return PolicyTarget.selector(options.namespace ?? 'istio-system', options.labels ?? { istio: 'ingressgateway' });
  }

  /** Every service behind a waypoint (`targetRefs` to its Gateway). */
  public static waypoint(waypoint: IWaypoint): PolicyTarget {
    checkWaypoint('PolicyTarget.waypoint(waypoint)', 'waypoint', waypoint, false);
    const target = new PolicyTarget('waypoint', waypoint.waypointNamespace, undefined, waypoint.waypointName);
    deferProblemsOf(target, waypoint);
    return target;
  }

  private constructor(
    /** @internal */
    public readonly _kind: 'mesh' | 'namespace' | 'selector' | 'service' | 'serviceName' | 'waypoint',
    /** The namespace the policy is created in. */
    public readonly targetNamespace: string,
    /** @internal */
    private readonly labels?: Record<string, string> | (() => Record<string, string> | undefined),
    /** @internal */
    public readonly _name?: string,
  ) {}

  /**
   * The pod labels the target selects, read at synth (a workload's or service's labels may still
   * change after the target is created); fixed labels are kept as they are.
   * @internal
   */
  public _matchLabels(): Record<string, string> | undefined {
    return typeof this.labels === 'function' ? this.labels() : this.labels;
  }
}
