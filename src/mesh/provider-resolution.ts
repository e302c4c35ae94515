import { IConstruct } from 'constructs';
import { MeshConfig } from './mesh-config';
import { providerProblem, ProviderUse } from './provider-kinds';
import { pathOf, ValidationError } from '../core/validation-error';

/** A factory to suggest, per use, when a provider name is unknown. */
const EXAMPLE_FACTORY: Readonly<Record<ProviderUse, string>> = {
  tracing: 'openTelemetry',
  accessLogging: 'envoyOtelAccessLog',
  metrics: 'openTelemetry',
  authorization: 'envoyExtAuthzHttp',
};

/**
 * The synth error for a provider name (a Telemetry section's, a CUSTOM AuthorizationPolicy's)
 * that neither the app's MeshConfig nor Istio's built-ins define for `use`; undefined when it
 * resolves. Internal: read at synth, when every construct of the app exists.
 */
export function providerNameError(scope: IConstruct, property: string, name: string, use: ProviderUse): string | undefined {
  const config = MeshConfig.of(scope);
  const defined = config?._definedProviders() ?? new Map<string, string>();
  const howToDefine = config
    ? `Define '${name}' in MeshConfig '${config.node.path}' (addExtensionProvider), or name a known provider.`
    : use === 'metrics'
      ? 'Name a known provider (this app declares no MeshConfig).'
      : 'This app declares no MeshConfig: define the provider in one, e.g. new MeshConfig(app, \'mesh-config\', '
        + `{ extensionProviders: [ExtensionProvider.${EXAMPLE_FACTORY[use]}('${name}', { service: ..., port: ... })] }).`;
  const problem = providerProblem(name, use, defined, config ? "the app's MeshConfig" : 'the MeshConfig', howToDefine);
  return problem ? new ValidationError(pathOf(scope), property, problem.rule, name, problem.hint).message : undefined;
}
