import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, isSystemNamespace, str, Workload, workloads } from '../util';
import { parseYamlValue } from '../yaml-input';

/*
 * Sidecar injection as the files describe it. The cluster state these checks need is the
 * Namespace objects (their labels decide injection), the injector ConfigMaps and the
 * MutatingWebhookConfigurations: without them every check here stays silent, so apps that only
 * synthesize Istio config are never reported.
 */

const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';
const DATAPLANE_LABEL = 'istio.io/dataplane-mode';
const INJECT_KEY = 'sidecar.istio.io/inject';
const ISTIO_NAMESPACE = 'istio-system';

/** The injection a Namespace asks for: the revision whose injector serves it, or undefined when none. */
function namespaceRevision(ns: Resource): string | undefined {
  const legacy = ns.labels[INJECTION_LABEL];
  const rev = ns.labels[REVISION_LABEL];
  if (legacy === 'disabled' || ns.labels[DATAPLANE_LABEL] === 'ambient') return undefined;
  if (rev !== undefined) return legacy === undefined ? rev : undefined;
  return legacy === 'enabled' ? 'default' : undefined;
}

/** Namespaces (by name) in which the injector adds a sidecar, with the revision serving them. */
function injectedNamespaces(ctx: AnalysisContext): Map<string, string> {
  return ctx.cached('injectedNamespaces', () => {
    const m = new Map<string, string>();
    for (const ns of ctx.all('Namespace')) {
      if (ns.name === ISTIO_NAMESPACE || isSystemNamespace(ns.name)) continue;
      const rev = namespaceRevision(ns);
      if (rev !== undefined) m.set(ns.name, rev);
    }
    return m;
  });
}

/** Whether the pod opts out of injection (label or annotation `sidecar.istio.io/inject: "false"`). */
function optsOut(w: Workload): boolean {
  return w.labels[INJECT_KEY] === 'false' || w.annotations[INJECT_KEY] === 'false';
}

/** The istio-proxy container of a pod (a regular container, or an init container for native sidecars). */
function proxyContainer(podSpec: any): any {
  return [...arr(podSpec?.containers), ...arr(podSpec?.initContainers)].find((c: any) => c?.name === 'istio-proxy');
}

/** The parsed `values` of an injector ConfigMap, or undefined when unreadable. */
function injectorValues(cm: Resource | undefined): any {
  const text = cm?.obj.data?.values;
  if (typeof text !== 'string') return undefined;
  try {
    const v = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function injectorConfigMap(ctx: AnalysisContext, revision: string): Resource | undefined {
  const name = revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
  return ctx.find('ConfigMap', ISTIO_NAMESPACE, name);
}

/**
 * Namespaces without injection labels (IST0102, or IST0148 when the injector enables namespaces by
 * default), namespaces mixing injection labels (IST0123), and Pods in injected namespaces that run
 * without a proxy (IST0103).
 */
export const injectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  analyze(ctx: AnalysisContext) {
    const byDefault = injectorValues(injectorConfigMap(ctx, 'default'))?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
    for (const ns of ctx.all('Namespace')) {
      if (ns.name === ISTIO_NAMESPACE || isSystemNamespace(ns.name)) continue;
      const legacy = ns.labels[INJECTION_LABEL];
      const rev = ns.labels[REVISION_LABEL];
      const ambient = ns.labels[DATAPLANE_LABEL] === 'ambient';
      const legacyOn = legacy !== undefined && legacy !== 'disabled';
      const modes = [legacyOn && `${INJECTION_LABEL}=${legacy}`, rev !== undefined && legacy !== 'disabled' && `${REVISION_LABEL}=${rev}`,
        ambient && `${DATAPLANE_LABEL}=ambient`].filter((m): m is string => !!m);
      if (modes.length > 1) {
        ctx.report(this.name, 'IST0123', FindingLevel.WARNING, ns,
          `Namespace ${ns.name} carries more than one way to join the mesh (${modes.join(', ')}); which one applies is not what you might expect.`,
          `Keep one of ${INJECTION_LABEL}, ${REVISION_LABEL} and ${DATAPLANE_LABEL}.`);
        continue;
      }
      if (legacy !== undefined || rev !== undefined || ambient) continue;
      if (byDefault) {
        ctx.report(this.name, 'IST0148', FindingLevel.INFO, ns,
          `Namespace ${ns.name} has no injection label; the injector is configured to inject every such namespace, so its pods get sidecars.`,
          `Label it ${INJECTION_LABEL}=disabled if its pods should stay out of the mesh.`);
      } else {
        ctx.report(this.name, 'IST0102', FindingLevel.INFO, ns,
          `Namespace ${ns.name} has no injection label; its pods run without sidecars.`,
          `Label it ${INJECTION_LABEL}=enabled (or ${REVISION_LABEL}=<revision>, or ${DATAPLANE_LABEL}=ambient) to add it to the mesh.`);
      }
    }
    const injected = injectedNamespaces(ctx);
    if (injected.size === 0) return;
    // Pod templates are not injected yet (the webhook adds the proxy at admission): only Pods count here.
    for (const w of workloads(ctx, false)) {
      if (!injected.has(w.namespace) || optsOut(w) || w.podSpec?.hostNetwork === true || proxyContainer(w.podSpec)) continue;
      ctx.report(this.name, 'IST0103', FindingLevel.WARNING, w.resource,
        `Pod ${w.resource.name} runs without the istio-proxy sidecar although namespace ${w.namespace} has injection enabled.`,
        'Restart the pod so the injector adds the sidecar, or opt it out with sidecar.istio.io/inject: "false".');
    }
  },
};

/** The `imageType` (variant) a ProxyConfig or `proxy.istio.io/config` annotation asks for. */
function imageTypeOf(config: any): string | undefined {
  const t = config?.image?.imageType;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function annotationImageType(w: Workload): string | undefined {
  const text = w.annotations['proxy.istio.io/config'];
  if (!text) return undefined;
  try {
    return imageTypeOf(parseYamlValue(text));
  } catch {
    return undefined;
  }
}

/**
 * Injected proxies whose image differs from the one the namespace's injector would inject now
 * (IST0158), reported once per namespace: those pods need a restart to pick up the current proxy.
 */
export const imageAnalyzer: Analyzer = {
  name: 'injection.ImageAnalyzer',
  analyze(ctx: AnalysisContext) {
    const injected = injectedNamespaces(ctx);
    if (injected.size === 0) return;
    const expected = new Map<string, string | undefined>();
    const imageOf = (rev: string) => {
      if (!expected.has(rev)) {
        const g = injectorValues(injectorConfigMap(ctx, rev))?.global;
        const image = str(g?.proxy?.image);
        expected.set(rev, !image ? undefined : image.includes('/') ? image : `${str(g?.hub)}/${image}:${str(g?.tag)}`);
      }
      return expected.get(rev);
    };
    // ProxyConfigs by namespace: the namespace-wide one, and the ones selecting workloads.
    const proxyConfigs = new Map<string, Resource[]>();
    for (const pc of ctx.all('ProxyConfig')) {
      let l = proxyConfigs.get(pc.namespace);
      if (!l) proxyConfigs.set(pc.namespace, (l = []));
      l.push(pc);
    }
    const configuredType = (w: Workload): string | undefined => {
      const fromAnnotation = annotationImageType(w);
      if (fromAnnotation) return fromAnnotation;
      const local = proxyConfigs.get(w.namespace) ?? [];
      const selecting = local.find((pc) => {
        const sel = pc.spec.selector?.matchLabels;
        return isRecord(sel) && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => w.labels[k] === String(v));
      });
      const namespaceWide = local.find((pc) => !isRecord(pc.spec.selector?.matchLabels) || Object.keys(pc.spec.selector.matchLabels).length === 0);
      const root = (proxyConfigs.get(ISTIO_NAMESPACE) ?? []).find((pc) => !isRecord(pc.spec.selector?.matchLabels));
      return imageTypeOf(selecting?.spec) ?? imageTypeOf(namespaceWide?.spec) ?? imageTypeOf(root?.spec) ?? imageTypeOf(ctx.meshConfig.defaultConfig);
    };
    const stale = new Map<string, string[]>();
    for (const w of workloads(ctx)) {
      const rev = injected.get(w.namespace);
      if (rev === undefined || w.annotations['sidecar.istio.io/proxyImage']) continue;
      const image = str(proxyContainer(w.podSpec)?.image);
      const want = imageOf(rev);
      if (!image || image === 'auto' || !want || image === want) continue;
      const variant = configuredType(w);
      if (variant && variant !== 'default' && image === `${want}-${variant}`) continue;
      let l = stale.get(w.namespace);
      if (!l) stale.set(w.namespace, (l = []));
      l.push(`${w.resource.name} (${image})`);
    }
    for (const [name, list] of stale) {
      const ns = ctx.find('Namespace', '', name);
      if (!ns) continue;
      ctx.report(this.name, 'IST0158', FindingLevel.WARNING, ns,
        `${list.length} workload(s) in namespace ${name} run a proxy image other than the injector's ${imageOf(injected.get(name)!)}: ${list.join(', ')}.`,
        'Restart them so they are injected with the current proxy.');
    }
  },
};

/** Kubernetes label selector semantics (matchLabels and matchExpressions); an absent selector matches everything. */
export function labelSelectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  for (const e of arr(selector.matchExpressions)) {
    const key = str(e?.key);
    const values = arr(e?.values).map(String);
    const has = key in labels;
    switch (e?.operator) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * `image: auto` proxies: on a Pod it means the injector never ran (IST0147); on a pod template it
 * is only replaced when an Istio injection webhook matches the pod (IST0146). The webhook check
 * needs the MutatingWebhookConfigurations in the files.
 */
export const imageAutoAnalyzer: Analyzer = {
  name: 'injection.ImageAutoAnalyzer',
  analyze(ctx: AnalysisContext) {
    const hooks = ctx.all('MutatingWebhookConfiguration').flatMap((m) => arr(m.obj.webhooks).filter((h: any) => str(h?.name).endsWith('istio.io')));
    const webhooksKnown = ctx.all('MutatingWebhookConfiguration').length > 0;
    for (const w of workloads(ctx)) {
      if (str(proxyContainer(w.podSpec)?.image) !== 'auto') continue;
      if (!w.fromTemplate) {
        ctx.report(this.name, 'IST0147', FindingLevel.ERROR, w.resource,
          `Pod ${w.resource.name} runs an istio-proxy with image 'auto': the injector never replaced it, so the pod cannot start.`,
          'Enable injection for the pod (namespace label or sidecar.istio.io/inject: "true") and recreate it.');
        continue;
      }
      if (w.resource.kind !== 'Deployment' || !webhooksKnown) continue;
      const nsLabels = ctx.find('Namespace', '', w.namespace)?.labels ?? {};
      const matched = hooks.some((h: any) => labelSelectorMatches(h.namespaceSelector, nsLabels) && labelSelectorMatches(h.objectSelector, w.labels));
      if (matched) continue;
      ctx.report(this.name, 'IST0146', FindingLevel.WARNING, w.resource,
        `Deployment ${w.resource.name} uses an istio-proxy with image 'auto', but no Istio injection webhook matches its pods in namespace ${w.namespace}.`,
        'Enable injection for its namespace or pod template, or set a real proxy image.');
    }
  },
};
