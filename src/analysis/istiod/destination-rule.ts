import {
  checkDuration, isDns1123Label, Issues, validateExportTo, validateFqdn, validateLabels, validatePort,
  validateWildcardDomain, validateWorkloadSelector, strings,
} from './primitives';
import { isIpAddress } from '../../core/hosts';
import { isRecord } from '../context';
import { arr } from '../util';

function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

function validatePercent(issues: Issues, v: unknown): void {
  if (v === undefined) return;
  const n = Number(v);
  if (n < 0 || n > 100) issues.error(`percentage ${n} is not in range 0..100`);
}

function validateOutlierDetection(issues: Issues, o: unknown): void {
  if (!isRecord(o)) return;
  if (o.baseEjectionTime !== undefined) checkDuration(issues, o.baseEjectionTime);
  if (o.consecutiveErrors !== undefined && Number(o.consecutiveErrors) !== 0) {
    issues.warn('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!o.splitExternalLocalOriginErrors && Number(o.consecutiveLocalOriginFailures ?? 0) > 0) {
    issues.error('outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  if (o.interval !== undefined) checkDuration(issues, o.interval);
  validatePercent(issues, o.maxEjectionPercent);
  validatePercent(issues, o.minHealthPercent);
}

function nonNegative(issues: Issues, v: unknown, message: string): void {
  if (v !== undefined && Number(v) < 0) issues.error(message);
}

function validateConnectionPool(issues: Issues, cp: unknown): void {
  if (!isRecord(cp)) return;
  if (cp.http === undefined && cp.tcp === undefined) issues.error('connection pool must have at least one field');
  if (isRecord(cp.http)) {
    const h = cp.http;
    nonNegative(issues, h.http1MaxPendingRequests, 'http1 max pending requests must be non-negative');
    nonNegative(issues, h.http2MaxRequests, 'http2 max requests must be non-negative');
    nonNegative(issues, h.maxRequestsPerConnection, 'max requests per connection must be non-negative');
    nonNegative(issues, h.maxRetries, 'max retries must be non-negative');
    if (h.idleTimeout !== undefined) checkDuration(issues, h.idleTimeout);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol === true) issues.error('use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    nonNegative(issues, h.maxConcurrentStreams, 'max concurrent streams must be non-negative');
  }
  if (isRecord(cp.tcp)) {
    const t = cp.tcp;
    nonNegative(issues, t.maxConnections, 'max connections must be non-negative');
    for (const f of ['connectTimeout', 'maxConnectionDuration']) if (t[f] !== undefined) checkDuration(issues, t[f]);
    // A TCP idle timeout of 0s disables the timeout; istiod lets it through.
    if (t.idleTimeout !== undefined && !/^0+(\.0+)?s$/.test(String(t.idleTimeout))) checkDuration(issues, t.idleTimeout);
    if (isRecord(t.tcpKeepalive)) for (const f of ['time', 'interval']) if (t.tcpKeepalive[f] !== undefined) checkDuration(issues, t.tcpKeepalive[f]);
  }
}

function validateLocalityLb(issues: Issues, lb: unknown, outlier: unknown): void {
  if (!isRecord(lb)) return;
  const distribute = arr(lb.distribute);
  const failover = arr(lb.failover);
  if (distribute.length > 0 && failover.length > 0) {
    issues.error("can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (failover.length > 0 && outlier === undefined) issues.warn('outlier detection policy must be provided for failover');
  for (const d of distribute) {
    let total = 0;
    for (const w of Object.values(isRecord(d?.to) ? d.to : {})) {
      const n = Number(w);
      if (n <= 0 || n > 100) issues.error('locality weight must be in range [1, 100]');
      total += n;
    }
    if (total !== 100) issues.error(`total locality weight ${total} != 100`);
  }
  for (const f of failover) {
    const from = String(f?.from ?? '');
    const to = String(f?.to ?? '');
    if (from === to) issues.error('locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) issues.error('locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) issues.error("locality lb failover region should not contain '*' wildcard");
  }
}

function validateLoadBalancer(issues: Issues, lb: unknown, outlier: unknown): void {
  if (!isRecord(lb)) return;
  const ch = lb.consistentHash;
  if (isRecord(ch)) {
    if (isRecord(ch.httpCookie) && !ch.httpCookie.name) issues.error('name required for HttpCookie');
    if (Number(ch.minimumRingSize ?? 0) !== 0 && (ch.ringHash !== undefined || ch.maglev !== undefined)) {
      issues.error('only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    if (isRecord(ch.maglev)) {
      const size = Number(ch.maglev.tableSize ?? 0);
      if (size === 0) issues.error('tableSize must be set for maglev');
      else if (size >= 5000011) issues.error('tableSize must be less than 5000011 for maglev');
      else if (!isPrime(size)) issues.error('tableSize must be a prime number for maglev');
    }
  }
  if (lb.warmupDurationSecs !== undefined) checkDuration(issues, lb.warmupDurationSecs);
  if (isRecord(lb.warmup) && lb.warmup.duration !== undefined) checkDuration(issues, lb.warmup.duration);
  validateLocalityLb(issues, lb.localityLbSetting, outlier);
}

/** `agent.ValidateTLS` for client TLS settings. */
function validateClientTls(issues: Issues, tls: unknown): void {
  if (!isRecord(tls)) return;
  if (tls.insecureSkipVerify === true && (tls.caCertificates || tls.credentialName || strings(tls.subjectAltNames).length > 0)) {
    issues.error('cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
  }
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && tls.credentialName) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      issues.error('cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (tls.mode === 'MUTUAL') {
    if (!tls.clientCertificate) issues.error('client certificate required for mutual tls');
    if (!tls.privateKey) issues.error('private key required for mutual tls');
  }
}

function validateTunnel(issues: Issues, tunnel: unknown): void {
  if (!isRecord(tunnel)) return;
  const protocol = String(tunnel.protocol ?? '');
  if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') issues.error('tunnel protocol must be "CONNECT" or "POST"');
  const host = String(tunnel.targetHost ?? '');
  const fqdnErr = validateFqdn(host);
  if (fqdnErr && !isIpAddress(host)) issues.error(`tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ParseAddr(${JSON.stringify(host)}): unable to parse IP`);
  const portErr = validatePort(tunnel.targetPort ?? 0);
  if (portErr) issues.error(`tunnel target port is invalid: ${portErr}`);
}

const POLICY_FIELDS = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'];

function validateTrafficPolicy(issues: Issues, policy: unknown): void {
  if (!isRecord(policy)) return;
  if (!POLICY_FIELDS.some((f) => policy[f] !== undefined)) {
    issues.error('traffic policy must have at least one field');
    return;
  }
  if (policy.tunnel !== undefined && policy.proxyProtocol !== undefined) issues.error('tunnel and proxyProtocol must not be set together');
  validateOutlierDetection(issues, policy.outlierDetection);
  validateConnectionPool(issues, policy.connectionPool);
  validateLoadBalancer(issues, policy.loadBalancer, policy.outlierDetection);
  validateClientTls(issues, policy.tls);
  for (const p of arr(policy.portLevelSettings)) {
    if (!isRecord(p)) {
      issues.error('traffic policy must not be null');
      continue;
    }
    if (!isRecord(p.port)) {
      issues.error('portTrafficPolicy must have valid port');
      continue;
    }
    if (p.outlierDetection === undefined && p.connectionPool === undefined && p.loadBalancer === undefined && p.tls === undefined) {
      issues.error('port traffic policy must have at least one field');
      continue;
    }
    validateOutlierDetection(issues, p.outlierDetection);
    validateConnectionPool(issues, p.connectionPool);
    validateLoadBalancer(issues, p.loadBalancer, p.outlierDetection);
    validateClientTls(issues, p.tls);
  }
  validateTunnel(issues, policy.tunnel);
}

/** istiod's `ValidateDestinationRule`. */
export function validateDestinationRule(name: string, namespace: string, spec: any): Issues {
  void name;
  const issues = new Issues();
  issues.error(validateWildcardDomain(String(spec.host ?? '')));
  validateTrafficPolicy(issues, spec.trafficPolicy);
  const names = new Set<string>();
  for (const s of arr(spec.subsets)) {
    if (!isRecord(s)) {
      issues.error('subset may not be null');
      continue;
    }
    const n = String(s.name ?? '');
    if (names.has(n)) issues.error(`duplicate subset names: ${n}`);
    names.add(n);
    if (n === '') issues.error('subset name cannot be empty');
    else if (!isDns1123Label(n)) issues.error(`subset name is invalid: ${n}`);
    validateLabels(issues, s.labels);
    validateTrafficPolicy(issues, s.trafficPolicy);
  }
  validateExportTo(issues, namespace, spec.exportTo, false, spec.workloadSelector !== undefined);
  validateWorkloadSelector(issues, spec.workloadSelector);
  return issues;
}
