import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IWaypoint } from './waypoint';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels, labelsAreValid } from '../core/labels';
import { check } from '../core/validation-error';

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
    check(`target mesh '${rootNamespace}'`, 'rootNamespace', rootNamespace, dnsLabelRule, "Use the mesh's root namespace, usually 'istio-system'.");
    return new PolicyTarget('mesh', rootNamespace);
  }

  /** Every workload of a namespace. */
  public static namespace(name: string): PolicyTarget {
    check(`target namespace '${name}'`, 'namespace', name, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return new PolicyTarget('namespace', name);
  }

  /** The pods of a cdk8s-plus workload (its pod selector labels). */
  public static workload(workload: kplus.Workload): PolicyTarget {
    const namespace = workload.metadata.namespace ?? Chart.of(workload).namespace ?? 'default';
    return new PolicyTarget('selector', namespace, () => workload.matchLabels, workload.name);
  }

  /** The pods of a namespace with these labels. */
  public static selector(namespace: string, matchLabels: Record<string, string>): PolicyTarget {
    if (dnsLabelRule(namespace) !== undefined || !labelsAreValid(matchLabels)) {
      check(`target selector in '${namespace}'`, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
      checkLabels(`target selector in '${namespace}'`, 'matchLabels', matchLabels);
    }
    const labels = { ...matchLabels };
    return new PolicyTarget('selector', namespace, labels);
  }

  /**
   * A cdk8s-plus Service: its pods (by the service's selector) with sidecars or ztunnel, the
   * service itself (`targetRefs`) when the policy is enforced by an ambient namespace's waypoint.
   */
  public static service(service: kplus.Service): PolicyTarget {
    const namespace = service.metadata.namespace ?? Chart.of(service).namespace ?? 'default';
    return new PolicyTarget('service', namespace, () => ApiObject.of(service).toJson()?.spec?.selector, service.name);
  }

  /**
   * A service by name. Only enforceable by a waypoint (ambient namespaces with a waypoint):
   * sidecars and ztunnel select pods by labels, which a name alone does not give.
   */
  public static serviceName(name: string, namespace: string): PolicyTarget {
    check(`target service '${name}'`, 'name', name, dnsLabelRule, "Service names are DNS labels such as 'reviews'.");
    check(`target service '${name}'`, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'shop'.");
    return new PolicyTarget('serviceName', namespace, undefined, name);
  }

  /** Istio's ingress gateway pods (by default `istio: ingressgateway` in `istio-system`). */
  public static ingressGateway(options: IngressGatewayTargetOptions = {}): PolicyTarget {
    return PolicyTarget.selector(options.namespace ?? 'istio-system', options.labels ?? { istio: 'ingressgateway' });
  }

  /** Every service behind a waypoint (`targetRefs` to its Gateway). */
  public static waypoint(waypoint: IWaypoint): PolicyTarget {
    return new PolicyTarget('waypoint', waypoint.waypointNamespace, undefined, waypoint.waypointName);
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
