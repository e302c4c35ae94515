import { ApiObject, ApiObjectMetadata, GroupVersionKind, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { claimObjectName } from '../core/naming';

let analysisModule: typeof import('../analysis/mesh-analysis') | undefined;

/** Apps using our constructs are analyzed at synth; the analysis code loads on first use. */
function enableAnalysis(scope: Construct): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analysisModule ??= require('../analysis/mesh-analysis') as typeof import('../analysis/mesh-analysis');
  analysisModule.MeshAnalysis._automatic(scope);
}

/**
 * Creates an object of a generated L1 kind (its GVK comes from the L1 class) whose spec is
 * produced at synth in Istio's wire format.
 *
 * We do not go through the L1 constructors: their `toJson_*` mappers rename fields
 * (`consecutive5XxErrors` -> `consecutive5xxErrors`) and silently drop anything they do not
 * know, so a wire-format spec would lose fields. The CRD schema check in the tests covers what
 * the L1 types would have.
 */
export function wireObject(
  scope: Construct,
  id: string,
  gvk: GroupVersionKind,
  metadata: ApiObjectMetadata & { name: string },
  spec: () => Record<string, any>,
  owner: Construct = scope,
): ApiObject {
  claimObjectName(owner, gvk.apiVersion, gvk.kind, metadata.namespace, metadata.name);
  enableAnalysis(scope);
  const obj = new ApiObject(scope, id, {
    apiVersion: gvk.apiVersion,
    kind: gvk.kind,
    metadata,
    spec: Lazy.any({ produce: spec }),
  });
  PRODUCERS.set(obj, spec);
  return obj;
}

/**
 * The spec of a construct that is itself the object (extends ApiObject), for kinds apps create
 * by the thousand (one AuthorizationPolicy per workload): one construct node per manifest
 * instead of two. The producer needs `this`, which does not exist before `super()`, so it is
 * bound right after.
 */
export class DeferredSpec {
  /** Pass as `spec` to the ApiObject constructor. */
  public readonly value = Lazy.any(this);
  private producer?: () => Record<string, any>;

  /** Registers `obj` like wireObject does (unique name, automatic analysis) and binds its producer. */
  public bind(obj: ApiObject, producer: () => Record<string, any>): void {
    claimObjectName(obj, obj.apiVersion, obj.kind, obj.metadata.namespace, obj.name);
    enableAnalysis(obj);
    this.producer = producer;
    PRODUCERS.set(obj, producer);
  }

  /** @internal */
  public produce(): Record<string, any> {
    return this.producer!();
  }
}

const PRODUCERS = new WeakMap<ApiObject, () => Record<string, any>>();

/**
 * The manifest of an object as the analysis needs it. For our own objects without JSON
 * patches this skips cdk8s' token resolution and key sorting (their specs are plain JSON
 * without undefined values by construction), which halves the cost of analyzing large apps;
 * anything else renders through `toJson()`.
 */
export function manifestOf(obj: ApiObject): any {
  const produce = PRODUCERS.get(obj);
  if (!produce || (obj as unknown as { patches: unknown[] }).patches.length > 0) return obj.toJson();
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata.toJson(), spec: produce() };
}
