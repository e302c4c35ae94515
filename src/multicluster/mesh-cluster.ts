import { Chart, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { EastWestGateway } from './east-west-gateway';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule, hostRule, isIpAddress } from '../core/hosts';
import { labelValueRule } from '../core/labels';
import { toDnsLabel } from '../core/naming';
import { portRule } from '../core/numbers';
import { clusterScopeOf, markClusterScope, perApp, rootOf } from '../core/per-app';
import { check, fail, ValidationError } from '../core/validation-error';
import { checkInstance, checkObject } from '../core/value-types';
import { MeshConfig, MeshConfigProps } from '../mesh/mesh-config';
import { TrustAnchor } from '../mesh/trust-anchor';
import { SecurityRegistry } from '../security/security-registry';

/** Properties of a {@link MeshCluster}. */
export interface MeshClusterProps {
  /**
   * The cluster's name in the mesh (Istio `multiCluster.clusterName`, the name remote secrets
   * and `istioctl create-remote-secret --name` use).
   * @default - the construct id as a DNS label
   */
  readonly clusterName?: string;
  /**
   * The network the cluster's pods are on (`topology.istio.io/network`). Clusters on different
   * networks reach each other's pods through their east-west gateways only.
   * @default - none declared
   */
  readonly network?: string;
  /**
   * The cluster's DNS domain (the kubelet's `--cluster-domain`): service hosts are
   * `<svc>.<ns>.svc.<clusterDomain>`. Federated clusters need distinct domains.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The trust domain of the cluster's workload identities (MeshConfig `trustDomain`).
   * @default - the cluster domain, as Deckhouse federation expects
   */
  readonly trustDomain?: string;
  /**
   * The address other clusters reach this cluster's east-west (or federation) gateway at: an
   * IP address or a DNS name of its load balancer.
   * @default - none: other clusters cannot be given endpoints in this cluster
   */
  readonly gatewayAddress?: string;
  /**
   * The port of that gateway for mTLS traffic between clusters.
   * @default 15443
   */
  readonly gatewayPort?: number;
  /**
   * Deckhouse only: the https endpoint of the cluster's federation metadata, e.g.
   * `https://istio.k8s-b.example.com/metadata/`.
   * @default - none: the cluster cannot be federated or joined the Deckhouse way
   */
  readonly metadataEndpoint?: string;
  /**
   * The cluster's root CA certificate, when the app does not issue the cluster's CA itself
   * (MeshCa): federated clusters trust it through MeshConfig `caCertificates`.
   * @default - unknown, unless a MeshCa of this app issues the cluster's CA
   */
  readonly rootCertificate?: TrustAnchor;
  /**
   * Further settings of the cluster's MeshConfig (created on first use, see `meshConfig`).
   * @default - none besides what the cluster's multicluster and federation settings need
   */
  readonly meshConfig?: MeshConfigProps;
}

/** Istio's pilot-agent default cluster domain. */
const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const DOMAIN_RULE = hostRule({ shortName: true });

/**
 * One Kubernetes cluster of a mesh described by one cdk8s app: a chart whose objects go to their
 * own file, `<cluster>.k8s.yaml` (`kubectl apply -f dist/cluster-a.k8s.yaml --context
 * cluster-a`), beside the cluster's istiod Helm values, `<cluster>.istiod-values.yaml`.
 *
 * Everything declared inside a MeshCluster belongs to that cluster alone: routes, policies,
 * object names, its MeshConfig and the synth-time analysis are per cluster, as they are on the
 * clusters. What spans clusters is declared with MeshMulticluster (one mesh over several
 * clusters), MeshFederation (independent meshes that trust each other and publish services)
 * and MeshCa (one root CA for several clusters), and checked across clusters at synth.
 *
 * Keep every construct of a cluster inside its MeshCluster (charts nested in it are fine, but
 * cdk8s then prefixes their files with an index).
 *
 * @example
 * const a = new MeshCluster(app, 'cluster-a', { network: 'network1', gatewayAddress: '203.0.113.10' });
 * const b = new MeshCluster(app, 'cluster-b', { network: 'network2', gatewayAddress: '203.0.113.20' });
 * new MeshMulticluster(app, 'mesh', { meshId: 'mesh1', clusters: [a, b] });
 * @see https://istio.io/latest/docs/setup/install/multicluster/
 */
export class MeshCluster extends Chart {
  /** The MeshCluster `scope` is in, if any. */
  public static clusterOf(scope: IConstruct): MeshCluster | undefined {
    // Only MeshClusters mark cluster scopes (`instanceof` would not tell: cdk8s makes every Chart pass it).
    return clusterScopeOf(scope)?.construct as MeshCluster | undefined;
  }

  /** The cluster's name in the mesh. */
  public readonly clusterName: string;
  /** The cluster's network, when declared. */
  public readonly network?: string;
  /** The cluster's DNS domain. */
  public readonly clusterDomain: string;
  /** The trust domain of the cluster's workloads. */
  public readonly trustDomain: string;
  /** Where other clusters reach the cluster's east-west gateway, when declared. */
  public readonly gatewayAddress?: string;
  /** The port of the east-west gateway for traffic between clusters. */
  public readonly gatewayPort: number;
  /** The Deckhouse federation metadata endpoint, when declared. */
  public readonly metadataEndpoint?: string;
  /** The cluster's root CA certificate, when declared. */
  public readonly rootCertificate?: TrustAnchor;
  /** The stem of the cluster's output files (`<stem>.k8s.yaml`). */
  public readonly fileStem: string;

  /**
   * The MeshCa that issues the cluster's CA; clusters with the same `rootKey` share one root.
   * @internal
   */
  public _ca?: { readonly construct: IConstruct; readonly rootKey: string };
  /**
   * The multicluster mesh the cluster is part of.
   * @internal
   */
  public _multicluster?: { readonly construct: IConstruct; readonly clusters: readonly MeshCluster[] };
  /**
   * Clusters whose workloads this cluster trusts (federation), with who declared it.
   * @internal
   */
  public readonly _trusts = new Map<MeshCluster, IConstruct>();

  private readonly meshConfigProps?: MeshConfigProps;
  private gateway?: EastWestGateway;

  constructor(scope: Construct, id: string, props: MeshClusterProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    const enclosing = clusterScopeOf(scope);
    if (enclosing) {
      fail(this, 'scope', `must not be inside another MeshCluster ('${enclosing.construct.node.path}')`, scope.node.path,
        'Create each MeshCluster directly in the app: a cluster is not part of another cluster.');
    }
    this.clusterName = check(this, props.clusterName === undefined ? 'id' : 'clusterName', props.clusterName ?? toDnsLabel(id), dnsLabelRule,
      "Cluster names are DNS labels such as 'cluster-a' (istioctl create-remote-secret --name uses them).");
    if (props.network !== undefined) {
      this.network = check(this, 'network', props.network, (n) => (n === '' ? 'must not be empty' : labelValueRule(n)),
        "Network names are label values such as 'network1' (they become topology.istio.io/network labels).");
    }
    this.clusterDomain = check(this, 'clusterDomain', props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, DOMAIN_RULE,
      "Use the cluster's DNS domain (the kubelet's --cluster-domain), usually 'cluster.local'.");
    this.trustDomain = check(this, 'trustDomain', props.trustDomain ?? this.clusterDomain, DOMAIN_RULE,
      "Trust domains look like 'cluster.local' or 'cluster-a.local'.");
    if (props.gatewayAddress !== undefined) {
      this.gatewayAddress = check(this, 'gatewayAddress', props.gatewayAddress,
        (a) => (isIpAddress(a) ? undefined : hostRule()(a)),
        "Give the east-west gateway load balancer's IP address (e.g. '203.0.113.10') or DNS name.");
    }
    this.gatewayPort = check(this, 'gatewayPort', props.gatewayPort ?? 15443, portRule, "Istio's east-west gateways use 15443.");
    if (props.metadataEndpoint !== undefined) this.metadataEndpoint = checkMetadataEndpoint(this, props.metadataEndpoint);
    this.rootCertificate = checkInstance(this, 'rootCertificate', props.rootCertificate, TrustAnchor, 'Use TrustAnchor.fromPem(pem) or TrustAnchor.fromSpiffeBundleUrl(url).');
    this.meshConfigProps = checkObject(this, 'meshConfig', props.meshConfig);
    this.fileStem = Names.toDnsLabel(this);

    const clusters = perApp(rootOf(scope), 'mesh-clusters', () => [] as MeshCluster[]);
    const same = clusters.find((c) => c.clusterName === this.clusterName);
    if (same) {
      fail(this, props.clusterName === undefined ? 'id' : 'clusterName', `must be unique in the app, but '${same.node.path}' is also cluster '${this.clusterName}'`,
        this.clusterName, 'Give each cluster its own name: remote secrets and endpoints are keyed by it.');
    }
    clusters.push(this);
    markClusterScope({
      construct: this, clusterName: this.clusterName, fileStem: this.fileStem, trustDomain: this.trustDomain, clusterDomain: this.clusterDomain,
    });
    this.node.addValidation({ validate: () => this.checkPrincipalTrustDomains() });
  }

  /**
   * The cluster's MeshConfig (its istiod Helm values, `<cluster>.istiod-values.yaml`): the one
   * declared inside the cluster, else one created now with the cluster's trust domain.
   */
  public get meshConfig(): MeshConfig {
    const existing = MeshConfig.of(this);
    if (existing) return existing;
    let config: MeshConfig;
    try {
      config = new MeshConfig(this, 'mesh-config', { ...this.meshConfigProps, trustDomain: this.meshConfigProps?.trustDomain ?? this.trustDomain });
    } catch (error) {
      // The user wrote this cluster's `meshConfig` prop, not the MeshConfig made from it: its errors are the prop's.
      if (!(error instanceof ValidationError) || error.where !== `${this.node.path}/mesh-config`) throw error;
      return fail(this, `meshConfig.${error.property}`, error.rule, error.value, error.hint);
    }
    // istiod names service hosts `<svc>.<ns>.svc.<domain>` from this value (its DOMAIN_SUFFIX).
    if (this.clusterDomain !== DEFAULT_CLUSTER_DOMAIN) config._setValue('global.proxy.clusterDomain', this.clusterDomain, this, `cluster domain of '${this.clusterName}'`);
    return config;
  }

  /**
   * Adds the cluster's east-west gateway (AUTO_PASSTHROUGH on the gateway port for
   * `*.<clusterDomain>`), or returns the one added already: a multicluster mesh and a federation
   * share it.
   */
  public addEastWestGateway(): EastWestGateway {
    this.gateway ??= new EastWestGateway(this, 'east-west-gateway', { port: this.gatewayPort });
    return this.gateway;
  }

  /**
   * The trust domains workloads of this cluster may meet as peers: its own, those of the
   * clusters it trusts, and those of its multicluster mesh.
   * @internal
   */
  public _knownTrustDomains(): Set<string> {
    const known = new Set([this.trustDomain]);
    for (const other of this._trusts.keys()) known.add(other.trustDomain);
    for (const other of this._multicluster?.clusters ?? []) known.add(other.trustDomain);
    return known;
  }

  /**
   * A root key clusters can be compared by, when the cluster's root is known.
   * @internal
   */
  public _rootKey(): string | undefined {
    if (this._ca) return this._ca.rootKey;
    const root = this.rootCertificate;
    return root ? (root.pem ?? `spiffe:${root.spiffeBundleUrl}`) : undefined;
  }

  /**
   * AuthorizationPolicy principals of this cluster naming a trust domain its workloads never
   * meet: a typo, or a federation not declared (the peer would be rejected before the policy
   * is even read).
   */
  private checkPrincipalTrustDomains(): string[] {
    const registry = SecurityRegistry.of(this);
    if (registry.policies.length === 0) return [];
    const known = this._knownTrustDomains();
    const errors: string[] = [];
    for (const policy of registry.policies) {
      policy._wireRules.forEach((rule, r) => (rule.from ?? []).forEach((from: any, f: number) => {
        for (const field of ['principals', 'notPrincipals']) {
          for (const principal of from.source?.[field] ?? []) {
            const trustDomain = trustDomainOf(principal);
            if (trustDomain === undefined || known.has(trustDomain)) continue;
            errors.push(`${policy.node.path}: rules[${r}].from[${f}].source.${field} names trust domain '${trustDomain}', which cluster '${this.clusterName}' does not trust, `
              + `got '${principal}'. Its trust domains: ${[...known].sort().join(', ')}; federate with the cluster of '${trustDomain}' `
              + '(MeshFederation.trust) or correct the principal.');
          }
        }
      }));
    }
    return errors;
  }
}

/** The trust domain of a principal `<td>/ns/<ns>/sa/<sa>`, or undefined when it is a pattern that does not name one. */
function trustDomainOf(principal: string): string | undefined {
  const slash = principal.indexOf('/');
  if (slash <= 0) return undefined;
  const trustDomain = principal.slice(0, slash);
  return trustDomain.includes('*') ? undefined : trustDomain;
}

/** Deckhouse's CRD accepts `https://` (or `file://`) and the characters `[0-9a-zA-Z._/-]`: no port, no query. */
function checkMetadataEndpoint(scope: IConstruct, endpoint: string): string {
  return check(scope, 'metadataEndpoint', endpoint, (e) => {
    if (typeof e !== 'string' || !e.startsWith('https://')) return 'must be an https URL';
    if (!/^https:\/\/[0-9a-zA-Z._/-]+$/.test(e)) return "must use only letters, digits, '.', '_', '/' and '-' after https:// (Deckhouse's CRD allows no port or query)";
    const host = e.slice('https://'.length).split('/')[0];
    const broken = hostRule()(host.toLowerCase());
    return broken === undefined ? undefined : `must have a valid host ('${host}' ${broken})`;
  }, "Deckhouse serves it at 'https://istio.<the cluster's public domain>/metadata/'.");
}
