import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, str } from '../util';

const VERIFYING_MODES = new Set(['SIMPLE', 'MUTUAL']);

/** Client TLS without a CA to verify the server (IST0128, IST0129). */
export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('DestinationRule')) {
      const selected = r.spec.workloadSelector !== undefined && r.spec.workloadSelector !== null;
      const unverified = (tls: any) => tls && VERIFYING_MODES.has(str(tls.mode)) && !tls.caCertificates
        && !(tls.credentialName && selected);
      const tp = r.spec.trafficPolicy ?? {};
      if (unverified(tp.tls)) {
        ctx.report(this.name, 'IST0128', FindingLevel.WARNING, r,
          `TLS mode ${tp.tls.mode} towards ${str(r.spec.host)} has no caCertificates, so the server certificate is not verified.`,
          'Set tls.caCertificates (or a credentialName holding ca.crt together with a workloadSelector).');
      }
      for (const p of arr(tp.portLevelSettings)) {
        if (unverified(p?.tls)) {
          ctx.report(this.name, 'IST0129', FindingLevel.WARNING, r,
            `TLS mode ${p.tls.mode} towards ${str(r.spec.host)} port ${str(p?.port?.number)} has no caCertificates, so the server certificate is not verified.`,
            'Set tls.caCertificates on that port level setting.');
        }
      }
    }
  },
};

/** Deprecated fields (IST0002). */
export const deprecationAnalyzer: Analyzer = {
  name: 'deprecation.DeprecationAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('VirtualService')) {
      for (const http of arr(r.spec.http)) {
        if (http?.fault?.delay?.percent !== undefined) {
          ctx.report(this.name, 'IST0002', FindingLevel.WARNING, r, 'fault.delay.percent is deprecated.', 'Use fault.delay.percentage.value.');
        }
      }
    }
    for (const r of ctx.all('Sidecar')) {
      if (r.spec.outboundTrafficPolicy?.egressProxy !== undefined) {
        ctx.report(this.name, 'IST0002', FindingLevel.WARNING, r, 'outboundTrafficPolicy.egressProxy is deprecated and ignored.', 'Route egress through an egress gateway instead.');
      }
    }
    for (const r of ctx.all('CustomResourceDefinition')) {
      if (str(r.spec.group) === 'rbac.istio.io') {
        ctx.report(this.name, 'IST0002', FindingLevel.WARNING, r, `CRD of the removed rbac.istio.io kind ${str(r.spec.names?.kind)}.`, 'Use AuthorizationPolicy and delete this CRD.');
      }
    }
  },
};

const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);

/** EnvoyFilter patches that are ignored or fragile (IST0151..IST0155). */
export const envoyPatchAnalyzer: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  analyze(ctx: AnalysisContext) {
    const withProxyVersion = new Set<string>();
    const filters = [...ctx.all('EnvoyFilter')].sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
    for (const r of filters) {
      const priority = Number(r.spec.priority ?? 0);
      const relative = (instance: string) => {
        if (priority !== 0) return;
        if (withProxyVersion.has(instance)) {
          ctx.report(this.name, 'IST0155', FindingLevel.WARNING, r,
            'A relative patch without priority on a filter another EnvoyFilter matches by proxyVersion may not apply during upgrades.',
            'Set spec.priority, or use INSERT_FIRST/ADD.');
        } else {
          ctx.report(this.name, 'IST0151', FindingLevel.WARNING, r,
            'A relative patch operation without priority may be applied before the object it is relative to exists.',
            'Set spec.priority, or use INSERT_FIRST/ADD.');
        }
      };
      for (const cp of arr(r.spec.configPatches)) {
        if (!cp?.patch) break;
        let instance = '';
        const value = cp.patch.value;
        if (value && typeof value === 'object') {
          if (value.name !== undefined) instance = JSON.stringify(value.name);
          else if (cp.match?.listener?.filterChain) instance = str(cp.match.listener.filterChain.filter?.name);
        }
        const op = str(cp.patch.operation);
        const applyTo = str(cp.applyTo);
        if (op === 'ADD') {
          if (ROUTE_LEVEL.has(applyTo)) {
            ctx.report(this.name, 'IST0153', FindingLevel.ERROR, r, `ADD is ignored when applyTo is ${applyTo}.`, 'Use MERGE, or apply to VIRTUAL_HOST.');
          }
        } else if (op === 'REMOVE') {
          if (ROUTE_LEVEL.has(applyTo)) {
            ctx.report(this.name, 'IST0154', FindingLevel.ERROR, r, `REMOVE is ignored when applyTo is ${applyTo}.`, 'Remove the route through the VirtualService instead.');
          } else {relative(instance);}
        } else if (op === 'REPLACE') {
          if (applyTo !== 'NETWORK_FILTER' && applyTo !== 'HTTP_FILTER' && applyTo !== 'VIRTUAL_HOST') {
            ctx.report(this.name, 'IST0152', FindingLevel.ERROR, r, `REPLACE only works with HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, not ${applyTo || 'nothing'}.`, 'Use MERGE for other targets.');
          } else {relative(instance);}
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
          relative(instance);
        }
        if (arr(cp.match?.proxy?.proxyVersion).length !== 0 || (typeof cp.match?.proxy?.proxyVersion === 'string' && cp.match.proxy.proxyVersion !== '')) {
          withProxyVersion.add(instance);
        }
      }
    }
  },
};

function dnsAutoAllocate(ctx: AnalysisContext): boolean {
  const md = ctx.meshConfig.defaultConfig?.proxyMetadata ?? {};
  return md.ISTIO_META_DNS_CAPTURE === 'true' && md.ISTIO_META_DNS_AUTO_ALLOCATE === 'true';
}

/** ServiceEntries with TCP ports but no addresses (IST0134). */
export const serviceEntryAnalyzer: Analyzer = {
  name: 'serviceentry.Analyzer',
  analyze(ctx: AnalysisContext) {
    if (dnsAutoAllocate(ctx)) return;
    for (const r of ctx.all('ServiceEntry')) {
      if (r.spec.addresses !== undefined && r.spec.addresses !== null) continue;
      if (arr(r.obj.status?.addresses).length > 0) continue;
      for (const p of arr(r.spec.ports)) {
        const proto = str(p?.protocol);
        if (proto === '' || proto.toUpperCase() === 'TCP') {
          ctx.report(this.name, 'IST0134', FindingLevel.WARNING, r,
            `Port ${str(p?.number)} serves TCP but the ServiceEntry has no addresses; traffic to it cannot be told apart.`,
            'Set spec.addresses, or enable DNS capture with address auto-allocation.');
        }
      }
    }
  },
};

function selectorLess(r: Resource): boolean {
  const sel = r.spec.selector?.matchLabels;
  return (!sel || Object.keys(sel).length === 0) && !r.spec.targetRef && arr(r.spec.targetRefs).length === 0;
}

/** Access logging entries without providers while the mesh has no default (IST0157). */
export const telemetryProviderAnalyzer: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  analyze(ctx: AnalysisContext) {
    if (arr(ctx.meshConfig.defaultProviders?.accessLogging).length > 0) return;
    for (const r of ctx.all('Telemetry')) {
      for (const l of arr(r.spec.accessLogging)) {
        if (arr(l?.providers).length === 0 && l?.disabled !== true) {
          ctx.report(this.name, 'IST0157', FindingLevel.WARNING, r,
            `Telemetry ${r.name} in namespace ${r.namespace} configures access logging without providers and the mesh has no default; it is ignored.`,
            "Name a provider (e.g. 'envoy') or set meshConfig.defaultProviders.accessLogging.");
        }
      }
    }
  },
};

/** More than one selector-less Telemetry in a namespace (IST0160). */
export const telemetryDefaultSelectorAnalyzer: Analyzer = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  analyze(ctx: AnalysisContext) {
    const byNs = new Map<string, Resource[]>();
    for (const r of ctx.all('Telemetry')) {
      if (!selectorLess(r)) continue;
      byNs.set(r.namespace, [...(byNs.get(r.namespace) ?? []), r]);
    }
    for (const [ns, list] of byNs) {
      if (list.length < 2) continue;
      for (const r of list) {
        ctx.report(this.name, 'IST0160', FindingLevel.ERROR, r,
          `Telemetries ${list.map((t) => t.name).join(', ')} in namespace ${ns} all lack a workload selector; which one applies is undefined.`,
          'Merge them into one namespace-wide Telemetry.');
      }
    }
  },
};

/** Tracing through the deprecated Lightstep provider (IST0002). */
export const telemetryLightstepAnalyzer: Analyzer = {
  name: 'telemetry.LightstepAnalyzer',
  analyze(ctx: AnalysisContext) {
    const lightstep = new Set(arr(ctx.meshConfig.extensionProviders).filter((p: any) => p?.lightstep).map((p: any) => str(p.name)));
    if (lightstep.size === 0) return;
    for (const r of ctx.all('Telemetry')) {
      for (const t of arr(r.spec.tracing)) {
        for (const p of arr(t?.providers)) {
          if (lightstep.has(str(p?.name))) {
            ctx.report(this.name, 'IST0002', FindingLevel.WARNING, r, `Tracing provider '${str(p.name)}' is Lightstep, which is deprecated.`, 'Use an OpenTelemetry provider.');
          }
        }
      }
    }
  },
};
