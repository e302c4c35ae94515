import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, hostMatches, str, stringItems } from '../util';

/*
 * What the cluster would report in the status of Gateway API routes and gateways, decided
 * offline (codes CIS40xx): a parent or backend that does not exist, a listener that does not
 * accept the route (hostname, namespace, kind), a reference to another namespace without a
 * ReferenceGrant there, a host routed by both a mesh HTTPRoute and a mesh VirtualService.
 */

const GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'];
/** The route kinds each listener protocol accepts (Istio's Gateway API implementation). */
const PROTOCOL_KINDS: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'], HTTPS: ['HTTPRoute', 'GRPCRoute'], TLS: ['TLSRoute', 'TCPRoute'], TCP: ['TCPRoute'], HBONE: [],
};

function routes(ctx: AnalysisContext): Resource[] {
  return ROUTE_KINDS.flatMap((kind) => [...ctx.all(`${kind}.${GROUP}`)]);
}

/** Whether a ReferenceGrant in `namespace` lets `fromKind` objects of `fromNamespace` refer to `toKind` `name`. */
function granted(ctx: AnalysisContext, namespace: string, fromKind: string, fromNamespace: string,
  toGroup: string, toKind: string, name: string): boolean {
  return ctx.all(`ReferenceGrant.${GROUP}`).some((g) => g.namespace === namespace
    && arr(g.spec.from).some((f) => str(f?.group) === GROUP && str(f?.kind) === fromKind && str(f?.namespace) === fromNamespace)
    && arr(g.spec.to).some((t) => str(t?.group) === toGroup && str(t?.kind) === toKind && (t?.name === undefined || str(t.name) === name)));
}

function serviceOf(ctx: AnalysisContext, namespace: string, name: string): Resource | undefined {
  return ctx.find('Service', namespace, name);
}

/** The listeners of a Gateway a parentRef selects (by sectionName and port). */
function selectedListeners(gateway: Resource, parentRef: any): any[] {
  return arr(gateway.spec.listeners).filter((l) => (parentRef.sectionName === undefined || str(l?.name) === str(parentRef.sectionName))
    && (parentRef.port === undefined || Number(l?.port) === Number(parentRef.port)));
}

/**
 * CIS4001, Error: a route's parent (Gateway or Service) does not exist: the route is not
 * Accepted (NoMatchingParent). CIS4002, Error: a backendRef (or mirror backend) Service does not
 * exist (ResolvedRefs false, BackendNotFound). CIS4007, Error: the parent or backend exists but
 * has no such listener (`sectionName`) or port. The automatic analysis at synth reports CIS4001
 * and CIS4002 as information (the cluster may have what the app does not define); CIS4007 is
 * always an error.
 */
export const gatewayApiReferenceAnalyzer: Analyzer = {
  name: 'cdk8sistio.GatewayApiReferenceAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const route of routes(ctx)) {
      for (const ref of arr(route.spec.parentRefs)) {
        if (!isRecord(ref)) continue;
        const kind = str(ref.kind) || 'Gateway';
        const group = ref.group === undefined ? GROUP : str(ref.group);
        const namespace = str(ref.namespace) || route.namespace;
        const name = str(ref.name);
        if (kind === 'Gateway' && group === GROUP) {
          const gateway = ctx.find(`Gateway.${GROUP}`, namespace, name);
          if (!gateway) {
            ctx.report(this.name, 'CIS4001', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} has parent Gateway ${namespace}/${name}, which does not exist: the route is not accepted (NoMatchingParent).`,
              'Create the Gateway, or fix parentRefs.');
          } else if (selectedListeners(gateway, ref).length === 0) {
            const which = [ref.sectionName !== undefined ? `sectionName ${str(ref.sectionName)}` : '', ref.port !== undefined ? `port ${ref.port}` : ''].filter((x) => x).join(' and ');
            ctx.report(this.name, 'CIS4007', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} names ${which} of Gateway ${gateway.fullName}, which has no such listener: the route is not accepted (NoMatchingParent).`,
              `Use one of its listeners: ${arr(gateway.spec.listeners).map((l) => `${str(l?.name)} (port ${l?.port})`).join(', ')}.`);
          }
        } else if (kind === 'Service' && group === '') {
          const service = serviceOf(ctx, namespace, name);
          if (!service) {
            ctx.report(this.name, 'CIS4001', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} has parent Service ${namespace}/${name}, which does not exist: the mesh route applies to nothing.`,
              'Create the Service, or fix parentRefs.');
          } else if (ref.port !== undefined && !arr(service.spec.ports).some((p) => Number(p?.port) === Number(ref.port))) {
            ctx.report(this.name, 'CIS4007', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} attaches to port ${ref.port} of Service ${service.fullName}, which has no such port.`,
              `Use one of its ports: ${arr(service.spec.ports).map((p) => p?.port).join(', ')}.`);
          }
        }
      }
      for (const { ref, what } of backendRefs(route)) {
        const kind = str(ref.kind) || 'Service';
        const group = str(ref.group);
        if (kind !== 'Service' || group !== '') continue;
        const namespace = str(ref.namespace) || route.namespace;
        const service = serviceOf(ctx, namespace, str(ref.name));
        if (!service) {
          ctx.report(this.name, 'CIS4002', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} sends ${what} to Service ${namespace}/${str(ref.name)}, which does not exist (BackendNotFound).`,
            'Create the Service (one per version for weighted routes), or fix backendRefs.');
        } else if (ref.port !== undefined && !arr(service.spec.ports).some((p) => Number(p?.port) === Number(ref.port))) {
          ctx.report(this.name, 'CIS4007', FindingLevel.ERROR, route, `${route.kind} ${route.fullName} sends ${what} to port ${ref.port} of Service ${service.fullName}, which has no such port.`,
            `Use one of its ports: ${arr(service.spec.ports).map((p) => p?.port).join(', ')}.`);
        }
      }
    }
  },
};

/** Backends of a route: rule backends and mirror backends. */
function backendRefs(route: Resource): Array<{ ref: any; what: string }> {
  const out: Array<{ ref: any; what: string }> = [];
  for (const rule of arr(route.spec.rules)) {
    for (const ref of arr(rule?.backendRefs)) if (isRecord(ref)) out.push({ ref, what: 'traffic' });
    for (const filter of arr(rule?.filters)) {
      const mirror = filter?.requestMirror?.backendRef;
      if (isRecord(mirror)) out.push({ ref: mirror, what: 'mirrored traffic' });
    }
  }
  return out;
}

/**
 * CIS4003, Error: a reference to another namespace without a ReferenceGrant there: a route's
 * backend (ResolvedRefs false, RefNotPermitted) or a Gateway's certificate Secret
 * (ResolvedRefs false, the listener serves no certificate).
 */
export const gatewayApiReferenceGrantAnalyzer: Analyzer = {
  name: 'cdk8sistio.GatewayApiReferenceGrantAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const route of routes(ctx)) {
      for (const { ref, what } of backendRefs(route)) {
        const namespace = str(ref.namespace);
        if (!namespace || namespace === route.namespace) continue;
        const kind = str(ref.kind) || 'Service';
        if (granted(ctx, namespace, route.kind, route.namespace, str(ref.group), kind, str(ref.name))) continue;
        ctx.report(this.name, 'CIS4003', FindingLevel.ERROR, route,
          `${route.kind} ${route.fullName} sends ${what} to ${kind} ${namespace}/${str(ref.name)} in another namespace, which no ReferenceGrant in ${namespace} allows (RefNotPermitted).`,
          `Add a ReferenceGrant in ${namespace} from ${route.kind}s of ${route.namespace} to that ${kind}.`);
      }
    }
    for (const gateway of ctx.all(`Gateway.${GROUP}`)) {
      for (const listener of arr(gateway.spec.listeners)) {
        for (const ref of arr(listener?.tls?.certificateRefs)) {
          const namespace = str(ref?.namespace);
          if (!namespace || namespace === gateway.namespace) continue;
          if (granted(ctx, namespace, 'Gateway', gateway.namespace, str(ref.group), str(ref.kind) || 'Secret', str(ref.name))) continue;
          ctx.report(this.name, 'CIS4003', FindingLevel.ERROR, gateway,
            `Listener ${str(listener.name)} of Gateway ${gateway.fullName} uses Secret ${namespace}/${str(ref.name)} in another namespace, which no ReferenceGrant in ${namespace} allows: the listener has no certificate.`,
            `Add a ReferenceGrant in ${namespace} from Gateways of ${gateway.namespace} to that Secret.`);
        }
      }
    }
  },
};

/**
 * CIS4004, Error: a route whose hostnames match no hostname of the listeners it attaches to
 * (NoMatchingListenerHostname). CIS4005, Error: a listener that does not allow the route: its
 * namespace (allowedRoutes `Same`, or a `Selector` the files' Namespace labels do not meet), its
 * kind (allowedRoutes.kinds, or the listener's protocol).
 */
export const gatewayApiListenerAnalyzer: Analyzer = {
  name: 'cdk8sistio.GatewayApiListenerAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const route of routes(ctx)) {
      for (const ref of arr(route.spec.parentRefs)) {
        if (!isRecord(ref) || (str(ref.kind) || 'Gateway') !== 'Gateway' || (ref.group !== undefined && str(ref.group) !== GROUP)) continue;
        const gateway = ctx.find(`Gateway.${GROUP}`, str(ref.namespace) || route.namespace, str(ref.name));
        if (!gateway) continue;
        const listeners = selectedListeners(gateway, ref);
        if (listeners.length === 0) continue;
        const hostnames = stringItems(route.spec.hostnames);
        const matching = listeners.filter((l) => !l.hostname || hostnames.length === 0 || hostnames.some((h) => hostMatches(h, str(l.hostname))));
        if (matching.length === 0) {
          ctx.report(this.name, 'CIS4004', FindingLevel.ERROR, route,
            `${route.kind} ${route.fullName} has hostnames ${hostnames.join(', ')}, which match no hostname of the listeners of Gateway ${gateway.fullName} it attaches to (${listeners.map((l) => `${str(l.name)}: ${str(l.hostname)}`).join(', ')}).`,
            'Route a host the listener serves, or add a listener for the host.');
          continue;
        }
        const reasons = matching.map((l) => notAllowed(ctx, route, gateway, l));
        if (reasons.every((r) => r !== undefined)) {
          ctx.report(this.name, 'CIS4005', FindingLevel.ERROR, route,
            `${route.kind} ${route.fullName} is not allowed by the listeners of Gateway ${gateway.fullName} it attaches to: ${reasons.join('; ')} (NotAllowedByListeners).`,
            'Put the route in an allowed namespace, or widen the listener\'s allowedRoutes.');
        }
      }
    }
  },
};

function notAllowed(ctx: AnalysisContext, route: Resource, gateway: Resource, listener: any): string | undefined {
  const name = str(listener.name);
  const allowed = listener.allowedRoutes ?? {};
  const kinds = arr(allowed.kinds);
  if (kinds.length > 0 ? !kinds.some((k) => str(k?.kind) === route.kind && (k.group === undefined || str(k.group) === GROUP))
    : !(PROTOCOL_KINDS[str(listener.protocol)] ?? []).includes(route.kind)) {
    return `listener ${name} (${str(listener.protocol)}) does not take ${route.kind}s`;
  }
  const from = str(allowed.namespaces?.from) || 'Same';
  if (from === 'Same' && route.namespace !== gateway.namespace) return `listener ${name} allows routes of namespace ${gateway.namespace} only`;
  if (from === 'Selector') {
    const namespace = ctx.find('Namespace', '', route.namespace);
    const selector = allowed.namespaces?.selector?.matchLabels;
    if (namespace && isRecord(selector) && !Object.entries(selector).every(([k, v]) => namespace.labels[k] === String(v))) {
      return `listener ${name} selects other namespaces than ${route.namespace}`;
    }
  }
  return undefined;
}

/**
 * CIS4006, Error: a host routed by both a mesh HTTPRoute (or GRPCRoute) and a mesh
 * VirtualService: Istio's behaviour is undefined when both apply to one host.
 */
export const mixedMeshRoutesAnalyzer: Analyzer = {
  name: 'cdk8sistio.MixedMeshRoutesAnalyzer',
  analyze(ctx: AnalysisContext) {
    const virtualServices = new Map<string, Resource>();
    for (const vs of ctx.all('VirtualService')) {
      const gateways = stringItems(vs.spec.gateways);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      for (const host of stringItems(vs.spec.hosts)) {
        const fqdn = host.includes('.') ? host : `${host}.${vs.namespace}.svc.cluster.local`;
        if (!virtualServices.has(fqdn)) virtualServices.set(fqdn, vs);
      }
    }
    if (virtualServices.size === 0) return;
    for (const route of [...ctx.all(`HTTPRoute.${GROUP}`), ...ctx.all(`GRPCRoute.${GROUP}`)]) {
      for (const ref of arr(route.spec.parentRefs)) {
        if (str(ref?.kind) !== 'Service' || str(ref?.group) !== '') continue;
        const host = `${str(ref.name)}.${str(ref.namespace) || route.namespace}.svc.cluster.local`;
        const vs = virtualServices.get(host);
        if (!vs) continue;
        ctx.report(this.name, 'CIS4006', FindingLevel.ERROR, route,
          `${route.kind} ${route.fullName} routes mesh traffic to ${host}, which VirtualService ${vs.fullName} routes too; Istio's behaviour is undefined when both apply to one host.`,
          'Route the host with one API: remove the VirtualService or the route.');
      }
    }
  },
};

export const GATEWAY_API_ROUTE_ANALYZERS: readonly Analyzer[] = [
  gatewayApiReferenceAnalyzer, gatewayApiReferenceGrantAnalyzer, gatewayApiListenerAnalyzer, mixedMeshRoutesAnalyzer,
];
