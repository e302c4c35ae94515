import { AnalysisContext, Resource } from './context';
import { isDefaultResource } from './default-resources';
import { remembered } from '../core/remembered';

export const DEFAULT_DOMAIN = 'svc.cluster.local';
const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** `reviews` in `bookinfo` -> `reviews.bookinfo.svc.cluster.local`; FQDNs and wildcards unchanged. */
export function toFqdn(namespace: string, host: string): string {
  if (!host.startsWith('*') && !host.includes('.')) return `${host}.${namespace}.${DEFAULT_DOMAIN}`;
  return host;
}

export function scopedFqdn(scope: string, namespace: string, host: string): string {
  return `${scope}/${toFqdn(namespace, host)}`;
}

/** Namespace and name of a Kubernetes service FQDN, or undefined for other hosts. */
export function nameFromFqdn(fqdn: string): { namespace: string; name: string } | undefined {
  return fqdnParts(fqdn);
}

// Each host is named by several objects (its VirtualService, routes, DestinationRule): split once.
const fqdnParts = remembered(50_000, (fqdn: string) => {
  const m = FQDN.exec(fqdn);
  return m ? { namespace: m[2], name: m[1] } : undefined;
});

/** The `namespace/name` a destination host refers to (short names resolve in `defaultNs`). */
export function resourceNameFromHost(defaultNs: string, host: string): string {
  return fqdnName(host) ?? `${defaultNs}/${host}`;
}

// A Service FQDN names the same object from every namespace: worked out once per host.
const fqdnName = remembered(50_000, (host) => {
  const n = nameFromFqdn(host);
  return n ? `${n.namespace}/${n.name}` : undefined;
});

/** Istio's host matching: true when the two hosts (either may be a wildcard) share any name. */
export function hostMatches(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** True when every name `a` covers is covered by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (a === b) return true;
  if (b.startsWith('*')) return a.startsWith('*') ? a.slice(1).endsWith(b.slice(1)) : a.endsWith(b.slice(1));
  return false;
}

/** Hosts of a gateway server as seen from `namespace` (`ns/host` entries of other namespaces dropped). */
export function hostsForNamespace(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const i = h.indexOf('/');
    if (i >= 0) {
      const ns = h.slice(0, i);
      if (ns !== namespace && ns !== '*') continue;
      out.push(h.slice(i + 1));
    } else {
      out.push(h);
    }
  }
  return out;
}

/** Kubernetes' canonical text of an equality selector: `k1=v1,k2=v2`, keys sorted. */
export function selectorString(selector: Record<string, string> | undefined): string {
  if (!selector) return '';
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const k of Object.keys(selector)) if (l[k] !== String(selector[k])) return false;
  return true;
}

export function arr<T = any>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : (NO_ITEMS as T[]);
}

/** The strings of a list; other items are left to the admission layer, which reports them. */
export function stringItems(v: unknown): string[] {
  if (!Array.isArray(v)) return NO_ITEMS;
  for (const item of v) if (typeof item !== 'string') return v.filter((i): i is string => typeof i === 'string');
  return v as string[];
}

/** What `arr` gives for an absent list: one shared, frozen empty array (analyzers read lists, never change them). */
const NO_ITEMS: never[] = Object.freeze([]) as never[];

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  try {
    return String(v);
  } catch {
    // (a map with a `toString` or `valueOf` key of its own: not a string in any reading)
    return '';
  }
}

/** Workloads the analysis can see: Pods, and pod templates of Deployments and similar controllers. */
export interface Workload {
  readonly resource: Resource;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly podSpec: any;
  readonly fromTemplate: boolean;
}

const CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

export function workloads(ctx: AnalysisContext, includeTemplates = true): readonly Workload[] {
  return ctx.cached(`workloads:${includeTemplates}`, () => {
    const out: Workload[] = [];
    for (const p of ctx.all('Pod')) {
      out.push({ resource: p, namespace: p.namespace, labels: p.labels, annotations: p.annotations, podSpec: p.spec, fromTemplate: false });
    }
    if (includeTemplates) {
      for (const kind of CONTROLLERS) {
        for (const d of ctx.all(kind)) {
          const t = d.spec.template ?? {};
          out.push({
            resource: d,
            namespace: d.namespace,
            labels: t.metadata?.labels ?? {},
            annotations: t.metadata?.annotations ?? {},
            podSpec: t.spec ?? {},
            fromTemplate: true,
          });
        }
      }
    }
    return out;
  });
}

/**
 * Whether the files hold any workload. Checks that need workloads to judge stay silent otherwise:
 * istioctl's placeholder ingress gateway Pod is no evidence about the app's own pods.
 */
export function filesHaveWorkloads(ctx: AnalysisContext): boolean {
  return ctx.cached('filesHaveWorkloads', () => workloads(ctx).some((w) => !isDefaultResource(w.resource)));
}

/** Workloads grouped by namespace, to keep selector lookups local. */
export function workloadsByNamespace(ctx: AnalysisContext, includeTemplates = true): Map<string, Workload[]> {
  return ctx.cached(`workloadsByNs:${includeTemplates}`, () => {
    const m = new Map<string, Workload[]>();
    for (const w of workloads(ctx, includeTemplates)) {
      let l = m.get(w.namespace);
      if (!l) m.set(w.namespace, (l = []));
      l.push(w);
    }
    return m;
  });
}

/** Istio's control plane objects, which several analyzers skip. */
export function isControlPlane(r: Resource): boolean {
  return r.labels.istio !== undefined || r.labels.release === 'istio';
}

export function isSystemNamespace(ns: string): boolean {
  return ns === 'kube-system' || ns === 'kube-public' || ns === 'kube-node-lease' || ns === 'local-path-storage';
}

/** Go's `%v` of a string slice: `[a b c]`. */
export function goList(items: readonly unknown[]): string {
  return `[${items.join(' ')}]`;
}

/** Workloads by namespace (and `*` for all), pod label key and value: a selector pair is three lookups, no key string. */
export type WorkloadLabelIndex = Map<string, Map<string, Map<string, Workload[]>>>;

/** Indexes workloads by the pairs of their pod labels, per namespace and under `*`. */
export function indexByLabels(list: readonly Workload[]): WorkloadLabelIndex {
  const m: WorkloadLabelIndex = new Map();
  const add = (ns: string, k: string, v: string, w: Workload) => {
    let keys = m.get(ns);
    if (!keys) m.set(ns, (keys = new Map()));
    let values = keys.get(k);
    if (!values) keys.set(k, (values = new Map()));
    let l = values.get(v);
    if (!l) values.set(v, (l = []));
    l.push(w);
  };
  for (const w of list) {
    for (const k in w.labels) {
      const v = String(w.labels[k]);
      add(w.namespace, k, v, w);
      add('*', k, v, w);
    }
  }
  return m;
}

/** Workloads indexed by namespace and pod label pairs, so selectors are resolved without scanning a namespace. */
export function workloadLabelIndex(ctx: AnalysisContext): WorkloadLabelIndex {
  return ctx.cached('workloadLabelIndex', () => indexByLabels(workloads(ctx)));
}

/**
 * Workloads in `namespace` (`*` for every namespace) whose labels (plus `extra`, e.g. node topology
 * labels of Pods) match every pair of `selector`. An empty selector matches every workload there.
 */
export function selectWorkloads(ctx: AnalysisContext, namespace: string, selector: Record<string, string>,
  extra?: (w: Workload) => Record<string, string>): Workload[] {
  return candidates(ctx, namespace, selector, extra, (list, matches) => list.filter(matches));
}

/** Whether any workload matches (stops at the first: subsets such as `version=v1` are shared by many apps). */
export function anyWorkload(ctx: AnalysisContext, namespace: string, selector: Record<string, string>,
  extra?: (w: Workload) => Record<string, string>): boolean {
  return candidates(ctx, namespace, selector, extra, (list, matches) => list.some(matches));
}

function candidates<T>(ctx: AnalysisContext, namespace: string, selector: Record<string, string>,
  extra: ((w: Workload) => Record<string, string>) | undefined, pick: (list: readonly Workload[], matches: (w: Workload) => boolean) => T): T {
  const keys = Object.keys(selector);
  const values = keys.length === 1 ? [String(selector[keys[0]])] : keys.map((k) => String(selector[k]));
  const matches = (w: Workload) => {
    for (let i = 0; i < keys.length; i++) if ((w.labels[keys[i]] ?? extra?.(w)[keys[i]]) !== values[i]) return false;
    return true;
  };
  if (keys.length === 0) {
    return pick(namespace === '*' ? workloads(ctx) : workloadsByNamespace(ctx).get(namespace) ?? [], () => true);
  }
  const index = workloadLabelIndex(ctx).get(namespace);
  let best: Workload[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const l = index?.get(keys[i])?.get(values[i]);
    if (l && (!best || l.length < best.length)) best = l;
  }
  // Pairs no pod label carries may still come from `extra` (node labels): fall back to the namespace.
  if (!best) best = extra ? (namespace === '*' ? [...workloads(ctx)] : workloadsByNamespace(ctx).get(namespace) ?? []) : [];
  return pick(best, matches);
}
