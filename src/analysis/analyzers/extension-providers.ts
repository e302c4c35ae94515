import { definedProviders, providerProblem, ProviderUse } from '../../mesh/provider-kinds';
import { AnalysisContext, Analyzer } from '../context';
import { FindingLevel } from '../finding';
import { arr, str } from '../util';

const TELEMETRY_SECTIONS: ReadonlyArray<[string, ProviderUse]> = [['tracing', 'tracing'], ['accessLogging', 'accessLogging'], ['metrics', 'metrics']];

/**
 * CIS2007, Error: a Telemetry provider, or a CUSTOM AuthorizationPolicy's provider, that the mesh
 * config does not define (nor Istio's built-ins `prometheus`, `envoy`, `stackdriver`), or that is
 * of the wrong kind (an access-log sink named for tracing). istiod accepts the object and skips
 * the provider: no spans, logs or checks happen, which users find out only by their absence.
 *
 * Runs only when a mesh config is given (`--mesh-config`, or the app's MeshConfig at synth):
 * without it the cluster's providers are unknown.
 */
export const extensionProviderAnalyzer: Analyzer = {
  name: 'cdk8sistio.ExtensionProviderAnalyzer',
  analyze(ctx: AnalysisContext) {
    if (Object.keys(ctx.meshConfig).length === 0) return;
    const defined = definedProviders(ctx.meshConfig.extensionProviders);
    const check = (r: Parameters<AnalysisContext['report']>[3], property: string, name: string, use: ProviderUse) => {
      const problem = providerProblem(name, use, defined, 'the mesh config',
        `Define '${name}' in meshConfig.extensionProviders (MeshConfig.addExtensionProvider), or name a known provider.`);
      if (problem) ctx.report(this.name, 'CIS2007', FindingLevel.ERROR, r, `${property} '${name}' ${problem.rule}.`, problem.hint);
    };
    for (const r of ctx.all('Telemetry')) {
      for (const [section, use] of TELEMETRY_SECTIONS) {
        arr(r.spec[section]).forEach((entry: any, i: number) => {
          arr(entry?.providers).forEach((p: any, j: number) => {
            const name = str(p?.name);
            if (name) check(r, `spec.${section}[${i}].providers[${j}].name`, name, use);
          });
        });
      }
    }
    for (const r of ctx.all('AuthorizationPolicy')) {
      const name = str(r.spec.provider?.name);
      if (str(r.spec.action) === 'CUSTOM' && name) check(r, 'spec.provider.name', name, 'authorization');
    }
  },
};
