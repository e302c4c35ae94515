import { destinationService, serviceHostIndex } from './services';
import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, goList, hostMatches, hostsForNamespace, resourceNameFromHost, str, toFqdn } from '../util';

interface RouteDestination {
  readonly rule: string;
  readonly destination: any;
}

const ROUTE_SECTIONS = ['tcp', 'tls', 'http'];

function routeDestinations(vs: any): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ROUTE_SECTIONS) {
    for (const r of arr(vs[section])) {
      for (const d of arr(r?.route)) out.push({ rule: section, destination: d?.destination ?? {} });
    }
  }
  return out;
}

function mirrorDestinations(vs: any): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const r of arr(vs.http)) {
    if (r?.mirror) out.push({ rule: 'http.mirror', destination: r.mirror });
    for (const m of arr(r?.mirrors)) out.push({ rule: 'http.mirrors', destination: m?.destination ?? {} });
  }
  return out;
}

function boundToMesh(vs: any): boolean {
  const gws = arr<string>(vs.gateways);
  return gws.length === 0 || gws.includes('mesh');
}

/** Mesh-bound VirtualServices that declare the same host (IST0109). */
export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  analyze(ctx: AnalysisContext) {
    const byHost = new Map<string, Resource[]>();
    for (const r of ctx.all('VirtualService')) {
      if (!boundToMesh(r.spec)) continue;
      const exportTo = arr<string>(r.spec.exportTo);
      const scopes = exportTo.length === 0 || exportTo.includes('*')
        ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const h of arr<string>(r.spec.hosts)) {
          const key = `${scope}/${toFqdn(r.namespace, str(h))}`;
          let l = byHost.get(key);
          if (!l) byHost.set(key, (l = []));
          l.push(r);
        }
      }
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
      if (list.length < 2) continue;
      const names = list.map((r) => r.fullName).join(',');
      for (const r of list) {
        if (reported.has(r)) continue;
        reported.add(r);
        ctx.report(this.name, 'IST0109', FindingLevel.ERROR, r,
          `VirtualServices ${names} bound to the mesh all define host ${key}; Istio uses only one of them.`,
          'Merge them into one VirtualService per host (the cdk8s-istio route table does this for you).');
      }
    }
  },
};

/** Route and mirror destinations that reach no service or port (IST0101, IST0112, IST0140). */
export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  analyze(ctx: AnalysisContext) {
    const index = serviceHostIndex(ctx);
    const check = (r: Resource, destination: any, what: string) => {
      const host = str(destination.host);
      const svc = destinationService(index, r.namespace, arr<string>(r.spec.exportTo), host);
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
        const hosts = arr<string>(r.spec.hosts);
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
      // Route destinations, then mirrors (the order of routeDestinations and mirrorDestinations, without building their lists).
      for (const section of ROUTE_SECTIONS) {
        for (const rule of arr(r.spec[section])) for (const d of arr(rule?.route)) check(r, d?.destination ?? {}, 'host');
      }
      for (const rule of arr(r.spec.http)) {
        if (rule?.mirror) check(r, rule.mirror, 'mirror host');
        for (const m of arr(rule?.mirrors)) check(r, m?.destination ?? {}, 'mirror host');
      }
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
    const subsets = new Set<string>();
    for (const r of ctx.all('DestinationRule')) {
      const host = toFqdn(r.namespace, str(r.spec.host));
      const target = resourceNameFromHost(r.namespace, host);
      for (const s of arr(r.spec.subsets)) subsets.add(`${target}+${str(s?.name)}`);
    }
    for (const r of ctx.all('VirtualService')) {
      for (const [list, what] of [[routeDestinations(r.spec), 'host+subset'], [mirrorDestinations(r.spec), 'mirror+subset']] as const) {
        for (const d of list) {
          const subset = str(d.destination.subset);
          if (!subset) continue;
          const host = str(d.destination.host);
          if (subsets.has(`${resourceNameFromHost(r.namespace, host)}+${subset}`)) continue;
          ctx.report(this.name, 'IST0101', FindingLevel.ERROR, r, `Referenced ${what} not found: "${host}+${subset}".`,
            `Define subset '${subset}' in the DestinationRule of ${host}.`);
        }
      }
    }
  },
};

/** Gateways a VirtualService names: missing, internal, or serving none of its hosts (IST0101, IST0132, IST0165). */
export const gatewayRefAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('VirtualService')) {
      const hosts = arr<string>(r.spec.hosts).map(str);
      for (const gwName of arr<string>(r.spec.gateways).map(str)) {
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
    const hosts = arr<string>(server?.hosts).map(str);
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
