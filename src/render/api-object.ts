import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, App, GroupVersionKind, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { claimObjectName } from '../core/naming';
import { rootOf } from '../core/per-app';
import { isEmpty } from '../core/plain-objects';
import { ValidationError } from '../core/validation-error';

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
  spec: (() => Record<string, any>) | SpecProducer,
  owner: Construct = scope,
): ApiObject {
  claimObjectName(owner, gvk.apiVersion, gvk.kind, metadata.namespace, metadata.name);
  enableAnalysis(scope);
  return new WireApiObject(scope, id, gvk, metadata, typeof spec === 'function' ? { produce: spec } : spec);
}

/**
 * Produces a spec at synth. Objects rendered by the thousand pass one of these rather than a
 * closure (a closure and its context cost twice the memory).
 */
export interface SpecProducer {
  produce(): Record<string, any>;
}

/** Our objects render their plain-JSON spec without cdk8s' token resolution (see renderWire). */
export class WireApiObject extends ApiObject {
  constructor(
    scope: Construct, id: string, gvk: GroupVersionKind, metadata: ApiObjectMetadata,
    /** What renders the spec (the analysis asks it which constructs and props a finding comes from). */
    public readonly producer: SpecProducer,
  ) {
    super(scope, id, { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata, spec: Lazy.any(producer) });
  }

  public toJson(): any {
    return renderWire(this, this.producer, () => super.toJson());
  }
}

/**
 * The spec of a construct that is itself the object (extends ApiObject), for kinds apps create
 * by the thousand (one AuthorizationPolicy per workload): one construct node per manifest
 * instead of two. The producer needs `this`, which does not exist before `super()`, so it is
 * bound right after. Such classes override `toJson()` with `renderWire`.
 */
export class DeferredSpec<T extends ApiObject> implements SpecProducer {
  /** Pass as `spec` to the ApiObject constructor. */
  public readonly value = Lazy.any(this);
  private owner?: T;

  /** `render` is a plain function of the object (not a closure over it, see SpecProducer). */
  constructor(private readonly render: (owner: T) => Record<string, any>) {}

  /** Registers `obj` like wireObject does (unique name, automatic analysis) and binds it. */
  public bind(obj: T): void {
    claimObjectName(obj, obj.apiVersion, obj.kind, obj.metadata.namespace, obj.name);
    enableAnalysis(obj);
    this.owner = obj;
  }

  public produce(): Record<string, any> {
    return this.render(this.owner!);
  }
}

const DEFAULT_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];
const PLAIN_RESOLVERS = new WeakMap<IConstruct, boolean>();

/** True when the app resolves values with cdk8s' built-in resolvers only (identities on plain JSON). */
function plainResolvers(obj: ApiObject): boolean {
  const app = rootOf(obj);
  let plain = PLAIN_RESOLVERS.get(app);
  if (plain === undefined) {
    const resolvers: unknown[] | undefined = (App.of(obj) as Partial<App>).resolvers;
    plain = resolvers !== undefined && resolvers.every((r) => DEFAULT_RESOLVERS.some((type) => r instanceof type));
    PLAIN_RESOLVERS.set(app, plain);
  }
  return plain;
}

/** Returned by plainJson when a value is not plain JSON (a Lazy, a token, a class instance). */
const NOT_PLAIN = Symbol('not plain JSON');

/**
 * cdk8s' sanitizeValue for plain JSON (null and undefined fields dropped, keys sorted; with
 * `filterEmpty`, empty arrays and objects dropped too, as for metadata), or NOT_PLAIN.
 */
function plainJson(value: any, sortKeys: boolean, filterEmpty = false): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return typeof value === 'function' ? NOT_PLAIN : value;
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = plainJson(value[i], sortKeys, filterEmpty);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (value.constructor !== Object || typeof value.resolve === 'function') return NOT_PLAIN;
  const keys = Object.keys(value);
  if (sortKeys) keys.sort();
  const out: Record<string, any> = {};
  let empty = true;
  for (const key of keys) {
    const item = plainJson(value[key], sortKeys, filterEmpty);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item !== undefined && item !== null) {
      out[key] = item;
      empty = false;
    }
  }
  return filterEmpty && empty ? undefined : out;
}

/** The fields of cdk8s' ApiObjectMetadataDefinition (2.x), in the order its constructor sets them. */
const METADATA_FIELDS = ['name', 'labels', 'annotations', 'namespace', 'finalizers', 'ownerReferences', 'apiObject', '_additionalAttributes'];

/**
 * `metadata.toJson()` without token resolution, when the metadata holds plain JSON. It reads
 * the definition's fields, so it only runs when they are exactly the ones this code knows;
 * another cdk8s version with other fields takes `toJson()`.
 */
function plainMetadata(metadata: ApiObjectMetadataDefinition): any {
  const m = metadata as any;
  let i = 0;
  for (const field in m) {
    if (field !== METADATA_FIELDS[i++]) return metadata.toJson();
  }
  if (i !== METADATA_FIELDS.length) return metadata.toJson();
  // Extra fields (metadata.add) take the general path; the standard ones are overridden below.
  for (const field in m._additionalAttributes) {
    if (!STANDARD_METADATA.has(field)) return generalMetadata(metadata);
  }
  // The standard fields in sorted order, as sanitizeValue writes them.
  const out: Record<string, any> = {};
  for (const field of SORTED_STANDARD_METADATA) {
    const value = plainJson(m[field], true, true);
    if (value === NOT_PLAIN) return metadata.toJson();
    if (value !== undefined) out[field] = value;
  }
  return isEmpty(out) ? undefined : out;
}

const STANDARD_METADATA = new Set(['name', 'namespace', 'annotations', 'finalizers', 'ownerReferences', 'labels']);
const SORTED_STANDARD_METADATA = [...STANDARD_METADATA].sort();

/** plainMetadata for metadata with fields added by `metadata.add`. */
function generalMetadata(metadata: ApiObjectMetadataDefinition): any {
  const m = metadata as any;
  const json = plainJson({
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  }, true, true);
  return json === NOT_PLAIN ? metadata.toJson() : json;
}

/**
 * Renders one of our objects as `ApiObject.toJson()` would, several times faster. Our specs are
 * plain JSON by construction, on which cdk8s' resolution is the identity, yet it costs more than
 * anything else in rendering (it looks up the app and allocates a context for every value), and
 * each object is rendered twice in analyzed synths. Anything that could make a difference takes
 * cdk8s' path: JSON patches, resolvers other than cdk8s' own, a value that is not plain JSON.
 * test/render/api-object.test.ts compares both paths on every example.
 */
export function renderWire(obj: ApiObject, producer: SpecProducer, full: () => any): any {
  if (offered.size > 0) {
    const json = offered.get(obj);
    if (json !== undefined) {
      offered.delete(obj);
      return json;
    }
  }
  // `patches` is cdk8s' private list of JSON patches: anything but an empty array takes cdk8s' path.
  const patches: unknown = (obj as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches) || patches.length > 0 || !plainResolvers(obj)) return fullRender(producer, full);
  let spec: any;
  let metadata: any;
  try {
    spec = plainJson(producer.produce(), !process.env.CDK8S_DISABLE_SORT);
    if (spec === NOT_PLAIN) return fullRender(producer, full);
    metadata = plainMetadata(obj.metadata);
  } catch (e) {
    // A construct's check at render time: its message names the construct and prop, as it is.
    if (e instanceof ValidationError) throw e;
    throw new Error(`Failed serializing construct at path '${obj.node.path}' with name '${obj.name}': ${e}`);
  }
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata, spec };
}

/**
 * Renderings the synth-time analysis made in the validation `App.synth()` and `App.synthYaml()`
 * run first: cdk8s renders the same objects right after, within the same call and with no code of
 * the app's in between, so each object takes its rendering once instead of rendering again. What
 * is not taken is dropped at the next analysis, and when control returns to the event loop.
 */
const offered = new Map<ApiObject, any>();

/** Offers the analysis' renderings of `objects` (see `offered`). */
export function offerRenderings(objects: readonly ApiObject[], manifests: readonly any[]): void {
  for (let i = 0; i < objects.length; i++) offered.set(objects[i], manifests[i]);
  queueMicrotask(() => offered.clear());
}

/** Drops the renderings not taken. */
export function withdrawRenderings(): void {
  offered.clear();
}

/**
 * cdk8s' rendering, except that a ValidationError of the spec comes out as it was thrown:
 * cdk8s wraps every error in "Failed serializing construct ...", which hides the construct
 * path the message starts with. The spec is produced once more only when rendering failed.
 */
function fullRender(producer: SpecProducer, full: () => any): any {
  try {
    return full();
  } catch (e) {
    try {
      producer.produce();
    } catch (cause) {
      if (cause instanceof ValidationError) throw cause;
    }
    throw e;
  }
}
