import { Issues, validateWorkloadSelector } from './primitives';
import { isRecord } from '../context';

/** istiod's `ValidatePeerAuthentication`. */
export function validatePeerAuthentication(name: string, namespace: string, spec: any): Issues {
  void name;
  void namespace;
  const issues = new Issues();
  validateWorkloadSelector(issues, spec.selector);
  const labels = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const ports = spec.portLevelMtls;
  const count = isRecord(ports) ? Object.keys(ports).length : 0;
  if (Object.keys(labels).length === 0 && count > 0) issues.error('mesh/namespace peer authentication cannot have port level mTLS');
  if (ports !== undefined && count === 0) issues.error('port level mTLS, if defined, must have at least one element');
  for (const port of Object.keys(isRecord(ports) ? ports : {})) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) issues.error('port must be in range 1..65535');
  }
  return issues;
}
