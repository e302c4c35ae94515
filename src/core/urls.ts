import { hostRule } from './hosts';
import { Rule } from './validation-error';

/** Hosts in URLs: short in-cluster names (`http://keycloak:8080`) and IP literals are fine. */
const URL_HOST_RULE = hostRule({ shortName: true, ipAddress: true });

/**
 * An absolute `http://` or `https://` URL with a host, as the API server's CEL `url()` and Go's
 * URL parser (what istiod fetches with) accept it. Whitespace and control characters are
 * rejected outright: Go refuses them in hosts, and elsewhere they only work escaped.
 */
export function httpUrlRule(options: { readonly maxLength?: number } = {}): Rule<string> {
  return (value) => {
    if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      return `must be at most ${options.maxLength} characters (has ${value.length})`;
    }
    const scheme = /^(https?):\/\/([^/?#]*)/.exec(value);
    if (!scheme) return 'must be an http(s) URL';
    if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'must not contain spaces or control characters (escape them, e.g. %20)';
    const authority = scheme[2].slice(scheme[2].lastIndexOf('@') + 1);
    if (authority === '' || authority.startsWith(':')) return 'must name a host';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be a valid URL';
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const broken = URL_HOST_RULE(host);
    return broken === undefined ? undefined : `must have a valid host ('${host}' ${broken})`;
  };
}

/**
 * The path of an Ingress rule of type `Prefix` or `Exact`, as ingress-nginx admits it: `/`
 * followed by letters, digits, `/`, `_` and `-` (its admission webhook refuses anything else for
 * these types, e.g. `/v1.0/` or a regular expression), without the `//` the API server refuses.
 */
export const ingressPathRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || !value.startsWith('/')) return "must start with '/'";
  if (!/^\/[A-Za-z0-9/_-]*$/.test(value)) {
    return "may only contain letters, digits, '/', '_' and '-' (ingress-nginx refuses other characters in Prefix and Exact paths)";
  }
  if (value.includes('//')) return "must not contain '//' (the API server refuses it)";
  return undefined;
};
