import {
  isIpOrCidr, Issues, validateExportTo, validateFqdn, validateLabels, validatePort, validatePortName, validateProtocol,
  validateWildcardDomain, strings, q,
} from './primitives';
import { isIpAddress } from '../../core/hosts';
import { isRecord } from '../context';
import { arr } from '../util';

const AUTO_ALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';

/**
 * istiod's `ValidateServiceEntry`. `labels` are the object's labels: the webhook reads the
 * auto-allocation opt-out label from them.
 */
export function validateServiceEntry(name: string, namespace: string, spec: any, labels: Record<string, string> = {}): Issues {
  void name;
  const issues = new Issues();
  const resolution = String(spec.resolution ?? 'NONE');
  const hosts = strings(spec.hosts);
  const addresses = strings(spec.addresses);
  const endpoints = arr(spec.endpoints);
  if (spec.workloadSelector !== undefined && spec.endpoints !== undefined) {
    issues.error('only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  }
  if (hosts.length === 0) issues.error('service entry must have at least one host');
  for (const h of hosts) {
    if (h === '*') {
      issues.error(`invalid host ${h}`);
      continue;
    }
    issues.error(validateWildcardDomain(h));
    if (h.startsWith('*') && !h.startsWith('*.') && h.length > 1 && resolution !== 'DYNAMIC_DNS') issues.warn(`partial wildcard ${q(h)} not allowed`);
  }
  let cidr = false;
  for (const a of addresses) {
    cidr = cidr || a.includes('/');
    if (!isIpOrCidr(a)) issues.error(`${a} is not a valid CIDR block`);
  }
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') issues.error('CIDR addresses are allowed only for NONE/STATIC resolution types');
  const autoAllocate = resolution !== 'NONE' && labels[AUTO_ALLOCATE_LABEL] !== 'false';
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  for (const p of arr(spec.ports)) {
    if (!isRecord(p)) {
      issues.error('service entry port may not be null');
      continue;
    }
    const pname = String(p.name ?? '');
    const num = Number(p.number ?? 0);
    if (portNames.has(pname)) issues.error(`service entry port name ${q(pname)} already defined`);
    portNames.add(pname);
    if (portNumbers.has(num)) issues.error(`service entry port ${num} already defined`);
    portNumbers.add(num);
    if (p.targetPort !== undefined && Number(p.targetPort) !== 0) issues.error(validatePort(p.targetPort));
    const protocol = String(p.protocol ?? '');
    if (addresses.length === 0 && !autoAllocate && (protocol === '' || protocol.toUpperCase() === 'TCP')) {
      issues.warn('addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled');
    }
    issues.error(validatePortName(pname));
    issues.error(validateProtocol(protocol));
    issues.error(validatePort(p.number ?? 0));
  }
  const checkEndpoint = (e: any, dns: boolean) => {
    const address = String(e.address ?? '');
    if (dns) {
      if (!isIpAddress(address) && validateFqdn(address)) issues.error(`endpoint address ${q(address)} is not a valid FQDN or an IP address`);
    } else if (!isIpAddress(address) && !address.startsWith('unix://')) {
      issues.error(`endpoint address ${q(address)} is not a valid IP address`);
    }
    validateLabels(issues, e.labels);
    for (const [pn, pv] of Object.entries(isRecord(e.ports) ? e.ports : {})) {
      if (!portNames.has(pn)) issues.error(`endpoint port ${pn} is not defined by the service entry`);
      issues.error(validatePortName(pn));
      issues.error(validatePort(pv));
    }
  };
  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) issues.error('no endpoints should be provided for resolution type none');
      break;
    case 'STATIC':
      for (const e of endpoints) if (isRecord(e)) checkEndpoint(e, false);
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        for (const h of hosts) {
          const e = validateFqdn(h.startsWith('*.') ? h.slice(2) : h);
          if (e) issues.error(`hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${e}`);
        }
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) issues.error(`there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      for (const e of endpoints) if (isRecord(e)) checkEndpoint(e, true);
      break;
    case 'DYNAMIC_DNS':
      if (endpoints.length > 0) issues.error('no endpoints should be provided for resolution type DYNAMIC_DNS');
      if (addresses.length > 0) issues.error('no addresses should be provided for resolution type DYNAMIC_DNS');
      for (const h of hosts) if (!h.startsWith('*')) issues.error(`host must be wildcarded for resolution mode ${resolution}`);
      for (const p of arr(spec.ports)) {
        const protocol = String(p?.protocol ?? '').toUpperCase();
        if (!['HTTP', 'TLS', 'GRPC', 'HTTP2'].includes(protocol)) {
          issues.error(`only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${resolution}`);
          break;
        }
      }
      break;
    default:
      break;
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    for (const p of arr(spec.ports)) {
      const protocol = String(p?.protocol ?? '').toUpperCase();
      if (!['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY', 'HTTPS', 'TLS'].includes(protocol)) {
        issues.error('multiple hosts provided with non-HTTP, non-TLS ports');
        break;
      }
    }
  }
  validateExportTo(issues, namespace, spec.exportTo, true);
  return issues;
}
