import * as kplus from 'cdk8s-plus-28';
import { deferCheck, hasNoDeferredProblems } from '../core/deferred-checks';
import { dnsLabelRule, dnsSubdomainRule, hostRule } from '../core/hosts';
import { objectNamespace } from '../core/object-namespace';
import { checkApiObject, checkObject } from '../core/value-types';

/** Options shared by the {@link WorkloadIdentity} factories. */
export interface WorkloadIdentityOptions {
  /**
   * The mesh's trust domain (MeshConfig `trustDomain`).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/** Options for {@link WorkloadIdentity.ingressGateway}. */
export interface IngressGatewayIdentityOptions extends WorkloadIdentityOptions {
  /**
   * The gateway's namespace.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * The gateway's service account.
   * @default 'istio-ingressgateway-service-account' (the account of istioctl's default profile)
   */
  readonly serviceAccount?: string;
}

/** Trust domains; one rule for every identity (large apps create thousands). */
const TRUST_DOMAIN_RULE = hostRule({ shortName: true });
/** Trust domains already checked: apps use one or two for thousands of identities. */
const VALID_TRUST_DOMAINS = new Set<string>();

/**
 * Who a workload is in the mesh: its service account, as the SPIFFE-style principal
 * `<trustDomain>/ns/<namespace>/sa/<account>` that mTLS certificates carry and
 * AuthorizationPolicy `principals` match.
 *
 * Principals are only known for requests over mutual TLS: use them where the destination
 * namespace's mTLS is STRICT (MtlsNamespace's default).
 *
 * @example
 * const sleep = new kplus.ServiceAccount(chart, 'sleep', { metadata: { name: 'sleep' } });
 * WorkloadIdentity.fromServiceAccount(sleep).principal; // 'cluster.local/ns/<chart namespace>/sa/sleep'
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
 */
export class WorkloadIdentity {
  /** The identity of pods running as a cdk8s-plus ServiceAccount of this app. */
  public static fromServiceAccount(serviceAccount: kplus.ServiceAccount, options: WorkloadIdentityOptions = {}): WorkloadIdentity {
    checkApiObject('WorkloadIdentity.fromServiceAccount(serviceAccount)', 'serviceAccount', serviceAccount,
      "Pass a cdk8s-plus ServiceAccount of this app, or use WorkloadIdentity.fromName('sleep', 'foo').");
    checkObject('WorkloadIdentity.fromServiceAccount(serviceAccount, options)', 'options', options);
    const namespace = objectNamespace(serviceAccount);
    return new WorkloadIdentity(serviceAccount.name, namespace, options.trustDomain);
  }

  /** The identity of pods running as service account `serviceAccount` in `namespace`. */
  public static fromName(serviceAccount: string, namespace: string, options: WorkloadIdentityOptions = {}): WorkloadIdentity {
    checkObject('WorkloadIdentity.fromName(serviceAccount, namespace, options)', 'options', options);
    return new WorkloadIdentity(serviceAccount, namespace, options.trustDomain);
  }

  /** The identity of Istio's ingress gateway (by default istioctl's `istio-ingressgateway` in `istio-system`). */
  public static ingressGateway(options: IngressGatewayIdentityOptions = {}): WorkloadIdentity {
    checkObject('WorkloadIdentity.ingressGateway(options)', 'options', options);
    return new WorkloadIdentity(options.serviceAccount ?? 'istio-ingressgateway-service-account',
      options.namespace ?? 'istio-system', options.trustDomain);
  }

  /** The principal, e.g. `cluster.local/ns/default/sa/sleep`. */
  public readonly principal: string;
  /** The trust domain. */
  public readonly trustDomain: string;

  private constructor(
    /** The service account name. */
    public readonly serviceAccount: string,
    /** The service account's namespace. */
    public readonly namespace: string,
    trustDomain: string = 'cluster.local',
  ) {
    // Checked where the identity is used, against that construct's prop (see core/deferred-checks).
    deferCheck(this, 'serviceAccount', serviceAccount, dnsSubdomainRule, "Service account names look like 'sleep' or 'bookinfo-productpage'.");
    deferCheck(this, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'default'.");
    if (!VALID_TRUST_DOMAINS.has(trustDomain)) {
      deferCheck(this, 'trustDomain', trustDomain, TRUST_DOMAIN_RULE,
        "Use the mesh's trust domain (MeshConfig trustDomain), usually 'cluster.local'.");
      if (hasNoDeferredProblems(this)) VALID_TRUST_DOMAINS.add(trustDomain);
    }
    this.trustDomain = trustDomain;
    this.principal = [trustDomain, 'ns', namespace, 'sa', serviceAccount].join('/'); // flat: kept until synth
  }
}
