import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, selectWorkloads, str, Workload } from '../util';

const CLAIM_PREFIX = '@request.auth.claims';
const ROOT_NAMESPACE = 'istio-system';

/** The first `@request.auth.claims…` header a VirtualService routes on, if any. */
function claimKey(vs: Resource): string | undefined {
  for (const route of arr(vs.spec.http)) {
    for (const m of arr(route?.match)) {
      if (!isRecord(m?.headers)) continue;
      for (const k in m.headers) if (k.startsWith(CLAIM_PREFIX)) return k;
    }
  }
  return undefined;
}

/**
 * VirtualServices that route on JWT claims at a gateway whose pods no RequestAuthentication
 * covers (IST0149): without one the claims are never extracted and the routes never match. The
 * gateway pods come from Pods and pod templates in the files; without them the check stays silent.
 */
export const jwtClaimRouteAnalyzer: Analyzer = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  analyze(ctx: AnalysisContext) {
    const root = str(ctx.meshConfig.rootNamespace) || ROOT_NAMESPACE;
    const authnByNs = ctx.cached('requestAuthnByNs', () => {
      const m = new Map<string, Resource[]>();
      for (const ra of ctx.all('RequestAuthentication')) {
        let l = m.get(ra.namespace);
        if (!l) m.set(ra.namespace, (l = []));
        l.push(ra);
      }
      return m;
    });
    const selects = (ra: Resource, w: Workload) => {
      const sel = isRecord(ra.spec.selector?.matchLabels) ? ra.spec.selector.matchLabels : {};
      return Object.entries(sel).every(([k, v]) => w.labels[k] === String(v));
    };
    const covered = (w: Workload) => (authnByNs.get(root) ?? []).some((ra) => selects(ra, w))
      || (root !== w.namespace && (authnByNs.get(w.namespace) ?? []).some((ra) => selects(ra, w)));
    for (const vs of ctx.all('VirtualService')) {
      const key = claimKey(vs);
      if (!key) continue;
      for (const ref of arr(vs.spec.gateways).map(str)) {
        if (ref === 'mesh') continue;
        const i = ref.indexOf('/');
        const gw = ctx.find('Gateway', i >= 0 ? ref.slice(0, i) : vs.namespace, i >= 0 ? ref.slice(i + 1) : ref);
        if (!gw || !isRecord(gw.spec.selector)) continue;
        for (const w of selectWorkloads(ctx, '*', gw.spec.selector)) {
          if (covered(w)) continue;
          ctx.report(this.name, 'IST0149', FindingLevel.ERROR, vs,
            `VirtualService ${vs.fullName} routes on the JWT claim header ${key} at Gateway ${gw.fullName}, but no RequestAuthentication applies to its pod ${w.namespace}/${w.resource.name}, so the claim is never set.`,
            `Add a RequestAuthentication selecting the gateway pods (in ${w.namespace} or ${root}).`);
        }
      }
    }
  },
};
