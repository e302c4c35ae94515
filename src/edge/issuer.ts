import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IssuerConfig, IssuerTraits } from './issuer-config';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule } from '../core/hosts';
import { objectNameFor } from '../core/naming';
import { check } from '../core/validation-error';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** The two kinds of cert-manager issuers. */
export enum IssuerKind {
  /** A namespaced Issuer: signs Certificates in its own namespace only. */
  ISSUER = 'Issuer',
  /** A cluster-wide ClusterIssuer: signs Certificates in every namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/**
 * A cert-manager Issuer or ClusterIssuer that certificates can reference (one of this app, or
 * an existing one by name).
 */
export interface IIssuer {
  /** The issuer's name. */
  readonly issuerName: string;
  /** Issuer or ClusterIssuer. */
  readonly issuerKind: IssuerKind;
  /** The namespace of a namespaced Issuer (undefined for a ClusterIssuer). */
  readonly issuerNamespace?: string;
  /** What the issuer is known to sign. */
  readonly issuerTraits: IssuerTraits;
}

/** Properties of an {@link Issuer}. */
export interface IssuerProps {
  /** How the issuer signs. */
  readonly config: IssuerConfig;
  /** The namespace; certificates it signs must be in the same one. @default - the chart's namespace, or 'default' */
  readonly namespace?: string;
  /** The object name. @default - the construct id as a DNS label */
  readonly name?: string;
}

/**
 * A namespaced cert-manager Issuer.
 *
 * A namespaced Issuer signs only Certificates of its own namespace: for a SecureGateway that is
 * the gateway's namespace (`istio-system` by default). Prefer a ClusterIssuer when several
 * gateways or namespaces share one.
 *
 * @example
 * new Issuer(chart, 'letsencrypt', {
 *   namespace: 'istio-system',
 *   config: IssuerConfig.acme({ server: AcmeServer.LETS_ENCRYPT, email: 'ops@example.com', solvers: [AcmeSolver.http01()] }),
 * });
 * @see https://cert-manager.io/docs/configuration/
 */
export class Issuer extends Construct implements IIssuer {
  /** A namespaced Issuer this app does not define. */
  public static fromName(name: string, namespace: string, traits: IssuerTraits = {}): IIssuer {
    check(`issuer '${namespace}/${name}'`, 'name', name, dnsLabelRule, "Issuer names look like 'letsencrypt'.");
    check(`issuer '${namespace}/${name}'`, 'namespace', namespace, dnsLabelRule, "Namespaces look like 'istio-system'.");
    return { issuerName: name, issuerKind: IssuerKind.ISSUER, issuerNamespace: namespace, issuerTraits: traits };
  }

  public readonly issuerName: string;
  public readonly issuerKind = IssuerKind.ISSUER;
  public readonly issuerNamespace?: string;
  public readonly issuerTraits: IssuerTraits;

  constructor(scope: Construct, id: string, props: IssuerProps) {
    super(scope, uniqueChildId(scope, id));
    this.issuerName = objectNameFor(this, id, props.name);
    const namespace = check(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'default', dnsLabelRule,
      "Namespaces look like 'istio-system'.");
    this.issuerNamespace = namespace;
    this.issuerTraits = props.config.traits;
    const spec = props.config._render(this, this.issuerName);
    wireObject(this, 'Resource', GVK.Issuer, { name: this.issuerName, namespace }, () => spec);
  }
}
