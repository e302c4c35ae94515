import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IssuerConfig, IssuerTraits } from './issuer-config';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck, reportDeferred } from '../core/deferred-checks';
import { dnsLabelRule } from '../core/hosts';
import { objectNameFor } from '../core/naming';
import { check, fail } from '../core/validation-error';
import { checkInstance, checkObject } from '../core/value-types';
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

/**
 * An IIssuer prop (an Issuer or ClusterIssuer of the app, or one by name): checked by shape,
 * with what `fromName` postponed reported against `property`.
 */
export function checkIssuer(scope: IConstruct | string, property: string, value: IIssuer): IIssuer {
  if (value === null || typeof value !== 'object' || typeof value.issuerName !== 'string' || typeof value.issuerTraits !== 'object') {
    fail(scope, property, 'must be an issuer', value, "Pass an Issuer or ClusterIssuer of this app, or ClusterIssuer.fromName('letsencrypt-prod').");
  }
  reportDeferred(scope, property, value);
  return value;
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
    checkObject('Issuer.fromName(name, namespace, traits)', 'traits', traits);
    const issuer: IIssuer = { issuerName: name, issuerKind: IssuerKind.ISSUER, issuerNamespace: namespace, issuerTraits: traits };
    // Checked where the issuer is used, against that prop (see core/deferred-checks).
    deferCheck(issuer, 'name', name, dnsLabelRule, "Issuer names look like 'letsencrypt'.");
    deferCheck(issuer, 'namespace', namespace, dnsLabelRule, "Namespaces look like 'istio-system'.");
    return issuer;
  }

  public readonly issuerName: string;
  public readonly issuerKind = IssuerKind.ISSUER;
  public readonly issuerNamespace?: string;
  public readonly issuerTraits: IssuerTraits;

  constructor(scope: Construct, id: string, props: IssuerProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    checkInstance(this, 'config', props.config, IssuerConfig, 'Use IssuerConfig.acme({...}), IssuerConfig.ca({ secretName }) or IssuerConfig.selfSigned().');
    this.issuerName = objectNameFor(this, id, props.name);
    const namespace = check(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'default', dnsLabelRule,
      "Namespaces look like 'istio-system'.");
    this.issuerNamespace = namespace;
    this.issuerTraits = props.config.traits;
    const spec = props.config._render(this, this.issuerName);
    wireObject(this, 'Resource', GVK.Issuer, { name: this.issuerName, namespace }, () => spec);
  }
}
