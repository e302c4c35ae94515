import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DECKHOUSE_GVK, DECKHOUSE_PUBLIC_SERVICE_LABEL } from './deckhouse-kinds';
import { MeshCluster } from './mesh-cluster';
import { MeshFlavour } from './mesh-flavour';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule, isIpAddress, qualifyServiceHost } from '../core/hosts';
import { DerivedNames, MAX_OBJECT_NAME, toDnsLabel } from '../core/naming';
import { checkObjectNamespace, objectNamespace } from '../core/object-namespace';
import { perApp } from '../core/per-app';
import { prune } from '../core/plain-objects';
import { check, fail } from '../core/validation-error';
import { checkEnum, checkObject } from '../core/value-types';
import { addWarning } from '../core/warnings';
import { SpecProducer, wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';
import { meshModel } from '../render/model-renderers';

/** Properties of a {@link MeshFederation}. */
export interface MeshFederationProps {
  /**
   * Plain Istio, or Deckhouse's istio module.
   * @default MeshFlavour.ISTIO
   */
  readonly flavour?: MeshFlavour;
}

/** A port of a published Service, as read from its manifest. */
interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly appProtocol?: string;
}

/** Istio's protocol prefixes of port names (`http-web`), longest first, with their ServiceEntry wire value. */
const PORT_PROTOCOLS: Array<[string, string]> = [
  ['grpc-web', 'GRPC-WEB'], ['http2', 'HTTP2'], ['https', 'HTTPS'], ['http', 'HTTP'], ['grpc', 'GRPC'],
  ['mongo', 'MONGO'], ['mysql', 'MYSQL'], ['redis', 'REDIS'], ['tcp', 'TCP'], ['tls', 'TLS'], ['udp', 'UDP'],
];

/**
 * The protocol Istio selects for a Service port (its `appProtocol`, else its name's prefix), as a
 * ServiceEntry port states it; undefined when Istio would sniff it.
 */
function portProtocol(port: ServicePort): string | undefined {
  for (const candidate of [port.appProtocol, port.name]) {
    const text = candidate?.toLowerCase();
    if (!text) continue;
    const match = PORT_PROTOCOLS.find(([prefix]) => text === prefix || text.startsWith(`${prefix}-`));
    if (match) return match[1];
  }
  return undefined;
}

const ISTIO_NAMESPACE = 'istio-system';

/** A Service a cluster publishes to the clusters that trust it. */
class PublishedService {
  public readonly host: string;
  private resolved?: ApiObject;
  private cachedPorts?: ServicePort[];

  constructor(
    public readonly federation: MeshFederation,
    public readonly cluster: MeshCluster,
    public readonly namespace: string,
    public readonly name: string,
    object: ApiObject | undefined,
  ) {
    this.resolved = object;
    this.host = qualifyServiceHost(name, namespace, cluster.clusterDomain);
  }

  /** The Service object in the cluster; the standard error when the cluster has none. */
  public object(): ApiObject {
    if (this.resolved) return this.resolved;
    const found = servicesOf(this.cluster).get(`${this.namespace}/${this.name}`);
    if (!found) {
      fail(this.federation, 'publishName', `names Service '${this.namespace}/${this.name}', which cluster '${this.cluster.clusterName}' does not define`, `${this.namespace}/${this.name}`,
        `Define the Service inside MeshCluster '${this.cluster.node.path}' (a published service must exist in its cluster), or correct the name.`);
    }
    this.resolved = found;
    if (this.federation.flavour === MeshFlavour.DECKHOUSE) found.metadata.addLabel(DECKHOUSE_PUBLIC_SERVICE_LABEL, '');
    return found;
  }

  /**
   * The Service's ports, every one named (federation addresses ports by name). Read once per
   * synth: every consuming cluster renders them.
   */
  public ports(): ServicePort[] {
    if (this.cachedPorts) return this.cachedPorts;
    const ports: ServicePort[] = this.object().toJson()?.spec?.ports ?? [];
    if (ports.length === 0) {
      fail(this.federation, 'publish', `needs the ports of Service '${this.namespace}/${this.name}' in cluster '${this.cluster.clusterName}', but it has none`, this.name,
        'Give the Service its ports, each with a name.');
    }
    ports.forEach((port, i) => {
      if (typeof port.name !== 'string' || port.name.length === 0) {
        fail(this.federation, 'publish', `needs every port of Service '${this.namespace}/${this.name}' in cluster '${this.cluster.clusterName}' named, but ports[${i}] (${port.port}) has no name`,
          port.port, "Name each port of the Service (e.g. name: 'http'): federated endpoints map ports by name.");
      }
    });
    this.cachedPorts = ports.map((p) => ({ name: p.name, port: p.port, appProtocol: p.appProtocol }));
    // A later synth (a test changing the app between two) reads the ports again.
    queueMicrotask(() => { this.cachedPorts = undefined; });
    return this.cachedPorts;
  }
}

const SERVICE_INDEX = new WeakMap<MeshCluster, Map<string, ApiObject>>();

/** The Services a cluster defines, by `namespace/name`; built once per synth. */
function servicesOf(cluster: MeshCluster): Map<string, ApiObject> {
  let index = SERVICE_INDEX.get(cluster);
  if (!index) {
    index = new Map();
    for (const c of cluster.node.findAll()) {
      if (c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1') index.set(`${objectNamespace(c)}/${c.name}`, c);
    }
    SERVICE_INDEX.set(cluster, index);
    // Constructs added after this synth are found by the next one.
    queueMicrotask(() => SERVICE_INDEX.delete(cluster));
  }
  return index;
}

/** The ServiceEntry of a remote service in a consuming cluster, rendered at synth. */
class RemoteServiceEntry implements SpecProducer {
  constructor(private readonly service: PublishedService) {}

  public produce(): Record<string, any> {
    const { service } = this;
    const publisher = service.cluster;
    const address = publisher.gatewayAddress!;
    const ports = service.ports();
    const gatewayPorts: Record<string, number> = {};
    for (const port of ports) gatewayPorts[port.name!] = publisher.gatewayPort;
    return {
      hosts: [service.host],
      location: 'MESH_INTERNAL',
      // Same numbers and names as the remote Service, and the protocol Istio selects there.
      ports: ports.map((p) => prune({ name: p.name, number: p.port, protocol: portProtocol(p) })),
      resolution: isIpAddress(address) ? 'STATIC' : 'DNS',
      endpoints: [{ address, ports: gatewayPorts }],
    };
  }
}

/**
 * Independent meshes (each cluster its own mesh, trust domain and cluster domain) that trust
 * each other and publish chosen services to each other: Deckhouse's federation model. One
 * declaration, two renderings.
 *
 * Declare which Services each cluster publishes (`publish`, `publishName`) and which clusters
 * trust which (`trust`, `trustEachOther`). A cluster that trusts another accepts its workloads'
 * identities and can call the services it publishes at `<svc>.<ns>.svc.<its cluster domain>`.
 * mTLS needs trust both ways; synth warns about one-way trust.
 *
 * - Plain Istio (the default): the publisher gets an east-west gateway (AUTO_PASSTHROUGH for
 *   `*.<its domain>` on 15443); each consumer gets, per remote service, a ServiceEntry
 *   (MESH_INTERNAL, the remote ports by name, the publisher's gateway as endpoint) and an
 *   ISTIO_MUTUAL DestinationRule, and in its istiod values the trust: the remote root in
 *   `caCertificates` (scoped to the remote trust domain, unless both clusters share a MeshCa
 *   root), `ISTIO_MULTIROOT_MESH`, `PILOT_SKIP_VALIDATE_TRUST_DOMAIN` and DNS capture, so
 *   sidecars resolve the remote hosts.
 * - MeshFlavour.DECKHOUSE: each consumer gets an `IstioFederation` per trusted cluster
 *   (its trust domain and `metadataEndpoint`), and published Services get the label
 *   `federation.istio.deckhouse.io/public-service`.
 *
 * Checked at synth: a published Service exists in its cluster with every port named; federated
 * clusters have distinct cluster and trust domains; each trusted cluster's root, gateway
 * address (plain Istio) or metadata endpoint (Deckhouse) is declared; policies name only trust
 * domains their cluster trusts.
 *
 * @example
 * const federation = new MeshFederation(app, 'federation');
 * federation.publish(reviewsService);   // a Service inside MeshCluster b
 * federation.trustEachOther(a, b);
 * @see https://deckhouse.io/products/kubernetes-platform/documentation/latest/modules/istio/
 */
export class MeshFederation extends Construct {
  /** Plain Istio or Deckhouse. */
  public readonly flavour: MeshFlavour;
  private readonly published = new Map<MeshCluster, PublishedService[]>();
  private readonly publishedKeys = new Set<string>();
  /** truster -> trusted clusters. */
  private readonly trusted = new Map<MeshCluster, MeshCluster[]>();

  constructor(scope: Construct, id: string, props: MeshFederationProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    this.flavour = checkEnum(this, 'flavour', props.flavour ?? MeshFlavour.ISTIO, MeshFlavour, 'MeshFlavour');
    this.node.addValidation({ validate: () => this.validateFederation() });
  }

  /**
   * Publishes a Service (a cdk8s-plus Service, or any ApiObject of kind Service) defined inside
   * a MeshCluster to the clusters that trust that cluster.
   */
  public publish(service: IConstruct): void {
    // What ApiObject.of finds (the construct itself, or its 'Resource' child), without its throw.
    const candidate = service instanceof ApiObject ? service : service?.node?.defaultChild;
    const object = candidate instanceof ApiObject ? candidate : undefined;
    if (!object || object.kind !== 'Service' || object.apiVersion !== 'v1') {
      fail(this, 'publish', 'must be given a Kubernetes Service (cdk8s-plus Service or ApiObject of kind Service)', service?.node?.path ?? service,
        'Publish the Service object, or name it with publishName(cluster, namespace, name).');
    }
    const cluster = MeshCluster.clusterOf(object);
    if (!cluster) {
      fail(this, 'publish', 'must be given a Service inside a MeshCluster', object.node.path, 'Define the Service inside the MeshCluster that runs it.');
    }
    if (this.flavour === MeshFlavour.DECKHOUSE) object.metadata.addLabel(DECKHOUSE_PUBLIC_SERVICE_LABEL, '');
    this.addPublished(new PublishedService(this, cluster, checkObjectNamespace(this, 'publish', object), object.name, object));
  }

  /**
   * Publishes the Service `namespace/name` of `cluster`, found among the cluster's objects at
   * synth (synth fails when the cluster defines no such Service).
   */
  public publishName(cluster: MeshCluster, namespace: string, name: string): void {
    this.checkCluster('publishName', cluster);
    check(this, 'publishName namespace', namespace, dnsLabelRule, "Namespaces look like 'bookinfo'.");
    check(this, 'publishName name', name, dnsLabelRule, "Service names look like 'reviews'.");
    this.addPublished(new PublishedService(this, cluster, namespace, name, undefined));
  }

  /**
   * Makes `cluster` trust `trusted`: it accepts the workload identities of `trusted` and reaches
   * the services `trusted` publishes. Trust one way only breaks mTLS in the other direction;
   * declare both (`trustEachOther`).
   */
  public trust(cluster: MeshCluster, trusted: MeshCluster): void {
    this.checkCluster('trust', cluster);
    this.checkCluster('trust', trusted);
    if (cluster === trusted) fail(this, 'trust', 'must name two different clusters', cluster.clusterName, 'A cluster trusts its own workloads already.');
    const list = this.trusted.get(cluster) ?? [];
    if (list.includes(trusted)) fail(this, 'trust', `already makes '${cluster.clusterName}' trust '${trusted.clusterName}'`, trusted.clusterName, 'Declare each trust once.');
    for (const [field, a, b] of [['clusterDomain', cluster.clusterDomain, trusted.clusterDomain], ['trustDomain', cluster.trustDomain, trusted.trustDomain]]) {
      if (a === b) {
        fail(this, 'trust', `needs distinct ${field}s for federated clusters, but '${cluster.clusterName}' and '${trusted.clusterName}' both have '${a}'`, a,
          `Give each federated cluster its own ${field} (e.g. 'cluster-a.local' and 'cluster-b.local'): ${field === 'clusterDomain'
            ? 'remote hosts are told apart by their domain, and the remote gateway routes on it'
            : 'identities of one mesh would be taken for the other\'s'}.`);
      }
    }
    this.trusted.set(cluster, [...list, trusted]);
    cluster._trusts.set(trusted, this);
    if (this.flavour === MeshFlavour.DECKHOUSE) {
      if (trusted.metadataEndpoint === undefined) {
        fail(this, 'trust', `needs the metadataEndpoint of cluster '${trusted.clusterName}' for Deckhouse`, trusted.clusterName,
          "Give the MeshCluster metadataEndpoint, e.g. 'https://istio.k8s-b.example.com/metadata/'.");
      }
      wireObject(this.containerIn(cluster), trusted.clusterName, DECKHOUSE_GVK.IstioFederation, { name: trusted.clusterName },
        () => ({ trustDomain: trusted.trustDomain, metadataEndpoint: trusted.metadataEndpoint }));
      return;
    }
    const config = cluster.meshConfig;
    const reason = `federation '${this.node.path}'`;
    config._setValue('pilot.env.ISTIO_MULTIROOT_MESH', 'true', this, reason);
    config._setValue('pilot.env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN', 'true', this, reason);
    // Sidecars resolve remote hosts (no DNS record in this cluster) through their DNS proxy.
    config._setValue('meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE', 'true', this, reason);
    for (const service of this.published.get(trusted) ?? []) this.consume(cluster, service);
  }

  /** Makes both clusters trust each other. */
  public trustEachOther(a: MeshCluster, b: MeshCluster): void {
    this.trust(a, b);
    this.trust(b, a);
  }

  private checkCluster(method: string, cluster: MeshCluster): void {
    if (!cluster || MeshCluster.clusterOf(cluster) !== cluster) {
      fail(this, method, 'must be given MeshClusters', cluster?.node?.path ?? cluster, 'Create each cluster with new MeshCluster(app, ...).');
    }
  }

  private addPublished(service: PublishedService): void {
    const key = `${service.cluster.clusterName}|${service.namespace}|${service.name}`;
    if (this.publishedKeys.has(key)) {
      fail(this, 'publish', `already publishes Service '${service.namespace}/${service.name}' of cluster '${service.cluster.clusterName}'`, service.name, 'Publish each Service once.');
    }
    this.publishedKeys.add(key);
    const list = this.published.get(service.cluster);
    if (list) list.push(service);
    else this.published.set(service.cluster, [service]);
    if (this.flavour === MeshFlavour.DECKHOUSE) return;
    service.cluster.addEastWestGateway();
    for (const [consumer, trusted] of this.trusted) {
      if (trusted.includes(service.cluster)) this.consume(consumer, service);
    }
  }

  /** The ServiceEntry and ISTIO_MUTUAL DestinationRule of a remote service in a consuming cluster. */
  private consume(consumer: MeshCluster, service: PublishedService): void {
    const publisher = service.cluster;
    if (publisher.gatewayAddress === undefined) {
      fail(this, 'trust', `needs the gatewayAddress of cluster '${publisher.clusterName}', which publishes '${service.host}' to '${consumer.clusterName}'`, publisher.clusterName,
        "Give the MeshCluster the address other clusters reach its east-west gateway at, e.g. gatewayAddress: '203.0.113.10'.");
    }
    const names = perApp(consumer, 'federation-entry-names', () => new DerivedNames(MAX_OBJECT_NAME));
    const name = names.reserve(ISTIO_NAMESPACE, toDnsLabel(`${publisher.clusterName}-${service.host}`), service.host);
    const container = this.containerIn(consumer);
    const entry = wireObject(container, `${service.namespace}:${service.name}:${publisher.clusterName}`, GVK.ServiceEntry,
      { name, namespace: ISTIO_NAMESPACE }, new RemoteServiceEntry(service));
    meshModel(entry).destination(entry, service.host, ISTIO_NAMESPACE, name).setPolicy(entry, 'tls', { mode: 'ISTIO_MUTUAL' });
  }

  /** The construct holding this federation's objects in a cluster. */
  private containerIn(cluster: MeshCluster): Construct {
    const id = `federation:${this.node.id}`;
    return (cluster.node.tryFindChild(id) as Construct | undefined) ?? new Construct(cluster, id);
  }

  private validateFederation(): string[] {
    const errors: string[] = [];
    const collect = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        errors.push((e as Error).message);
      }
    };
    for (const services of this.published.values()) {
      for (const service of services) collect(() => service.ports());
    }
    for (const [cluster, trustedList] of this.trusted) {
      for (const trusted of trustedList) {
        if (!(this.trusted.get(trusted) ?? []).includes(cluster)) {
          addWarning(this, `cluster '${cluster.clusterName}' trusts '${trusted.clusterName}', but '${trusted.clusterName}' does not trust '${cluster.clusterName}': `
            + `mTLS between them needs both ('${trusted.clusterName}' rejects the client certificates of '${cluster.clusterName}'); declare trust(${trusted.clusterName}, ${cluster.clusterName}) or trustEachOther.`);
        }
        if (this.flavour === MeshFlavour.ISTIO) collect(() => this.trustRoot(cluster, trusted));
      }
    }
    return errors;
  }

  /** Puts the trusted cluster's root into the truster's `caCertificates`, unless both share one root. */
  private trustRoot(cluster: MeshCluster, trusted: MeshCluster): void {
    const key = trusted._rootKey();
    if (key !== undefined && key === cluster._rootKey()) return;
    if (!trusted.rootCertificate) {
      fail(this, 'trust', `needs the root certificate of cluster '${trusted.clusterName}' for '${cluster.clusterName}' to trust it, but it is unknown`, trusted.clusterName,
        `Declare rootCertificate on MeshCluster '${trusted.clusterName}' (TrustAnchor.fromPem with its istio-ca-root-cert, once issued), or issue both clusters' CAs from one MeshCa.`);
    }
    cluster.meshConfig.addCaCertificate(trusted.rootCertificate.scopedTo([trusted.trustDomain]));
  }
}
