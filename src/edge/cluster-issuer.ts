import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { IIssuer, IssuerKind } from './issuer';
import { IssuerConfig, IssuerTraits } from './issuer-config';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck } from '../core/deferred-checks';
import { dnsSubdomainRule } from '../core/hosts';
import { objectNameFor } from '../core/naming';
import { checkInstance, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Properties of a {@link ClusterIssuer}. */
export interface ClusterIssuerProps {
  /** How the issuer signs. Secrets it reads live in the cluster resource namespace (`cert-manager` by default). */
  readonly config: IssuerConfig;
  /** The object name. @default - the construct id as a DNS label */
  readonly name?: string;
}

/**
 * A cluster-wide cert-manager ClusterIssuer: signs Certificates in every namespace, so gateway
 * certificates can live where the gateway runs while one issuer serves all gateways.
 *
 * Secrets a ClusterIssuer reads (ACME account key, DNS provider credentials, CA key pair) live
 * in cert-manager's cluster resource namespace, `cert-manager` unless cert-manager was
 * installed with another `--cluster-resource-namespace`.
 *
 * @example
 * new ClusterIssuer(chart, 'letsencrypt-dns', {
 *   config: IssuerConfig.acme({
 *     server: AcmeServer.LETS_ENCRYPT,
 *     solvers: [AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cloudflare-token', key: 'api-token' } })],
 *   }),
 * });
 * @see https://cert-manager.io/docs/concepts/issuer/
 */
export class ClusterIssuer extends Construct implements IIssuer {
  /** A ClusterIssuer this app does not define. */
  public static fromName(name: string, traits: IssuerTraits = {}): IIssuer {
    checkObject('ClusterIssuer.fromName(name, traits)', 'traits', traits);
    const issuer: IIssuer = { issuerName: name, issuerKind: IssuerKind.CLUSTER_ISSUER, issuerTraits: traits };
    // Checked where the issuer is used, against that prop (see core/deferred-checks).
    deferCheck(issuer, 'name', name, dnsSubdomainRule, "ClusterIssuer names look like 'letsencrypt-prod'.");
    return issuer;
  }

  public readonly issuerName: string;
  public readonly issuerKind = IssuerKind.CLUSTER_ISSUER;
  public readonly issuerTraits: IssuerTraits;

  constructor(scope: Construct, id: string, props: ClusterIssuerProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    checkInstance(this, 'config', props.config, IssuerConfig, 'Use IssuerConfig.acme({...}), IssuerConfig.ca({ secretName }) or IssuerConfig.selfSigned().');
    this.issuerName = objectNameFor(this, id, props.name);
    this.issuerTraits = props.config.traits;
    const spec = props.config._render(this, this.issuerName);
    const resource = wireObject(this, 'Resource', GVK.ClusterIssuer, { name: this.issuerName }, () => spec);
    // cdk8s gives every object the chart's namespace; a cluster-scoped object must not have one.
    if (Chart.of(this).namespace !== undefined) resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
