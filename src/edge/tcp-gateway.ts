import { Construct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { overlappingGatewayErrors, registerGatewayServers, selectorKeyOf } from '../core/gateway-overlap';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { gatewayRef, IMeshGateway } from '../core/mesh-gateway';
import { objectNameFor } from '../core/naming';
import { portRule } from '../core/numbers';
import { RoutingApi } from '../core/routing-api';
import { routingSettings } from '../core/routing-settings';
import { check, fail } from '../core/validation-error';
import { checkInstance, checkList, checkObject } from '../core/value-types';
import { TcpGatewayIntent, TcpServerIntent } from '../model/gateway-model';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';
import { istioTcpGatewaySpec } from '../render/istio/gateway';
import { meshModel } from '../render/model-renderers';

/** A port on which a {@link TcpGateway} accepts plain TCP. */
export interface TcpGatewayPort {
  /** The port number; the gateway's Kubernetes Service must expose it (the default ingress gateway exposes 31400). */
  readonly port: number;
  /** The server port's name, a DNS label unique in the Gateway. @default `tcp-<port>` */
  readonly name?: string;
}

/** Properties of a {@link TcpGateway}. */
export interface TcpGatewayProps {
  /**
   * The namespace where the gateway workload runs; the Gateway and the VirtualServices of the
   * routes bound to it go here.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /** The Gateway's name. @default - the construct id as a DNS label */
  readonly name?: string;
  /** Labels of the gateway workload's pods. @default { istio: 'ingressgateway' } */
  readonly selector?: Record<string, string>;
  /**
   * The ports accepting plain TCP, at least one. Each becomes a server with hosts `*`: a TCP
   * connection carries no host name, so the gateway cannot tell hosts apart and routes bind by
   * port (CanaryRelease `gatewayPort`).
   */
  readonly ports: TcpGatewayPort[];
  /**
   * The API of the gateway and its routes. Only Istio's APIs: a Gateway API Gateway needs
   * TCPRoutes for its TCP listeners, which Istio 1.30 does not read (and which this library does
   * not yet render for gateways on 1.31+); set RoutingApi.ISTIO here when the app's
   * RoutingDefaults choose the Gateway API.
   * @default - the app's RoutingDefaults (Istio's APIs)
   */
  readonly api?: RoutingApi;
}

const PORT_HINT = 'Use the port the gateway Service exposes for TCP, e.g. 31400.';

/**
 * An Istio ingress Gateway accepting plain TCP on a set of ports, as Istio's TCP traffic
 * shifting task uses (port 31400 of the default ingress gateway).
 *
 * Every server's hosts are `*`: TCP carries no host name, so routes bound to the gateway (a
 * CanaryRelease with `protocol: Protocol.TCP` and `gateway`) are told apart by the port they
 * match (`gatewayPort`), which must be one of the gateway's ports.
 *
 * @example
 * const gateway = new TcpGateway(chart, 'tcp-echo-gateway', {
 *   namespace: 'istio-io-tcp-traffic-shifting',
 *   ports: [{ port: 31400, name: 'tcp' }],
 * });
 * new CanaryRelease(chart, 'tcp-echo', {
 *   service: MeshService.fromName('tcp-echo', 'istio-io-tcp-traffic-shifting', { port: 9000 }),
 *   versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
 *   protocol: Protocol.TCP,
 *   canaryWeight: 20,
 *   gateway,
 *   gatewayPort: 31400,
 *   meshRouting: false,
 * });
 * @see https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export class TcpGateway extends Construct implements IMeshGateway {
  public readonly gatewayName: string;
  public readonly gatewayNamespace: string;
  /** Always Istio's APIs (see `api`). */
  public readonly routingApi?: RoutingApi;
  /** The labels of the gateway pods. */
  public readonly selector: Record<string, string>;
  private readonly servers: TcpServerIntent[];

  constructor(scope: Construct, id: string, props: TcpGatewayProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    checkList(this, 'ports', props.ports);
    checkInstance(this, 'api', props.api, RoutingApi, 'Use RoutingApi.ISTIO.');
    this.gatewayName = objectNameFor(this, id, props.name, 'label');
    this.gatewayNamespace = check(this, 'namespace', props.namespace ?? 'istio-system', dnsLabelRule,
      "Use the namespace the gateway pods run in, e.g. 'istio-system' or 'istio-ingress'.");
    const settings = routingSettings(this);
    const api = props.api ?? (settings.api === 'gateway-api' ? RoutingApi.GATEWAY_API : RoutingApi.ISTIO);
    if (api === RoutingApi.GATEWAY_API) {
      const reason = settings.istioMinor < 31
        ? `TCP listeners take TCPRoutes, which Istio 1.${settings.istioMinor} does not read (it reads TCPRoute only as v1alpha2, which the Gateway API v1.6.1 CRDs no longer serve, istio/istio#61540)`
        : 'TCP listeners take TCPRoutes attached by port, which this library does not render for gateways yet';
      fail(this, 'api', `cannot be the Gateway API${props.api ? '' : ' (the app\'s RoutingDefaults)'}: ${reason}`, api.value,
        'Set api: RoutingApi.ISTIO on this gateway (an Istio Gateway and VirtualServices).');
    }
    this.routingApi = RoutingApi.ISTIO;
    this.selector = checkLabels(this, 'selector', props.selector ?? { istio: 'ingressgateway' });
    this.servers = this.checkPorts(props.ports);

    const intent: TcpGatewayIntent = { name: this.gatewayName, namespace: this.gatewayNamespace, selector: this.selector, servers: this.servers };
    wireObject(this, 'Resource', GVK.Gateway, { name: this.gatewayName, namespace: this.gatewayNamespace }, () => istioTcpGatewaySpec(intent));

    const overlapCheck = {
      construct: this,
      selectorKey: selectorKeyOf(this.selector),
      ports: () => this.ports,
      hosts: () => ['*'],
      hint: 'give each gateway its own port, or select another workload.',
    };
    registerGatewayServers(this, overlapCheck);
    this.node.addValidation({ validate: () => [...this.checkBoundRoutes(), ...overlappingGatewayErrors(overlapCheck)] });
  }

  /** `*`: a TCP server matches any host (TCP carries none). */
  public get hosts(): string[] {
    return ['*'];
  }

  /** The ports with TCP servers. */
  public get ports(): number[] {
    return this.servers.map((s) => s.port);
  }

  private checkPorts(ports: TcpGatewayPort[]): TcpServerIntent[] {
    check(this, 'ports', ports, (p) => (p.length === 0 ? 'must list at least one port' : undefined), 'List the TCP ports, e.g. [{ port: 31400 }].');
    const servers: TcpServerIntent[] = [];
    ports.forEach((entry, i) => {
      checkObject(this, `ports[${i}]`, entry, true);
      const port = check(this, `ports[${i}].port`, entry.port, portRule, PORT_HINT);
      if (servers.some((s) => s.port === port)) fail(this, `ports[${i}].port`, 'must not list a port twice', port, 'Remove the duplicate.');
      const name = check(this, `ports[${i}].name`, entry.name ?? `tcp-${port}`, dnsLabelRule, "Use a name such as 'tcp' or 'tcp-31400'.");
      if (servers.some((s) => s.name === name)) {
        fail(this, `ports[${i}].name`, 'must be unique in the gateway', name, `Give port ${port} another name, e.g. 'tcp-${port}'.`);
      }
      servers.push({ port, name });
    });
    return servers;
  }

  /** Routes bound to this gateway must be TCP routes on one of its ports: it has no HTTP or TLS server. */
  private checkBoundRoutes(): string[] {
    const ref = gatewayRef(this);
    const ports = this.ports;
    const errors: string[] = [];
    for (const table of meshModel(this).allRouteTables()) {
      const binding = table.key.binding;
      if (binding.kind !== 'gateway' || binding.gateway !== ref) continue;
      const name = `${table.key.namespace}/${table.key.name}`;
      if (table.http.length > 0 || table.tls.length > 0) {
        errors.push(`${this.node.path}: VirtualService '${name}' must route TCP at TCP gateway '${ref}', got ${table.http.length > 0 ? 'HTTP' : 'TLS'} routes. `
          + 'The gateway has TCP servers only; route as TCP (protocol: Protocol.TCP), or bind HTTP and TLS routes to a SecureGateway.');
      }
      for (const route of table.tcp) {
        for (const port of (route.match ?? [{}]).map((m) => m.port)) {
          if (port === undefined || !ports.includes(port)) {
            errors.push(`${this.node.path}: VirtualService '${name}' port must be one of gateway '${ref}' TCP ports (${ports.join(', ')}), got ${port ?? 'any port'}. `
              + `Set the route's gatewayPort to one of ${ports.join(', ')}, or add the port to the gateway.`);
          }
        }
      }
    }
    return errors;
  }
}
