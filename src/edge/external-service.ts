import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressGateway } from './egress-gateway';
import { uniqueChildId } from '../core/construct-id';
import { ExportTo, renderExportTo } from '../core/export-to';
import { cidrRule, dnsLabelRule, dnsSubdomainRule, hostRule, isIpAddress } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { gatewayRef } from '../core/mesh-gateway';
import { MeshService } from '../core/mesh-service';
import { fitName, MAX_LABEL_NAME, nameForHost, objectNameFor } from '../core/naming';
import { portRule, uint32Rule } from '../core/numbers';
import { prune } from '../core/plain-objects';
import { isHttpProtocol, isTlsProtocol, Protocol } from '../core/protocol';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkList, checkObject } from '../core/value-types';
import { Destination } from '../model/mesh-model';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';
import { meshModel } from '../render/model-renderers';

/** A port after defaults and checks. */
interface CheckedPort {
  number: number;
  protocol: Protocol;
  name: string;
  targetPort?: number;
}

/** Whether the service is part of the mesh (has sidecars) or outside it. */
export enum ServiceLocation {
  /** Outside the mesh: mTLS is not used to reach it. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Inside the mesh (VMs, other clusters): reached with mTLS. */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/** How the proxy finds the service's endpoints. */
export enum ServiceResolution {
  /** Resolve the host (or endpoint names) with DNS, connecting to all addresses. */
  DNS = 'DNS',
  /** Resolve with DNS and connect to the first address only (large sets of IPs behind one name). */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /** Fixed IP endpoints. */
  STATIC = 'STATIC',
  /** Forward to the address the application connected to (wildcards, IP ranges). */
  NONE = 'NONE',
}

/** A port of an external service. */
export interface ExternalServicePort {
  /** The port the application calls. */
  readonly number: number;
  /** The protocol. */
  readonly protocol: Protocol;
  /** The port name. @default - `<protocol>-<number>`, e.g. 'tcp-5432' */
  readonly name?: string;
  /**
   * The port on the endpoints, when it differs. With `tlsOrigination` on this port it is the
   * port TLS is sent to (the same as `tlsOrigination.targetPort`; set either).
   * @default - the same number (443 for the port of `tlsOrigination`)
   */
  readonly targetPort?: number;
}

/** An endpoint of an external service. */
export interface ExternalEndpoint {
  /** An IP address, or a DNS name with DNS resolution. */
  readonly address: string;
  /** Port overrides by port name. @default - the service's ports */
  readonly ports?: Record<string, number>;
  /** Labels (used by subsets). @default - none */
  readonly labels?: Record<string, string>;
  /** The network the endpoint is on (multi-network meshes). @default - the proxy's network */
  readonly network?: string;
  /** The locality, `region/zone/subzone`. @default - none */
  readonly locality?: string;
  /** Load-balancing weight. @default - equal */
  readonly weight?: number;
}

/** TLS the sidecar (or the egress gateway) originates. */
export enum OriginationTlsMode {
  /** TLS with server verification (SNI and the system CA bundle). */
  SIMPLE = 'SIMPLE',
  /** TLS with a client certificate from a Secret. */
  MUTUAL = 'MUTUAL',
}

/** The application speaks plain HTTP; the proxy upgrades it to TLS. */
export interface TlsOriginationOptions {
  /** The HTTP port the application calls (one of `ports`, protocol HTTP). */
  readonly port: number;
  /** The port TLS is sent to. @default - the port's `targetPort`, or 443 */
  readonly targetPort?: number;
  /** Server-only or mutual TLS. @default OriginationTlsMode.SIMPLE */
  readonly mode?: OriginationTlsMode;
  /**
   * For MUTUAL: the Secret with `tls.crt`, `tls.key` and `ca.crt`, in the namespace of the
   * proxy that originates (the client's, or the egress gateway's).
   * @default - none
   */
  readonly credentialName?: string;
  /**
   * CA bundle (a path in the proxy) that server certificates are verified against. Written out
   * so the verification is explicit in the manifest (istioctl IST0128/IST0129 otherwise).
   * @default '/etc/ssl/certs/ca-certificates.crt' (the public CAs shipped in the Istio proxy image)
   */
  readonly caCertificates?: string;
  /**
   * Names the server certificate must carry, besides the host itself.
   * @default - the certificate must match the host (SNI)
   */
  readonly subjectAltNames?: string[];
}

/** The public CA bundle in Istio's proxy images. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Send TLS for these hosts to an internal proxy or firewall that routes on SNI. */
export interface SniRoutingOptions {
  /** The proxy service. */
  readonly target: MeshService;
  /** The proxy's port. @default - the target's port */
  readonly port?: number;
}

/** Properties of an {@link ExternalService}. */
export interface ExternalServiceProps {
  /** The hosts applications call: FQDNs, or `*.domain` with NONE resolution. */
  readonly hosts: string[];
  /** The ports. */
  readonly ports: ExternalServicePort[];
  /** The namespace. @default - the chart's namespace, or 'default' */
  readonly namespace?: string;
  /** The ServiceEntry's name. @default - the construct id as a DNS label */
  readonly name?: string;
  /** Outside or inside the mesh. @default ServiceLocation.MESH_EXTERNAL */
  readonly location?: ServiceLocation;
  /** Endpoint discovery. @default - NONE for wildcard hosts, STATIC for IP endpoints, DNS otherwise */
  readonly resolution?: ServiceResolution;
  /** Virtual IPs or CIDR blocks of the service (needed for TCP ports, see addressAutoAllocation). @default - none */
  readonly addresses?: string[];
  /** Explicit endpoints. @default - the hosts themselves (DNS) */
  readonly endpoints?: ExternalEndpoint[];
  /** Where the ServiceEntry is visible. @default - this namespace (plus the egress gateway's) */
  readonly exportTo?: ExportTo[];
  /** SANs the server certificate must carry (MESH_INTERNAL mTLS). @default - none */
  readonly subjectAltNames?: string[];
  /**
   * The mesh allocates addresses to ServiceEntries (DNS capture with auto-allocation, or
   * Istio's IP auto-allocation controller), so TCP ports need no `addresses`.
   * @default false
   */
  readonly addressAutoAllocation?: boolean;
  /** Originate TLS for plain-HTTP calls. @default - none */
  readonly tlsOrigination?: TlsOriginationOptions;
  /** Route TLS for the hosts to a proxy on SNI. @default - none */
  readonly sniRouting?: SniRoutingOptions;
  /** Route through an egress gateway (two hops: sidecar -> gateway -> host). @default - direct */
  readonly egressGateway?: EgressGateway;
}

/**
 * An external service the mesh may call: a ServiceEntry, and optionally TLS origination, SNI
 * routing to a proxy, or the two-hop route through an egress gateway.
 *
 * With an outbound policy of REGISTRY_ONLY only declared external services are reachable: this
 * is how you declare one. Visible in its own namespace only by default.
 *
 * @example
 * new ExternalService(chart, 'httpbin-org', {
 *   hosts: ['httpbin.org'],
 *   ports: [{ number: 80, protocol: Protocol.HTTP }],
 *   tlsOrigination: { port: 80 },
 * });
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/
 */
export class ExternalService extends Construct {
  /** The ServiceEntry's name. */
  public readonly serviceName: string;
  /** The ServiceEntry's namespace. */
  public readonly namespace: string;
  /** The hosts. */
  public readonly hosts: string[];
  /** The resolution used. */
  public readonly resolution: ServiceResolution;

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, uniqueChildId(scope, id));
    checkPropTypes(this, props);
    this.serviceName = objectNameFor(this, id, props.name);
    this.namespace = check(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'default', dnsLabelRule, "Namespaces look like 'payments'.");
    this.hosts = this.checkHosts(props.hosts);
    const wildcard = this.hosts.find((h) => h.startsWith('*'));
    const endpoints = props.endpoints ?? [];
    this.resolution = checkEnum(this, 'resolution', props.resolution, ServiceResolution, 'ServiceResolution')
      ?? (wildcard ? ServiceResolution.NONE
        : endpoints.length > 0 && endpoints.every((e) => isIpAddress(e.address)) ? ServiceResolution.STATIC : ServiceResolution.DNS);
    const ports = this.checkPorts(props);
    const addresses = this.checkAddresses(props.addresses ?? []);
    this.checkResolution(wildcard, endpoints, ports);
    this.checkTcpAddresses(props, ports, addresses);

    const egress = props.egressGateway;
    let exportTo = props.exportTo ?? [ExportTo.THIS_NAMESPACE];
    if (egress && egress.gatewayNamespace !== this.namespace) {
      const values = exportTo.map((e) => e.value);
      if (props.exportTo === undefined) {
        exportTo = [...exportTo, ExportTo.namespace(egress.gatewayNamespace)];
      } else if (!values.includes('*') && !values.includes(egress.gatewayNamespace)) {
        fail(this, 'exportTo', `must include the egress gateway's namespace '${egress.gatewayNamespace}'`, values,
          `The gateway cannot reach hosts it cannot see; add ExportTo.namespace('${egress.gatewayNamespace}').`);
      }
    }
    const exported = renderExportTo(this, 'exportTo', exportTo, this.namespace, { allowNone: true });
    for (const san of props.subjectAltNames ?? []) {
      check(this, 'subjectAltNames', san, sanRule, "Use names such as 'spiffe://cluster.local/ns/db/sa/db'.");
    }

    const renderedEndpoints = endpoints.map((e, i) => this.renderEndpoint(e, i, ports));
    if (props.tlsOrigination && props.sniRouting) {
      fail(this, 'sniRouting', 'cannot be combined with tlsOrigination', props.sniRouting.target.host, 'Originate TLS, or forward TLS to a proxy, not both.');
    }
    if (props.sniRouting && egress) {
      fail(this, 'sniRouting', 'cannot be combined with egressGateway', props.sniRouting.target.host, 'Send TLS to either the SNI proxy or the egress gateway.');
    }
    const origination = props.tlsOrigination && this.originateTls(props.tlsOrigination, ports, egress !== undefined, exported);
    if (props.sniRouting) this.routeSni(props.sniRouting, ports);
    if (egress) this.routeThroughEgress(egress, ports, origination);

    wireObject(this, 'Resource', GVK.ServiceEntry, { name: this.serviceName, namespace: this.namespace }, () => prune({
      hosts: this.hosts,
      addresses: addresses.length > 0 ? addresses : undefined,
      ports: ports.map((p) => prune({ number: p.number, protocol: p.protocol, name: p.name, targetPort: p.targetPort })),
      location: props.location ?? ServiceLocation.MESH_EXTERNAL,
      resolution: this.resolution,
      endpoints: renderedEndpoints.length > 0 ? renderedEndpoints : undefined,
      exportTo: exported,
      subjectAltNames: props.subjectAltNames,
    }));
  }

  private checkHosts(hosts: string[]): string[] {
    check(this, 'hosts', hosts, (h) => (h.length === 0 ? 'must list at least one host' : undefined), "List the names applications call, e.g. ['api.example.com'].");
    checkCount(this, 'hosts', hosts, MAX_HOSTS, 'Split the hosts over several ExternalServices.');
    const seen = new Set<string>();
    for (const host of hosts) {
      check(this, 'hosts', host, hostRule({ wildcard: true }), "Use fully-qualified names such as 'api.example.com' or '*.example.com'.");
      if (seen.has(host)) fail(this, 'hosts', 'must not list a host twice', host, 'Remove the duplicate.');
      seen.add(host);
    }
    return [...hosts];
  }

  private checkPorts(props: ExternalServiceProps): CheckedPort[] {
    check(this, 'ports', props.ports, (p) => (p.length === 0 ? 'must list at least one port' : undefined), 'Give the ports applications call, e.g. [{ number: 443, protocol: Protocol.TLS }].');
    checkCount(this, 'ports', props.ports, MAX_PORTS, 'Split the ports over several ExternalServices.');
    const names = new Set<string>();
    const numbers = new Set<number>();
    return props.ports.map((p, i) => {
      checkObject(this, `ports[${i}]`, p);
      if (p.protocol === undefined) fail(this, `ports[${i}].protocol`, 'must be set', p.protocol, 'Say what the port carries, e.g. Protocol.TLS or Protocol.HTTP.');
      checkEnum(this, `ports[${i}].protocol`, p.protocol, Protocol, 'Protocol');
      check(this, `ports[${i}].number`, p.number, portRule, 'Use a port from 1 to 65535.');
      if (p.targetPort !== undefined) check(this, `ports[${i}].targetPort`, p.targetPort, portRule, 'Use a port from 1 to 65535.');
      const name = p.name ?? `${p.protocol.toLowerCase()}-${p.number}`;
      check(this, `ports[${i}].name`, name, dnsLabelRule, "Port names look like 'https' or 'tcp-postgres'.");
      if (names.has(name)) fail(this, `ports[${i}].name`, 'must be unique', name, 'Give each port its own name.');
      if (numbers.has(p.number)) fail(this, `ports[${i}].number`, 'must be unique', p.number, 'Declare each port number once.');
      names.add(name);
      numbers.add(p.number);
      return { number: p.number, protocol: p.protocol, name, targetPort: p.targetPort };
    });
  }

  private checkAddresses(addresses: string[]): string[] {
    checkCount(this, 'addresses', addresses, MAX_ADDRESSES, 'Use CIDR blocks (with resolution NONE or STATIC) to cover many addresses.');
    for (const address of addresses) {
      check(this, 'addresses', address, cidrRule, "Use IPs or CIDR blocks such as '10.20.0.15' or '10.20.0.0/24'.");
      if (address.includes('/') && this.resolution !== ServiceResolution.NONE && this.resolution !== ServiceResolution.STATIC) {
        fail(this, 'addresses', `may use CIDR blocks only with NONE or STATIC resolution, not ${this.resolution}`, address,
          'Use single IPs, or resolution NONE to forward to whatever address in the block the application called.');
      }
    }
    return [...addresses];
  }

  private checkResolution(wildcard: string | undefined, endpoints: ExternalEndpoint[], ports: CheckedPort[]): void {
    const r = this.resolution;
    if (wildcard && (r === ServiceResolution.DNS || r === ServiceResolution.DNS_ROUND_ROBIN) && endpoints.length === 0) {
      fail(this, 'resolution', `cannot be ${r} for the wildcard host '${wildcard}' without endpoints (there is no name to resolve)`, r,
        'Use ServiceResolution.NONE (the default for wildcards), or give endpoints.');
    }
    if (r === ServiceResolution.NONE && endpoints.length > 0) {
      fail(this, 'endpoints', 'must be empty with NONE resolution', endpoints.map((e) => e.address), 'Use STATIC or DNS resolution with endpoints.');
    }
    if (r === ServiceResolution.STATIC && endpoints.length === 0) {
      fail(this, 'endpoints', 'must list at least one endpoint with STATIC resolution', [], "Give the IPs, e.g. [{ address: '10.20.0.15' }].");
    }
    if (r === ServiceResolution.DNS_ROUND_ROBIN && endpoints.length > 1) {
      fail(this, 'endpoints', 'must have at most one endpoint with DNS_ROUND_ROBIN resolution', endpoints.map((e) => e.address),
        'Use DNS resolution for several endpoints.');
    }
    checkCount(this, 'endpoints', endpoints, MAX_ENDPOINTS, 'Split the endpoints over several ExternalServices.');
    for (const [i, e] of endpoints.entries()) {
      const rule = r === ServiceResolution.STATIC ? (a: string) => (isIpAddress(a) ? undefined : 'must be an IP address with STATIC resolution')
        : hostRule({ ipAddress: true });
      check(this, `endpoints[${i}].address`, e.address, rule, "Use an IP such as '10.20.0.15' (STATIC) or a name such as 'db.example.com' (DNS).");
    }
    // istiod: "multiple hosts provided with non-HTTP, non-TLS ports" (addresses do not help: the
    // hosts would share them, and the proxy still could not tell which host a connection is for).
    const opaque = ports.find((p) => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol));
    if (opaque && this.hosts.length > 1 && r !== ServiceResolution.NONE) {
      fail(this, 'hosts', `must be a single host when the service has a ${opaque.protocol} port (${opaque.number}) and ${r} resolution: `
        + 'the proxy cannot tell the hosts apart without HTTP or SNI (istiod rejects it)', this.hosts,
      'Create one ExternalService per host, or use resolution NONE (traffic goes to the address the application called).');
    }
  }

  /** istioctl IST0134: a TCP port without an address shares one 0.0.0.0 listener with every TCP service on that port. */
  private checkTcpAddresses(props: ExternalServiceProps, ports: CheckedPort[], addresses: string[]): void {
    if (addresses.length > 0) return;
    const allocated = props.addressAutoAllocation === true && this.resolution !== ServiceResolution.NONE;
    const tcp = ports.find((p) => p.protocol === Protocol.TCP);
    if (tcp && !allocated) {
      fail(this, 'addresses', `are required for the TCP port ${tcp.number} ('${tcp.name}') when the mesh does not allocate addresses (istioctl IST0134)`, addresses,
        'Give the service IPs (addresses), or set addressAutoAllocation: true if the mesh enables DNS capture with auto-allocation; otherwise every TCP service on this port shares one listener.');
    }
  }

  private renderEndpoint(e: ExternalEndpoint, i: number, ports: Array<{ name: string }>): Record<string, any> {
    const names = ports.map((p) => p.name);
    for (const [name, port] of Object.entries(e.ports ?? {})) {
      if (!names.includes(name)) {
        fail(this, `endpoints[${i}].ports`, `must name ports of the service (${names.join(', ')})`, name, 'Endpoint port overrides are keyed by port name.');
      }
      // The CRD's CEL rule on endpoint port keys is `size(key) < 63`, one less than a port name may have.
      if (name.length >= MAX_LABEL_NAME) {
        fail(this, `endpoints[${i}].ports`, `must use port names shorter than ${MAX_LABEL_NAME} characters (the API server rejects longer keys here)`, name,
          'Give the port a shorter name (ports[].name) to override its endpoint port.');
      }
      check(this, `endpoints[${i}].ports['${name}']`, port, portRule, 'Use a port from 1 to 65535.');
    }
    if (e.labels) checkLabels(this, `endpoints[${i}].labels`, e.labels);
    if (e.weight !== undefined) check(this, `endpoints[${i}].weight`, e.weight, uint32Rule(1), 'Use a positive whole number.');
    if (e.network !== undefined) check(this, `endpoints[${i}].network`, e.network, dnsSubdomainRule, "Network names look like 'network1'.");
    if (e.locality !== undefined) {
      check(this, `endpoints[${i}].locality`, e.locality, (l) => (/^[^/*\s]+(\/[^/*\s]+){0,2}$/.test(l) ? undefined : "must be 'region', 'region/zone' or 'region/zone/subzone'"),
        "Use e.g. 'us-east1/us-east1-b'.");
    }
    return prune({ address: e.address, ports: e.ports, labels: e.labels, network: e.network, locality: e.locality, weight: e.weight });
  }

  private httpPort(port: number, ports: CheckedPort[], property: string): CheckedPort {
    const found = ports.find((p) => p.number === port);
    if (!found || !isHttpProtocol(found.protocol)) {
      fail(this, property, 'must be an HTTP port of the service', port,
        `Declare it, e.g. { number: ${port}, protocol: Protocol.HTTP }: the application calls http://, the proxy sends TLS.`);
    }
    return found;
  }

  /** Originates TLS for the plain-HTTP port; returns where TLS is sent (the port on the endpoints). */
  private originateTls(o: TlsOriginationOptions, ports: CheckedPort[],
    atGateway: boolean, exported: string[] | undefined): ResolvedOrigination {
    const port = this.httpPort(o.port, ports, 'tlsOrigination.port');
    const portIndex = ports.indexOf(port);
    if (o.targetPort !== undefined && port.targetPort !== undefined && o.targetPort !== port.targetPort) {
      fail(this, 'tlsOrigination.targetPort', `must match ports[${portIndex}].targetPort (${port.targetPort}): both say where TLS for port ${port.number} is sent`,
        o.targetPort, `Set the TLS port once, in ports[${portIndex}].targetPort or in tlsOrigination.targetPort.`);
    }
    // The user's targetPort on the originated port is where TLS goes; 443 only when neither says.
    const targetPort = o.targetPort !== undefined
      ? check(this, 'tlsOrigination.targetPort', o.targetPort, portRule, 'Usually 443.')
      : port.targetPort ?? 443;
    const mode = checkEnum(this, 'tlsOrigination.mode', o.mode ?? OriginationTlsMode.SIMPLE, OriginationTlsMode, 'OriginationTlsMode');
    const wildcard = this.hosts.find((h) => h.startsWith('*'));
    if (wildcard) {
      fail(this, 'tlsOrigination', 'needs exact hosts (the certificate is verified against the host name)', wildcard, 'List the hosts you call.');
    }
    if (mode === OriginationTlsMode.MUTUAL && !o.credentialName) {
      fail(this, 'tlsOrigination.credentialName', 'is required for MUTUAL TLS', o.credentialName, 'Name the Secret with the client tls.crt, tls.key and ca.crt.');
    }
    if (mode === OriginationTlsMode.SIMPLE && o.credentialName) {
      fail(this, 'tlsOrigination.credentialName', 'is only used with MUTUAL TLS', o.credentialName, 'Remove it, or set mode: OriginationTlsMode.MUTUAL.');
    }
    if (o.credentialName) check(this, 'tlsOrigination.credentialName', o.credentialName, dnsSubdomainRule, "Secret names look like 'client-credential'.");
    if (o.credentialName && o.caCertificates) {
      fail(this, 'tlsOrigination.caCertificates', 'cannot be combined with credentialName (istiod rejects both)', o.caCertificates,
        "Put the CA in the Secret's ca.crt instead.");
    }
    for (const san of o.subjectAltNames ?? []) {
      check(this, 'tlsOrigination.subjectAltNames', san, sanRule, "Use the names on the server's certificate, e.g. 'api.example.com'.");
    }
    if (o.caCertificates !== undefined && !o.caCertificates.startsWith('/')) {
      fail(this, 'tlsOrigination.caCertificates', 'must be an absolute path in the proxy container', o.caCertificates,
        "Mount the CA bundle into the proxy and give its path, e.g. '/etc/ssl/certs/ca-certificates.crt'.");
    }
    if (atGateway) {
      // The gateway originates: it calls the host on the TLS port, which the ServiceEntry must declare.
      if (!ports.some((p) => p.number === targetPort)) {
        const name = `https-${targetPort}`;
        const clash = ports.findIndex((p) => p.name === name);
        if (clash !== -1) {
          fail(this, `ports[${clash}].name`, `must not be '${name}': the egress gateway originates TLS to port ${targetPort}, which this service declares under that name`,
            name, `Rename port ${ports[clash].number}, or declare port ${targetPort} yourself, e.g. { number: ${targetPort}, protocol: Protocol.HTTPS, name: 'tls-origination' }.`);
        }
        ports.push({ number: targetPort, protocol: Protocol.HTTPS, name });
      }
    } else {
      port.targetPort = targetPort;
    }
    for (const host of this.hosts) {
      const destination = meshModel(this).destination(this, host, this.namespace, nameForHost(host));
      // istiod accepts '~' (exported nowhere) on ServiceEntries only: a DestinationRule for a host
      // no namespace sees stays private to its own namespace.
      if (!atGateway && destination.exportTo === undefined) destination.exportTo = exported?.map((e) => (e === '~' ? '.' : e));
      // With credentialName the CA comes from the Secret's ca.crt; otherwise verify against the bundle.
      const caCertificates = o.credentialName ? undefined : (o.caCertificates ?? SYSTEM_CA_BUNDLE);
      destination.setPolicy(this, 'tls', prune({
        mode, sni: host, credentialName: o.credentialName, caCertificates, subjectAltNames: o.subjectAltNames,
      }), atGateway ? targetPort : port.number, 'tlsOrigination');
    }
    return { port: port.number, targetPort };
  }

  private routeSni(o: SniRoutingOptions, ports: CheckedPort[]): void {
    const tlsPorts = ports.filter((p) => p.protocol === Protocol.TLS || p.protocol === Protocol.HTTPS);
    if (tlsPorts.length === 0) {
      fail(this, 'sniRouting', 'needs a TLS or HTTPS port (SNI is only seen in TLS)', ports.map((p) => p.number), 'Declare e.g. { number: 443, protocol: Protocol.TLS }.');
    }
    const targetPort = o.port ?? o.target.port;
    if (targetPort === undefined) fail(this, 'sniRouting.port', 'is required (the target has no single port)', targetPort, 'Give the proxy port, e.g. 443.');
    check(this, 'sniRouting.port', targetPort, portRule, 'Use the proxy port.');
    for (const host of this.hosts) {
      const table = meshModel(this).routeTable(this, { host, namespace: this.namespace, binding: { kind: 'mesh' }, name: nameForHost(host), property: 'hosts' });
      table.addTls({
        owner: this,
        match: tlsPorts.map((p) => ({ port: p.number, sniHosts: [host] })),
        route: [{ host: o.target.host, port: targetPort }],
        property: 'sniRouting',
      });
    }
  }

  private routeThroughEgress(egress: EgressGateway, ports: CheckedPort[], origination?: ResolvedOrigination): void {
    const wildcard = this.hosts.find((h) => h.startsWith('*'));
    if (wildcard) {
      fail(this, 'egressGateway', 'needs exact hosts', wildcard, 'Route each host through the egress gateway, or use sniRouting to an SNI proxy for wildcards.');
    }
    const ref = gatewayRef(egress);
    // With origination at the gateway only the plain port is routed; the TLS port is the gateway's upstream.
    const routed = origination ? ports.filter((p) => p.number === origination.port) : ports;
    const unsupported = routed.find((p) => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol));
    if (unsupported) {
      fail(this, 'egressGateway', `does not route ${unsupported.protocol} ports yet`, unsupported.number, 'Route HTTP or TLS ports through the egress gateway, or call TCP services directly.');
    }
    if (routed.length > 1) {
      // Every routed port reaches the gateway on its port 443 with the host as SNI: the gateway
      // could not tell two ports of one host apart (two servers for one host and port).
      fail(this, 'ports', 'must have one port when routed through an egress gateway (each host reaches the gateway on its port 443 with the host as SNI)',
        routed.map((p) => p.number), 'Declare only the port applications call through the egress gateway; call other ports in another ExternalService without egressGateway.');
    }
    for (const host of this.hosts) {
      const table = meshModel(this).routeTable(this, {
        host, namespace: this.namespace, binding: { kind: 'gateway', gateway: ref, alsoMesh: true }, name: `${nameForHost(host)}-egress`, property: 'hosts',
      });
      for (const port of routed) {
        if (isHttpProtocol(port.protocol)) {
          this.egressHttp(egress, host, port.number, origination ? origination.targetPort : port.number, table);
        } else {
          egress._addServer(this, { host, appPort: port.number, protocol: 'TLS', tls: { mode: 'PASSTHROUGH' } });
          table.addTls({ owner: this, match: [{ gateways: ['mesh'], port: port.number, sniHosts: [host] }], route: [{ host: egress.service.host, port: 443 }], property: 'egressGateway' });
          table.addTls({ owner: this, match: [{ gateways: [ref], port: 443, sniHosts: [host] }], route: [{ host, port: port.number }], property: 'egressGateway' });
        }
      }
    }
  }

  /** Sidecar -> gateway over Istio mTLS on 443 (SNI picks the host's server), gateway -> host. */
  private egressHttp(egress: EgressGateway, host: string, port: number, upstreamPort: number, table: ReturnType<ReturnType<typeof meshModel>['routeTable']>): void {
    egress._addServer(this, { host, appPort: port, protocol: 'HTTPS', tls: { mode: 'ISTIO_MUTUAL' } });
    const hop = meshModel(this).destination(this, egress.service.host, this.namespace, egress.service.name);
    const label = egressSubsetName(hop, host);
    hop.addSubset({
      name: label,
      labels: egress.selector,
      owner: this,
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: host } }] },
      property: 'egressGateway',
    });
    table.addHttp({ owner: this, match: [{ gateways: ['mesh'], port }], route: [{ host: egress.service.host, subset: label, port: 443 }], property: 'egressGateway' });
    table.addHttp({ owner: this, match: [{ gateways: [gatewayRef(egress)], port: 443 }], route: [{ host, port: upstreamPort }], property: 'egressGateway' });
  }
}

/** The kinds of the props' values (for callers without a type checker), before any is used. */
function checkPropTypes(scope: Construct, props: ExternalServiceProps): void {
  checkObject(scope, 'props', props, true);
  for (const list of ['hosts', 'ports', 'addresses', 'endpoints', 'exportTo', 'subjectAltNames'] as const) checkList(scope, list, props[list] as unknown[] | undefined);
  props.endpoints?.forEach((e, i) => checkObject(scope, `endpoints[${i}]`, e));
  checkBoolean(scope, 'addressAutoAllocation', props.addressAutoAllocation);
  checkEnum(scope, 'location', props.location, ServiceLocation, 'ServiceLocation');
  checkObject(scope, 'tlsOrigination', props.tlsOrigination);
  checkObject(scope, 'sniRouting', props.sniRouting);
  if (props.sniRouting) checkInstance(scope, 'sniRouting.target', props.sniRouting.target, MeshService, "Use MeshService.fromName('sni-proxy', 'egress', { port: 443 }).");
  checkInstance(scope, 'egressGateway', props.egressGateway, EgressGateway, "Pass an EgressGateway of this app, e.g. new EgressGateway(chart, 'egress').");
}

/** The TLS origination as resolved: the plain port the application calls, the port TLS is sent to. */
interface ResolvedOrigination {
  readonly port: number;
  readonly targetPort: number;
}

/** A subject alternative name to match: an empty or spaced one could never match a certificate. */
const sanRule = (san: string) => (san.length > 0 && !/\s/.test(san) ? undefined : 'must be a non-empty SAN without spaces');

// The ServiceEntry CRD's limits (maxItems): the API server rejects longer lists.
const MAX_HOSTS = 256;
const MAX_PORTS = 256;
const MAX_ADDRESSES = 256;
const MAX_ENDPOINTS = 4096;

function checkCount(scope: Construct, property: string, items: readonly unknown[], max: number, hint: string): void {
  if (items.length > max) fail(scope, property, `must have at most ${max} entries (the ServiceEntry schema's limit)`, items.length, hint);
}

/**
 * The egress hop's subset for one host: the host as a readable label, unique in the hop's
 * DestinationRule (a subset stands for the SNI it sends, so two hosts that read the same, or
 * hosts too long for a label, must not share one).
 */
function egressSubsetName(hop: Destination, host: string): string {
  return fitName(nameForHost(host), host, MAX_LABEL_NAME, (name) => {
    const subset = hop.subset(name);
    return subset !== undefined && egressSni(subset.trafficPolicy) !== host;
  });
}

function egressSni(policy: Record<string, any> | undefined): string | undefined {
  return policy?.portLevelSettings?.[0]?.tls?.sni;
}
