import { deferCheck, deferFailure } from '../core/deferred-checks';
import { hostRule } from '../core/hosts';
import { httpUrlRule } from '../core/urls';
import { ValidationError } from '../core/validation-error';
import { checkList, checkObject } from '../core/value-types';

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
 * The factories check their arguments where the root is used: a bad PEM, URL or trust domain
 * fails the construct that receives it, naming its path and prop
 * (`cluster-b: rootCertificate.pem must be one PEM certificate ...`).
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-CertificateData
 */
export class TrustAnchor {
  /** A root certificate in PEM (`-----BEGIN CERTIFICATE-----` ...). */
  public static fromPem(pem: string, options: TrustAnchorOptions = {}): TrustAnchor {
    // An options object that is not one has no fields to read: that cannot wait for the construct using the root.
    checkObject('TrustAnchor.fromPem(pem, options)', 'options', options);
    const source: RootSource = { field: 'pem', value: pem };
    const anchor = new TrustAnchor(typeof pem === 'string' ? `${pem.trim()}\n` : pem, undefined, copyOfList(options.trustDomains), source);
    // Checked where the root is used, against that construct's prop (see core/deferred-checks).
    deferSourceChecks(anchor, source);
    deferTrustDomainChecks(anchor, options.trustDomains);
    return anchor;
  }

  /** A SPIFFE trust bundle endpoint (https), which istiod polls for the roots. */
  public static fromSpiffeBundleUrl(url: string, options: TrustAnchorOptions = {}): TrustAnchor {
    checkObject('TrustAnchor.fromSpiffeBundleUrl(url, options)', 'options', options);
    const source: RootSource = { field: 'spiffeBundleUrl', value: url };
    const anchor = new TrustAnchor(undefined, url, copyOfList(options.trustDomains), source);
    deferSourceChecks(anchor, source);
    deferTrustDomainChecks(anchor, options.trustDomains);
    return anchor;
  }

  private constructor(
    /** The PEM certificate, when given inline. */
    public readonly pem: string | undefined,
    /** The SPIFFE bundle endpoint, when the root is fetched. */
    public readonly spiffeBundleUrl: string | undefined,
    /** The trust domains the root is scoped to, when scoped. */
    public readonly trustDomains: string[] | undefined,
    /** The PEM or bundle URL as the caller wrote it, for its checks (the PEM is stored trimmed). */
    private readonly source: RootSource,
  ) {}

  /** The same root scoped to these trust domains. */
  public scopedTo(trustDomains: string[]): TrustAnchor {
    const scoped = new TrustAnchor(this.pem, this.spiffeBundleUrl, copyOfList(trustDomains), this.source);
    // The root's own problems carry over; the trust domains it had are replaced, and so are their problems.
    deferSourceChecks(scoped, this.source);
    deferTrustDomainChecks(scoped, trustDomains);
    return scoped;
  }

  /**
   * The MeshConfig `caCertificates` entry.
   * @internal
   */
  public _wire(): Record<string, any> {
    const entry: Record<string, any> = this.source.field === 'pem' ? { pem: this.pem } : { spiffeBundleUrl: this.spiffeBundleUrl };
    if (this.trustDomains !== undefined) entry.trustDomains = [...this.trustDomains];
    return entry;
  }
}

/** A copy of a list argument (the caller may change theirs later); what is not a list is reported by deferTrustDomainChecks. */
function copyOfList(list: string[] | undefined): string[] | undefined {
  return Array.isArray(list) ? [...list] : undefined;
}

/** Where a root comes from, as its factory was given it. */
interface RootSource {
  readonly field: 'pem' | 'spiffeBundleUrl';
  readonly value: string;
}

/** Keeps the problems of the root itself (its PEM or bundle URL) for the construct that uses `anchor`. */
function deferSourceChecks(anchor: TrustAnchor, { field, value }: RootSource): void {
  if (field === 'pem') {
    deferCheck(anchor, 'pem', value, (p) => (typeof p === 'string' && PEM_CERTIFICATE.test(p.trim() + '\n') ? undefined
      : 'must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)'),
    "Paste the cluster's root certificate, e.g. the 'root-cert.pem' of its istio-ca-root-cert ConfigMap.");
    return;
  }
  const url = value;
  deferCheck(anchor, 'spiffeBundleUrl', url, httpUrlRule(), "Use the bundle endpoint's https URL, e.g. 'https://spire.example.com/bundle'.");
  if (typeof url === 'string' && url.startsWith('http://')) {
    deferFailure(anchor, 'spiffeBundleUrl', 'must be an https URL (istiod fetches trust bundles over TLS only)', url,
      "Serve the bundle over https, e.g. 'https://spire.example.com/bundle'.");
  }
}

/** Keeps the problems of the trust domains a root is scoped to for the construct that uses `anchor`. */
function deferTrustDomainChecks(anchor: TrustAnchor, trustDomains: string[] | undefined): void {
  if (trustDomains === undefined) return;
  try {
    checkList('', 'trustDomains', trustDomains);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    deferFailure(anchor, e.property, e.rule, e.value, e.hint);
    return;
  }
  if (trustDomains.length === 0) {
    deferFailure(anchor, 'trustDomains', 'must not be empty', trustDomains, 'Leave trustDomains out to trust the root for every trust domain.');
  }
  trustDomains.forEach((td, i) => deferCheck(anchor, `trustDomains[${i}]`, td, TRUST_DOMAIN_RULE, "Trust domains look like 'cluster.local' or 'cluster-b.local'."));
}
