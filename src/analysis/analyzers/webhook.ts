import { labelSelectorMatches } from './injection';
import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { isDefaultResource } from '../default-resources';
import { FindingLevel } from '../finding';
import { arr, str } from '../util';

interface Hook {
  readonly config: Resource;
  readonly name: string;
  readonly hook: any;
}

/** Every label set worth trying for the keys of some selectors: each value they name, absent, and an unnamed value. */
function labelSets(selectors: readonly any[], limit: number): Record<string, string>[] {
  const values = new Map<string, Set<string>>();
  for (const s of selectors) {
    if (!isRecord(s)) continue;
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) values.set(k, (values.get(k) ?? new Set()).add(String(v)));
    for (const e of arr(s.matchExpressions)) {
      const set = values.get(str(e?.key)) ?? new Set<string>();
      for (const v of arr(e?.values)) set.add(String(v));
      values.set(str(e?.key), set);
    }
  }
  let sets: Record<string, string>[] = [{}];
  for (const [key, vals] of values) {
    const next: Record<string, string>[] = [];
    for (const base of sets) {
      next.push(base);
      for (const v of [...vals, '\u0000other']) next.push({ ...base, [key]: v });
    }
    // Istio's injector webhooks use a handful of keys; stop growing on pathological input.
    if (next.length > limit) break;
    sets = next;
  }
  return sets;
}

/**
 * Istio's sidecar injector webhooks (IST0139): two webhooks that both match some pod inject it
 * twice, and a webhook whose service is missing fails every pod it matches. Needs the
 * MutatingWebhookConfigurations in the files; the service check also needs Services of that namespace.
 */
export const webhookAnalyzer: Analyzer = {
  name: 'webhook.Analyzer',
  analyze(ctx: AnalysisContext) {
    const hooks: Hook[] = [];
    for (const config of ctx.all('MutatingWebhookConfiguration')) {
      for (const hook of arr(config.obj.webhooks)) {
        const name = str(hook?.name);
        if (name.endsWith('sidecar-injector.istio.io')) hooks.push({ config, name, hook });
      }
    }
    if (hooks.length === 0) return;
    // Namespaces whose Services the files declare (istioctl's placeholder gateway Service aside).
    const serviceNamespaces = new Set(ctx.all('Service').filter((s) => !isDefaultResource(s)).map((s) => s.namespace));
    for (const h of hooks) {
      const svc = h.hook.clientConfig?.service;
      if (!isRecord(svc)) continue;
      const ns = str(svc.namespace);
      if (!serviceNamespaces.has(ns) || ctx.find('Service', ns, str(svc.name))) continue;
      ctx.report(this.name, 'IST0139', FindingLevel.ERROR, h.config,
        `Webhook ${h.name} of ${h.config.name} calls Service ${ns}/${str(svc.name)}, which does not exist; pods it matches cannot be created.`,
        'Point the webhook at the istiod Service of its revision.');
    }
    const namespaceSets = labelSets(hooks.map((h) => h.hook.namespaceSelector), 4096);
    const objectSets = labelSets(hooks.map((h) => h.hook.objectSelector), 4096);
    const overlapping = new Map<Hook, Set<Hook>>();
    for (const nsLabels of namespaceSets) {
      for (const objLabels of objectSets) {
        const matching = hooks.filter((h) => labelSelectorMatches(h.hook.namespaceSelector, nsLabels)
          && labelSelectorMatches(h.hook.objectSelector, objLabels));
        if (matching.length < 2) continue;
        for (const h of matching) {
          const set = overlapping.get(h) ?? new Set<Hook>();
          for (const o of matching) if (o !== h) set.add(o);
          overlapping.set(h, set);
        }
      }
    }
    for (const [h, others] of overlapping) {
      ctx.report(this.name, 'IST0139', FindingLevel.ERROR, h.config,
        `Webhook ${h.name} of ${h.config.name} matches the same pods as ${[...others].map((o) => `${o.name} of ${o.config.name}`).join(', ')}; those pods would be injected twice.`,
        'Make the namespace and object selectors of the injector webhooks disjoint (one revision per pod).');
    }
  },
};
