import { AnalysisContext, Analyzer, isRecord } from '../context';
import { FindingLevel } from '../finding';
import { arr, filesHaveWorkloads, selectorString, str, Workload, workloadLabelIndex, workloads } from '../util';

const ROOT_NAMESPACE = 'istio-system';
const SOURCE_NAMESPACE_FIELDS = ['namespaces', 'notNamespaces'];

/**
 * Whether a workload takes part in the mesh: it runs a proxy, is injected (namespace label or
 * pod opt-in) or is captured by ambient. A namespace the files do not declare gives no evidence
 * against it, so such workloads count as in the mesh.
 */
function inMesh(ctx: AnalysisContext, w: Workload): boolean {
  if (w.labels['sidecar.istio.io/inject'] === 'false' || w.annotations['sidecar.istio.io/inject'] === 'false') return false;
  if ([...arr(w.podSpec?.containers), ...arr(w.podSpec?.initContainers)].some((c: any) => c?.name === 'istio-proxy')) return true;
  if (w.annotations['ambient.istio.io/redirection'] === 'enabled' || w.labels['istio.io/dataplane-mode'] === 'ambient') return true;
  if (w.labels['sidecar.istio.io/inject'] === 'true') return true;
  const ns = ctx.find('Namespace', '', w.namespace);
  if (!ns) return true;
  const l = ns.labels;
  return l['istio-injection'] === 'enabled' || (l['istio.io/rev'] !== undefined && l['istio-injection'] !== 'disabled') || l['istio.io/dataplane-mode'] === 'ambient';
}

/** `prod-*`, `*-test` and `*` as Istio matches namespace names in AuthorizationPolicy sources. */
function namespacePatternMatches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return name.endsWith(pattern.slice(1));
  return pattern === name;
}

/**
 * AuthorizationPolicies that select no workload of the mesh (IST0127) and source namespaces that
 * match no namespace (IST0101). The first check needs workloads in the files, the second Namespace
 * objects; without them each stays silent.
 */
export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  analyze(ctx: AnalysisContext) {
    const policies = ctx.all('AuthorizationPolicy');
    if (policies.length === 0) return;
    const root = str(ctx.meshConfig.rootNamespace) || ROOT_NAMESPACE;
    const all = workloads(ctx);
    const haveWorkloads = filesHaveWorkloads(ctx);
    const meshWorkloads = ctx.cached('meshWorkloads', () => all.filter((w) => inMesh(ctx, w)));
    const inMeshSet = ctx.cached('meshWorkloadSet', () => new Set(meshWorkloads));
    // Selectors are resolved through the shared label index: a policy looks at the workloads carrying one of its pairs.
    const byLabel = workloadLabelIndex(ctx);
    let byNamespace: Map<string, Workload[]> | undefined;
    const namespaces = ctx.all('Namespace').map((n) => n.name);
    let knownNamespaces: Set<string> | undefined;
    const patternKnown = new Map<string, boolean>();
    const known = (pattern: string) => {
      knownNamespaces ??= new Set([...namespaces, ...ctx.resources.map((r) => r.namespace).filter((n) => n)]);
      if (!pattern.includes('*')) return knownNamespaces.has(pattern);
      // Each distinct wildcard is matched against the namespaces once.
      if (!patternKnown.has(pattern)) patternKnown.set(pattern, [...knownNamespaces].some((n) => namespacePatternMatches(pattern, n)));
      return patternKnown.get(pattern)!;
    };
    for (const ap of policies) {
      if (haveWorkloads && !isRecord(ap.spec.targetRef) && arr(ap.spec.targetRefs).length === 0) {
        const sel: Record<string, string> = isRecord(ap.spec.selector?.matchLabels) ? ap.spec.selector.matchLabels : {};
        const scope = ap.namespace === root ? '*' : ap.namespace;
        const pairs = Object.entries(sel);
        let selects: boolean;
        if (pairs.length === 0) {
          if (!byNamespace) {
            byNamespace = new Map();
            for (const w of meshWorkloads) {
              let l = byNamespace.get(w.namespace);
              if (!l) byNamespace.set(w.namespace, (l = []));
              l.push(w);
            }
          }
          selects = (scope === '*' ? meshWorkloads : byNamespace.get(scope) ?? []).length > 0;
        } else {
          const candidates = byLabel.get(scope)?.get(pairs[0][0])?.get(String(pairs[0][1])) ?? [];
          selects = candidates.some((w) => inMeshSet.has(w) && pairs.every(([k, v]) => w.labels[k] === String(v)));
        }
        if (!selects) {
          ctx.report(this.name, 'IST0127', FindingLevel.WARNING, ap,
            `AuthorizationPolicy ${ap.fullName} selects no workload of the mesh${pairs.length ? ` (labels "${selectorString(sel)}")` : ''} in ${ap.namespace === root ? 'any namespace' : `namespace ${ap.namespace}`}; it has no effect.`,
            'Fix the selector, or deploy the workload it is meant for into the mesh.');
        }
      }
      if (namespaces.length === 0) continue;
      for (const rule of arr(ap.spec.rules)) {
        for (const from of arr(rule?.from)) {
          for (const field of SOURCE_NAMESPACE_FIELDS) {
            const list = from?.source?.[field];
            if (!Array.isArray(list)) continue;
            for (const p of list.map(String)) {
              if (known(p)) continue;
              ctx.report(this.name, 'IST0101', FindingLevel.ERROR, ap,
                `AuthorizationPolicy ${ap.fullName}: source.${field} entry "${p}" matches no namespace.`,
                'Fix the namespace name, or create the namespace.');
            }
          }
        }
      }
    }
  },
};
