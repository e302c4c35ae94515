import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, selectorMatches, selectWorkloads, str } from '../util';

/*
 * Checks istioctl runs against a live cluster; here they read the same state from the files
 * (installation objects, status written by controllers).
 */

/** Negative status conditions written by Istio's controllers (IST0171). */
export const conditionAnalyzer: Analyzer = {
  name: 'conditions.ConditionAnalyzer',
  analyze(ctx: AnalysisContext) {
    const report = (r: Resource, c: any) => ctx.report(this.name, 'IST0171', FindingLevel.WARNING, r,
      `Condition ${str(c.type)} is ${str(c.status)} (reason ${str(c.reason)}${c.message ? `: ${c.message}` : ''}).`);
    const negative = (c: any, types: string[]) => types.includes(str(c?.type)) && str(c?.status) === 'False';
    for (const kind of ['Service', 'ServiceEntry', 'WorkloadEntry']) {
      for (const r of ctx.all(kind)) for (const c of arr(r.obj.status?.conditions)) if (negative(c, ['istio.io/WaypointBound'])) report(r, c);
    }
    for (const r of ctx.all('AuthorizationPolicy')) {
      for (const c of arr(r.obj.status?.conditions)) {
        if (negative(c, ['ZtunnelAccepted', 'WaypointAccepted']) || (str(c?.type) === 'WaypointAccepted' && str(c?.reason) === 'PartiallyInvalid')) report(r, c);
      }
    }
    const gwApi = 'gateway.networking.k8s.io';
    for (const r of ctx.all(`Gateway.${gwApi}`)) {
      for (const c of arr(r.obj.status?.conditions)) if (negative(c, ['Accepted', 'Programmed', 'ResolvedRefs'])) report(r, c);
    }
    for (const kind of ['HTTPRoute', 'GRPCRoute']) {
      for (const r of ctx.all(`${kind}.${gwApi}`)) {
        for (const p of arr(r.obj.status?.parents)) for (const c of arr(p?.conditions)) if (negative(c, ['Accepted', 'ResolvedRefs'])) report(r, c);
      }
    }
  },
};

/** RequestAuthentications while istiod does not restrict JWKS fetches (IST0175). */
export const blockedCidrsAnalyzer: Analyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  analyze(ctx: AnalysisContext) {
    const ras = ctx.all('RequestAuthentication');
    if (ras.length === 0) return;
    for (const d of ctx.all('Deployment')) {
      if (d.labels.app !== 'istiod') continue;
      const set = arr(d.spec.template?.spec?.containers).some((c: any) => arr(c?.env).some((e: any) => e?.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && str(e?.value) !== ''));
      if (set) continue;
      ctx.report(this.name, 'IST0175', FindingLevel.WARNING, d,
        `BLOCKED_CIDRS_IN_JWKS_URIS is not set on istiod while ${ras.length} RequestAuthentication(s) exist (${ras.map((r) => r.fullName).join(', ')}).`,
        'Set BLOCKED_CIDRS_IN_JWKS_URIS on istiod to keep JWKS fetches away from internal networks.');
    }
  },
};

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** Webhooks of an external control plane without a usable address (IST0163, IST0164). */
export const externalControlPlaneAnalyzer: Analyzer = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  analyze(ctx: AnalysisContext) {
    const check = (r: Resource) => {
      for (const wh of arr(r.obj.webhooks)) {
        const cc = wh?.clientConfig ?? {};
        if (!cc.url && !cc.service) {
          ctx.report(this.name, 'IST0163', FindingLevel.WARNING, r, `Webhook ${str(wh?.name)} has neither clientConfig.url nor clientConfig.service.`, 'Point it at the external istiod.');
          continue;
        }
        if (!cc.url) continue;
        let host: string;
        try {
          host = new URL(String(cc.url)).hostname.replace(/^\[|\]$/g, '');
        } catch {
          ctx.report(this.name, 'IST0163', FindingLevel.WARNING, r, `Webhook ${str(wh?.name)} has an invalid URL '${str(cc.url)}'.`);
          continue;
        }
        if (isIp(host)) {
          ctx.report(this.name, 'IST0164', FindingLevel.INFO, r, `Webhook ${str(wh?.name)} reaches the external control plane by IP address ${host}.`, 'Use a host name in production.');
        }
      }
    };
    for (const r of ctx.all('ValidatingWebhookConfiguration')) if (r.name.startsWith('istio-validator') || r.name === 'istiod-default-validator') check(r);
    for (const r of ctx.all('MutatingWebhookConfiguration')) if (r.name.startsWith('istio-sidecar-injector')) check(r);
  },
};

/** Sidecars without selector (IST0111) and Sidecars selecting no or the same workloads (IST0101, IST0110). */
export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  analyze(ctx: AnalysisContext) {
    scopedSelectorAnalysis(ctx, this.name, 'Sidecar', (r) => r.spec.workloadSelector?.labels, 'IST0111', 'IST0110');
    // Ambient workloads have no sidecar, so a Sidecar resource does nothing for them (IST0167).
    for (const r of ctx.all('Sidecar')) {
      const sel = r.spec.workloadSelector?.labels;
      if (isRecord(sel) && Object.keys(sel).length > 0) {
        const ambientPod = selectWorkloads(ctx, r.namespace, sel).find((w) => !w.fromTemplate && w.annotations['ambient.istio.io/redirection'] === 'enabled');
        if (ambientPod) {
          ctx.report(this.name, 'IST0167', FindingLevel.WARNING, r, `The policy has no impact: it selects pod ${ambientPod.resource.name}, which runs in ambient mode without a sidecar.`,
            'Remove the Sidecar, or configure the ambient data plane (waypoint) instead.');
        }
        continue;
      }
      const ns = ctx.find('Namespace', '', r.namespace);
      if (!ns || ns.labels['istio.io/dataplane-mode'] !== 'ambient' || ns.labels['istio-injection'] === 'enabled' || ns.labels['istio.io/rev'] !== undefined) continue;
      ctx.report(this.name, 'IST0167', FindingLevel.WARNING, r, `The policy has no impact: namespace ${r.namespace} runs in ambient mode, where pods have no sidecar.`,
        'Remove the Sidecar, or configure the ambient data plane (waypoint) instead.');
    }
  },
};

/** Telemetries selecting no or the same workloads (IST0101, IST0159). */
export const telemetrySelectorAnalyzer: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  analyze(ctx: AnalysisContext) {
    scopedSelectorAnalysis(ctx, this.name, 'Telemetry', (r) => r.spec.selector?.matchLabels, undefined, 'IST0159');
  },
};

function scopedSelectorAnalysis(ctx: AnalysisContext, analyzer: string, kind: string, selectorOf: (r: Resource) => Record<string, string> | undefined,
  noSelectorCode: string | undefined, sameWorkloadCode: string): void {
  const pods = ctx.all('Pod');
  const noSelector = new Map<string, Resource[]>();
  const podSelectors = new Map<Resource, Resource[]>();
  for (const r of ctx.all(kind)) {
    const sel = selectorOf(r);
    if (!sel || Object.keys(sel).length === 0) {
      noSelector.set(r.namespace, [...(noSelector.get(r.namespace) ?? []), r]);
      continue;
    }
    const matched = pods.filter((p) => p.namespace === r.namespace && selectorMatches(sel, p.labels));
    if (matched.length === 0) {
      ctx.report(analyzer, 'IST0101', FindingLevel.ERROR, r, `Referenced selector not found: "${Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',')}".`,
        'Fix the selector, or deploy the workload it is meant for.');
    }
    for (const p of matched) podSelectors.set(p, [...(podSelectors.get(p) ?? []), r]);
  }
  if (noSelectorCode) {
    for (const [ns, list] of noSelector) {
      if (list.length < 2) continue;
      for (const r of list) {
        ctx.report(analyzer, noSelectorCode, FindingLevel.ERROR, r, `${kind}s ${list.map((x) => x.name).join(', ')} in namespace ${ns} have no workload selector; which applies is undefined.`,
          `Keep one selector-less ${kind} per namespace.`);
      }
    }
  }
  for (const [pod, list] of podSelectors) {
    if (list.length < 2) continue;
    for (const r of list) {
      ctx.report(analyzer, sameWorkloadCode, FindingLevel.ERROR, r, `${kind}s ${list.map((x) => x.name).join(', ')} in namespace ${pod.namespace} select the same pod ${pod.name}.`,
        `Make the selectors of the ${kind}s disjoint.`);
    }
  }
}
