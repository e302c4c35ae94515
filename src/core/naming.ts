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
  // Keyed by group/kind/namespace, then by name: the names are kept by the objects anyway, so
  // 10,000-service apps do not keep tens of thousands of composite keys.
  const claimed = perApp(scope, 'object-names', () => new Map<string, Map<string, IConstruct>>());
  const slash = apiVersion.indexOf('/');
  const scopeKey = [slash === -1 ? '' : apiVersion.slice(0, slash), kind, namespace ?? ''].join('/');
  let names = claimed.get(scopeKey);
  if (!names) {
    names = new Map();
    claimed.set(scopeKey, names);
  }
  const owner = names.get(name);
  // Owners are kept as constructs (not paths): 10,000-service apps claim tens of thousands of names.
  if (owner !== undefined && owner !== scope && owner.node.path !== scope.node.path) {
    fail(scope, 'metadata.name', `must be unique, but ${kind} '${namespace ? `${namespace}/` : ''}${name}' is also produced by '${owner.node.path}'`,
      name, 'Give one of the constructs another id or an explicit name.');
  }
  names.set(name, scope);
}
