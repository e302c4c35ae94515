import { parseDurationMillis } from '../../core/durations';
import { isIpAddress, isIpv4 } from '../../core/hosts';
import { istiodRegexError } from '../../core/regex';
import { remembered } from '../../core/remembered';
import { isRecord } from '../context';

/**
 * What istiod's validate function of one object returns: errors (the webhook rejects the object;
 * istioctl reports IST0106) and warnings (accepted; IST0133). Messages follow istiod's Go format
 * strings so they read the same as `kubectl apply` / `istioctl analyze` output.
 */
export class Issues {
  public readonly errors: string[] = [];
  public readonly warnings: string[] = [];

  public error(message: string | undefined): void {
    if (message) this.errors.push(message);
  }

  public warn(message: string | undefined): void {
    if (message) this.warnings.push(message);
  }
}

/** Go's `%q` of a string. */
export function q(v: unknown): string {
  return JSON.stringify(String(v ?? ''));
}

/** Go's `%v` of a slice. */
export function goSlice(items: readonly unknown[]): string {
  return `[${items.join(' ')}]`;
}

const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Istio's `labels.IsDNS1123Label` (case-insensitive, at most 63 characters). */
export function isDns1123Label(v: string): boolean {
  return v.length > 0 && v.length <= 63 && DNS1123_LABEL.test(v);
}

/** A lowercase DNS-1123 subdomain (Kubernetes' IsDNS1123Subdomain). */
export function isDns1123Subdomain(v: string): boolean {
  return v.length > 0 && v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);
}

function isWildcardLabel(v: string): boolean {
  return v.length <= 63 && WILDCARD_LABEL.test(v);
}

/** `strconv.Atoi` succeeds. */
function isGoInt(v: string): boolean {
  return /^[+-]?\d+$/.test(v);
}

/** `ValidateDNS1123Labels`: every label valid, the top-level one not all-numeric, a trailing dot allowed. */
export function validateDnsLabels(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1];
  if (isGoInt(top)) return `domain name ${q(domain)} invalid (top level domain ${q(top)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i])) return `domain name ${q(domain)} invalid (label ${q(parts[i])} invalid)`;
  }
  return undefined;
}

function dnsPreconditions(domain: string): string | undefined {
  if (domain.length > 255) return `domain name ${q(domain)} too long (max 255)`;
  if (domain.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** `ValidateWildcardDomain`: a wildcard only in the first label (`*`, `*foo`, `*-foo`). */
export function validateWildcardDomain(domain: string): string | undefined {
  return checkedDomain(domain);
}

// A host is named by its VirtualService, each route destination and its DestinationRule: checked once.
const checkedDomain = remembered(50_000, wildcardDomainProblem);

function wildcardDomainProblem(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name ${q(domain)} invalid (label ${q(first)} invalid)`;
  return dot < 0 ? undefined : validateDnsLabels(domain.slice(dot + 1));
}

/** `ValidateFQDN`: a DNS name of at least two labels (a trailing dot allowed). */
export function validateFqdn(fqdn: string): string | undefined {
  const pre = dnsPreconditions(fqdn);
  if (pre) return pre;
  return validateDnsLabels(fqdn);
}

/** `ValidatePort`. */
export function validatePort(port: unknown): string | undefined {
  const n = Number(port);
  if (Number.isInteger(n) && n > 0 && n <= 65535) return undefined;
  return `port number ${port} must be in the range 1..65535`;
}

/** Milliseconds of a duration field, or undefined when it is absent or unparseable (layer 1 reports those). */
export function durationMillis(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return undefined;
  return parsedDuration(v);
}

// Manifests repeat a handful of durations (`10s`, `2s`) thousands of times: each is parsed once.
const parsedDuration = remembered(10_000, parseDurationMillis);

/** `ValidateDuration`: at least 1ms and whole milliseconds. */
export function validateDuration(v: unknown): string | undefined {
  const ms = durationMillis(v);
  if (ms === undefined) return undefined;
  if (ms < 1) return 'duration must be greater than 1ms';
  if (Math.abs(ms - Math.round(ms)) > 1e-9) return 'only durations to ms precision are supported';
  return undefined;
}

/** A duration field: reports its `ValidateDuration` error, if any. */
export function checkDuration(issues: Issues, v: unknown, prefix = ''): void {
  const e = validateDuration(v);
  if (e) issues.error(prefix + e);
}

function validateTagKey(k: string): string | undefined {
  const parts = k.split('/');
  if (parts.length === 1 && k.length <= 63 && QUALIFIED_NAME.test(k)) return undefined;
  if (parts.length === 2 && isDns1123Subdomain(parts[0]) && parts[1].length <= 63 && QUALIFIED_NAME.test(parts[1])) return undefined;
  return `invalid tag key: ${q(k)}`;
}

/** `labels.Instance.Validate`: keys and values of a label map (subset labels, sourceLabels, endpoint labels). */
export function validateLabels(issues: Issues, labels: unknown): void {
  if (!isRecord(labels)) return;
  for (const [k, raw] of Object.entries(labels)) {
    const v = String(raw ?? '');
    issues.error(validateTagKey(k));
    if (v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) issues.error(`invalid tag value: ${q(v)}`);
  }
}

/** `ValidatePortName`. */
export function validatePortName(name: string): string | undefined {
  return isDns1123Label(name) ? undefined : `invalid port name: ${name}`;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

export function isKnownProtocol(p: string): boolean {
  return PROTOCOLS.has(p.toLowerCase());
}

/** `ValidateProtocol` (empty means protocol sniffing). */
export function validateProtocol(p: string): string | undefined {
  return p === '' || isKnownProtocol(p) ? undefined : `unsupported protocol: ${p}`;
}

/** `validateExportTo`. */
export function validateExportTo(issues: Issues, namespace: string, exportTo: unknown, serviceEntry: boolean, drWithSelector = false): void {
  const list = Array.isArray(exportTo) ? exportTo.map((e) => String(e)) : [];
  if (list.length > 0) {
    const set = new Set<string>();
    for (const e of list) {
      const key = e === '.' ? namespace : e;
      if (set.has(key)) {
        issues.error(key !== e
          ? `duplicate entries in exportTo: . and current namespace ${namespace}`
          : `duplicate entries in exportTo for entry ${e}`);
      } else if (serviceEntry && e === '~') {
        set.add(key);
      } else if (key === '~') {
        issues.error('exportTo ~ (none) is not allowed for Istio configuration objects');
      } else if (key !== '.' && key !== '*' && !isDns1123Label(key)) {
        issues.error('only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
      } else {
        set.add(key);
      }
    }
    if (set.has('*') && list.length > 1) issues.error('cannot have both public (*) and non-public exportTo values for a resource');
    if (set.has('~') && list.length > 1) issues.error('cannot export service entry to no one (~) and someone');
  }
  if (drWithSelector && list.length > 0) {
    if (list.length > 1 || (list[0] !== '.' && list[0] !== namespace)) {
      issues.error('destination rule with workload selector cannot have exportTo beyond current namespace');
    }
  }
}

/** `validateWorkloadSelector` over a `{ matchLabels }` selector. */
export function validateWorkloadSelector(issues: Issues, selector: unknown): void {
  if (!isRecord(selector)) return;
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, raw] of Object.entries(labels)) {
    const v = String(raw ?? '');
    if (k === '') issues.error(`empty key is not supported in selector: ${q(`${k}=${v}`)}`);
    if (k.includes('*') || v.includes('*')) issues.error(`wildcard is not supported in selector: ${q(`${k}=${v}`)}`);
  }
  if (Object.keys(labels).length === 0) issues.warn('workload selector specified without labels');
}

/** `validateStringRegexp`: at most 1024 bytes and valid for Go's `regexp.Compile` (RE2 syntax). */
export function validateRegex(re: string, where: string): string | undefined {
  return istiodRegexError(re, where);
}

/** `validateStringMatchRegexp`: a regex StringMatch must be non-empty and valid. */
export function validateStringMatchRegex(issues: Issues, sm: unknown, where: string): void {
  if (!isRecord(sm) || sm.regex === undefined) return;
  const re = String(sm.regex);
  if (re === '') {
    issues.error(`${q(where)}: regex string match should not be empty`);
    return;
  }
  issues.error(validateRegex(re, where));
}

/** `validateStringMatch`: also rejects an empty prefix. */
export function validateStringMatch(issues: Issues, sm: unknown, where: string): void {
  if (!isRecord(sm)) return;
  if (sm.prefix !== undefined && String(sm.prefix) === '') {
    issues.error(`${q(where)}: prefix string match should not be empty`);
    return;
  }
  if (sm.regex !== undefined) issues.error(validateRegex(String(sm.regex), where));
}

/** An IPv4/IPv6 address or CIDR block, as Go's `netip.ParsePrefix`/`ParseAddr` accept it. */
export function isIpOrCidr(v: string): boolean {
  const [addr, prefix, extra] = v.split('/');
  if (extra !== undefined || !isIpAddress(addr)) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (isIpv4(addr) ? 32 : 128);
}

export function isCidr(v: string): boolean {
  return v.includes('/') && isIpOrCidr(v);
}

/** `validateTargetRef(s)` / selector exclusivity, shared by the security kinds. */
export function validatePolicyTargets(issues: Issues, spec: any, allowedKinds: readonly string[]): void {
  const refs: any[] = [];
  if (isRecord(spec.targetRef)) refs.push(spec.targetRef);
  if (Array.isArray(spec.targetRefs)) refs.push(...spec.targetRefs.filter(isRecord));
  if (isRecord(spec.targetRef) && Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) {
    issues.error('only one of targetRef or targetRefs can be set');
  }
  if (isRecord(spec.selector) && refs.length > 0) issues.error('only one of targetRefs or workloadSelector can be set');
  for (const ref of refs) {
    const group = String(ref.group ?? '');
    const kind = String(ref.kind ?? '');
    const allowed = allowedKinds.some((k) => {
      const [g, kk] = k.split('/');
      return g === group && kk === kind;
    });
    if (!allowed) issues.error(`targetRef must be to one of ${goSlice(allowedKinds)} but was ${group}/${kind}`);
    if (ref.namespace !== undefined && String(ref.namespace) !== '') {
      issues.error('targetRef namespace must not be set; cross namespace referencing is not supported');
    }
    if (!ref.name) issues.error('targetRef name must be set');
  }
}

export const POLICY_TARGET_KINDS = [
  'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass', '/Service', 'networking.istio.io/ServiceEntry',
];

export function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return NO_STRINGS;
  // Lists of strings (nearly all) are used as they are; callers only read them.
  for (const x of v) if (typeof x !== 'string') return v.map((y) => String(y ?? ''));
  return v;
}

const NO_STRINGS: string[] = Object.freeze([]) as unknown as string[];
