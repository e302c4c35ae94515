/*
 * Builds the mesh graph from manifests (ours, Helm output, hand-written): only the objects'
 * fields, never our constructs' model, so any YAML draws the same way. Not API.
 *
 * - routes: Gateways, Services, DestinationRule subsets, VirtualService and Gateway API routes
 *   (edges labelled with match, weight, mirror, fault, timeout, retries);
 * - security: AuthorizationPolicies as edges from who may (or may not) call to whom, JWT and
 *   workload mTLS on the nodes, a namespace's allow-nothing default;
 * - egress: ServiceEntries, egress gateways, routes to hosts outside the mesh, TLS
 *   origination, REGISTRY_ONLY namespaces.
 * Namespaces are boxes labelled with their mTLS mode (the namespace's PeerAuthentication, else
 * the mesh-wide one in the root namespace, else Istio's PERMISSIVE default).
 */
import { addDetail, GraphData, GraphNode, Layer, NodeKind } from './graph-data';
import {
  actionText, conditionTexts, few, gatewayApiMatchText, httpMatchText, httpPolicyTexts, l4MatchText, listenerText, operationTexts,
  serverText, trafficPolicyTexts,
} from './labels';
import { isRecord, Manifest, Resource } from '../analysis/context';
import { Finding, FindingLevel } from '../analysis/finding';
import { hostSubsetOf, nameFromFqdn, toFqdn } from '../analysis/util';

export interface GraphInput {
  readonly manifests: readonly Manifest[];
  /** Findings of the analysis, marked on the node of the object they concern (errors and warnings). */
  readonly findings?: readonly Finding[];
  /** The mesh's root namespace (MeshConfig `rootNamespace`). */
  readonly rootNamespace?: string;
  /** Why the analysis could not run, when it failed: said in a note instead of findings. */
  readonly analysisFailure?: string;
}

const GATEWAY_API = 'gateway.networking.k8s.io';
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
/** Node kinds that stand for traffic leaving the mesh: routes touching them are drawn in the egress layer. */
const EGRESS_KINDS = new Set<NodeKind>(['external', 'egress-gateway', 'mesh']);

export function buildGraph(input: GraphInput): GraphData {
  return new GraphBuilder(input).build();
}

function list(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

function labelMap(v: unknown): Record<string, string> {
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

/** The message names the title as a word (or as the first label of a host): `reviews` in `"reviews.bookinfo.svc…"`. */
function mentions(message: string, title: string): boolean {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9-])${escaped}($|[^a-z0-9-])`, 'i').test(message);
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Labels that can select the same pods: they agree on every key they share, and share one. */
function compatible(a: Record<string, string>, b: Record<string, string>): boolean {
  const shared = Object.keys(a).filter((k) => k in b);
  return shared.length > 0 && shared.every((k) => a[k] === b[k]);
}

/** Every label of `selector` is among `labels`. */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

interface EntryHost {
  readonly host: string;
  readonly namespace: string;
  readonly external: boolean;
}

interface IstioGateway {
  readonly node: GraphNode;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly hosts: string[];
}

interface Workload {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
}

class GraphBuilder {
  private readonly g = new GraphData();
  private readonly resources: Resource[];
  private readonly root: string;
  /** `Kind|namespace as written|name` -> the nodes drawn for the object, for its findings. */
  private readonly owners = new Map<string, Set<string>>();
  private readonly entries: EntryHost[] = [];
  private readonly istioGateways: IstioGateway[] = [];
  private readonly workloads: Workload[] = [];
  private readonly namespaceMtls = new Map<string, string>();
  private meshMtls?: string;

  constructor(private readonly input: GraphInput) {
    this.resources = [];
    for (const m of input.manifests) {
      if (!isRecord(m)) continue;
      const items = typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items) ? m.items : [m];
      for (const item of items) {
        if (isRecord(item) && item.kind && isRecord(item.metadata) && item.metadata.name) this.resources.push(new Resource(item));
      }
    }
    this.root = input.rootNamespace ?? 'istio-system';
  }

  public build(): GraphData {
    this.collectWorkloads();
    this.each('Namespace', (r) => this.namespaceObject(r));
    this.each('Service', (r) => this.service(r));
    this.each('ServiceEntry', (r) => this.serviceEntry(r));
    this.each('Gateway', (r) => this.istioGateway(r));
    this.each(`Gateway.${GATEWAY_API}`, (r) => this.kubernetesGateway(r));
    this.each('DestinationRule', (r) => this.destinationRule(r));
    this.each('VirtualService', (r) => this.virtualService(r));
    for (const kind of ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']) this.each(`${kind}.${GATEWAY_API}`, (r) => this.gatewayApiRoute(r));
    this.each('PeerAuthentication', (r) => this.peerAuthentication(r));
    this.each('AuthorizationPolicy', (r) => this.authorizationPolicy(r));
    this.each('RequestAuthentication', (r) => this.requestAuthentication(r));
    this.each('Sidecar', (r) => this.sidecar(r));
    this.markFindings();
    this.labelNamespaces();
    return this.g;
  }

  private each(key: string, fn: (r: Resource) => void): void {
    for (const r of this.resources) if (r.key === key) fn(r);
  }

  private own(r: Resource, nodes: readonly GraphNode[]): void {
    const key = `${r.kind}|${r.declaredNamespace}|${r.name}`;
    let set = this.owners.get(key);
    if (!set) this.owners.set(key, set = new Set());
    for (const n of nodes) set.add(n.id);
  }

  // ---- nodes

  private serviceNode(fqdn: string, layer: Layer | 'base', kind: NodeKind = 'service', namespace?: string): GraphNode {
    const parsed = nameFromFqdn(fqdn);
    return this.g.node(`svc:${fqdn}`, layer, () => ({ kind, title: parsed?.name ?? fqdn, namespace: namespace ?? parsed?.namespace }));
  }

  private subsetNode(service: GraphNode, subset: string, layer: Layer): GraphNode {
    return this.g.node(`sub:${service.id.slice(4)}|${subset}`, layer, () => ({ kind: 'subset', title: subset, namespace: service.namespace, group: service.id }));
  }

  private externalNode(host: string, layer: Layer): GraphNode {
    return this.g.node(`ext:${host}`, layer, () => ({ kind: 'external', title: host }));
  }

  private meshNode(): GraphNode {
    return this.g.node('mesh', 'egress', () => ({ kind: 'mesh', title: 'mesh workloads', details: [{ text: 'calling hosts outside the mesh', layer: 'base' }] }));
  }

  private sourcesNode(id: string, title: string, namespace?: string): GraphNode {
    return this.g.node(id, 'security', () => ({ kind: 'sources', title, namespace }));
  }

  private istioGatewayNode(namespace: string, name: string, layer: Layer | 'base'): GraphNode {
    const egress = /egress/.test(name);
    return this.g.node(`gw:${namespace}/${name}`, layer, () => ({ kind: egress ? 'egress-gateway' : 'gateway', title: name, namespace }));
  }

  private kubernetesGatewayNode(namespace: string, name: string, layer: Layer | 'base'): GraphNode {
    return this.g.node(`gwapi:${namespace}/${name}`, layer, () => ({ kind: 'gateway', title: name, namespace }));
  }

  // ---- objects

  private collectWorkloads(): void {
    for (const r of this.resources) {
      if (!WORKLOAD_KINDS.has(r.kind)) continue;
      const spec = r.kind === 'CronJob' ? r.spec.jobTemplate?.spec ?? {} : r.spec;
      const pod = r.kind === 'Pod' ? { metadata: r.obj.metadata, spec: r.spec } : spec.template ?? {};
      this.workloads.push({
        namespace: r.namespace,
        name: r.name,
        labels: labelMap(pod.metadata?.labels),
        serviceAccount: String(pod.spec?.serviceAccountName ?? pod.spec?.serviceAccount ?? 'default'),
      });
    }
  }

  private namespaceObject(r: Resource): void {
    const box = this.g.namespace(r.name);
    const labels = r.labels;
    if (labels['istio.io/dataplane-mode'] === 'ambient') addDetail(box, 'ambient', 'base');
    else if (labels['istio-injection'] === 'enabled') addDetail(box, 'sidecars injected', 'base');
    else if (labels['istio.io/rev']) addDetail(box, `sidecars (revision ${labels['istio.io/rev']})`, 'base');
    if (labels['istio.io/use-waypoint']) addDetail(box, `uses waypoint ${labels['istio.io/use-waypoint']}`, 'base');
  }

  private peerAuthentication(r: Resource): void {
    const mode = isRecord(r.spec.mtls) ? String(r.spec.mtls.mode ?? 'UNSET') : 'UNSET';
    const selector = labelMap(r.spec.selector?.matchLabels);
    if (Object.keys(selector).length === 0) {
      if (mode === 'UNSET') return;
      if (r.namespace === this.root) this.meshMtls = mode;
      else this.namespaceMtls.set(r.namespace, mode);
      return;
    }
    const targets = this.workloadNodes(r.namespace, selector, 'security');
    for (const t of targets) {
      if (mode !== 'UNSET') addDetail(t, `mTLS ${mode}`, 'security');
      for (const [port, setting] of Object.entries(isRecord(r.spec.portLevelMtls) ? r.spec.portLevelMtls : {})) {
        addDetail(t, `port ${port}: mTLS ${isRecord(setting) ? setting.mode ?? 'UNSET' : '?'}`, 'security');
      }
    }
    this.own(r, targets);
  }

  private service(r: Resource): void {
    const fqdn = toFqdn(r.namespace, r.name);
    const node = this.serviceNode(fqdn, 'base');
    node.kind = 'service';
    const ports = list(r.spec.ports).filter(isRecord).map((p) => `${p.port}${p.name ? ` ${p.name}` : ''}`);
    if (ports.length > 0) addDetail(node, `port ${few(ports)}`, 'base');
    if (r.spec.type === 'ExternalName' && r.spec.externalName) addDetail(node, `→ ${r.spec.externalName}`, 'base');
    this.own(r, [node]);
  }

  private serviceEntry(r: Resource): void {
    const external = (r.spec.location ?? 'MESH_EXTERNAL') !== 'MESH_INTERNAL';
    const ports = list(r.spec.ports).filter(isRecord).map((p) => `${p.number} ${p.protocol ?? ''}`.trim());
    const nodes: GraphNode[] = [];
    for (const host of list(r.spec.hosts).map(String)) {
      this.entries.push({ host, namespace: r.namespace, external });
      const node = external ? this.externalNode(host, 'egress') : this.serviceNode(toFqdn(r.namespace, host), 'routes', 'service', r.namespace);
      if (ports.length > 0) addDetail(node, `port ${few(ports)}`, external ? 'egress' : 'base');
      if (r.spec.resolution) addDetail(node, `resolution ${r.spec.resolution}`, external ? 'egress' : 'routes');
      if (list(r.spec.addresses).length > 0) addDetail(node, `address ${few(list(r.spec.addresses).map(String), 2)}`, external ? 'egress' : 'routes');
      nodes.push(node);
    }
    this.own(r, nodes);
  }

  private istioGateway(r: Resource): void {
    const selector = labelMap(r.spec.selector);
    const node = this.istioGatewayNode(r.namespace, r.name, 'routes');
    if (selector.istio === 'egressgateway') node.kind = 'egress-gateway';
    else if (selector.istio === 'ingressgateway') node.kind = 'gateway';
    // Istio's charts label gateways istio=<x>gateway; any other workload: say which.
    else if (node.kind === 'gateway') node.caption = Object.keys(selector).length > 0 ? `gateway on ${labelsText(selector)}` : 'gateway';
    const layer: Layer = node.kind === 'egress-gateway' ? 'egress' : 'routes';
    node.layers.delete('routes');
    node.layers.add(layer);
    const hosts: string[] = [];
    for (const server of list(r.spec.servers).filter(isRecord)) {
      addDetail(node, serverText(server, r.namespace), layer);
      hosts.push(...list(server.hosts).map(String).map((h) => h.slice(h.indexOf('/') + 1)));
    }
    this.istioGateways.push({ node, namespace: r.namespace, selector, hosts });
    this.own(r, [node]);
  }

  private kubernetesGateway(r: Resource): void {
    const node = this.kubernetesGatewayNode(r.namespace, r.name, 'routes');
    const cls = String(r.spec.gatewayClassName ?? '');
    if (cls === 'istio-waypoint') node.kind = 'waypoint';
    else node.caption = 'gateway';
    if (cls) addDetail(node, `class ${cls}`, 'routes');
    for (const listener of list(r.spec.listeners).filter(isRecord)) addDetail(node, listenerText(listener), 'routes');
    this.own(r, [node]);
  }

  private destinationRule(r: Resource): void {
    const targets = this.hostTargets(String(r.spec.host ?? ''), r.namespace, 'routes');
    for (const target of targets) {
      const layer: Layer = EGRESS_KINDS.has(target.kind) ? 'egress' : 'routes';
      for (const text of trafficPolicyTexts(r.spec.trafficPolicy)) addDetail(target, text, layer);
      if (target.kind !== 'service' && target.kind !== 'workload') continue;
      for (const subset of list(r.spec.subsets).filter(isRecord)) {
        const node = this.subsetNode(target, String(subset.name), 'routes');
        const labels = labelMap(subset.labels);
        if (Object.keys(labels).length > 0) addDetail(node, labelsText(labels), 'routes');
        for (const text of trafficPolicyTexts(subset.trafficPolicy)) addDetail(node, text, 'routes');
        const runs = this.workloads.filter((w) => w.namespace === target.namespace && selects(labels, w.labels) && w.name);
        if (runs.length > 0) addDetail(node, `runs ${few(runs.map((w) => w.name), 2)}`, 'routes');
      }
    }
    this.own(r, targets);
  }

  private virtualService(r: Resource): void {
    const ns = r.namespace;
    const hosts = list(r.spec.hosts).map(String);
    const bound = list(r.spec.gateways).map(String);
    const gateways = (bound.length > 0 ? bound : ['mesh']).map((g) => this.gatewayRef(g, ns));
    const owned: GraphNode[] = [];
    for (const protocol of ['http', 'tls', 'tcp'] as const) {
      // The rules that apply on each gateway (a match may name gateways), in order: the first that matches wins.
      const rulesOf = new Map<string, Array<Record<string, any>>>();
      for (const rule of list(r.spec[protocol]).filter(isRecord)) {
        const matches = list(rule.match).filter(isRecord);
        const via = matches.some((m) => list(m.gateways).length > 0)
          ? new Set(matches.flatMap((m) => (list(m.gateways).length > 0 ? list(m.gateways).map((g) => this.gatewayRef(String(g), ns)) : gateways)))
          : new Set(gateways);
        for (const g of via) rulesOf.set(g, [...(rulesOf.get(g) ?? []), rule]);
      }
      for (const [gateway, rules] of rulesOf) {
        const sources = this.routeSources(gateway, hosts, ns);
        owned.push(...sources);
        rules.forEach((rule, index) => {
          const conditions = list(rule.match).filter(isRecord).map((m) => (protocol === 'http' ? httpMatchText(m) : l4MatchText(m))).filter((t) => t);
          const head: string[] = [];
          const order = rules.length > 1 ? `#${index + 1} ` : '';
          if (conditions.length > 0) head.push(`${order}${conditions.join(' or ')}`);
          else if (rules.length > 1) head.push(`${order}${index === rules.length - 1 ? 'otherwise' : 'any request'}`);
          const policies = protocol === 'http' ? httpPolicyTexts(rule) : [];
          for (const source of sources) {
            // A gateway (or the mesh as a whole) routes by host: say which.
            const hostLine = source.kind !== 'service' && source.kind !== 'workload' && !hosts.every((h) => h === '*') ? [few(hosts, 2)] : [];
            owned.push(...this.routeEdges([source], rule, protocol, ns, hosts, [...hostLine, ...head], policies, `${r.kind}:${r.fullName}:${protocol}:${gateway}:${index}`));
          }
        });
      }
    }
    this.own(r, owned);
  }

  /** `mesh`, or the `namespace/name` of a Gateway as a VirtualService names it. */
  private gatewayRef(ref: string, namespace: string): string {
    return ref === 'mesh' || ref.includes('/') ? ref : `${namespace}/${ref}`;
  }

  /** Where a route of a VirtualService starts: the gateway, or (for `mesh`) the host it is called by. */
  private routeSources(gateway: string, hosts: readonly string[], namespace: string): GraphNode[] {
    if (gateway !== 'mesh') {
      const [ns, name] = gateway.split('/');
      return [this.istioGatewayNode(ns, name, 'routes')];
    }
    const out: GraphNode[] = [];
    for (const host of hosts) {
      if (host.includes('*')) {
        out.push(this.meshNode());
        continue;
      }
      for (const t of this.hostTargets(host, namespace, 'routes')) out.push(EGRESS_KINDS.has(t.kind) ? this.meshNode() : t);
    }
    return [...new Set(out)];
  }

  /** Draws a route rule's edges (destinations, mirrors, redirects) from each source; returns the nodes they end in. */
  private routeEdges(sources: readonly GraphNode[], rule: any, protocol: string, ns: string, hosts: readonly string[],
    head: readonly string[], policies: readonly string[], actionId: string): GraphNode[] {
    const ends: GraphNode[] = [];
    const destinations = list(rule.route).filter(isRecord);
    const action = protocol === 'http' ? actionText(rule) : undefined;
    if (action) {
      const node = this.g.node(`act:${actionId}`, 'routes', () => ({ kind: 'action', title: action, namespace: ns }));
      for (const s of sources) this.g.edge({ from: s.id, to: node.id, layer: this.layerOf(s, node), style: 'route', label: [...head, ...policies] });
      ends.push(node);
    }
    const split = destinations.length > 1 || destinations.some((d) => d.weight !== undefined && d.weight !== 100);
    for (const d of destinations) {
      const weight = split ? [`${d.weight ?? 0}%`] : [];
      for (const target of this.destinationTargets(d.destination, ns, hosts)) {
        ends.push(target);
        for (const s of sources) {
          this.g.edge({
            from: s.id,
            to: target.id,
            layer: this.layerOf(s, target),
            style: 'route',
            label: [...head, ...weight, ...policies],
            idle: split && (d.weight ?? 0) === 0,
          });
        }
      }
    }
    const mirrors = [
      ...(isRecord(rule.mirror) ? [{ destination: rule.mirror, percentage: rule.mirrorPercentage }] : []),
      ...list(rule.mirrors).filter(isRecord),
    ];
    for (const m of mirrors) {
      const pct = isRecord(m.percentage) && typeof m.percentage.value === 'number' ? m.percentage.value : 100;
      for (const target of this.destinationTargets(m.destination, ns, hosts)) {
        ends.push(target);
        for (const s of sources) this.g.edge({ from: s.id, to: target.id, layer: this.layerOf(s, target), style: 'mirror', label: [...head, `mirror ${pct}%`] });
      }
    }
    return ends;
  }

  private layerOf(a: GraphNode, b: GraphNode): Layer {
    return EGRESS_KINDS.has(a.kind) || EGRESS_KINDS.has(b.kind) ? 'egress' : 'routes';
  }

  private destinationTargets(destination: unknown, ns: string, servedHosts: readonly string[]): GraphNode[] {
    if (!isRecord(destination) || !destination.host) return [];
    const targets = this.hostTargets(String(destination.host), ns, 'routes', servedHosts);
    if (!destination.subset) return targets;
    return targets.map((t) => (t.kind === 'service' || t.kind === 'workload' ? this.subsetNode(t, String(destination.subset), 'routes') : t));
  }

  /**
   * The nodes a host stands for: an external host (ServiceEntry outside the mesh, or a host
   * nothing declares), the gateways behind a gateway Service (`istio-egressgateway` serves the
   * Gateways selecting `istio: egressgateway`), or a service.
   */
  private hostTargets(host: string, namespace: string, layer: Layer, servedHosts?: readonly string[]): GraphNode[] {
    const fqdn = toFqdn(namespace, host);
    const entry = this.entries.find((e) => e.host === fqdn) ?? this.entries.find((e) => hostSubsetOf(fqdn, e.host));
    if (entry?.external) return [this.externalNode(entry.host, 'egress')];
    const service = nameFromFqdn(fqdn);
    if (service) {
      const gateways = this.gatewaysBehind(service.namespace, service.name, servedHosts);
      return gateways.length > 0 ? gateways : [this.serviceNode(fqdn, layer)];
    }
    if (entry) return [this.serviceNode(fqdn, layer, 'service', entry.namespace)];
    return [this.externalNode(fqdn, 'egress')];
  }

  private gatewaysBehind(namespace: string, name: string, servedHosts?: readonly string[]): GraphNode[] {
    const service = this.resources.find((r) => r.kind === 'Service' && r.namespace === namespace && r.name === name);
    const selector = service ? labelMap(service.spec.selector) : name.startsWith('istio-') ? { istio: name.slice('istio-'.length) } : {};
    const candidates = this.istioGateways.filter((g) => selects(g.selector, selector));
    const serving = candidates.filter((g) => servedHosts?.some((h) => g.hosts.some((gh) => gh === '*' || hostSubsetOf(h, gh))));
    return (serving.length > 0 ? serving : candidates).map((g) => g.node);
  }

  private gatewayApiRoute(r: Resource): void {
    const ns = r.namespace;
    const hostnames = list(r.spec.hostnames).map(String);
    const sources: GraphNode[] = [];
    for (const parent of list(r.spec.parentRefs).filter(isRecord)) {
      const pns = String(parent.namespace ?? ns);
      if (parent.kind === 'Service') sources.push(this.serviceNode(toFqdn(pns, String(parent.name)), 'routes'));
      else if (parent.kind === 'ServiceEntry') sources.push(...this.hostTargets(String(parent.name), pns, 'routes'));
      else sources.push(this.kubernetesGatewayNode(pns, String(parent.name), 'routes'));
    }
    const rules = list(r.spec.rules).filter(isRecord);
    rules.forEach((rule, index) => {
      const order = rules.length > 1 ? `#${index + 1} ` : '';
      const conditions = list(rule.matches).filter(isRecord).map(gatewayApiMatchText).filter((t) => t);
      const head = [
        ...(hostnames.length > 0 ? [few(hostnames, 2)] : []),
        ...(conditions.length > 0 ? [`${order}${conditions.join(' or ')}`] : rules.length > 1 ? [`${order}${index === rules.length - 1 ? 'otherwise' : 'any request'}`] : []),
      ];
      const policies: string[] = [];
      if (isRecord(rule.timeouts) && rule.timeouts.request) policies.push(`timeout ${rule.timeouts.request}`);
      if (isRecord(rule.retry) && rule.retry.attempts !== undefined) policies.push(`retries ${rule.retry.attempts}`);
      const filters = list(rule.filters).filter(isRecord);
      for (const f of filters) {
        if (f.type === 'URLRewrite') policies.push('rewrite');
        if (f.type === 'RequestRedirect') {
          const rr = isRecord(f.requestRedirect) ? f.requestRedirect : {};
          const node = this.g.node(`act:${r.key}:${r.fullName}:${index}`, 'routes', () => ({
            kind: 'action', title: `redirect${rr.scheme ? ` ${rr.scheme}://` : ' '}${rr.hostname ?? ''}${rr.statusCode ? ` (${rr.statusCode})` : ''}`.trimEnd(), namespace: ns,
          }));
          for (const s of sources) this.g.edge({ from: s.id, to: node.id, layer: 'routes', style: 'route', label: head });
        }
      }
      const backends = list(rule.backendRefs).filter(isRecord);
      const total = backends.reduce((sum, b) => sum + (typeof b.weight === 'number' ? b.weight : 1), 0);
      for (const b of backends) {
        const weight = typeof b.weight === 'number' ? b.weight : 1;
        const share = backends.length > 1 && total > 0 ? [`${Math.round((weight / total) * 1000) / 10}%`] : [];
        for (const target of this.backendTargets(b, ns)) {
          for (const s of sources) {
            this.g.edge({ from: s.id, to: target.id, layer: this.layerOf(s, target), style: 'route', label: [...head, ...share, ...policies], idle: backends.length > 1 && weight === 0 });
          }
        }
      }
      for (const f of filters) {
        if (f.type !== 'RequestMirror' || !isRecord(f.requestMirror)) continue;
        const m = f.requestMirror;
        const pct = typeof m.percent === 'number' ? m.percent
          : isRecord(m.fraction) ? Math.round((Number(m.fraction.numerator) / Number(m.fraction.denominator ?? 100)) * 100) : 100;
        for (const target of this.backendTargets(isRecord(m.backendRef) ? m.backendRef : {}, ns)) {
          for (const s of sources) this.g.edge({ from: s.id, to: target.id, layer: this.layerOf(s, target), style: 'mirror', label: [...head, `mirror ${pct}%`] });
        }
      }
    });
    this.own(r, sources);
  }

  private backendTargets(ref: Record<string, any>, ns: string): GraphNode[] {
    if (!ref.name) return [];
    const bns = String(ref.namespace ?? ns);
    if (ref.kind === 'Hostname' || ref.kind === 'ServiceEntry') return this.hostTargets(String(ref.name), bns, 'routes');
    return this.hostTargets(toFqdn(bns, String(ref.name)), bns, 'routes');
  }

  // ---- security

  /** The nodes a policy applies to: its targetRefs, its selector's workloads, the namespace, or the mesh. */
  private policyTargets(r: Resource): GraphNode[] {
    const refs = [...list(r.spec.targetRefs), ...(isRecord(r.spec.targetRef) ? [r.spec.targetRef] : [])].filter(isRecord);
    if (refs.length > 0) {
      return refs.flatMap((ref) => {
        const name = String(ref.name);
        const ns = String(ref.namespace ?? r.namespace);
        if (ref.kind === 'Service') return [this.serviceNode(toFqdn(ns, name), 'security', 'workload')];
        if (ref.kind === 'ServiceEntry') {
          const entry = this.resources.find((e) => e.kind === 'ServiceEntry' && e.namespace === ns && e.name === name);
          return list(entry?.spec.hosts).map(String).flatMap((h) => this.hostTargets(h, ns, 'security'));
        }
        if (ref.kind === 'GatewayClass') return [this.sourcesNode(`class:${name}`, `gateways of class ${name}`)];
        return [this.kubernetesGatewayNode(ns, name, 'security')];
      });
    }
    const selector = labelMap(r.spec.selector?.matchLabels);
    if (Object.keys(selector).length > 0) return this.workloadNodes(r.namespace, selector, 'security');
    if (r.namespace === this.root) return [this.sourcesNode('all:', 'every workload in the mesh')];
    return [this.sourcesNode(`ns:${r.namespace}`, 'every workload', r.namespace)];
  }

  /**
   * The nodes of the workloads a label selector picks in a namespace: gateways whose workload it
   * selects, Services selecting the same pods, else one node named after the workload's `app`.
   */
  private workloadNodes(namespace: string, selector: Record<string, string>, layer: Layer): GraphNode[] {
    const gateways = this.istioGateways.filter((g) => compatible(g.selector, selector) && (g.namespace === namespace || namespace === this.root));
    if (gateways.length > 0) return gateways.map((g) => g.node);
    const services = this.resources.filter((r) => r.kind === 'Service' && r.namespace === namespace && compatible(labelMap(r.spec.selector), selector));
    if (services.length > 0) return services.map((s) => this.serviceNode(toFqdn(namespace, s.name), layer));
    const name = selector.app ?? selector['app.kubernetes.io/name'] ?? selector['k8s-app'] ?? (selector.istio ? `istio-${selector.istio}` : undefined);
    if (name) {
      const kind = !selector.istio ? 'workload' : /egress/.test(selector.istio) ? 'egress-gateway' : 'gateway';
      const node = this.serviceNode(toFqdn(namespace, name), layer, kind);
      if (node.kind === kind) addDetail(node, labelsText(selector), 'security');
      return [node];
    }
    return [this.g.node(`wl:${namespace}/${labelsText(selector)}`, layer, () => ({ kind: 'workload', title: labelsText(selector), namespace }))];
  }

  /** The nodes a principal (`<trust domain>/ns/<ns>/sa/<sa>`) stands for. */
  private principalNodes(principal: string): GraphNode[] {
    if (principal === '*') return [this.sourcesNode('any:mtls', 'any mTLS peer')];
    const m = /^(.*)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
    if (!m || m[2].includes('*')) return [this.sourcesNode(`principal:${principal}`, principal)];
    const [, , ns, sa] = m;
    if (sa === '*') return [this.sourcesNode(`ns:${ns}`, 'every workload', ns)];
    // Istio's gateway charts run `istio-<x>` with service account `istio-<x>-service-account` and label `istio: <x>`.
    const gatewayAccount = /^istio-(.+)-service-account$/.exec(sa);
    if (gatewayAccount) return this.workloadNodes(ns, { istio: gatewayAccount[1] }, 'security');
    const runs = this.workloads.filter((w) => w.namespace === ns && w.serviceAccount === sa);
    if (runs.length > 0) return [...new Set(runs.flatMap((w) => this.workloadNodes(ns, w.labels, 'security')))];
    const node = this.serviceNode(toFqdn(ns, sa), 'security', 'workload');
    if (node.kind === 'workload') addDetail(node, `service account ${sa}`, 'security');
    return [node];
  }

  /** Who a rule's `from` names, with what it adds that is no node (exceptions, extra conditions). */
  private policySources(rule: any, namespace: string): Array<{ node: GraphNode; extra: string[] }> {
    const froms = list(rule.from).map((f) => (isRecord(f?.source) ? f.source : {}));
    if (froms.length === 0) return [{ node: this.sourcesNode('any:', 'any caller'), extra: [] }];
    const out: Array<{ node: GraphNode; extra: string[] }> = [];
    for (const s of froms) {
      const strings = (k: string) => list(s[k]).map(String);
      const extra: string[] = [];
      let nodes: GraphNode[];
      if (strings('principals').length > 0) {
        nodes = strings('principals').flatMap((p) => this.principalNodes(p));
        if (strings('namespaces').length > 0) extra.push(`in ns ${few(strings('namespaces'))}`);
      } else if (strings('namespaces').length > 0) {
        nodes = strings('namespaces').map((ns) => this.sourcesNode(`ns:${ns}`, 'every workload', ns));
      } else if (strings('ipBlocks').length > 0 || strings('remoteIpBlocks').length > 0) {
        const blocks = [...strings('ipBlocks'), ...strings('remoteIpBlocks')];
        nodes = [this.sourcesNode(`ip:${blocks.join(',')}`, `IP ${few(blocks, 2)}`)];
      } else if (strings('requestPrincipals').length > 0) {
        const rp = strings('requestPrincipals');
        nodes = [this.sourcesNode(`jwt:${rp.join(',')}`, rp.length === 1 && rp[0] === '*' ? 'any valid JWT' : `JWT ${few(rp, 2)}`, namespace)];
      } else {
        nodes = [this.sourcesNode('any:', 'any caller')];
      }
      if (strings('requestPrincipals').length > 0 && strings('principals').length + strings('namespaces').length > 0) extra.push(`with JWT ${few(strings('requestPrincipals'), 2)}`);
      const nrp = strings('notRequestPrincipals');
      if (nrp.length === 1 && nrp[0] === '*') extra.push('without a JWT');
      else if (nrp.length > 0) extra.push(`except JWT ${few(nrp, 2)}`);
      if (strings('notPrincipals').length > 0) extra.push(`except ${few(strings('notPrincipals'), 2)}`);
      if (strings('notNamespaces').length > 0) extra.push(`except ns ${few(strings('notNamespaces'))}`);
      const notIps = [...strings('notIpBlocks'), ...strings('notRemoteIpBlocks')];
      if (notIps.length > 0) extra.push(`except IP ${few(notIps, 2)}`);
      for (const node of nodes) out.push({ node, extra });
    }
    return out;
  }

  /** A policy for every workload of its namespace (not the root namespace's mesh-wide ones). */
  private namespaceWide(r: Resource): boolean {
    return r.namespace !== this.root && list(r.spec.targetRefs).length === 0 && !isRecord(r.spec.targetRef)
      && Object.keys(labelMap(r.spec.selector?.matchLabels)).length === 0;
  }

  private authorizationPolicy(r: Resource): void {
    const action = String(r.spec.action ?? 'ALLOW');
    const rules = list(r.spec.rules).filter(isRecord);
    if (rules.length === 0 && action === 'ALLOW' && this.namespaceWide(r)) {
      // ALLOW without rules matches nothing: the namespace accepts only what other policies allow (allow-nothing).
      addDetail(this.g.namespace(r.namespace), `deny unless allowed (${r.name})`, 'security');
      return;
    }
    const targets = this.policyTargets(r);
    this.own(r, targets);
    if (rules.length === 0) {
      // A DENY (or CUSTOM, AUDIT) without rules matches nothing; an ALLOW without rules allows nothing.
      if (action === 'ALLOW') for (const t of targets) addDetail(t, `allows nothing (${r.name})`, 'security');
      return;
    }
    const style = action === 'DENY' ? 'deny' : action === 'AUDIT' ? 'audit' : action === 'CUSTOM' ? 'custom' : 'allow';
    const head = action === 'CUSTOM' ? `CUSTOM ${r.spec.provider?.name ?? ''}`.trim() : action;
    for (const rule of rules) {
      const operations = operationTexts(rule);
      const conditions = conditionTexts(rule).map((c) => `when ${c}`);
      for (const { node, extra } of this.policySources(rule, r.namespace)) {
        const label = [`${head}${operations.length > 0 ? ` ${operations.join(' | ')}` : ''}`, ...extra, ...conditions];
        for (const target of targets) this.g.edge({ from: node.id, to: target.id, layer: 'security', style, label });
      }
    }
  }

  private requestAuthentication(r: Resource): void {
    const issuers = list(r.spec.jwtRules).filter(isRecord).map((j) => String(j.issuer ?? '?'));
    const text = `JWT from ${few(issuers, 2)}`;
    if (this.namespaceWide(r)) {
      if (issuers.length > 0) addDetail(this.g.namespace(r.namespace), text, 'security');
      return;
    }
    const targets = this.policyTargets(r);
    for (const t of targets) if (issuers.length > 0) addDetail(t, text, 'security');
    this.own(r, targets);
  }

  private sidecar(r: Resource): void {
    const selector = labelMap(r.spec.workloadSelector?.labels);
    const mode = r.spec.outboundTrafficPolicy?.mode;
    const hosts = list(r.spec.egress).filter(isRecord).flatMap((e) => list(e.hosts).map(String))
      .filter((h) => h !== './*' && h !== `${this.root}/*` && h !== '*/*');
    const texts = [...(mode ? [`egress ${mode}`] : []), ...(hosts.length > 0 ? [`egress to ${few(hosts.map((h) => h.replace(/^\*\//, '')))}`] : [])];
    if (Object.keys(selector).length === 0) {
      for (const t of texts) addDetail(this.g.namespace(r.namespace), t, 'egress');
      return;
    }
    const targets = this.workloadNodes(r.namespace, selector, 'egress');
    for (const t of targets) for (const text of texts) addDetail(t, text, 'egress');
    this.own(r, targets);
  }

  // ---- findings and namespaces

  private markFindings(): void {
    if (this.input.analysisFailure) {
      const note = this.g.node('notes:', 'base', () => ({ kind: 'notes', title: 'no findings: the analysis failed' }));
      addDetail(note, this.input.analysisFailure.split('\n')[0].slice(0, 120), 'base');
    }
    for (const f of this.input.findings ?? []) {
      if (f.level === FindingLevel.INFO) continue;
      // Nodes that stand for many things (the mesh, any caller) do not carry one object's findings.
      const ids = [...this.owners.get(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`) ?? []];
      const owners = ids.map((id) => this.g.nodes.get(id)).filter((n): n is GraphNode => n !== undefined && n.kind !== 'mesh' && n.kind !== 'sources');
      // An object drawn as several nodes (a route: its gateway and destinations): the ones the message names.
      const named = owners.filter((n) => mentions(f.message, n.title));
      const nodes = named.length > 0 ? named : owners;
      if (nodes.length === 0) {
        const ns = f.resource.namespace;
        nodes.push(this.g.node(`notes:${ns ?? ''}`, 'base', () => ({ kind: 'notes', title: 'other findings', namespace: ns })));
      }
      for (const n of nodes) if (!n.findings.includes(f)) n.findings.push(f);
    }
  }

  private labelNamespaces(): void {
    for (const box of this.g.namespaces.values()) {
      const own = this.namespaceMtls.get(box.name);
      const mode = own ?? (this.meshMtls ? `${this.meshMtls} (mesh-wide)` : 'PERMISSIVE (default)');
      box.details.unshift({ text: `mTLS ${mode}`, layer: 'base' });
    }
  }
}
