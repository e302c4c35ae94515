import { validateNamespacedHost, validateServerTls } from './gateway';
import { Issues, validateLabels, validatePort, validatePortName, validateProtocol, strings } from './primitives';
import { isIpAddress } from '../../core/hosts';
import { isRecord } from '../context';
import { arr } from '../util';

const UNIX = 'unix://';
const DEFAULT_ENDPOINT_HOSTS = new Set(['', '127.0.0.1', '0.0.0.0', '::1', '::']);

function portAndBind(issues: Issues, port: any, bind: string, egress: boolean): void {
  if (port.name) issues.error(validatePortName(String(port.name)));
  if (egress && bind.startsWith(UNIX)) return;
  if (egress && Number(port.number ?? 0) === 0) {
    issues.error('sidecar: ports with 0 value must have a unix domain socket bind address');
    return;
  }
  if (bind !== '' && !isIpAddress(bind)) issues.error(`${bind} is not a valid IP`);
  issues.error(validateProtocol(String(port.protocol ?? '')));
  issues.error(validatePort(port.number ?? 0));
}

function validateDefaultEndpoint(issues: Issues, endpoint: string): void {
  if (endpoint.startsWith(UNIX)) {
    if (endpoint.length === UNIX.length) issues.error('unix address must not be empty');
    return;
  }
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
  if (!m) {
    issues.error(`address ${endpoint}: missing port in address`);
    return;
  }
  const host = m[1] ?? m[2] ?? '';
  if (!DEFAULT_ENDPOINT_HOSTS.has(host)) {
    issues.error('sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
  }
  if (!/^[+-]?\d+$/.test(m[3])) issues.error(`sidecar: defaultEndpoint port (${m[3]}) is not a number`);
  else issues.error(validatePort(Number(m[3])));
}

/** istiod's `ValidateSidecar`. */
export function validateSidecar(name: string, namespace: string, spec: any): Issues {
  void name;
  const issues = new Issues();
  if (isRecord(spec.workloadSelector)) validateLabels(issues, spec.workloadSelector.labels);
  const ingress = arr(spec.ingress);
  const egress = arr(spec.egress);
  if (ingress.length === 0 && egress.length === 0 && spec.outboundTrafficPolicy === undefined && spec.inboundConnectionPool === undefined) {
    issues.error('sidecar: empty configuration provided');
  }
  const ports = new Set<number>();
  for (const i of ingress) {
    if (!isRecord(i)) {
      issues.error('sidecar: ingress may not be null');
      continue;
    }
    if (!isRecord(i.port)) {
      issues.error('sidecar: port is required for ingress listeners');
      continue;
    }
    if (Number(i.port.targetPort ?? 0) > 0) issues.error('targetPort has no impact on Sidecars');
    portAndBind(issues, i.port, String(i.bind ?? ''), false);
    const num = Number(i.port.number ?? 0);
    if (ports.has(num)) issues.error('sidecar: ports on IP bound listeners must be unique');
    ports.add(num);
    if (i.defaultEndpoint) validateDefaultEndpoint(issues, String(i.defaultEndpoint));
    if (isRecord(i.tls)) {
      const tls = i.tls;
      if (tls.httpsRedirect) issues.error('sidecar: httpsRedirect is not supported');
      if (tls.credentialName) issues.error('sidecar: credentialName is not currently supported');
      if (strings(tls.credentialNames).length > 0) issues.error('sidecar: credentialNames is not currently supported');
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') issues.error(`configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`);
      if (strings(tls.subjectAltNames).length > 0) issues.error('sidecar: subjectAltNames is not supported in ingress tls');
      const p = String(i.port.protocol ?? '').toUpperCase();
      if (p !== 'HTTPS' && p !== 'TLS') issues.error('server cannot have TLS settings for non HTTPS/TLS ports');
      validateServerTls(issues, tls);
    }
  }
  ports.clear();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((e, index) => {
    if (!isRecord(e)) {
      issues.error('sidecar: egress may not be null');
      return;
    }
    if (!isRecord(e.port)) {
      if (catchAll) {
        issues.error('sidecar: egress can have only one listener with empty port');
        return;
      }
      if (index === egress.length - 1) catchAll = true;
      else issues.error('sidecar: the egress listener with empty port should be the last listener in the list');
    } else {
      if (Number(e.port.targetPort ?? 0) > 0) issues.error('targetPort has no impact on Sidecars');
      const bind = String(e.bind ?? '');
      portAndBind(issues, e.port, bind, true);
      const num = Number(e.port.number ?? 0);
      if (num === 0) {
        if (sockets.has(bind)) issues.error('sidecar: unix domain socket values for listeners must be unique');
        sockets.add(bind);
      } else {
        if (ports.has(num)) issues.error('sidecar: ports on IP bound listeners must be unique');
        ports.add(num);
      }
    }
    const hosts = strings(e.hosts);
    if (hosts.length === 0) {
      issues.error('sidecar: egress listener must contain at least one host');
      return;
    }
    const byNs = new Map<string, Set<string>>();
    for (const h of hosts) {
      const slash = h.indexOf('/');
      if (slash >= 0) {
        const ns = h.slice(0, slash) === '.' ? namespace : h.slice(0, slash);
        const svc = h.slice(slash + 1);
        let set = byNs.get(ns);
        if (!set) byNs.set(ns, (set = new Set()));
        if (svc !== '*' ? set.has(svc) || set.has('*') : set.size !== 0) issues.warn(`duplicated egress host: ${h}`);
        set.add(svc);
      }
      validateNamespacedHost(issues, h, false);
    }
    if (byNs.get('*')?.has('*') && byNs.size !== 1) issues.warn('`*/*` host select all resources, no other hosts can be added');
  });
  const otp = spec.outboundTrafficPolicy;
  if (isRecord(otp) && otp.egressProxy !== undefined) {
    if ((otp.mode ?? 'ALLOW_ANY') !== 'ALLOW_ANY') issues.error('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    if (!isRecord(otp.egressProxy?.port)) issues.error('sidecar: egress_proxy port must be non-nil');
  }
  return issues;
}
