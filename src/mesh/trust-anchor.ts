import { hostRule } from '../core/hosts';
import { httpUrlRule } from '../core/urls';
import { check, fail } from '../core/validation-error';

/** Options of the {@link TrustAnchor} factories. */
export interface TrustAnchorOptions {
  /**
   * The trust domains whose workload certificates this root may vouch for (MeshConfig
   * `caCertificates[].trustDomains`): a federated cluster's root is then not accepted for
   * identities of another trust domain.
   * @default - every trust domain
   */
  readonly trustDomains?: string[];
}

/** Trust domains, as MeshConfig writes them (short names such as `td1` included). */
const TRUST_DOMAIN_RULE = hostRule({ shortName: true });

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

/**
 * A root CA certificate workloads of a mesh trust, as MeshConfig `caCertificates` holds it: the
 * PEM itself, or a SPIFFE bundle endpoint istiod fetches it from.
 *
 * A cluster's root is only known once its CA exists (cert-manager generates it): read it from the
 * cluster, e.g. `kubectl get configmap istio-ca-root-cert -n istio-system -o jsonpath='{.data.root-cert\.pem}'`.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-CertificateData
 */
export class TrustAnchor {
  /** A root certificate in PEM (`-----BEGIN CERTIFICATE-----` ...). */
  public static fromPem(pem: string, options: TrustAnchorOptions = {}): TrustAnchor {
    check('TrustAnchor.fromPem', 'pem', pem, (p) => (typeof p === 'string' && PEM_CERTIFICATE.test(p.trim() + '\n') ? undefined
      : 'must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)'),
    "Paste the cluster's root certificate, e.g. the 'root-cert.pem' of its istio-ca-root-cert ConfigMap.");
    return new TrustAnchor(`${pem.trim()}\n`, undefined, checkTrustDomains('TrustAnchor.fromPem', options.trustDomains));
  }

  /** A SPIFFE trust bundle endpoint (https), which istiod polls for the roots. */
  public static fromSpiffeBundleUrl(url: string, options: TrustAnchorOptions = {}): TrustAnchor {
    check('TrustAnchor.fromSpiffeBundleUrl', 'url', url, httpUrlRule(), "Use the bundle endpoint's https URL, e.g. 'https://spire.example.com/bundle'.");
    if (!url.startsWith('https://')) {
      fail('TrustAnchor.fromSpiffeBundleUrl', 'url', 'must be an https URL (istiod fetches trust bundles over TLS only)', url,
        "Serve the bundle over https, e.g. 'https://spire.example.com/bundle'.");
    }
    return new TrustAnchor(undefined, url, checkTrustDomains('TrustAnchor.fromSpiffeBundleUrl', options.trustDomains));
  }

  private constructor(
    /** The PEM certificate, when given inline. */
    public readonly pem: string | undefined,
    /** The SPIFFE bundle endpoint, when the root is fetched. */
    public readonly spiffeBundleUrl: string | undefined,
    /** The trust domains the root is scoped to, when scoped. */
    public readonly trustDomains: string[] | undefined,
  ) {}

  /** The same root scoped to these trust domains. */
  public scopedTo(trustDomains: string[]): TrustAnchor {
    return new TrustAnchor(this.pem, this.spiffeBundleUrl, checkTrustDomains('TrustAnchor.scopedTo', trustDomains));
  }

  /**
   * The MeshConfig `caCertificates` entry.
   * @internal
   */
  public _wire(): Record<string, any> {
    const entry: Record<string, any> = this.pem !== undefined ? { pem: this.pem } : { spiffeBundleUrl: this.spiffeBundleUrl };
    if (this.trustDomains !== undefined) entry.trustDomains = [...this.trustDomains];
    return entry;
  }
}

function checkTrustDomains(where: string, trustDomains: string[] | undefined): string[] | undefined {
  if (trustDomains === undefined) return undefined;
  check(where, 'trustDomains', trustDomains, (t) => (t.length > 0 ? undefined : 'must not be empty'), 'Leave trustDomains out to trust the root for every trust domain.');
  trustDomains.forEach((td, i) => check(where, `trustDomains[${i}]`, td, TRUST_DOMAIN_RULE, "Trust domains look like 'cluster.local' or 'cluster-b.local'."));
  return [...trustDomains];
}
