/**
 * What a construct-family generator produces: a step without its id and chart (the app
 * generator assigns those, so constructs of one app can share or collide on them).
 */
import type * as fc from 'fast-check';
import { MethodStep, Value } from './recipe';
import { Level } from './values';

export type ConstructDraft =
  | { readonly op: 'new'; readonly type: string; readonly props: Value }
  | { readonly op: 'preset'; readonly type: string; readonly method: string; readonly args: readonly Value[] };

/** Constructs other steps reference by a fixed id (the app generator creates them first when present). */
export const FIXTURE_IDS = {
  /** A SecureGateway (routes: CanaryRelease.gateway, addRoute). */
  gateway: 'gw',
  /** An EgressGateway (ExternalService.egressGateway). */
  egress: 'egress',
  /** An Issuer, ClusterIssuer or CaChain (GatewayCertificate.fromIssuer). */
  issuer: 'issuer',
  /** A Waypoint (MtlsNamespace.useWaypoint, PolicyTarget.waypoint). */
  waypoint: 'wp',
  /** An MtlsNamespace (addWorkloadMtls, allowEgressTo). */
  namespace: 'ns',
  /** An AuthorizationPolicy (addRule). */
  policy: 'policy',
  /** A cdk8s-plus Deployment (ReleaseVersion.fromDeployment, PolicyTarget.workload, addWorkloadMtls). */
  deployment: 'deploy',
  /** A cdk8s-plus Service selecting it (MeshService.fromService, PolicyTarget.service). */
  service: 'svc',
  /** A cdk8s-plus ServiceAccount (WorkloadIdentity.fromServiceAccount). */
  serviceAccount: 'sa',
  /** A cdk8s-plus Namespace (MtlsNamespace namespace, IngressNginxFrontDoor controllerNamespace). */
  kplusNamespace: 'kns',
  /** An IngressNginxFrontDoor (addIngress). */
  frontDoor: 'door',
  /** Two MeshClusters (MeshMulticluster clusters, MeshCa.addCluster, MeshFederation methods). */
  cluster: 'cluster-a',
  cluster2: 'cluster-b',
  /** A MeshCa (addCluster). */
  meshCa: 'mesh-ca',
  /** A MeshFederation (publishName, trustEachOther). */
  federation: 'fed',
} as const;

export type FixtureKind = keyof typeof FIXTURE_IDS;

/** One construct family: the constructs it generates, the method calls, and the fixtures it provides. */
export interface Family {
  /** Generators of each construct (and preset), by the name used in per-construct runs. */
  readonly constructs: Record<string, (level: Level) => fc.Arbitrary<ConstructDraft>>;
  /** Calls on fixtures after construction (`addRoute`, `addRule`, ...). */
  readonly methods: Record<string, (level: Level) => fc.Arbitrary<MethodStep>>;
  /** Generators of the fixtures this family provides. */
  readonly fixtures: Partial<Record<FixtureKind, (level: Level) => fc.Arbitrary<ConstructDraft>>>;
}
