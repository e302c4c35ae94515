/**
 * What each kind of MeshConfig extension provider can be used for, and how a provider name is
 * resolved: shared by the constructs (synth errors) and the analysis (`--mesh-config` findings),
 * so both say the same thing. Internal: not part of the jsii API.
 */

/** Where a provider is named: a Telemetry section, or a CUSTOM AuthorizationPolicy. */
export type ProviderUse = 'tracing' | 'accessLogging' | 'metrics' | 'authorization';

/** The uses of each provider kind (the wire key of its `extensionProviders` entry), from istio/api `mesh/v1alpha1/config.proto`. */
const USES_BY_KIND: Readonly<Record<string, readonly ProviderUse[]>> = {
  opentelemetry: ['tracing'],
  zipkin: ['tracing'],
  datadog: ['tracing'],
  skywalking: ['tracing'],
  lightstep: ['tracing'],
  opencensus: ['tracing'],
  stackdriver: ['tracing', 'metrics', 'accessLogging'],
  prometheus: ['metrics'],
  envoyFileAccessLog: ['accessLogging'],
  envoyOtelAls: ['accessLogging'],
  envoyHttpAls: ['accessLogging'],
  envoyTcpAls: ['accessLogging'],
  envoyExtAuthzHttp: ['authorization'],
  envoyExtAuthzGrpc: ['authorization'],
};

/**
 * The providers istiod defines whatever the mesh config says (`pkg/config/mesh/mesh.go`): name -> kind.
 * A mesh-config provider with the same name replaces the built-in one.
 */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, string>> = {
  envoy: 'envoyFileAccessLog',
  prometheus: 'prometheus',
  stackdriver: 'stackdriver',
};

const USE_NOUN: Readonly<Record<ProviderUse, string>> = {
  tracing: 'a tracing provider',
  accessLogging: 'an access-logging provider',
  metrics: 'a metrics provider',
  authorization: 'an ext-authz provider (envoyExtAuthzHttp or envoyExtAuthzGrpc)',
};

const USE_TITLE: Readonly<Record<ProviderUse, string>> = {
  tracing: 'Tracing',
  accessLogging: 'Access-logging',
  metrics: 'Metrics',
  authorization: 'Ext-authz',
};

/** True when a provider of `kind` can serve `use`. */
export function kindServes(kind: string, use: ProviderUse): boolean {
  return (USES_BY_KIND[kind] ?? []).includes(use);
}

/** The kind of a wire `extensionProviders` entry: its one key besides `name`. */
export function kindOfWireProvider(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  return Object.keys(entry).find((k) => k !== 'name');
}

/** Name -> kind of the providers a mesh config (wire form) defines. */
export function definedProviders(extensionProviders: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of Array.isArray(extensionProviders) ? extensionProviders : []) {
    const name = (entry as { name?: unknown })?.name;
    const kind = kindOfWireProvider(entry);
    if (typeof name === 'string' && kind !== undefined) out.set(name, kind);
  }
  return out;
}

/** Why a provider name does not resolve, as the rule and hint parts of an error; undefined when it does. */
export interface ProviderProblem {
  /** Follows the property name: "must name ...". */
  readonly rule: string;
  /** What the user can do, listing the providers known. */
  readonly hint: string;
}

/**
 * Resolves `name` for `use` against the providers a mesh config defines (`defined`, name -> kind)
 * and the built-ins. `source` names where providers are defined ("the app's MeshConfig", "the
 * mesh config"); `howToDefine` ends the hint when the name is unknown.
 */
export function providerProblem(
  name: string, use: ProviderUse, defined: ReadonlyMap<string, string>, source: string, howToDefine: string,
): ProviderProblem | undefined {
  const kind = defined.get(name) ?? BUILT_IN_PROVIDERS[name];
  if (kind === undefined) {
    return {
      rule: `must name an extension provider of ${source} or a built-in one`,
      hint: `Known providers: ${knownProviders(defined)}. ${howToDefine}`,
    };
  }
  if (kindServes(kind, use)) return undefined;
  const what = defined.has(name) ? `a provider of kind ${kind}` : `the built-in provider of kind ${kind}`;
  const suitable = [...allProviders(defined)].filter(([, k]) => kindServes(k, use)).map(([n]) => `'${n}'`);
  return {
    rule: `must name ${USE_NOUN[use]}, but '${name}' is ${what}`,
    hint: `${USE_TITLE[use]} providers known: ${suitable.length > 0 ? suitable.join(', ') : 'none'}. ${howToDefine}`,
  };
}

/** Every provider known, by name: the built-ins, replaced or joined by the defined ones. */
function allProviders(defined: ReadonlyMap<string, string>): Map<string, string> {
  const all = new Map<string, string>(Object.entries(BUILT_IN_PROVIDERS));
  for (const [name, kind] of defined) all.set(name, kind);
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `'envoy' (built-in envoyFileAccessLog), 'otel' (opentelemetry), ...` */
function knownProviders(defined: ReadonlyMap<string, string>): string {
  return [...allProviders(defined)]
    .map(([name, kind]) => `'${name}' (${defined.has(name) ? kind : `built-in ${kind}`})`)
    .join(', ');
}
