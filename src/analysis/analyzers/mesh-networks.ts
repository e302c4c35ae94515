import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, str } from '../util';

/** Registries istiod always has, by their exact (case-sensitive) names. */
const BUILT_IN_REGISTRIES = new Set(['Kubernetes', 'Mock', 'External']);

/**
 * MeshNetworks endpoints drawn from a registry istiod does not know (IST0126): neither built in
 * nor a remote cluster of a `istio/multiCluster: "true"` Secret (each key names a cluster). Needs
 * the MeshNetworks (`cdk8s-istio analyze --mesh-networks FILE`).
 */
export const meshNetworksAnalyzer: Analyzer = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  analyze(ctx: AnalysisContext) {
    const networks = ctx.meshNetworks?.networks;
    if (!isRecord(networks)) return;
    const known = new Set(BUILT_IN_REGISTRIES);
    for (const s of ctx.all('Secret')) {
      if (s.labels['istio/multiCluster'] !== 'true') continue;
      for (const field of ['data', 'stringData']) for (const k of Object.keys(isRecord(s.obj[field]) ? s.obj[field] : {})) known.add(k);
    }
    const origin = new Resource({ apiVersion: 'v1', kind: 'MeshNetworks', metadata: { name: 'meshnetworks', namespace: 'istio-system' } });
    for (const [network, spec] of Object.entries(networks)) {
      for (const e of arr((spec as any)?.endpoints)) {
        const registry = str(e?.fromRegistry);
        if (!registry || known.has(registry)) continue;
        ctx.report(this.name, 'IST0126', FindingLevel.ERROR, origin,
          `Network ${network} takes endpoints from registry '${registry}', which is neither built in (${[...BUILT_IN_REGISTRIES].join(', ')}) nor a cluster of a remote Secret.`,
          "Use a cluster name from a remote Secret (label istio/multiCluster: 'true') or a built-in registry, spelled exactly.");
      }
    }
  },
};
