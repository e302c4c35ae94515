import { checkDuration, Issues, POLICY_TARGET_KINDS, q, validatePolicyTargets, validateWorkloadSelector, strings } from './primitives';
import { validateHeaderName } from './virtual-service';
import { isRecord } from '../context';
import { arr } from '../util';

/** Fields of a JWK that only a private key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

function validateJwks(issues: Issues, jwks: string): void {
  let parsed: any;
  try {
    parsed = JSON.parse(jwks);
  } catch (e) {
    issues.error(`jwks parse error: ${(e as Error).message}`);
    return;
  }
  const keys = isRecord(parsed) && Array.isArray(parsed.keys) ? parsed.keys : isRecord(parsed) && parsed.kty ? [parsed] : undefined;
  if (!keys) {
    issues.error('jwks parse error: failed to unmarshal JWK set: neither a key set (`keys`) nor a key (`kty`)');
    return;
  }
  keys.forEach((k: any, i: number) => {
    if (!isRecord(k) || !k.kty) {
      issues.error(`jwks parse error: key at index ${i} has no "kty"`);
      return;
    }
    if (k.kty !== 'oct' && PRIVATE_MEMBERS.some((m) => k[m] !== undefined)) {
      issues.warn(`jwks key at index ${i} contains private key material; only public keys are used for verification`);
    }
  });
}

/** istiod's `ValidateRequestAuthentication` (`validateJwtRule` per rule). */
export function validateRequestAuthentication(name: string, namespace: string, spec: any): Issues {
  void name;
  void namespace;
  const issues = new Issues();
  validatePolicyTargets(issues, spec, POLICY_TARGET_KINDS);
  validateWorkloadSelector(issues, spec.selector);
  for (const rule of arr(spec.jwtRules)) {
    if (!isRecord(rule)) continue;
    if (!rule.issuer && !rule.jwksUri) issues.error('issuer or jwksUri must be non-empty string');
    for (const a of strings(rule.audiences)) if (a === '') issues.error('audience must be non-empty string');
    if (rule.jwksUri) {
      const uri = String(rule.jwksUri);
      const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
      const scheme = m ? m[1].toLowerCase() : '';
      if (scheme !== 'http' && scheme !== 'https') issues.error(`URI scheme ${q(scheme)} is not supported`);
    }
    if (rule.jwks) validateJwks(issues, String(rule.jwks));
    for (const h of arr(rule.fromHeaders)) if (!isRecord(h) || !h.name) issues.error('location header name must be non-empty string');
    for (const p of strings(rule.fromParams)) if (p === '') issues.error('location query must be non-empty string');
    for (const c of strings(rule.fromCookies)) if (c === '') issues.error('cookie name must be non-empty string');
    for (const o of arr(rule.outputClaimToHeaders)) {
      if (!isRecord(o) || !o.claim || !o.header) {
        issues.error('outputClaimToHeaders header and claim value must be non-empty string');
        continue;
      }
      issues.error(validateHeaderName(String(o.header)));
    }
    if (rule.timeout !== undefined) checkDuration(issues, rule.timeout);
  }
  return issues;
}
