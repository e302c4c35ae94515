import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, goList, isControlPlane, isSystemNamespace, selectorMatches, str } from '../util';

const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const WELL_KNOWN_PORTS = new Set([22, 25, 53, 3306, 27017]);

/** The protocol Istio derives for a Service port, or undefined when it falls back to sniffing. */
export function portProtocol(port: number, name: string, protocol: string, appProtocol: string | undefined): string | undefined {
  if (protocol === 'UDP') return 'udp';
  let n = name;
  if (appProtocol !== undefined) {
    if (appProtocol === 'kubernetes.io/h2c') return 'http2';
    if (appProtocol === 'kubernetes.io/ws' || appProtocol === 'kubernetes.io/wss') return 'http';
    n = appProtocol;
  }
  if (n.toLowerCase().startsWith('grpc-web')) return 'grpc-web';
  const i = n.indexOf('-');
  if (i >= 0) n = n.slice(0, i);
  const p = n.toLowerCase();
  if (PROTOCOLS.has(p)) return p;
  return WELL_KNOWN_PORTS.has(port) ? 'tcp' : undefined;
}

/** Service ports whose protocol Istio cannot tell from name or appProtocol (IST0118, IST0150). */
export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('Service')) {
      if (isSystemNamespace(r.namespace) || isControlPlane(r) || r.labels['gateway.istio.io/managed'] !== undefined) continue;
      const externalName = r.spec.type === 'ExternalName';
      for (const p of arr(r.spec.ports)) {
        const name = str(p?.name);
        const unsupported = portProtocol(Number(p?.port), name, str(p?.protocol), typeof p?.appProtocol === 'string' ? p.appProtocol : undefined) === undefined;
        if (!unsupported && !(name === 'tcp' && externalName)) continue;
        if (externalName) {
          ctx.report(this.name, 'IST0150', FindingLevel.WARNING, r,
            `Port '${name}' of ExternalName Service: the proxy may not forward TCP traffic of this port correctly.`,
            "Name the port after its protocol (e.g. 'https', 'tls-db'); avoid plain 'tcp' on ExternalName Services.");
        } else {
          // The API server fills an absent targetPort with the port: show the port traffic really goes to.
          const targetPort = str(p?.targetPort) || str(p?.port);
          ctx.report(this.name, 'IST0118', FindingLevel.INFO, r,
            `Port name '${name}' (port ${p?.port}, targetPort ${targetPort}) does not name a protocol; Istio falls back to protocol sniffing.`,
            "Name the port '<protocol>[-<suffix>]' (e.g. 'http-web') or set appProtocol.");
        }
      }
    }
  },
};

/** Whether the pods of a Deployment get a sidecar. */
function deploymentInMesh(ctx: AnalysisContext, d: Resource): boolean {
  const t = d.spec.template ?? {};
  const containers = arr(t.spec?.containers);
  if (containers.some((c: any) => c?.name === 'istio-proxy' && c?.image)) return true;
  const labels = isRecord(t.metadata?.labels) ? t.metadata.labels : {};
  if ('sidecar.istio.io/inject' in labels) return labels['sidecar.istio.io/inject'] === 'true';
  const annos = isRecord(t.metadata?.annotations) ? t.metadata.annotations : {};
  if ('sidecar.istio.io/inject' in annos) return annos['sidecar.istio.io/inject'] === 'true';
  const ns = ctx.find('Namespace', '', d.namespace);
  return ns ? ns.labels['istio-injection'] === 'enabled' : false;
}

/**
 * The Services of a namespace whose (non-empty) selector matches pod labels, in file order.
 * Services are indexed by namespace and by each selector pair, so a lookup visits only the
 * Services sharing a label with the pods, not every Service of the namespace.
 */
function servicesBySelector(ctx: AnalysisContext): (namespace: string, podLabels: Record<string, unknown>) => Resource[] {
  return ctx.cached('servicesBySelector', () => {
    const order = new Map<Resource, number>();
    // namespace -> label key -> label value -> Services whose selector has that pair
    const index = new Map<string, Map<string, Map<string, Resource[]>>>();
    ctx.all('Service').forEach((s, i) => {
      const sel = s.spec.selector;
      if (!sel || typeof sel !== 'object') return;
      order.set(s, i);
      let keys = index.get(s.namespace);
      if (!keys) index.set(s.namespace, (keys = new Map()));
      for (const k in sel) {
        let values = keys.get(k);
        if (!values) keys.set(k, (values = new Map()));
        const v = String(sel[k]);
        let list = values.get(v);
        if (!list) values.set(v, (list = []));
        list.push(s);
      }
    });
    return (namespace: string, podLabels: Record<string, unknown>) => {
      const keys = index.get(namespace);
      if (!keys) return [];
      let found: Resource[] | undefined;
      for (const k in podLabels) {
        const list = keys.get(k)?.get(String(podLabels[k]));
        if (!list) continue;
        for (const s of list) {
          if (found?.includes(s) || !selectorMatches(s.spec.selector, podLabels as Record<string, string>)) continue;
          (found ??= []).push(s);
        }
      }
      return found && found.length > 1 ? found.sort((a, b) => order.get(a)! - order.get(b)!) : found ?? [];
    };
  });
}

/** Whether two ports of a Service share a port number or a target port (the only way one Service can clash with itself). */
function portsShareNumbers(service: Resource): boolean {
  const ports = arr(service.spec.ports);
  const target = (p: any) => {
    const tp = str(p?.targetPort);
    return tp === '' || tp === '0' ? String(Number(p?.port)) : tp;
  };
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      if (Number(ports[i]?.port) === Number(ports[j]?.port) || target(ports[i]) === target(ports[j])) return true;
    }
  }
  return false;
}

/** Services selecting one Deployment's pods with clashing protocols or ports (IST0116, IST0137). */
export const multiServiceAnalyzer: Analyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  analyze(ctx: AnalysisContext) {
    const selecting = servicesBySelector(ctx);
    for (const d of ctx.all('Deployment')) {
      if (d.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller' || !deploymentInMesh(ctx, d)) continue;
      const podLabels = d.spec.template?.metadata?.labels ?? {};
      const matching = selecting(d.namespace, podLabels);
      // Protocols or ports clash between two Services, or between two ports of one: most Deployments have one plain Service.
      if (matching.length === 0 || (matching.length === 1 && !portsShareNumbers(matching[0]))) continue;
      const byPort = new Map<number, Map<string, string[]>>();
      const byTarget = new Map<string, Map<number, string>>();
      for (const s of matching) {
        for (const p of arr(s.spec.ports)) {
          const port = Number(p?.port);
          const proto = str(p?.protocol) || 'TCP';
          let pm = byPort.get(port);
          if (!pm) byPort.set(port, (pm = new Map()));
          pm.set(proto, [...(pm.get(proto) ?? []), s.fullName]);
          let tp = str(p?.targetPort);
          if (tp === '' || tp === '0') tp = String(port);
          let tm = byTarget.get(tp);
          if (!tm) byTarget.set(tp, (tm = new Map()));
          tm.set(port, s.fullName);
        }
      }
      for (const [port, protos] of byPort) {
        if (protos.size < 2) continue;
        const names = [...protos.values()].flat().sort();
        ctx.report(this.name, 'IST0116', FindingLevel.WARNING, d,
          `Services ${goList(names)} select the pods of Deployment ${d.name} and use port ${port} with different protocols.`,
          'Use one protocol per port across the Services selecting these pods.');
      }
      for (const [target, ports] of byTarget) {
        if (ports.size < 2) continue;
        const names = [...ports.values()].sort();
        const nums = [...ports.keys()].sort((a, b) => a - b);
        ctx.report(this.name, 'IST0137', FindingLevel.WARNING, d,
          `Services ${goList(names)} select the pods of Deployment ${d.name} and send targetPort ${target} through different ports ${goList(nums)}.`,
          'Give Services that share a targetPort the same port number.');
      }
    }
  },
};

/** Application containers running as UID 1337, the proxy's UID (IST0144). */
export const applicationUidAnalyzer: Analyzer = {
  name: 'applicationUID.Analyzer',
  analyze(ctx: AnalysisContext) {
    const check = (r: Resource, podSpec: any) => {
      if (isControlPlane(r)) return;
      const report = () => ctx.report(this.name, 'IST0144', FindingLevel.WARNING, r,
        'Runs as UID 1337, which is reserved for the Istio proxy; its traffic would bypass the sidecar.', 'Use another runAsUser.');
      if (Number(podSpec?.securityContext?.runAsUser) === 1337) report();
      for (const c of arr(podSpec?.containers)) {
        if (c?.name === 'istio-proxy' || c?.name === 'istio-operator') continue;
        if (Number(c?.securityContext?.runAsUser) === 1337) report();
      }
    };
    for (const p of ctx.all('Pod')) check(p, p.spec);
    for (const d of ctx.all('Deployment')) check(d, d.spec.template?.spec);
  },
};
