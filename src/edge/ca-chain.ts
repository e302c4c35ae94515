import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterIssuer } from './cluster-issuer';
import { certificateSpec, PrivateKeyOptions } from './gateway-certificate';
import { IIssuer, Issuer, IssuerKind } from './issuer';
import { IssuerConfig, IssuerTraits } from './issuer-config';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule } from '../core/hosts';
import { claimantOf, objectNameFor } from '../core/naming';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Properties of a {@link CaChain}. */
export interface CaChainProps {
  /** The root CA's common name, e.g. 'Example Internal Root CA'. */
  readonly commonName: string;
  /**
   * Build ClusterIssuers (sign in every namespace) rather than namespaced Issuers.
   * @default true
   */
  readonly cluster?: boolean;
  /**
   * Where the root CA's Secret lives: cert-manager's cluster resource namespace for
   * ClusterIssuers, the issuers' namespace otherwise.
   * @default 'cert-manager'
   */
  readonly namespace?: string;
  /** The root CA's validity. @default Duration.days(3650) */
  readonly duration?: Duration;
  /** The root CA's key. @default - ECDSA P-256, kept across renewals (rotating a root key would invalidate every issued certificate's chain) */
  readonly privateKey?: PrivateKeyOptions;
  /** The CA issuer's name; the others are `<name>-selfsigned` and `<name>-root`. @default - the construct id as a DNS label */
  readonly name?: string;
}

/**
 * A private CA for internal gateways: a self-signed issuer bootstraps a root CA certificate,
 * and a CA issuer signs with it. Certificates it issues carry the root in `ca.crt`, so a
 * MUTUAL gateway using them verifies clients issued by the same chain.
 *
 * @example
 * const ca = new CaChain(chart, 'internal-ca', { commonName: 'Example Internal Root CA' });
 * new SecureGateway(chart, 'internal', { hosts: ['api.internal.example.com'], certificate: GatewayCertificate.fromIssuer(ca) });
 * @see https://cert-manager.io/docs/configuration/selfsigned/#bootstrapping-ca-issuers
 */
export class CaChain extends Construct implements IIssuer {
  public readonly issuerName: string;
  public readonly issuerKind: IssuerKind;
  public readonly issuerNamespace?: string;
  public readonly issuerTraits: IssuerTraits = {};
  /** The Secret holding the root CA key pair (`tls.crt`, `tls.key`, `ca.crt`). */
  public readonly rootSecretName: string;
  /** The namespace of the root Secret. */
  public readonly rootNamespace: string;

  constructor(scope: Construct, id: string, props: CaChainProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    const name = objectNameFor(this, id, props.name, 'label');
    const cluster = checkBoolean(this, 'cluster', props.cluster) ?? true;
    this.rootNamespace = check(this, 'namespace', props.namespace ?? 'cert-manager', dnsLabelRule, "Namespaces look like 'cert-manager'.");
    check(this, 'commonName', props.commonName, (c) => (c.length > 0 && c.length <= 64 ? undefined : 'must be 1 to 64 characters'),
      "Use a readable name such as 'Example Internal Root CA' (X.509 limits it to 64 characters).");
    this.rootSecretName = `${name}-root`;
    this.checkDerivedNames(id, props.name, name, cluster);

    const make = (childId: string, issuerName: string, config: IssuerConfig): IIssuer => (cluster
      ? new ClusterIssuer(this, childId, { name: issuerName, config })
      : new Issuer(this, childId, { name: issuerName, namespace: this.rootNamespace, config }));
    const selfSigned = make('SelfSigned', `${name}-selfsigned`, IssuerConfig.selfSigned());
    const rootSpec = certificateSpec(this, {
      issuer: selfSigned,
      namespace: this.rootNamespace,
      secretName: this.rootSecretName,
      commonName: props.commonName,
      isCA: true,
      options: {
        duration: props.duration ?? Duration.days(3650),
        privateKey: { rotationPolicy: undefined, ...props.privateKey },
      },
    });
    if (!props.privateKey?.rotationPolicy) rootSpec.privateKey.rotationPolicy = 'Never';
    wireObject(this, 'Root', GVK.Certificate, { name: this.rootSecretName, namespace: this.rootNamespace }, () => rootSpec);
    const ca = make('CaIssuer', name, IssuerConfig.ca({ secretName: this.rootSecretName }));
    this.issuerName = ca.issuerName;
    this.issuerKind = ca.issuerKind;
    this.issuerNamespace = ca.issuerNamespace;
  }

  /**
   * The chain's objects take names derived from its own; one already produced by another
   * construct is reported here, against the prop that chose the name, rather than at the
   * internal child that would claim it.
   */
  private checkDerivedNames(id: string, given: string | undefined, name: string, cluster: boolean): void {
    const issuer = cluster ? GVK.ClusterIssuer : GVK.Issuer;
    const issuerNamespace = cluster ? undefined : this.rootNamespace;
    const derived: Array<[typeof GVK.Certificate, string | undefined, string]> = [
      [issuer, issuerNamespace, `${name}-selfsigned`], [GVK.Certificate, this.rootNamespace, this.rootSecretName], [issuer, issuerNamespace, name],
    ];
    for (const [gvk, namespace, objectName] of derived) {
      const other = claimantOf(this, gvk.apiVersion, gvk.kind, namespace, objectName);
      if (other !== undefined) {
        fail(this, given !== undefined ? 'name' : 'id', `makes the ${gvk.kind} '${namespace ? `${namespace}/` : ''}${objectName}', which '${other.node.path}' also produces`,
          given ?? id, `Give the CaChain another ${given !== undefined ? 'name' : 'id (or a name)'}: its objects are '<name>', '<name>-selfsigned' and '<name>-root'.`);
      }
    }
  }
}
