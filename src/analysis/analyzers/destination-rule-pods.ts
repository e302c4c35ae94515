import { destinationService, serviceHostIndex } from './services';
import { AnalysisContext, Analyzer, isRecord } from '../context';
import { FindingLevel } from '../finding';
import { anyWorkload, arr, filesHaveWorkloads, nameFromFqdn, str, stringItems, toFqdn, Workload } from '../util';

/** Node labels Istio adds to a Pod's labels when matching subsets (topology and hostname). */
export function nodeLabels(ctx: AnalysisContext): (w: Workload) => Record<string, string> {
  const nodes = ctx.cached('nodeLabels', () => {
    const m = new Map<string, Record<string, string>>();
    for (const n of ctx.all('Node')) {
      const labels: Record<string, string> = {};
      // An empty label value carries no locality; Istio does not match on it.
      for (const [k, v] of Object.entries(n.labels)) if (v !== '') labels[k] = String(v);
      m.set(n.name, labels);
    }
    return m;
  });
  return (w) => (w.fromTemplate ? {} : nodes.get(str(w.podSpec?.nodeName)) ?? {});
}

/** The Kubernetes Service a DestinationRule host names, if the analyzed objects define it. */
export function serviceOfHost(ctx: AnalysisContext, namespace: string, host: string) {
  const n = nameFromFqdn(toFqdn(namespace, host));
  return n ? ctx.find('Service', n.namespace, n.name) : undefined;
}

/**
 * DestinationRules whose host is no known service (IST0174, wildcard hosts included, as istioctl
 * does) and subsets that select no Pod (IST0173, Deployment pod templates counting as Pods).
 * istioctl reads Pods from the cluster; here they come from the files, so IST0173 only runs when
 * the files hold workloads (istioctl's placeholder gateway Pod does not count).
 */
export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  analyze(ctx: AnalysisContext) {
    const haveWorkloads = filesHaveWorkloads(ctx);
    const index = serviceHostIndex(ctx);
    const topology = nodeLabels(ctx);
    for (const r of ctx.all('DestinationRule')) {
      const host = str(r.spec.host);
      if (!host) continue;
      const exportTo = stringItems(r.spec.exportTo);
      if (!destinationService(index, r.namespace, exportTo, host)) {
        ctx.report(this.name, 'IST0174', FindingLevel.WARNING, r,
          `The host ${host} defined in the DestinationRule does not match any services in the mesh.`,
          'Point the DestinationRule at an existing Service or ServiceEntry host.');
        continue;
      }
      if (!haveWorkloads) continue;
      const svc = serviceOfHost(ctx, r.namespace, host);
      if (!svc) continue;
      for (const s of arr(r.spec.subsets)) {
        const labels = isRecord(s?.labels) ? s.labels : {};
        if (Object.keys(labels).length === 0) continue;
        if (anyWorkload(ctx, svc.namespace, labels, topology)) continue;
        ctx.report(this.name, 'IST0173', FindingLevel.ERROR, r,
          `The Subset ${str(s.name)} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`,
          'Fix the subset labels, or deploy the workload version they name.');
      }
    }
  },
};
