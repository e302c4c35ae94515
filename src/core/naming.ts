import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { dnsLabelRule, dnsSubdomainRule } from './hosts';
import { perApp } from './per-app';
import { check, fail } from './validation-error';

/**
 * Turns free text (a construct id, a host) into a DNS-label-shaped name: lowercase, runs of
 * anything else collapsed to '-'. Readable and stable: no hash suffix, so users and other
 * objects can reference the result.
 */
export function toDnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A readable object name for a host: the service name for cluster hosts
 * (`reviews.bookinfo.svc.cluster.local` -> `reviews`), the whole host with dots turned into
 * dashes otherwise (`api.example.com` -> `api-example-com`, `*.example.com` -> `wildcard-example-com`).
 */
export function nameForHost(host: string): string {
  const clusterLocal = /^([^.]+)\.[^.]+\.svc(\.|$)/.exec(host);
  if (clusterLocal) return clusterLocal[1];
  return toDnsLabel(host.replace(/^\*/, 'wildcard'));
}

/** The longest object name Kubernetes accepts for most kinds (a DNS subdomain). */
export const MAX_OBJECT_NAME = 253;

/** The longest DNS label: namespace, Gateway, port and subset names. */
export const MAX_LABEL_NAME = 63;

/**
 * A short digest of `text` (32 bits of its SHA-256, as 7 base-36 characters): the suffix that
 * keeps a derived name unique without making every name unreadable.
 */
export function shortDigest(text: string): string {
  const bits = parseInt(createHash('sha256').update(text).digest('hex').slice(0, 8), 16);
  return bits.toString(36).padStart(7, '0');
}

/**
 * Fits a derived, readable name (from a host, an id) to a length limit and makes it unique.
 *
 * The readable name is returned unchanged when it fits and `isTaken` says it is free: names of
 * ordinary hosts stay what they have always been. Otherwise it is cut to fit and suffixed with
 * a digest of `key` (what the name stands for, e.g. the host), so `a-b.com` and `a.b-com`, or
 * `*.example.com` and `wildcard.example.com`, which read the same, still get distinct names.
 */
export function fitName(readable: string, key: string, maxLength: number, isTaken: (name: string) => boolean = () => false): string {
  if (readable.length <= maxLength && !isTaken(readable)) return readable;
  const digest = shortDigest(key);
  for (let attempt = 0; ; attempt++) {
    // A second key with the same digest (about one in 78 billion) gets a counter as well.
    const suffix = attempt === 0 ? digest : `${digest}-${attempt}`;
    const head = readable.slice(0, maxLength - suffix.length - 1).replace(/[-.]+$/, '');
    const name = head ? `${head}-${suffix}` : suffix;
    if (!isTaken(name)) return name;
  }
}

/**
 * Names of objects derived from hosts (the VirtualServices or DestinationRules of the route
 * model), unique per namespace. Each call names a new object; a name already given in the
 * namespace makes the newcomer's name carry a digest of its key (see `fitName`).
 */
export class DerivedNames {
  private readonly byNamespace = new Map<string, Set<string>>();

  constructor(private readonly maxLength: number = MAX_OBJECT_NAME) {}

  /** Reserves the name of a new object in `namespace`, standing for `key` (e.g. its host). */
  public reserve(namespace: string, readable: string, key: string): string {
    let names = this.byNamespace.get(namespace);
    if (!names) {
      names = new Set();
      this.byNamespace.set(namespace, names);
    }
    const taken = names;
    const name = fitName(readable, key, this.maxLength, (n) => taken.has(n));
    names.add(name);
    return name;
  }
}

/** Checks a name users pass or we derive: DNS label (63) or DNS subdomain (253). */
export function checkObjectName(scope: IConstruct | string, property: string, name: string, shape: 'label' | 'subdomain' = 'subdomain'): string {
  return check(scope, property, name, shape === 'label' ? dnsLabelRule : dnsSubdomainRule,
    shape === 'label'
      ? "Use a name such as 'public-gateway' (no dots, at most 63 characters)."
      : "Use a name such as 'reviews' or 'reviews.v2' (lowercase, at most 253 characters).");
}


/**
 * The name of a construct's primary object: `name` when given, otherwise the construct id as a
 * DNS label. A derived name that does not fit is reported against the id (the user never wrote
 * `name`), with both ways out.
 */
export function objectNameFor(scope: IConstruct, id: string, name: string | undefined, shape: 'label' | 'subdomain' = 'subdomain'): string {
  if (name !== undefined) return checkObjectName(scope, 'name', name, shape);
  const derived = toDnsLabel(id);
  const broken = (shape === 'label' ? dnsLabelRule : dnsSubdomainRule)(derived);
  if (broken !== undefined) {
    const limit = shape === 'label' ? MAX_LABEL_NAME : MAX_OBJECT_NAME;
    fail(scope, 'id', `must make a valid object name, but '${derived}' (the id as a DNS label) ${broken}`, id,
      `Use an id with letters or digits and at most ${limit} characters, or set name explicitly.`);
  }
  return derived;
}

/**
 * Claims kind/namespace/name for one construct within its app. Two constructs producing the
 * same object would make one silently overwrite the other at `kubectl apply`; we fail instead
 * and name both.
 */
export function claimObjectName(scope: IConstruct, apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
  // Nested maps by API group, kind, namespace and name: no composite key to build (or keep) for
  // each of the tens of thousands of objects of a large app.
  const claimed = perApp(scope, 'object-names', () => new Map<string, Map<string, Map<string, Map<string, IConstruct>>>>());
  const names = child(child(child(claimed, apiGroupOf(apiVersion)), kind), namespace ?? '');
  const owner = names.get(name);
  // Owners are kept as constructs (not paths): 10,000-service apps claim tens of thousands of names.
  if (owner !== undefined) {
    const object = `${kind} '${namespace ? `${namespace}/` : ''}${name}'`;
    if (owner === scope || owner.node.path === scope.node.path) {
      // One construct rendering one object twice: its derived names collided (a defect of ours,
      // reported before constructs' "There is already a Construct" could be).
      fail(scope, 'metadata.name', `must be unique, but this construct would produce ${object} twice`, name,
        'Please report this with the props that produced it; until then, change the hosts or names involved.');
    }
    fail(scope, 'metadata.name', `must be unique, but ${object} is also produced by '${owner.node.path}'`,
      name, 'Give one of the constructs another id or an explicit name.');
  }
  names.set(name, scope);
}

/**
 * The construct that claimed an object's name: the one that rendered it (analysis findings name
 * it). Reads the registry claimObjectName fills, so knowing it costs synth nothing.
 */
export function claimantOf(scope: IConstruct, apiVersion: string, kind: string, namespace: string | undefined, name: string): IConstruct | undefined {
  const claimed = perApp(scope, 'object-names', () => new Map<string, Map<string, Map<string, Map<string, IConstruct>>>>());
  return claimed.get(apiGroupOf(apiVersion))?.get(kind)?.get(namespace ?? '')?.get(name);
}

const API_GROUPS = new Map<string, string>();

/** `networking.istio.io/v1` -> `networking.istio.io`; core `v1` -> '' (an object is the same in every version of its group). */
function apiGroupOf(apiVersion: string): string {
  let group = API_GROUPS.get(apiVersion);
  if (group === undefined) {
    const slash = apiVersion.indexOf('/');
    group = slash === -1 ? '' : apiVersion.slice(0, slash);
    API_GROUPS.set(apiVersion, group);
  }
  return group;
}

function child<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let next = map.get(key);
  if (!next) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}
