import { Rule } from './validation-error';

/** How much freedom a host field allows; every option defaults to the strictest choice. */
export interface HostRuleOptions {
  /** `*.example.com` (a whole first label `*`). */
  readonly wildcard?: boolean;
  /** `*foo.example.com` (istiod tolerates it for some kinds, the gateway rejects it). */
  readonly partialWildcard?: boolean;
  /** `*` alone. */
  readonly matchAll?: boolean;
  /** Short names such as `reviews`, resolved in the object's namespace. */
  readonly shortName?: boolean;
  /** IPv4/IPv6 literals. */
  readonly ipAddress?: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The longest host name: 253 characters of text (255 octets on the wire). istiod accepts up to
 * 255, but no resolver can look such a name up, and object names derived from it would not fit.
 */
export const MAX_HOST_LENGTH = 253;

/** The longest DNS label. */
const MAX_DNS_LABEL = 63;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  const parts = value.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  const tail = groups[groups.length - 1] ?? '';
  const width = groups.length + (isIpv4(tail) ? 1 : 0);
  const groupsOk = groups.every((g, i) => /^[0-9a-fA-F]{1,4}$/.test(g) || (i === groups.length - 1 && isIpv4(g)));
  return groupsOk && (parts.length === 2 ? width < 8 : width === 8);
}

export function isIpAddress(value: string): boolean {
  // A predicate: a value of another type (from a caller without types) is simply not an address.
  return typeof value === 'string' && (isIpv4(value) || isIpv6(value));
}

/** An IP address or CIDR block such as `10.0.0.0/16`. */
export function cidrRule(value: string): string | undefined {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !isIpAddress(address)) return 'must be an IP address or CIDR block such as 10.0.0.0/16';
  if (prefix === undefined) return undefined;
  const max = isIpv4(address) ? 32 : 128;
  if (!/^\d+$/.test(prefix) || Number(prefix) > max) return `must have a prefix length from 0 to ${max}`;
  return undefined;
}

/**
 * A CIDR block with its prefix length, such as `10.96.0.0/12`: what Go's `netip.ParsePrefix`
 * accepts, the parser behind Istio's IP-range annotations (`includeOutboundIPRanges`). A bare
 * address or a prefix length with leading zeros (`/012`) is refused there.
 */
export function cidrBlockRule(value: string): string | undefined {
  if (typeof value !== 'string') return 'must be a CIDR block such as 10.96.0.0/12';
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !isIpAddress(address) || prefix === undefined) return 'must be a CIDR block with a prefix length, such as 10.96.0.0/12';
  if (prefix.length > 1 && prefix.startsWith('0')) return 'must have a prefix length without leading zeros';
  return cidrRule(value);
}

/** A DNS-1123 label: what Kubernetes requires of namespace, service and port names. */
export const dnsLabelRule: Rule<string> = (value) => {
  if (value !== undefined && typeof value !== 'string') return 'must be a string';
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (!DNS_LABEL.test(value)) return "must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit)";
  return undefined;
};

/** A DNS-1123 subdomain: what Kubernetes requires of most object names. */
export const dnsSubdomainRule: Rule<string> = (value) => {
  if (value !== undefined && typeof value !== 'string') return 'must be a string';
  if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  if (!value.split('.').every((label) => DNS_LABEL.test(label))) {
    return "must be a DNS subdomain (lowercase letters, digits, '-' and '.')";
  }
  return undefined;
};

/**
 * Host names as istiod checks them (`ValidateWildcardDomain`), made stricter where the cluster
 * would only misbehave later: DNS's real limits (253 characters, labels of 63, a wildcard
 * counted in its label), lowercase only, no wildcard unless the caller allows it.
 */
export function hostRule(options: HostRuleOptions = {}): Rule<string> {
  return (host) => {
    if (host !== undefined && typeof host !== 'string') return 'must be a string';
    if (typeof host !== 'string' || host.length === 0) return 'must not be empty';
    if (host.length > MAX_HOST_LENGTH) return `must be at most ${MAX_HOST_LENGTH} characters, DNS's limit (has ${host.length})`;
    if (host === '*') {
      return options.matchAll ? undefined : "must not be '*' (it matches every host); name the hosts you mean";
    }
    if (isIpAddress(host)) {
      return options.ipAddress ? undefined : 'must be a host name, not an IP address';
    }
    if (host !== host.toLowerCase()) return 'must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase)';
    const labels = host.split('.');
    const first = labels[0];
    if (first.includes('*')) {
      if (!first.startsWith('*') || first.indexOf('*', 1) !== -1) return "may only use '*' at the start of the first label";
      const isWholeLabel = first === '*';
      if (!isWholeLabel && !options.partialWildcard) {
        return `must not use a partial wildcard ('${first}'); use a whole first label such as '*.${labels.slice(1).join('.')}'`;
      }
      if (!options.wildcard && !(options.partialWildcard && !isWholeLabel)) {
        return 'must not be a wildcard here; list the exact hosts (secure default), or opt in to wildcards';
      }
      const afterStar = first.slice(1);
      if (afterStar && !/^[-a-z0-9]*[a-z0-9]$/.test(afterStar)) return `has an invalid first label '${first}'`;
      // '*' stands for at least one character, so a longer label could match no name.
      if (first.length > MAX_DNS_LABEL) return `has a first label of ${first.length} characters, '${first}' (labels are at most ${MAX_DNS_LABEL}, the '*' included)`;
    } else if (first.length > MAX_DNS_LABEL || !DNS_LABEL.test(first)) {
      return `has an invalid label '${first}' (labels are 1-63 lowercase letters, digits or '-', not starting or ending with '-')`;
    }
    for (let i = 1; i < labels.length; i++) {
      const label = labels[i];
      if (label.includes('*')) return "may only use '*' in the first label";
      if (label.length > MAX_DNS_LABEL || !DNS_LABEL.test(label)) {
        return `has an invalid label '${label}' (labels are 1-63 lowercase letters, digits or '-', not starting or ending with '-')`;
      }
    }
    if (labels.length === 1) {
      if (first.includes('*')) return undefined;
      return options.shortName ? undefined : "must be a fully-qualified name (short names such as 'reviews' are not allowed here)";
    }
    const topLevel = labels[labels.length - 1];
    if (/^\d+$/.test(topLevel)) return `must not have an all-numeric top-level domain ('${topLevel}')`;
    return undefined;
  };
}

/**
 * Gateway server hosts: `[namespace/]dnsName`, with the namespace `*`, `.` or a DNS label and
 * a fully-qualified DNS name (short names and partial wildcards are rejected by istiod).
 */
export function gatewayHostRule(options: { wildcard?: boolean } = {}): Rule<string> {
  const dnsName = hostRule({ wildcard: options.wildcard, matchAll: options.wildcard, ipAddress: true });
  return (value) => {
    if (typeof value !== 'string' || value.length === 0) return 'must not be empty';
    const parts = value.split('/');
    if (parts.length > 2) return "must be 'host' or 'namespace/host'";
    const [namespace, host] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (namespace !== undefined && namespace !== '*' && namespace !== '.' && dnsLabelRule(namespace) !== undefined) {
      return `has an invalid namespace '${namespace}' (use '*', '.' or a namespace name)`;
    }
    return dnsName(host);
  };
}

/** Short name -> `name.namespace.svc.<clusterDomain>`; FQDNs and wildcards pass unchanged. */
export function qualifyServiceHost(host: string, namespace: string, clusterDomain = 'cluster.local'): string {
  if (host.includes('.') || host.startsWith('*') || isIpAddress(host)) return host;
  // join builds a flat string; a template literal keeps a tree of its parts, and every service
  // of an app holds its host until synth.
  return [host, namespace, 'svc', clusterDomain].join('.');
}

/** True when a wildcard host such as `*.example.com` covers `host` (exact hosts cover themselves). */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    if (host.startsWith('*')) return host.slice(1).endsWith(suffix);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return false;
}
