/**
 * Value rules for AuthorizationPolicy fields, as istiod checks them (pkg/config/security) and
 * a little stricter where a value would silently never match. Internal.
 */
import { cidrRule, dnsLabelRule } from '../core/hosts';
import { Rule } from '../core/validation-error';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** Istio string matches: exact, `prefix*`, `*suffix`, or `*` alone. */
function wildcardShape(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (value === '*') return undefined;
  const inner = value.slice(1, -1);
  if (inner.includes('*') || (value.startsWith('*') && value.endsWith('*'))) {
    return "may use '*' only once, at the start or at the end (prefix, suffix or presence match)";
  }
  return undefined;
}

export const principalRule: Rule<string> = (value) => {
  const shape = wildcardShape(value);
  if (shape) return shape;
  if (value.startsWith('spiffe://')) return "must not start with 'spiffe://' (Istio principals leave the scheme out)";
  if (!value.includes('*') && !/^[^/]+\/ns\/[^/]+\/sa\/[^/]+$/.test(value)) {
    return "must have the form '<trustDomain>/ns/<namespace>/sa/<serviceAccount>'";
  }
  return undefined;
};

export const sourceNamespaceRule: Rule<string> = (value) => {
  const shape = wildcardShape(value);
  if (shape) return shape;
  const bare = value.replace(/^\*|\*$/g, '');
  if (bare.length > 0 && !/^[a-z0-9-]+$/.test(bare)) return 'must be a namespace name (lowercase letters, digits and -)';
  if (!value.includes('*') && dnsLabelRule(value) !== undefined) return dnsLabelRule(value);
  return undefined;
};

export const requestPrincipalRule: Rule<string> = (value) => {
  const shape = wildcardShape(value);
  if (shape) return shape;
  if (!value.includes('*') && !value.includes('/')) return "must have the form '<issuer>/<subject>' (the JWT's iss and sub claims)";
  return undefined;
};

export const ipBlockRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  return cidrRule(value);
};

export const operationHostRule: Rule<string> = (value) => wildcardShape(value);

export const methodRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (HTTP_METHODS.includes(value)) return undefined;
  if (HTTP_METHODS.includes(value.toUpperCase())) return `must be uppercase (did you mean '${value.toUpperCase()}'?)`;
  return `must be an HTTP method (${HTTP_METHODS.join(', ')})`;
};

/**
 * Paths: exact (`/api/v1`), prefix (`/api/*`), suffix (`*.html`), presence (`*`), or an
 * Envoy URI template with `{*}` (one segment) and `{**}` (the rest: the last segment only,
 * as istiod accepts it).
 */
export const pathRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (value === '*') return undefined;
  if (value.includes('{') || value.includes('}')) {
    if (!value.startsWith('/')) return "must start with '/'";
    const segments = value.split('/').slice(1);
    for (const [i, segment] of segments.entries()) {
      const isOperator = segment === '{*}' || segment === '{**}';
      if (!isOperator && /[{}*]/.test(segment)) return "may use only whole-segment '{*}' or '{**}' operators in a path template";
      // istiod rejects anything after '{**}', even a literal segment or a trailing '/'.
      if (segment === '{**}' && i !== segments.length - 1) return "must have '{**}' as its last segment (it matches the rest of the path)";
    }
    return undefined;
  }
  const shape = wildcardShape(value);
  if (shape) return shape;
  if (!value.startsWith('/') && !value.startsWith('*')) return "must start with '/' (or '*' for a suffix match)";
  return undefined;
};

/** `when` keys istiod knows, with whether ztunnel (L4) can evaluate them. */
const CONDITION_KEYS: Array<{ pattern: RegExp; l4: boolean; identity?: boolean; custom?: boolean }> = [
  { pattern: /^request\.headers\[[^\]]+\]$/, l4: false },
  { pattern: /^source\.ip$/, l4: true },
  { pattern: /^remote\.ip$/, l4: false },
  { pattern: /^source\.namespace$/, l4: true, identity: true },
  { pattern: /^source\.principal$/, l4: true, identity: true },
  { pattern: /^source\.serviceAccount$/, l4: true, identity: true },
  { pattern: /^source\.trustDomain$/, l4: true, identity: true },
  { pattern: /^request\.auth\.principal$/, l4: false, custom: true },
  { pattern: /^request\.auth\.audiences$/, l4: false, custom: true },
  { pattern: /^request\.auth\.presenter$/, l4: false, custom: true },
  { pattern: /^request\.auth\.claims\[[^\]]+\](\[[^\]]+\])*$/, l4: false, custom: true },
  { pattern: /^destination\.ip$/, l4: true },
  { pattern: /^destination\.port$/, l4: true },
  { pattern: /^connection\.sni$/, l4: false },
  { pattern: /^experimental\.envoy\.filters\..+$/, l4: false },
];

export function conditionKeyInfo(key: string) {
  return CONDITION_KEYS.find((k) => k.pattern.test(key));
}

export const conditionKeyRule: Rule<string> = (key) => {
  if (typeof key !== 'string' || key.length === 0) return 'must not be empty';
  if (!conditionKeyInfo(key)) {
    return 'must be a known attribute (request.headers[<name>], source.ip, remote.ip, source.namespace, source.principal, '
      + 'request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<claim>], destination.ip, '
      + 'destination.port, connection.sni)';
  }
  return undefined;
};
