import { destinationService, serviceHostIndex } from './services';
import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, goList, hostMatches, hostsForNamespace, resourceNameFromHost, str, stringItems, toFqdn } from '../util';

const ROUTE_SECTIONS = ['tcp', 'tls', 'http'];

/** Every route destination (tcp, tls, http), then every mirror destination, of a VirtualService spec. */
function forEachDestination(vs: any, visit: (destination: any, mirror: boolean) => void): void {
  // (indexed loops: this runs for every VirtualService of every analysis, often before it is optimized)
  for (let s = 0; s < ROUTE_SECTIONS.length; s++) {
    const rules = arr(vs[ROUTE_SECTIONS[s]]);
    for (let i = 0; i < rules.length; i++) {
      const routes = arr(rules[i]?.route);
      for (let j = 0; j < routes.length; j++) visit(routes[j]?.destination ?? {}, false);
    }
  }
  const http = arr(vs.http);
  for (let i = 0; i < http.length; i++) {
    if (http[i]?.mirror) visit(http[i].mirror, true);
    const mirrors = arr(http[i]?.mirrors);
    for (let j = 0; j < mirrors.length; j++) visit(mirrors[j]?.destination ?? {}, true);
  }
}

const MESH_WIDE = ['*'];

function boundToMesh(vs: any): boolean {
  const gws = stringItems(vs.gateways);
  return gws.length === 0 || gws.includes('mesh');
}

/** Mesh-bound VirtualServices that declare the same host (IST0109). */
export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  analyze(ctx: AnalysisContext) {
    const meshBound = ctx.all('VirtualService').filter((r) => boundToMesh(r.spec));
    const scopesOf = (r: Resource) => {
      const exportTo = stringItems(r.spec.exportTo);
      return exportTo.length === 0 || exportTo.includes('*') ? MESH_WIDE : [...new Set(exportTo.map((e) => (e === '.' ? r.namespace : e)))];
    };
    // When every VirtualService is exported mesh-wide (the common case), hosts are keyed by themselves: no `*/host` string per host.
    const allMeshWide = meshBound.every((r) => scopesOf(r) === MESH_WIDE);
    const byHost = new Map<string, Resource[]>();
    for (const r of meshBound) {
      for (const scope of scopesOf(r)) {
        for (const h of stringItems(r.spec.hosts)) {
          const host = toFqdn(r.namespace, str(h));
          const key = allMeshWide ? host : `${scope}/${host}`;
          let l = byHost.get(key);
          if (!l) byHost.set(key, (l = []));
          l.push(r);
        }
      }
    }
    if (allMeshWide) {
      const reported = new Set<Resource>();
      for (const [host, list] of byHost) {
        if (list.length > 1) reportClash(ctx, this.name, `*/${host}`, list, reported);
      }
      return;
    }
    // Mesh-wide hosts also clash with same-named hosts of namespace-scoped VirtualServices.
    const meshWide = [...byHost.keys()].filter((k) => k.startsWith('*/'));
    const meshWideWildcards = meshWide.filter((k) => k.startsWith('*/*'));
    const reported = new Set<Resource>();
    for (const [key, own] of byHost) {
      let list = own;
      if (!key.startsWith('*/')) {
        const host = key.slice(key.indexOf('/') + 1);
        const extra: Resource[] = [];
        const candidates = host.startsWith('*') ? meshWide : [`*/${host}`, ...meshWideWildcards];
        for (const k of candidates) {
          if (byHost.has(k) && hostMatches(host, k.slice(2))) extra.push(...byHost.get(k)!);
        }
        if (extra.length > 0) list = [...own, ...extra];
      }
      if (list.length >= 2) reportClash(ctx, this.name, key, list, reported);
    }
  },
};

/** IST0109 on each VirtualService of a clash not reported yet. */
function reportClash(ctx: AnalysisContext, analyzer: string, key: string, list: readonly Resource[], reported: Set<Resource>): void {
  const names = list.map((r) => r.fullName).join(',');
  for (const r of list) {
    if (reported.has(r)) continue;
    reported.add(r);
    ctx.report(analyzer, 'IST0109', FindingLevel.ERROR, r,
      `VirtualServices ${names} bound to the mesh all define host ${key}; Istio uses only one of them.`,
      'Merge them into one VirtualService per host (the cdk8s-istio route table does this for you).');
  }
}

/** Route and mirror destinations that reach no service or port (IST0101, IST0112, IST0140). */
export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  analyze(ctx: AnalysisContext) {
    const index = serviceHostIndex(ctx);
    const check = (r: Resource, destination: any, what: string) => {
      const host = str(destination.host);
      const svc = destinationService(index, r.namespace, stringItems(r.spec.exportTo), host);
      if (!svc) {
        ctx.report(this.name, 'IST0101', FindingLevel.ERROR, r, `Referenced ${what} not found: "${host}".`,
          'Route to a Service or ServiceEntry that exists and is exported to this namespace.');
        return;
      }
      const port = destination.port?.number;
      if (port === undefined || port === null) {
        if (svc.ports.length > 1) {
          ctx.report(this.name, 'IST0112', FindingLevel.ERROR, r,
            `Destination ${host} exposes several ports ${goList(svc.ports.map((p) => p.number))}; the route must name one.`,
            'Set destination.port.number.');
        }
      } else if (!svc.ports.some((p) => p.number === Number(port))) {
        ctx.report(this.name, 'IST0101', FindingLevel.ERROR, r, `Referenced host:port not found: "${host}:${port}".`,
          `Use one of the ports ${goList(svc.ports.map((p) => p.number))}.`);
      }
    };
    // host -> VirtualServices routing to it by subset (one entry per such destination); only gateway-bound ones consult it
    const subsetRouted = new Map<string, string[]>();
    if (ctx.all('VirtualService').some((r) => arr(r.spec.gateways).length > 0)) {
      for (const r of ctx.all('VirtualService')) {
        const hosts = stringItems(r.spec.hosts);
        for (const http of arr(r.spec.http)) {
          for (const rd of arr(http?.route)) {
            const d = rd?.destination ?? {};
            if (!d.subset || !hosts.includes(d.host)) continue;
            let l = subsetRouted.get(d.host);
            if (!l) subsetRouted.set(d.host, (l = []));
            l.push(r.fullName);
          }
        }
      }
    }
    for (const r of ctx.all('VirtualService')) {
      forEachDestination(r.spec, (d, mirror) => check(r, d, mirror ? 'mirror host' : 'host'));
      if (arr(r.spec.gateways).length === 0) continue;
      for (const http of arr(r.spec.http)) {
        for (const rd of arr(http?.route)) {
          const d = rd?.destination ?? {};
          if (d.subset) continue;
          for (const other of subsetRouted.get(d.host) ?? []) {
            ctx.report(this.name, 'IST0140', FindingLevel.WARNING, r,
              `Subsets that VirtualService ${other} routes to do not apply to requests entering through the gateways of ${r.fullName}, which routes to ${d.host} without a subset.`,
              'Route to the subset from the gateway-bound VirtualService too.');
          }
        }
      }
    }
  },
};

/** Route and mirror destinations naming a subset no DestinationRule defines (IST0101). */
export const destinationRuleAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  analyze(ctx: AnalysisContext) {
    // target (`namespace/name` of the host) -> subset names
    const subsets = new Map<string, Set<string>>();
    for (const r of ctx.all('DestinationRule')) {
      const host = toFqdn(r.namespace, str(r.spec.host));
      const target = resourceNameFromHost(r.namespace, host);
      let names = subsets.get(target);
      if (!names) subsets.set(target, (names = new Set()));
      for (const s of arr(r.spec.subsets)) names.add(str(s?.name));
    }
    const check = (r: Resource, destination: any, what: string) => {
      const subset = str(destination.subset);
      if (!subset) return;
      const host = str(destination.host);
      if (subsets.get(resourceNameFromHost(r.namespace, host))?.has(subset)) return;
      ctx.report(this.name, 'IST0101', FindingLevel.ERROR, r, `Referenced ${what} not found: "${host}+${subset}".`,
        `Define subset '${subset}' in the DestinationRule of ${host}.`);
    };
    for (const r of ctx.all('VirtualService')) {
      forEachDestination(r.spec, (d, mirror) => check(r, d, mirror ? 'mirror+subset' : 'host+subset'));
    }
  },
};

/** Gateways a VirtualService names: missing, internal, or serving none of its hosts (IST0101, IST0132, IST0165). */
export const gatewayRefAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('VirtualService')) {
      const hosts = stringItems(r.spec.hosts);
      for (const gwName of stringItems(r.spec.gateways)) {
        if (gwName === 'mesh') continue;
        if (gwName.includes('~istio-autogenerated-')) {
          ctx.report(this.name, 'IST0165', FindingLevel.WARNING, r, `Gateway reference '${gwName}' points at a Gateway Istio generates internally.`,
            'Reference the Kubernetes Gateway through an HTTPRoute, or an Istio Gateway you own.');
          continue;
        }
        const i = gwName.indexOf('/');
        const gwNs = i >= 0 ? gwName.slice(0, i) : r.namespace;
        const gwLocal = i >= 0 ? gwName.slice(i + 1) : gwName;
        const gw = ctx.find('Gateway', gwNs, gwLocal);
        if (!gw) {
          ctx.report(this.name, 'IST0101', FindingLevel.ERROR, r, `Referenced gateway not found: "${gwName}".`,
            'Create the Gateway or fix the reference (namespace/name).');
        }
        if (!vsHostInGateway(gw, hosts, r.namespace)) {
          ctx.report(this.name, 'IST0132', FindingLevel.WARNING, r,
            `None of the hosts ${goList(hosts)} of VirtualService ${r.fullName} is served by Gateway ${gwNs}/${gwLocal}.`,
            'Add the host to a server of the Gateway, or bind the VirtualService to the gateway that serves it.');
        }
      }
    }
  },
};

function vsHostInGateway(gw: Resource | undefined, vsHosts: readonly string[], vsNs: string): boolean {
  if (!gw) return false;
  const gwHosts: string[] = [];
  for (const server of arr(gw.spec.servers)) {
    const hosts = stringItems(server?.hosts);
    const sanitized: string[] = [];
    let all = false;
    for (const h of hosts) {
      const i = h.indexOf('/');
      if (i < 0) {
        sanitized.push(h);
        continue;
      }
      const ns = h.slice(0, i);
      const rest = h.slice(i + 1);
      if (ns === '.') {sanitized.push(`${gw.namespace}/${rest}`);} else if (ns === '*') {
        if (rest === '*') {
          all = true;
          break;
        }
        sanitized.push(rest);
      } else {sanitized.push(h);}
    }
    gwHosts.push(...(all ? ['*'] : sanitized));
  }
  for (const gh of hostsForNamespace(gwHosts, vsNs)) {
    for (const vh of vsHosts) if (hostMatches(gh, vh)) return true;
  }
  return false;
}
