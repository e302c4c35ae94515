import { isIpOrCidr, Issues, POLICY_TARGET_KINDS, q, validatePolicyTargets, validateWorkloadSelector, strings } from './primitives';
import { isRecord } from '../context';
import { arr } from '../util';

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts',
];
const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'];
const TITLE = (f: string) => f.charAt(0).toUpperCase() + f.slice(1);
const PLAIN_KEYS = new Set([
  'source.namespace', 'source.principal', 'source.serviceAccount', 'source.trustDomain', 'request.auth.principal',
  'request.auth.audiences', 'request.auth.presenter', 'connection.sni',
]);

/** `security.ValidateIPs`. */
function ipErrors(values: string[]): string | undefined {
  for (const v of values) {
    if (v.includes('/')) {
      if (!isIpOrCidr(v)) return `bad CIDR range (${v}): netip.ParsePrefix(${q(v)}): invalid prefix`;
    } else if (!isIpOrCidr(v)) {
      return `bad IP address (${v})`;
    }
  }
  return undefined;
}

/** `security.ValidatePorts`. */
function portErrors(values: string[]): string | undefined {
  for (const v of values) {
    if (!/^\d+$/.test(v) || Number(v) > 4294967295) return `bad port (${v}): strconv.ParseUint: parsing ${q(v)}: invalid syntax`;
  }
  return undefined;
}

function mapKeyError(key: string): string | undefined {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']') || key.length - open < 3) return `bad key (${key}): should have format a[b]`;
  return undefined;
}

/** `security.ValidateAttribute`: the `when` keys istiod knows. */
export function validateAttribute(key: string, values: string[]): string | undefined {
  if (key.startsWith('request.headers[') || key.startsWith('request.auth.claims[') || key.startsWith('experimental.envoy.filters.')) {
    return key.startsWith('experimental.envoy.filters.') ? undefined : mapKeyError(key);
  }
  if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') return ipErrors(values);
  if (key === 'destination.port') return portErrors(values);
  if (PLAIN_KEYS.has(key)) return undefined;
  if (key === 'destination.namespace') return `attribute ${key} is replaced by the metadata.namespace`;
  if (key === 'destination.user') return `deprecated attribute ${key}: only supported in v1alpha1`;
  return `unknown attribute: ${key}`;
}

function validatePaths(issues: Issues, paths: string[], field: string): void {
  for (const p of paths) {
    if (!p.includes('{') && !p.includes('}')) continue;
    const segments = p.split('/');
    let ok = true;
    segments.forEach((s, i) => {
      if (!s.includes('{') && !s.includes('}')) return;
      if (s !== '{*}' && s !== '{**}') {
        issues.error(`invalid or unsupported path ${p}, found in ${field}. Contains '{' or '}' beyond a supported path template`);
        ok = false;
      } else if (s === '{**}' && i !== segments.length - 1 && ok) {
        issues.error(`invalid or unsupported path ${p}, found in ${field}. {**} is not the last operator`);
        ok = false;
      }
    });
  }
}

const HTTP_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];
const HTTP_OPERATION = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];

/** A DENY rule that only TCP traffic cannot match precisely: HTTP attributes and no port. */
function httpOnlyDenyRule(rule: any): boolean {
  let http = false;
  let port = false;
  for (const f of arr(rule.from)) for (const k of HTTP_SOURCE) if (strings(f?.source?.[k]).length > 0) http = true;
  for (const t of arr(rule.to)) {
    for (const k of HTTP_OPERATION) if (strings(t?.operation?.[k]).length > 0) http = true;
    if (strings(t?.operation?.ports).length > 0 || strings(t?.operation?.notPorts).length > 0) port = true;
  }
  for (const c of arr(rule.when)) {
    const key = String(c?.key ?? '');
    if (key.startsWith('request.')) http = true;
    if (key === 'destination.port') port = true;
  }
  return http && !port;
}

/** istiod's `ValidateAuthorizationPolicy` (errors carry istiod's `invalid policy <name>.<namespace>:` prefix). */
export function validateAuthorizationPolicy(name: string, namespace: string, spec: any): Issues {
  const inner = new Issues();
  validatePolicyTargets(inner, spec, POLICY_TARGET_KINDS);
  validateWorkloadSelector(inner, spec.selector);
  const action = String(spec.action ?? 'ALLOW');
  const custom = action === 'CUSTOM';
  if (custom) {
    if (!isRecord(spec.provider)) inner.error('`provider` must be specified with CUSTOM action');
    else if (!spec.provider.name) inner.error('`provider.name` must not be empty');
  } else if (spec.provider !== undefined) {
    inner.error(`\`provider\` must not be with non CUSTOM action, found ${action}`);
  }
  if (action === 'DENY' && spec.rules === undefined) {
    inner.error('DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  }
  arr(spec.rules).forEach((rule, i) => {
    if (!isRecord(rule)) {
      inner.error(`\`rule\` must not be nil, found at rule ${i}`);
      return;
    }
    if (rule.from !== undefined && arr(rule.from).length === 0) inner.error(`\`from\` must not be empty, found at rule ${i}`);
    for (const from of arr(rule.from)) {
      const src = isRecord(from) ? from.source : undefined;
      if (!isRecord(src)) {
        inner.error(`\`from.source\` must not be nil, found at rule ${i}`);
        continue;
      }
      if (!SOURCE_FIELDS.some((f) => strings(src[f]).length > 0)) inner.error(`\`from.source\` must not be empty, found at rule ${i}`);
      for (const f of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) inner.error(ipErrors(strings(src[f])));
      for (const f of SOURCE_FIELDS) {
        if (strings(src[f]).includes('')) inner.error(`empty value not allowed, found in ${TITLE(f)}`);
      }
      if (custom) {
        for (const f of ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts']) {
          if (strings(src[f]).length > 0) inner.error(`${f} is currently not supported with CUSTOM action`);
        }
      }
      const sas = [...strings(src.serviceAccounts), ...strings(src.notServiceAccounts)];
      if (sas.length > 0) {
        if (['namespaces', 'notNamespaces', 'principals', 'notPrincipals'].some((f) => strings(src[f]).length > 0)) {
          inner.error(`cannot set serviceAccounts with namespaces or principals, found at rule ${i}`);
        }
        if (strings(src.serviceAccounts).length > 16 || strings(src.notServiceAccounts).length > 16) inner.error('serviceAccounts may have at most 16 entries');
        for (const sa of sas) {
          if (sa.includes('*')) inner.error(`wildcard is not supported in serviceAccounts: ${sa}`);
          else if (sa.split('/').length > 2) inner.error(`invalid serviceAccount: ${sa}, must be of the form <namespace>/<name> or <name>`);
        }
      }
    }
    if (rule.to !== undefined && arr(rule.to).length === 0) inner.error(`\`to\` must not be empty, found at rule ${i}`);
    for (const to of arr(rule.to)) {
      const op = isRecord(to) ? to.operation : undefined;
      if (!isRecord(op)) {
        inner.error(`\`to.operation\` must not be nil, found at rule ${i}`);
        continue;
      }
      if (!OPERATION_FIELDS.some((f) => strings(op[f]).length > 0)) inner.error(`\`to.operation\` must not be empty, found at rule ${i}`);
      inner.error(portErrors(strings(op.ports)));
      inner.error(portErrors(strings(op.notPorts)));
      for (const f of OPERATION_FIELDS) if (strings(op[f]).includes('')) inner.error(`empty value not allowed, found in ${TITLE(f)}`);
      validatePaths(inner, strings(op.paths), 'Paths');
      validatePaths(inner, strings(op.notPaths), 'NotPaths');
    }
    for (const c of arr(rule.when)) {
      const key = String(c?.key ?? '');
      if (key === '') {
        inner.error('`key` must not be empty');
        continue;
      }
      const values = strings(c.values);
      const notValues = strings(c.notValues);
      if (values.length === 0 && notValues.length === 0) {
        inner.error(`at least one of \`values\` or \`notValues\` must be set for key ${key}`);
      } else {
        const ev = values.length > 0 ? validateAttribute(key, values) : undefined;
        if (ev) inner.error(`invalid \`value\` for \`key\` ${key}: ${ev}`);
        const en = notValues.length > 0 ? validateAttribute(key, notValues) : undefined;
        if (en) inner.error(`invalid \`notValue\` for \`key\` ${key}: ${en}`);
      }
      if (custom && ((key.startsWith('source.') && key !== 'source.ip') || key.startsWith('request.auth.'))) {
        inner.error(`${key} is currently not supported with CUSTOM action`);
      }
    }
    if (action === 'DENY' && httpOnlyDenyRule(rule)) {
      inner.warn('configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port');
    }
  });
  const issues = new Issues();
  for (const e of inner.errors) issues.error(`invalid policy ${name}.${namespace}: ${e}`);
  for (const w of inner.warnings) issues.warn(w);
  return issues;
}
