import { createPrivateKey, X509Certificate } from 'crypto';
import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { isDefaultResource } from '../default-resources';
import { FindingLevel } from '../finding';
import { arr, filesHaveWorkloads, selectWorkloads, selectorString, str } from '../util';

/** The PEM text of a Secret key (`data` is base64, `stringData` plain), or undefined when absent. */
function secretValue(secret: Resource, key: string): string | undefined {
  const data = secret.obj.data;
  if (isRecord(data) && typeof data[key] === 'string') return Buffer.from(data[key], 'base64').toString('utf8');
  const plain = secret.obj.stringData;
  if (isRecord(plain) && typeof plain[key] === 'string') return plain[key];
  return undefined;
}

/** What is wrong with a TLS credential Secret, or undefined when the gateway can serve it. */
function credentialProblem(secret: Resource, now: Date): string | undefined {
  // Istio reads `tls.crt`/`tls.key` (kubernetes.io/tls) and, for generic Secrets, `cert`/`key`.
  const cert = secretValue(secret, 'tls.crt') ?? secretValue(secret, 'cert');
  const key = secretValue(secret, 'tls.key') ?? secretValue(secret, 'key');
  if (cert === undefined || key === undefined) {
    return `has no ${cert === undefined ? 'certificate' : 'private key'} (expected keys tls.crt and tls.key, or cert and key)`;
  }
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch {
    return 'holds a certificate that is not a PEM-encoded X.509 certificate';
  }
  try {
    createPrivateKey(key);
  } catch {
    return 'holds a private key that is not a PEM-encoded key';
  }
  if (new Date(parsed.validTo).getTime() < now.getTime()) return `holds a certificate that expired on ${new Date(parsed.validTo).toISOString()}`;
  return undefined;
}

/**
 * TLS credentials of Gateways: the Secret must exist in the namespace of the gateway workload the
 * Gateway selects (IST0101), and hold a usable, unexpired certificate and key (IST0161).
 *
 * The workload comes from Pods and pod templates, the Secrets from Secret objects (a cert-manager
 * Certificate counts as its Secret, without contents); with no such objects in the files, the
 * corresponding check stays silent. istioctl's placeholder ingress gateway Pod locates the Secrets
 * of Gateways it matches; a Secret missing beside it is reported only when the files keep other
 * credentials in that namespace (the real gateway may run in another one).
 */
export const gatewaySecretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  analyze(ctx: AnalysisContext) {
    const gateways = ctx.all('Gateway');
    if (gateways.length === 0) return;
    const haveWorkloads = filesHaveWorkloads(ctx);
    const haveSecrets = ctx.all('Secret').length > 0;
    if (!haveWorkloads && !haveSecrets) return;
    const issued = new Set(ctx.all('Certificate').map((c) => `${c.namespace}/${str(c.spec.secretName)}`));
    // Namespaces where the files keep credentials: beside the placeholder Pod, only there is a missing one evidence.
    const secretNamespaces = new Set([...ctx.all('Secret'), ...ctx.all('Certificate')].map((r) => r.namespace));
    const now = new Date();
    for (const gw of gateways) {
      const selector = isRecord(gw.spec.selector) ? gw.spec.selector : {};
      const servers = arr(gw.spec.servers).filter((s: any) => typeof s?.tls?.credentialName === 'string' && s.tls.credentialName !== '');
      if (servers.length === 0) continue;
      const selected = selectWorkloads(ctx, '*', selector);
      const workload = selected.find((w) => !isDefaultResource(w.resource)) ?? selected[0];
      const assumed = workload !== undefined && isDefaultResource(workload.resource);
      if (!workload) {
        if (!haveWorkloads) continue;
        ctx.report(this.name, 'IST0101', FindingLevel.ERROR, gw,
          `Gateway ${gw.name} selects no gateway workload (selector "${selectorString(selector)}"), so its TLS credentials cannot be located.`,
          'Fix the selector to match the labels of the gateway pods.');
        continue;
      }
      if (!haveSecrets) continue;
      const ns = workload.namespace;
      for (const s of servers) {
        const name = String(s.tls.credentialName);
        if (name.includes('://')) continue;
        const secret = ctx.find('Secret', ns, name);
        if (!secret) {
          if (issued.has(`${ns}/${name}`) || (assumed && !secretNamespaces.has(ns))) continue;
          ctx.report(this.name, 'IST0101', FindingLevel.ERROR, gw,
            `Gateway ${gw.name} references credential Secret ${ns}/${name}, which does not exist in the namespace of its gateway workload ${workload.resource.name}.`,
            `Create the Secret in namespace ${ns}, where the gateway pods run.`);
          continue;
        }
        const problem = credentialProblem(secret, now);
        if (problem) {
          ctx.report(this.name, 'IST0161', FindingLevel.ERROR, gw,
            `Credential Secret ${ns}/${name} of Gateway ${gw.name} ${problem}.`,
            'Put a valid PEM certificate chain and private key in the Secret.');
        }
      }
    }
  },
};
