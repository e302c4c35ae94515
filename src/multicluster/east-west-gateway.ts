import { Construct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { overlappingGatewayErrors, registerGatewayServers, selectorKeyOf } from '../core/gateway-overlap';
import { dnsLabelRule, hostRule } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { objectNameFor } from '../core/naming';
import { portRule } from '../core/numbers';
import { clusterScopeOf } from '../core/per-app';
import { check } from '../core/validation-error';
import { checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Properties of an {@link EastWestGateway}. */
export interface EastWestGatewayProps {
  /**
   * The Gateway's name.
   * @default 'cross-network-gateway' (the name of Istio's `samples/multicluster/expose-services.yaml`)
   */
  readonly name?: string;
  /**
   * The namespace of the east-west gateway workload; the Gateway goes here.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the east-west gateway pods.
   * @default { istio: 'eastwestgateway' } (the gateway `gen-eastwest-gateway.sh` installs)
   */
  readonly selector?: Record<string, string>;
  /**
   * The cluster's DNS domain: the gateway passes through connections to `*.<clusterDomain>`.
   * @default - the MeshCluster's, or 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The port of the passthrough server.
   * @default 15443
   */
  readonly port?: number;
}

/**
 * An east-west gateway's Gateway: one TLS server on port 15443 in AUTO_PASSTHROUGH mode for the
 * cluster's service hosts, so workloads of other clusters (another network of the same mesh,
 * or a federated mesh) reach this cluster's services over their own mTLS, routed by SNI. Equal
 * in meaning to Istio's `samples/multicluster/expose-services.yaml` (whose `*.local` covers
 * `cluster.local`).
 *
 * The gateway workload itself is installed with Istio (`samples/multicluster/gen-eastwest-gateway.sh
 * --network <network> | istioctl install -f -`, or the `istio/gateway` chart with the
 * `topology.istio.io/network` label and `ISTIO_META_REQUESTED_NETWORK_VIEW`). MeshCluster
 * creates one when its multicluster mesh or federation needs it (`cluster.addEastWestGateway()`).
 *
 * @example
 * new EastWestGateway(chart, 'east-west', { clusterDomain: 'cluster-b.local' });
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/
 */
export class EastWestGateway extends Construct {
  /** The Gateway's name. */
  public readonly gatewayName: string;
  /** The Gateway's namespace. */
  public readonly gatewayNamespace: string;
  /** Labels of the gateway pods. */
  public readonly selector: Record<string, string>;
  /** The hosts passed through: `*.<clusterDomain>`. */
  public readonly hosts: string[];
  /** The passthrough port. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: EastWestGatewayProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    this.gatewayName = props.name === undefined ? 'cross-network-gateway' : objectNameFor(this, id, props.name, 'label');
    this.gatewayNamespace = check(this, 'namespace', props.namespace ?? 'istio-system', dnsLabelRule, "Namespaces look like 'istio-system'.");
    this.selector = checkLabels(this, 'selector', props.selector ?? { istio: 'eastwestgateway' });
    const clusterDomain = check(this, 'clusterDomain', props.clusterDomain ?? clusterScopeOf(this)?.clusterDomain ?? 'cluster.local',
      hostRule({ shortName: true }), "Use the cluster's DNS domain, usually 'cluster.local'.");
    this.hosts = [`*.${clusterDomain}`];
    this.port = check(this, 'port', props.port ?? 15443, portRule, "Istio's east-west gateways use 15443.");
    wireObject(this, 'Resource', GVK.Gateway, { name: this.gatewayName, namespace: this.gatewayNamespace }, () => ({
      selector: this.selector,
      servers: [{ port: { number: this.port, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: [...this.hosts] }],
    }));
    const servers = {
      construct: this,
      selectorKey: selectorKeyOf(this.selector),
      ports: () => [this.port],
      hosts: () => this.hosts,
      hint: 'give the east-west gateway its own workload (selector), or serve these hosts on one Gateway.',
    };
    registerGatewayServers(this, servers);
    this.node.addValidation({ validate: () => overlappingGatewayErrors(servers) });
  }
}
