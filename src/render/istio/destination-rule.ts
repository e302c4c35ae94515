import { isEmpty, prune } from '../../core/plain-objects';
import { Destination } from '../../model/mesh-model';

/**
 * The spec of a destination's `networking.istio.io/v1` DestinationRule: the host's traffic
 * policy (port-level settings by port number) and, when Istio routes use them, its subsets.
 * Subsets only Gateway API routes address are left out: those routes reach one Service per
 * version instead (see the Gateway API renderer).
 */
export function destinationRuleSpec(d: Destination): Record<string, any> {
  const levels = d.portLevelSettings;
  const ports = levels ? [...levels.keys()].sort((a, b) => a - b).map((p) => levels.get(p)!) : [];
  const policy = prune({ ...d.trafficPolicy, portLevelSettings: nonEmpty(ports) });
  return prune({
    host: d.host,
    trafficPolicy: isEmpty(policy) ? undefined : policy,
    subsets: d.usedByIstio
      ? nonEmpty(d.subsets.map((s) => prune({ name: s.name, labels: s.labels, trafficPolicy: d.subsetPolicy(s.name) })))
      : undefined,
    exportTo: d.exportTo,
  });
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
