import { celValidator, schemaValidator } from './admission/admission-analyzers';
import { AnalysisCheck } from './analysis-check';
import { alphaAnnotationsAnalyzer, k8sAnnotationsAnalyzer } from './analyzers/annotations';
import { APP_ANALYZERS } from './analyzers/app-checks';
import { authorizationPoliciesAnalyzer } from './analyzers/authorization-policies';
import {
  blockedCidrsAnalyzer, conditionAnalyzer, externalControlPlaneAnalyzer, sidecarSelectorAnalyzer, telemetrySelectorAnalyzer,
} from './analyzers/cluster-state';
import { subsetSelectPodAnalyzer } from './analyzers/destination-rule-pods';
import { certificateAnalyzer, conflictingGatewayAnalyzer, ingressGatewayPortAnalyzer } from './analyzers/gateway';
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
import { AnalysisContext, Analyzer, isRecord, Manifest, Resource } from './context';
import { Finding } from './finding';
import { ISTIOD_VALIDATION_ANALYZERS } from './istiod/validation-analyzer';

/** Every analyzer, in the order findings are reported. */
export const ANALYZERS: readonly Analyzer[] = [
  // Admission first: what the API server would reject or drop comes before what istiod would make of it.
  schemaValidator,
  celValidator,
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
}

/** Flattens `kind: List` and drops empty YAML documents. */
export function expandLists(manifests: readonly Manifest[], sources?: readonly (string | undefined)[]): Resource[] {
  const out: Resource[] = [];
  manifests.forEach((m, i) => {
    if (!isRecord(m)) return;
    if (m.kind === 'List' || (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items))) {
      for (const item of m.items ?? []) if (isRecord(item)) out.push(new Resource(item, sources?.[i]));
      return;
    }
    out.push(new Resource(m, sources?.[i]));
  });
  return out;
}

/** Runs every analyzer over the objects; findings come back in a stable order. */
export function analyzeManifests(input: AnalyzeInput): Finding[] {
  const resources = expandLists(input.manifests, input.sources);
  const ctx = new AnalysisContext(resources, input.meshConfig ?? {}, input.meshNetworks);
  const checks = new Set(input.checks ?? Object.values(AnalysisCheck));
  for (const a of ANALYZERS) if (checks.has(a.check ?? AnalysisCheck.ISTIOCTL)) a.analyze(ctx);
  return ctx.findings;
}
