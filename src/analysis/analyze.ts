import { celValidator, schemaValidator } from './admission/admission-analyzers';
import { AnalysisCheck } from './analysis-check';
import { alphaAnnotationsAnalyzer, k8sAnnotationsAnalyzer } from './analyzers/annotations';
import { APP_ANALYZERS } from './analyzers/app-checks';
import { authorizationPoliciesAnalyzer } from './analyzers/authorization-policies';
import {
  blockedCidrsAnalyzer, conditionAnalyzer, externalControlPlaneAnalyzer, sidecarSelectorAnalyzer, telemetrySelectorAnalyzer,
} from './analyzers/cluster-state';
import { subsetSelectPodAnalyzer } from './analyzers/destination-rule-pods';
import { extensionProviderAnalyzer } from './analyzers/extension-providers';
import { certificateAnalyzer, conflictingGatewayAnalyzer, ingressGatewayPortAnalyzer } from './analyzers/gateway';
import { GATEWAY_API_ROUTE_ANALYZERS } from './analyzers/gateway-api-routes';
import { gatewaySecretAnalyzer } from './analyzers/gateway-secret';
import { imageAnalyzer, imageAutoAnalyzer, injectionAnalyzer } from './analyzers/injection';
import { jwtClaimRouteAnalyzer } from './analyzers/jwt-claim-route';
import { k8sGatewayCrdVersionAnalyzer, k8sGatewaySelectorAnalyzer } from './analyzers/k8s-gateway';
import { meshNetworksAnalyzer } from './analyzers/mesh-networks';
import {
  caCertificateAnalyzer, deprecationAnalyzer, envoyPatchAnalyzer, serviceEntryAnalyzer,
  telemetryDefaultSelectorAnalyzer, telemetryLightstepAnalyzer, telemetryProviderAnalyzer,
} from './analyzers/policies';
import { virtualServiceSchemaAnalyzer } from './analyzers/route-rules';
import {
  conflictingMeshGatewayHostsAnalyzer, destinationHostAnalyzer, destinationRuleAnalyzer, gatewayRefAnalyzer,
} from './analyzers/virtual-service';
import { webhookAnalyzer } from './analyzers/webhook';
import { applicationUidAnalyzer, multiServiceAnalyzer, portNameAnalyzer } from './analyzers/workloads';
import { yamlDecodingAnalyzer } from './analyzers/yaml-decoding';
import { AnalysisContext, Analyzer, isListObject, isRecord, Manifest, Resource } from './context';
import { DEFAULT_RESOURCES_SOURCE, defaultResources } from './default-resources';
import { Finding, FindingLevel } from './finding';
import { ISTIOD_VALIDATION_ANALYZERS } from './istiod/validation-analyzer';

/** Every analyzer, in the order findings are reported. */
export const ANALYZERS: readonly Analyzer[] = [
  // Admission first: what the API server would reject or drop comes before what istiod would make of it.
  schemaValidator,
  celValidator,
  // Values the API server's YAML 1.1 decoding makes booleans or numbers where strings are required (CIS1003).
  yamlDecodingAnalyzer,
  k8sAnnotationsAnalyzer,
  alphaAnnotationsAnalyzer,
  applicationUidAnalyzer,
  caCertificateAnalyzer,
  deprecationAnalyzer,
  envoyPatchAnalyzer,
  multiServiceAnalyzer,
  portNameAnalyzer,
  serviceEntryAnalyzer,
  certificateAnalyzer,
  conflictingGatewayAnalyzer,
  telemetryProviderAnalyzer,
  telemetryDefaultSelectorAnalyzer,
  telemetryLightstepAnalyzer,
  // Ours (CIS2007), beside istioctl's Telemetry checks: providers the mesh config does not define.
  extensionProviderAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  gatewayRefAnalyzer,
  // istiod's validating webhook (IST0106/IST0133), then the VirtualService rule warnings (IST0130/IST0131).
  ...ISTIOD_VALIDATION_ANALYZERS,
  virtualServiceSchemaAnalyzer,
  // Checks istioctl runs against a cluster; they use the state present in the files.
  ingressGatewayPortAnalyzer,
  conditionAnalyzer,
  blockedCidrsAnalyzer,
  externalControlPlaneAnalyzer,
  sidecarSelectorAnalyzer,
  telemetrySelectorAnalyzer,
  subsetSelectPodAnalyzer,
  injectionAnalyzer,
  imageAnalyzer,
  imageAutoAnalyzer,
  gatewaySecretAnalyzer,
  authorizationPoliciesAnalyzer,
  k8sGatewaySelectorAnalyzer,
  k8sGatewayCrdVersionAnalyzer,
  jwtClaimRouteAnalyzer,
  webhookAnalyzer,
  meshNetworksAnalyzer,
  // Checks istioctl lacks.
  ...APP_ANALYZERS,
  ...GATEWAY_API_ROUTE_ANALYZERS,
];

export interface AnalyzeInput {
  /** Parsed manifests; `kind: List` objects are expanded. */
  readonly manifests: readonly Manifest[];
  /** MeshConfig (the `mesh` key of the istio ConfigMap). */
  readonly meshConfig?: Manifest;
  /** MeshNetworks (the `meshNetworks` key of the istio ConfigMap); the multicluster checks need it. */
  readonly meshNetworks?: Manifest;
  /** Where each manifest came from, for messages. */
  readonly sources?: readonly (string | undefined)[];
  /** The groups of checks to run (default: all). */
  readonly checks?: readonly AnalysisCheck[];
  /**
   * Add the ingress gateway Pod and Service that `istioctl analyze --use-kube=false` assumes
   * (see default-resources.ts); objects the manifests define themselves win (default: true).
   */
  readonly defaultResources?: boolean;

  /**
   * Skip an analyzer that fails on input with schema errors (see runAnalyzer); off in the tests
   * that look for analyzers failing on input of the wrong shapes (default: true).
   * @internal
   */
  readonly guarded?: boolean;
}

/** Flattens `kind: List` and drops empty YAML documents. */
export function expandLists(manifests: readonly Manifest[], sources?: readonly (string | undefined)[]): Resource[] {
  const out: Resource[] = [];
  manifests.forEach((m, i) => {
    if (!isRecord(m)) return;
    if (isListObject(m)) {
      for (const item of Array.isArray(m.items) ? m.items : []) if (isRecord(item)) out.push(new Resource(item, sources?.[i]));
      return;
    }
    out.push(new Resource(m, sources?.[i]));
  });
  return out;
}

/** Runs every analyzer over the objects; findings come back in a stable order. */
export function analyzeManifests(input: AnalyzeInput): Finding[] {
  const resources = expandLists(input.manifests, input.sources);
  const meshConfig = input.meshConfig ?? {};
  if (input.defaultResources ?? true) {
    for (const m of defaultResources(meshConfig)) {
      const d = new Resource(m, DEFAULT_RESOURCES_SOURCE);
      // A manifest defining the same object (the real gateway Service, or istioctl's placeholders) replaces it.
      if (!resources.some((r) => r.key === d.key && r.namespace === d.namespace && r.name === d.name)) resources.push(d);
    }
  }
  const ctx = new AnalysisContext(resources, meshConfig, input.meshNetworks);
  const checks = new Set(input.checks ?? Object.values(AnalysisCheck));
  for (const a of ANALYZERS) if (checks.has(a.check ?? AnalysisCheck.ISTIOCTL)) runAnalyzer(a, ctx, input.guarded ?? true);
  return withoutSuppressed(ctx.findings, resources);
}

/**
 * Analyzers read objects in the shapes the API server admits. An object it rejects can hold a
 * shape none expects (e.g. `runAsUser: {valueOf: 1, toString: 1}`): the analyzer that stumbles on it stops and
 * says so in a finding (CIS1004), the other analyzers run and the report stays whole.
 */
function runAnalyzer(a: Analyzer, ctx: AnalysisContext, guarded: boolean): void {
  if (!guarded) return a.analyze(ctx);
  try {
    a.analyze(ctx);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    ctx.findings.push({
      code: 'CIS1004',
      level: FindingLevel.WARNING,
      analyzer: a.name,
      resource: { kind: 'Analyzer', name: a.name },
      message: `${a.name} stopped on a value of a shape the API server would not admit (${e.message}); its checks are missing from this report.`,
      fix: 'Fix the values the other findings name; if none does, report this with the input.',
    });
  }
}

/** The annotation with which an object accepts findings about itself, as istioctl honours it: `IST0118,IST0103` or `*`. */
const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/** Drops the findings each object's analyze-suppress annotation accepts. */
function withoutSuppressed(findings: Finding[], resources: readonly Resource[]): Finding[] {
  const accepted = new Map<string, string[]>();
  for (const r of resources) {
    const codes = r.annotations[SUPPRESS_ANNOTATION];
    if (typeof codes === 'string') accepted.set(`${r.kind}|${r.declaredNamespace}|${r.name}`, codes.split(',').map((c) => c.trim()));
  }
  if (accepted.size === 0) return findings;
  return findings.filter((f) => {
    const codes = accepted.get(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`);
    return !(codes && (codes.includes('*') || codes.includes(f.code)));
  });
}
