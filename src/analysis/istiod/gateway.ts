import { goSlice, isDns1123Label, Issues, q, validatePort, validateWildcardDomain, strings } from './primitives';
import { isIpAddress } from '../../core/hosts';
import { isRecord } from '../context';
import { arr } from '../util';

const UNIX = 'unix://';

/** How istiod's `protocol.Parse` classifies a server port protocol. */
function protocolClass(p: string): 'http' | 'tls' | 'other' | 'unsupported' {
  switch (p.toLowerCase()) {
    case 'http': case 'http2': case 'grpc': case 'grpc-web': case 'http_proxy': return 'http';
    case 'https': case 'tls': return 'tls';
    case 'tcp': case 'udp': case 'mongo': case 'redis': case 'mysql': return 'other';
    default: return 'unsupported';
  }
}

/** `validateSidecarOrGatewayHostnamePart`. */
export function validateHostnamePart(issues: Issues, hostname: string, gateway: boolean): void {
  if (hostname !== '*' && !hostname.includes('.')) issues.error('short names (non FQDN) are not allowed');
  const e = validateWildcardDomain(hostname);
  if (e && (!gateway || !isIpAddress(hostname))) issues.error(e);
  if (gateway && hostname.length > 1 && hostname.includes('*') && !hostname.startsWith('*.')) issues.error(`partial wildcard ${q(hostname)} not allowed`);
}

/** `validateNamespaceSlashWildcardHostname` for gateway servers (`isGateway`) and sidecar egress hosts. */
export function validateNamespacedHost(issues: Issues, host: string, gateway: boolean): void {
  const slash = host.indexOf('/');
  if (slash < 0) {
    if (gateway) validateHostnamePart(issues, host, true);
    else issues.error('host must be of form namespace/dnsName');
    return;
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns === '' || name === '') {
    issues.error('config namespace and dnsName in host entry cannot be empty');
    return;
  }
  const special = gateway ? ['*', '.'] : ['*', '.', '~'];
  if (!special.includes(ns) && !isDns1123Label(ns)) issues.error(`invalid namespace value ${q(ns)} in ${gateway ? 'gateway' : 'sidecar'}`);
  validateHostnamePart(issues, name, gateway);
}

const CIPHERS = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'AES128-GCM-SHA256', 'AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES256-GCM-SHA384', 'AES256-SHA',
]);

/** `validateTLSOptions` (server TLS, used by gateways and sidecar ingress). */
export function validateServerTls(issues: Issues, tls: unknown): void {
  if (!isRecord(tls)) return;
  const mode = String(tls.mode ?? 'PASSTHROUGH');
  const credentialNames = strings(tls.credentialNames);
  const tlsCertificates = arr(tls.tlsCertificates);
  if (mode === 'ISTIO_MUTUAL') {
    if (tls.credentialName) issues.error('ISTIO_MUTUAL TLS cannot have associated credentialName');
    if (credentialNames.length > 0) issues.error('ISTIO_MUTUAL TLS cannot have associated credentialNames');
    if (tls.serverCertificate) issues.error('ISTIO_MUTUAL TLS cannot have associated server cert');
    if (tls.privateKey) issues.error('ISTIO_MUTUAL TLS cannot have associated private key');
    if (tls.caCertificates) issues.error('ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (tls.caCrl) issues.error('ISTIO_MUTUAL TLS cannot have associated CRL');
    return;
  }
  const hasCerts = tls.caCrl || tls.serverCertificate || tls.privateKey || tls.caCertificates || tls.credentialName
    || credentialNames.length > 0 || tlsCertificates.length > 0;
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && hasCerts) issues.warn(`${mode} mode does not use certificates, they will be ignored`);
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminating) {
    const sources = [!!tls.credentialName, credentialNames.length > 0, !!(tls.serverCertificate || tls.privateKey), tlsCertificates.length > 0]
      .filter((x) => x).length;
    if (sources > 1) issues.error('only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
    if (!tls.credentialName && credentialNames.length === 0 && tlsCertificates.length === 0) {
      if (!tls.serverCertificate) issues.error(`${mode} TLS requires a server certificate`);
      if (!tls.privateKey) issues.error(`${mode} TLS requires a private key`);
      if (mode !== 'SIMPLE' && !tls.caCertificates) issues.error(`${mode} TLS requires a client CA bundle`);
    }
  }
  if (tls.caCrl) {
    if (tls.credentialName) issues.error('CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') issues.error('CRL is not supported with SIMPLE TLS');
  }
  const invalid = strings(tls.cipherSuites).filter((c) => !c.replace(/^\[|\]$/g, '').split('|').every((x) => CIPHERS.has(x)));
  if (invalid.length > 0) issues.warn(`ignoring invalid cipher suites: ${goSlice(invalid)}`);
}

function portText(port: any): string {
  const parts: string[] = [];
  if (port.number !== undefined) parts.push(`number:${port.number}`);
  if (port.protocol !== undefined) parts.push(`protocol:${JSON.stringify(String(port.protocol))}`);
  return `&Port{${parts.join(' ')}}`;
}

function validateServer(issues: Issues, server: any): void {
  const hosts = strings(server.hosts);
  if (hosts.length === 0) issues.error('server config must contain at least one host');
  for (const h of hosts) validateNamespacedHost(issues, h, true);
  const bind = String(server.bind ?? '');
  const port = server.port;
  let portOk = true;
  const portError = (m: string) => {
    portOk = false;
    issues.error(m);
  };
  if (!isRecord(port)) {
    portError('port is required');
  } else {
    if (protocolClass(String(port.protocol ?? '')) === 'unsupported') {
      portError(`invalid protocol ${q(port.protocol ?? '')}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
    }
    if (Number(port.number ?? 0) > 0 || !bind.startsWith(UNIX)) {
      const e = validatePort(port.number ?? 0);
      if (e) portError(e);
    }
    if (port.targetPort !== undefined && Number(port.targetPort) !== 0) portError('targetPort has no impact on Gateways');
    if (!port.name) portError(`port name must be set: ${portText(port)}`);
  }
  if (bind.startsWith(UNIX)) {
    if (isRecord(port) && Number(port.number ?? 0) !== 0) issues.error(`port number must be 0 for unix domain socket: ${portText(port)}`);
  } else if (bind !== '' && !isIpAddress(bind)) {
    issues.error(`${bind} is not a valid IP`);
  }
  validateServerTls(issues, server.tls);
  if (portOk && isRecord(port)) {
    const cls = protocolClass(String(port.protocol));
    if (cls === 'tls') {
      if (!isRecord(server.tls)) issues.error('server must have TLS settings for HTTPS/TLS protocols');
    } else if (isRecord(server.tls)) {
      if (cls === 'http') {
        const onlyRedirect = Object.keys(server.tls).every((k) => k === 'httpsRedirect');
        if (!onlyRedirect) issues.error('server cannot have TLS settings for plain text HTTP ports');
      } else {
        issues.error('server cannot have TLS settings for non HTTPS/TLS ports');
      }
    }
  }
}

/** istiod's `ValidateGateway`. */
export function validateGateway(name: string, namespace: string, spec: any): Issues {
  void namespace;
  const issues = new Issues();
  if (!isDns1123Label(name)) issues.error(`invalid gateway name: ${q(name)}`);
  const servers = arr(spec.servers);
  if (servers.length === 0) issues.error('gateway must have at least one server');
  for (const s of servers) if (isRecord(s)) validateServer(issues, s);
  const portNames = new Set<string>();
  for (const s of servers) {
    if (!isRecord(s)) {
      issues.error('server may not be null');
      continue;
    }
    if (!isRecord(s.port)) continue;
    const portName = String(s.port.name ?? '');
    if (portNames.has(portName)) issues.error(`port names in servers must be unique: duplicate name ${portName}`);
    portNames.add(portName);
    if (protocolClass(String(s.port.protocol ?? '')) !== 'http' && isRecord(s.tls) && s.tls.httpsRedirect === true) {
      issues.warn('tls.httpsRedirect should only be used with http servers');
    }
  }
  return issues;
}
