import { IConstruct } from 'constructs';
import { PolicyTarget } from './policy-target';
import { SecurityRegistry } from './security-registry';
import { isEmpty } from '../core/plain-objects';

/** Where a policy is attached, as rendered into its spec. */
export interface Attachment {
  readonly selector?: { matchLabels: Record<string, string> };
  readonly targetRefs?: Array<{ group: string; kind: string; name: string }>;
}

/** Why a policy needs something, for error messages: the sentence or a function that builds it. */
export type Reason = string | (() => string);

function text(reason: Reason): string {
  return typeof reason === 'string' ? reason : reason();
}

/**
 * Decides how a policy attaches given the target's namespace's data plane in this app. `l7`
 * says why the policy needs L7 enforcement (undefined for L4-only policies); ambient
 * namespaces then need a waypoint, reached with `targetRefs`. `identity` says which source
 * identities the policy matches: behind a waypoint those must be enforced there too. Returns an error message (the
 * rule and hint parts) when the policy cannot be attached without changing its meaning.
 */
export function resolveAttachment(
  scope: IConstruct, target: PolicyTarget, l7Reason: Reason | undefined, identityReason?: Reason,
): Attachment | { error: [string, string] } {
  // Reasons are sentences for error messages, built when one is needed.
  let l7: Reason | undefined = l7Reason;
  const registry = SecurityRegistry.of(scope);
  const kind = target._kind;
  if (kind === 'waypoint') {
    return { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: target._name! }] };
  }
  if (kind === 'mesh') {
    const ambient = [...registry.namespaces.values()].filter((ns) => ns.ambient).map((ns) => ns.name);
    if (l7 && ambient.length > 0) {
      return {
        error: [`cannot be the mesh: this policy ${text(l7)}, and ztunnel enforces it without waypoints in ambient namespace(s) ${ambient.map((n) => `'${n}'`).join(', ')}`,
          'Ztunnel enforces only L4, so the policy would change meaning there; create it per namespace (PolicyTarget.namespace) so it attaches to each waypoint.'],
      };
    }
    return {};
  }
  const ns = registry.namespaces.get(target.targetNamespace);
  const labels = (): Attachment | { error: [string, string] } => {
    const matchLabels = target._matchLabels();
    if (!matchLabels || isEmpty(matchLabels)) {
      return {
        error: kind === 'service'
          ? [`cannot be enforced: service '${target._name}' has no pod selector labels`,
            'Sidecars and ztunnel find pods by labels; give the Service a selector, or target the pods with PolicyTarget.workload or PolicyTarget.selector.']
          : [`cannot be enforced: workload '${target._name}' has no pod selector labels`,
            'Sidecars and ztunnel find pods by labels; give the workload a selector (workload.select(...)), or target the pods with PolicyTarget.selector.'],
      };
    }
    return { selector: { matchLabels } };
  };
  const serviceRef = () => ({ targetRefs: [{ group: '', kind: 'Service', name: target._name! }] });

  if (!ns?.ambient) {
    if (kind === 'namespace') return {};
    if (kind === 'serviceName') {
      return {
        error: [`cannot be service '${target._name}' by name in namespace '${target.targetNamespace}', which ${ns ? 'uses sidecars' : 'this app does not declare ambient'}`,
          'Sidecars only honour pod selectors; target PolicyTarget.service(kplus.Service), PolicyTarget.workload or PolicyTarget.selector (or declare the namespace ambient with a waypoint).'],
      };
    }
    return labels();
  }

  // Ambient: ztunnel enforces selector and namespace policies (L4 only); waypoints enforce targetRefs policies.
  // Once a waypoint is in the path, ztunnel sees the waypoint's identity instead of the client's, so
  // identity-based rules belong on the waypoint too.
  if (!l7 && identityReason && ns.waypointName) l7 = identityReason;
  if (!l7) {
    if (kind === 'namespace' || kind === 'selector') return kind === 'selector' ? labels() : {};
    const matchLabels = target._matchLabels();
    if (matchLabels && !isEmpty(matchLabels)) return { selector: { matchLabels } };
    if (ns.waypointName) return serviceRef();
    return {
      error: [`cannot be enforced: service '${target._name}' has no pod labels and ambient namespace '${ns.name}' has no waypoint`,
        'Target the pods by labels (PolicyTarget.selector), or add a waypoint to the MtlsNamespace.'],
    };
  }
  if (!ns.waypointName) {
    return {
      error: [`is in ambient namespace '${ns.name}', which has no waypoint, but this policy ${text(l7)}`,
        `Ztunnel enforces only L4 and would change the policy's meaning; add waypoint: {} to MtlsNamespace '${ns.path}' (the policy then attaches to it), or keep only L4 attributes (ports, principals, namespaces, IP blocks).`],
    };
  }
  if (kind === 'namespace') {
    return { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: ns.waypointName }] };
  }
  if (kind === 'service' || kind === 'serviceName') return serviceRef();
  return {
    error: [`selects pods by labels in ambient namespace '${ns.name}', but this policy ${text(l7)}`,
      'Waypoints ignore selector policies and ztunnel enforces only L4; target the service (PolicyTarget.service or PolicyTarget.serviceName) or the whole namespace (PolicyTarget.namespace), which attach to the waypoint.'],
  };
}
