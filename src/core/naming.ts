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

/** Checks a name users pass or we derive: DNS label (63) or DNS subdomain (253). */
export function checkObjectName(scope: IConstruct | string, property: string, name: string, shape: 'label' | 'subdomain' = 'subdomain'): string {
  return check(scope, property, name, shape === 'label' ? dnsLabelRule : dnsSubdomainRule,
    shape === 'label'
      ? "Use a name such as 'public-gateway' (no dots, at most 63 characters)."
      : "Use a name such as 'reviews' or 'reviews.v2' (lowercase, at most 253 characters).");
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
  if (owner !== undefined && owner !== scope && owner.node.path !== scope.node.path) {
    fail(scope, 'metadata.name', `must be unique, but ${kind} '${namespace ? `${namespace}/` : ''}${name}' is also produced by '${owner.node.path}'`,
      name, 'Give one of the constructs another id or an explicit name.');
  }
  names.set(name, scope);
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
