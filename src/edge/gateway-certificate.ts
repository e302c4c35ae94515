import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkIssuer, IIssuer } from './issuer';
import { deferCheck } from '../core/deferred-checks';
import { CERTIFICATE_DURATION, CERTIFICATE_RENEW_BEFORE, checkDuration } from '../core/durations';
import { dnsLabelRule, dnsSubdomainRule } from '../core/hosts';
import { prune } from '../core/plain-objects';
import { check, fail } from '../core/validation-error';
import { checkEnum, checkObject } from '../core/value-types';


/** Private key algorithms cert-manager can generate. */
export enum PrivateKeyAlgorithm {
  /** RSA (sizes 2048, 4096, 8192). */
  RSA = 'RSA',
  /** ECDSA (sizes 256, 384, 521): smaller and faster than RSA, widely supported. */
  ECDSA = 'ECDSA',
  /** Ed25519 (no size); not every client supports it in TLS. */
  ED25519 = 'Ed25519',
}

/** When cert-manager generates a new private key. */
export enum RotationPolicy {
  /** A new key at every renewal (cert-manager's default since 1.18). */
  ALWAYS = 'Always',
  /** Keep the key across renewals (needed when the key is pinned). */
  NEVER = 'Never',
}

/** The private key of a certificate. */
export interface PrivateKeyOptions {
  /** The algorithm. @default PrivateKeyAlgorithm.ECDSA */
  readonly algorithm?: PrivateKeyAlgorithm;
  /** The key size in bits. @default 256 for ECDSA, 2048 for RSA */
  readonly size?: number;
  /** Key rotation at renewal. @default RotationPolicy.ALWAYS */
  readonly rotationPolicy?: RotationPolicy;
}

/** Options of a certificate issued by cert-manager. */
export interface CertificateOptions {
  /** Validity of the certificate. @default - the issuer's (90 days for Let's Encrypt, 90 days for cert-manager CAs) */
  readonly duration?: Duration;
  /** Renew this long before expiry. @default - a third of the duration (cert-manager's default) */
  readonly renewBefore?: Duration;
  /** The private key. @default - ECDSA P-256, rotated at each renewal */
  readonly privateKey?: PrivateKeyOptions;
  /**
   * The Secret the certificate is written to, which the Gateway names as `credentialName`.
   * @default - `<gateway name>-tls`
   */
  readonly secretName?: string;
  /**
   * The namespace of the Certificate and its Secret. Only a Gateway API gateway can use a
   * Secret of another namespace (it gets a ReferenceGrant there); an Istio gateway reads its own.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

/** Options of {@link GatewayCertificate.fromSecret}. */
export interface ExistingSecretOptions {
  /**
   * Where the Secret is. Istio gateways read credentials only from their own namespace, so
   * this must be the gateway's namespace; it exists to catch a secret created elsewhere.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

const KEY_SIZES: Record<string, number[]> = { RSA: [2048, 4096, 8192], ECDSA: [256, 384, 521] };

/**
 * Where a gateway's server certificate comes from: a cert-manager Certificate created next to
 * the gateway workload, or a Secret you manage (mkcert, an external PKI).
 *
 * Either way the secret is in the gateway workload's namespace and the Gateway's
 * `credentialName` is the secret's name, by construction.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
 */
export class GatewayCertificate {
  /** A cert-manager Certificate for the gateway's hosts, signed by `issuer`. */
  public static fromIssuer(issuer: IIssuer, options: CertificateOptions = {}): GatewayCertificate {
    // The gateway reads the issuer's traits when it is created: a value that is no issuer cannot wait for it.
    checkIssuer('GatewayCertificate.fromIssuer(issuer)', 'issuer', issuer);
    checkObject('GatewayCertificate.fromIssuer(issuer, options)', 'options', options);
    const certificate = new GatewayCertificate(issuer, options.secretName, options.namespace, options);
    // Checked where the certificate is used (a SecureGateway's certificate), against that prop.
    if (options.namespace !== undefined) deferCheck(certificate, 'namespace', options.namespace, dnsLabelRule, "Namespaces look like 'certs'.");
    return certificate;
  }

  /** A Secret you create yourself (keys `tls.crt`, `tls.key`, and `ca.crt` for MUTUAL). */
  public static fromSecret(secretName: string, options: ExistingSecretOptions = {}): GatewayCertificate {
    checkObject('GatewayCertificate.fromSecret(secretName, options)', 'options', options);
    const certificate = new GatewayCertificate(undefined, secretName, options.namespace, {});
    // Checked where the certificate is used (a SecureGateway's certificate), against that prop.
    deferCheck(certificate, 'secretName', secretName, dnsSubdomainRule, "Secret names look like 'bookinfo-tls'.");
    return certificate;
  }

  private constructor(
    /** The issuer, when cert-manager issues the certificate. */
    public readonly issuer: IIssuer | undefined,
    /** The secret name, when fixed. */
    public readonly secretName: string | undefined,
    /** The namespace an existing secret was said to be in. */
    public readonly secretNamespace: string | undefined,
    /** Certificate options. */
    public readonly options: CertificateOptions,
  ) {}
}

/** cert-manager durations: Go duration strings; whole hours read best (`2160h`). */
export function certManagerDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Renders a cert-manager Certificate spec, applying cert-manager's admission rules early. */
export function certificateSpec(scope: IConstruct, input: {
  issuer: IIssuer;
  namespace: string;
  secretName: string;
  dnsNames?: string[];
  commonName?: string;
  isCA?: boolean;
  options: CertificateOptions;
}): Record<string, any> {
  const { issuer, options } = input;
  if (issuer.issuerNamespace !== undefined && issuer.issuerNamespace !== input.namespace) {
    fail(scope, 'certificate.issuer', `is a namespaced Issuer in '${issuer.issuerNamespace}', but the certificate is in '${input.namespace}'`,
      `${issuer.issuerNamespace}/${issuer.issuerName}`,
      `A namespaced Issuer signs only certificates of its own namespace; create the Issuer in '${input.namespace}' or use a ClusterIssuer.`);
  }
  check(scope, 'certificate.secretName', input.secretName, dnsSubdomainRule, "Secret names look like 'bookinfo-tls'.");
  check(scope, 'namespace', input.namespace, dnsLabelRule, "Namespaces look like 'istio-system'.");
  const duration = options.duration && checkDuration(scope, 'certificate.duration', options.duration, CERTIFICATE_DURATION);
  const renewBefore = options.renewBefore && checkDuration(scope, 'certificate.renewBefore', options.renewBefore, CERTIFICATE_RENEW_BEFORE);
  if (renewBefore !== undefined && duration !== undefined && renewBefore >= duration) {
    fail(scope, 'certificate.renewBefore', `must be shorter than the duration (${certManagerDuration(duration)})`, certManagerDuration(renewBefore),
      'Otherwise the certificate is renewed continuously; use a third of the duration.');
  }
  const key = checkObject(scope, 'certificate.privateKey', options.privateKey) ?? {};
  const algorithm = checkEnum(scope, 'certificate.privateKey.algorithm', key.algorithm ?? PrivateKeyAlgorithm.ECDSA, PrivateKeyAlgorithm, 'PrivateKeyAlgorithm');
  checkEnum(scope, 'certificate.privateKey.rotationPolicy', key.rotationPolicy, RotationPolicy, 'RotationPolicy');
  if (key.size !== undefined) {
    const sizes = KEY_SIZES[algorithm];
    if (!sizes) {
      fail(scope, 'certificate.privateKey.size', 'must not be set for Ed25519 keys (they have one size)', key.size, 'Remove size.');
    }
    check(scope, 'certificate.privateKey.size', key.size, (s) => (sizes.includes(s) ? undefined : `must be one of ${sizes.join(', ')} for ${algorithm}`),
      algorithm === PrivateKeyAlgorithm.RSA ? 'Use 2048 or more.' : 'Use 256 (P-256) unless a policy asks for more.');
  }
  return prune({
    secretName: input.secretName,
    commonName: input.commonName,
    isCA: input.isCA,
    dnsNames: input.dnsNames,
    duration: duration === undefined ? undefined : certManagerDuration(duration),
    renewBefore: renewBefore === undefined ? undefined : certManagerDuration(renewBefore),
    privateKey: prune({ algorithm, size: key.size, rotationPolicy: key.rotationPolicy ?? RotationPolicy.ALWAYS }),
    issuerRef: { group: 'cert-manager.io', kind: issuer.issuerKind, name: issuer.issuerName },
  });
}
