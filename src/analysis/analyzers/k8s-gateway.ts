import { AnalysisContext, Analyzer, isRecord } from '../context';
import { FindingLevel } from '../finding';
import { arr, selectWorkloads, str, workloads } from '../util';

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * Policies that select the pods of a Kubernetes Gateway with a workload selector (IST0166): Istio
 * ignores selectors on such pods, the policy must name the Gateway in targetRef(s).
 */
export const k8sGatewaySelectorAnalyzer: Analyzer = {
  name: 'k8sgateway.SelectorAnalyzer',
  analyze(ctx: AnalysisContext) {
    // Without a Gateway's pods in the files no selector can select them: nothing to look up per policy.
    if (!workloads(ctx).some((w) => w.labels[GATEWAY_NAME_LABEL])) return;
    for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin']) {
      for (const r of ctx.all(kind)) {
        const sel = r.spec.selector?.matchLabels;
        if (!isRecord(sel) || Object.keys(sel).length === 0 || isRecord(r.spec.targetRef) || arr(r.spec.targetRefs).length > 0) continue;
        const gateways = [...new Set(selectWorkloads(ctx, r.namespace, sel).map((w) => w.labels[GATEWAY_NAME_LABEL]).filter((g) => g))];
        for (const g of gateways) {
          ctx.report(this.name, 'IST0166', FindingLevel.WARNING, r,
            `${kind} ${r.fullName} selects the pods of Kubernetes Gateway ${g} by label; Istio ignores workload selectors there.`,
            `Replace the selector with targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: ${g}}].`);
        }
      }
    }
  },
};

/**
 * Lowest Gateway API bundle version whose CRD Istio 1.30 reads, per CRD. TLSRoute is served at v1
 * from bundle v1.5.0; older bundles only have v1alpha2, which this Istio no longer watches.
 */
const MINIMUM_BUNDLE: Record<string, string> = {
  'tlsroutes.gateway.networking.k8s.io': 'v1.5.0',
};

function versionParts(v: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Gateway API CRDs installed from a bundle older than Istio needs (IST0176). */
export const k8sGatewayCrdVersionAnalyzer: Analyzer = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const crd of ctx.all('CustomResourceDefinition')) {
      const minimum = MINIMUM_BUNDLE[crd.name];
      const installed = str(crd.annotations['gateway.networking.k8s.io/bundle-version']);
      const have = versionParts(installed);
      const want = minimum ? versionParts(minimum) : undefined;
      if (!have || !want) continue;
      const below = have[0] !== want[0] ? have[0] < want[0] : have[1] !== want[1] ? have[1] < want[1] : have[2] < want[2];
      if (!below) continue;
      ctx.report(this.name, 'IST0176', FindingLevel.WARNING, crd,
        `Gateway API CRD ${crd.name} comes from bundle ${installed}; Istio needs at least ${minimum} and ignores objects of this kind until then.`,
        `Install the Gateway API CRDs of bundle ${minimum} or later.`);
    }
  },
};
