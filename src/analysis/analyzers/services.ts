import { AnalysisContext } from '../context';
import { arr, str, stringItems, toFqdn } from '../util';

/** A service as routing sees it: a ServiceEntry, or a Kubernetes Service turned into one. */
export interface ServiceLike {
  readonly ports: readonly { number: number; name: string; protocol: string }[];
}

export interface ServiceHostIndex {
  /** scope -> fqdn -> service; scope is `*` or a namespace (nested: a lookup builds no key string). */
  readonly exact: Map<string, Map<string, ServiceLike>>;
  /** Wildcard hosts: scope, host without the `*`, service. */
  readonly wildcards: { scope: string; suffix: string; svc: ServiceLike }[];
}

/** Every host that Services and ServiceEntries define, keyed by visibility scope (exportTo). */
export function serviceHostIndex(ctx: AnalysisContext): ServiceHostIndex {
  return ctx.cached('serviceHostIndex', () => {
    const exact = new Map<string, Map<string, ServiceLike>>();
    const wildcards: ServiceHostIndex['wildcards'] = [];
    const put = (scope: string, ns: string, host: string, svc: ServiceLike) => {
      const fqdn = toFqdn(ns, host);
      let hosts = exact.get(scope);
      if (!hosts) exact.set(scope, (hosts = new Map()));
      hosts.set(fqdn, svc);
      if (fqdn.startsWith('*')) wildcards.push({ scope, suffix: fqdn.slice(1), svc });
    };
    for (const r of ctx.all('ServiceEntry')) {
      const svc: ServiceLike = {
        ports: arr(r.spec.ports).map((p: any) => ({ number: Number(p?.number), name: str(p?.name), protocol: str(p?.protocol) })),
      };
      const exportTo = stringItems(r.spec.exportTo);
      for (const h of stringItems(r.spec.hosts)) {
        if (exportTo.length === 0 || exportTo.includes('*')) {
          put('*', r.namespace, h, svc);
          continue;
        }
        for (const e of exportTo) put(e === '.' ? r.namespace : e, r.namespace, h, svc);
      }
    }
    for (const r of ctx.all('Service')) {
      const svc: ServiceLike = {
        ports: arr(r.spec.ports).map((p: any) => ({ number: Number(p?.port), name: str(p?.name), protocol: str(p?.protocol) })),
      };
      const anno = r.annotations['networking.istio.io/exportTo'];
      const scopes = typeof anno === 'string' && anno ? anno.split(',').map((s) => (s === '.' ? r.namespace : s)) : ['*'];
      for (const scope of scopes) put(scope, r.namespace, r.name, svc);
    }
    return { exact, wildcards };
  });
}

/** The service a destination host of an object in `sourceNs` (exporting to `exportTo`) reaches. */
export function destinationService(index: ServiceHostIndex, sourceNs: string, exportTo: readonly string[], host: string): ServiceLike | undefined {
  const fqdn = toFqdn(sourceNs, host);
  const all = index.exact.get('*')?.get(fqdn);
  if (all) return all;
  if (exportTo.length === 0) {
    const svc = index.exact.get(sourceNs)?.get(fqdn);
    if (svc) return svc;
  }
  for (const e of exportTo) {
    const svc = index.exact.get(e === '.' ? sourceNs : e)?.get(fqdn);
    if (svc) return svc;
  }
  const bare = host.startsWith('*') ? host.slice(1) : host;
  for (const w of index.wildcards) {
    if (w.scope !== '*' && w.scope !== sourceNs) continue;
    if (bare.endsWith(w.suffix)) return w.svc;
  }
  return undefined;
}
