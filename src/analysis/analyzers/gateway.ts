import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, hostMatches, selectorMatches, selectorString, str, stringItems, workloads } from '../util';

interface ServerEntry {
  readonly gw: Resource;
  readonly selector: string;
  readonly port: string;
  readonly hosts: string[];
  readonly bind: string;
}

/** Gateways sharing selector, port and a host: Envoy keeps only one server (IST0145). */
export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  analyze(ctx: AnalysisContext) {
    const gateways = ctx.all('Gateway');
    // selector -> port -> servers
    const bySelector = new Map<string, Map<string, ServerEntry[]>>();
    for (const gw of gateways) {
      const selector = selectorString(gw.spec.selector);
      for (const server of arr(gw.spec.servers)) {
        const num = server?.port?.number;
        if (num === undefined || num === null) continue;
        const entry: ServerEntry = { gw, selector, port: String(num), hosts: stringItems(server.hosts), bind: str(server.bind) };
        let ports = bySelector.get(selector);
        if (!ports) bySelector.set(selector, (ports = new Map()));
        let l = ports.get(entry.port);
        if (!l) ports.set(entry.port, (l = []));
        l.push(entry);
      }
    }
    // Selectors that contain one another may select the same pods; only those pairs need the pods.
    const selectors = [...bySelector.keys()];
    const related = new Map<string, string[]>();
    if (selectors.length < 200) {
      for (const a of selectors) {
        for (const b of selectors) {
          if (a !== b && a !== '' && b !== '' && b.includes(a) && shareWorkload(ctx, a, b)) {
            related.set(a, [...(related.get(a) ?? []), b]);
            related.set(b, [...(related.get(b) ?? []), a]);
          }
        }
      }
    }
    for (const gw of gateways) {
      const selector = selectorString(gw.spec.selector);
      for (const server of arr(gw.spec.servers)) {
        const num = server?.port?.number;
        if (num === undefined || num === null) continue;
        const port = String(num);
        const hosts = stringItems(server.hosts);
        const bind = str(server.bind);
        const conflicts: string[] = [];
        for (const sel of [selector, ...(related.get(selector) ?? [])]) {
          for (const other of bySelector.get(sel)?.get(port) ?? []) {
            if (other.gw === gw || other.bind !== bind) continue;
            for (const h of hosts) {
              if (other.hosts.some((oh) => hostMatches(h, oh))) conflicts.push(other.gw.fullName);
            }
          }
        }
        if (conflicts.length > 0) {
          ctx.report(this.name, 'IST0145', FindingLevel.ERROR, gw,
            `Server on port ${port} (hosts ${hosts.join(',')}, selector ${selector}) conflicts with Gateways ${[...new Set(conflicts)].join(',')}.`,
            'Serve each host and port from one Gateway per gateway workload, or give the servers distinct hosts.');
        }
      }
    }
  },
};

function parseSelector(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(',')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function shareWorkload(ctx: AnalysisContext, a: string, b: string): boolean {
  const sa = parseSelector(a);
  const sb = parseSelector(b);
  return workloads(ctx).some((w) => selectorMatches(sa, w.labels) && selectorMatches(sb, w.labels));
}

function sameCertificate(a: any, b: any): boolean {
  const ca = str(a.credentialName);
  const cb = str(b.credentialName);
  if (ca && cb) return ca === cb;
  if (!ca && !cb && a.serverCertificate && b.serverCertificate && a.serverCertificate === b.serverCertificate) {
    return !!a.privateKey && !!b.privateKey && a.privateKey === b.privateKey;
  }
  return false;
}

function isSubset(x: Record<string, string>, y: Record<string, string>): boolean {
  for (const k of Object.keys(x)) if (y[k] !== x[k]) return false;
  return true;
}

/** The same certificate on several gateways of one workload: HTTP/2 connection reuse gives 404s (IST0138). */
export const certificateAnalyzer: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  analyze(ctx: AnalysisContext) {
    const gateways = ctx.all('Gateway');
    // Index TLS servers by certificate so only gateways sharing one are compared.
    const byCert = new Map<string, Set<Resource>>();
    for (const gw of gateways) {
      for (const s of arr(gw.spec.servers)) {
        const tls = s?.tls;
        if (!tls) continue;
        const key = tls.credentialName ? `c:${tls.credentialName}` : tls.serverCertificate ? `f:${tls.serverCertificate}|${str(tls.privateKey)}` : undefined;
        if (!key) continue;
        let set = byCert.get(key);
        if (!set) byCert.set(key, (set = new Set()));
        set.add(gw);
      }
    }
    for (const gw of gateways) {
      const selector = gw.spec.selector ?? {};
      const candidates = new Set<Resource>();
      for (const s of arr(gw.spec.servers)) {
        const tls = s?.tls;
        if (!tls) continue;
        const key = tls.credentialName ? `c:${tls.credentialName}` : tls.serverCertificate ? `f:${tls.serverCertificate}|${str(tls.privateKey)}` : undefined;
        for (const other of key ? byCert.get(key) ?? [] : []) candidates.add(other);
      }
      for (const other of gateways) {
        if (other === gw || !candidates.has(other)) continue;
        if (Object.keys(selector).length > 0 && !isSubset(selector, other.spec.selector ?? {})) continue;
        for (const cs of arr(gw.spec.servers)) {
          for (const os of arr(other.spec.servers)) {
            if (!cs?.tls || !os?.tls || !sameCertificate(cs.tls, os.tls)) continue;
            ctx.report(this.name, 'IST0138', FindingLevel.WARNING, gw,
              `Gateways ${gw.fullName} and ${other.fullName} serve the same certificate; clients reusing HTTP/2 connections across them get 404s.`,
              'Serve all hosts of one certificate from a single Gateway, or use distinct certificates.');
          }
        }
      }
    }
  },
};

/** Gateway selectors that match no gateway workload, and server ports the workload's Service does not expose (IST0101, IST0162). */
export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  analyze(ctx: AnalysisContext) {
    const all = workloads(ctx);
    for (const gw of ctx.all('Gateway')) {
      const selector: Record<string, string> = gw.spec.selector ?? {};
      const pods = all.filter((w) => selectorMatches(selector, w.labels));
      if (pods.length === 0) {
        ctx.report(this.name, 'IST0101', FindingLevel.ERROR, gw, `Referenced selector not found: "${selectorString(selector)}".`,
          'Deploy a gateway workload whose labels match the selector, or fix the selector.');
        continue;
      }
      const ports = new Set<number>();
      for (const pod of pods) {
        for (const svc of ctx.all('Service')) {
          if (svc.namespace !== pod.namespace || !svc.spec.selector || !selectorMatches(svc.spec.selector, pod.labels)) continue;
          for (const p of arr(svc.spec.ports)) {
            if (str(p?.protocol) === 'TCP' || !p?.protocol) {
              if (typeof p?.targetPort === 'number') ports.add(p.targetPort);
              else if (p?.targetPort === undefined) ports.add(Number(p?.port));
            }
            ports.add(Number(p?.port));
          }
        }
      }
      for (const server of arr(gw.spec.servers)) {
        // A server without a port number is the schema's finding (CIS1001, IST0106); istioctl skips it here.
        const n = server?.port?.number;
        if (typeof n !== 'number') continue;
        if (!ports.has(n)) {
          ctx.report(this.name, 'IST0162', FindingLevel.WARNING, gw,
            `Server port ${n} is not exposed by the Service of the gateway workload (selector ${selectorString(selector)}).`,
            'Add the port to the gateway Service or use a port it exposes.');
        }
      }
    }
  },
};

