import { IConstruct } from 'constructs';
import { dnsLabelRule, gatewayHostRule } from './hosts';
import { perApp } from './per-app';
import { RoutingApi } from './routing-api';
import { check } from './validation-error';

/**
 * A gateway that routes can be bound to (a SecureGateway of this app, or an existing one): an
 * Istio Gateway, or a Gateway API Gateway when `routingApi` says so.
 */
export interface IMeshGateway {
  /** The Gateway's name. */
  readonly gatewayName: string;
  /** The Gateway's namespace. */
  readonly gatewayNamespace: string;
  /** The external hosts the Gateway serves; VirtualServices bound to it must use these. */
  readonly hosts: string[];
  /**
   * The API of the gateway: routes bound to a Gateway API Gateway are HTTPRoutes (TLSRoutes).
   * @default RoutingApi.ISTIO
   */
  readonly routingApi?: RoutingApi;
}

/** Options for {@link MeshGateway.fromName}. */
export interface MeshGatewayOptions {
  /** The external hosts the gateway serves (FQDNs or `*.domain`). */
  readonly hosts: string[];
  /**
   * The gateway's API: an Istio Gateway, or a Gateway API Gateway (routes bound to it attach to
   * whichever of its listeners accepts their host).
   * @default RoutingApi.ISTIO
   */
  readonly api?: RoutingApi;
}

/** References to gateways this app does not define. */
export class MeshGateway {
  /** A Gateway defined elsewhere, by name and namespace, with the hosts it serves. */
  public static fromName(name: string, namespace: string, options: MeshGatewayOptions): IMeshGateway {
    const where = `gateway '${namespace}/${name}'`;
    check(where, 'name', name, dnsLabelRule, "Gateway names are DNS labels such as 'public-gateway'.");
    check(where, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'istio-system'.");
    for (const host of options.hosts) {
      check(where, 'hosts', host, gatewayHostRule({ wildcard: true }), 'Gateway hosts are FQDNs such as bookinfo.example.com or *.example.com.');
    }
    return { gatewayName: name, gatewayNamespace: namespace, hosts: [...options.hosts], routingApi: options.api };
  }

  private constructor() {}
}

/** `namespace/name`, as a VirtualService's `gateways` lists a gateway. */
export function gatewayRef(gateway: IMeshGateway): string {
  return `${gateway.gatewayNamespace}/${gateway.gatewayName}`;
}

/** Whether a value is a construct (for messages that name where a gateway came from). */
export function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && 'node' in value;
}

/** How the Gateway API gateways of an app name the listener serving a host, by `namespace/name`. */
function listenerRegistry(scope: IConstruct): Map<string, (host: string) => string | undefined> {
  return perApp(scope, 'gateway-listeners', () => new Map<string, (host: string) => string | undefined>());
}

/** Registers how a Gateway API gateway of this app names the listener that serves a host. */
export function registerGatewayListeners(gateway: IMeshGateway & IConstruct, listenerFor: (host: string) => string | undefined): void {
  listenerRegistry(gateway).set(gatewayRef(gateway), listenerFor);
}

/** The listener (section name) of a Gateway API gateway (`namespace/name`) serving `host`; undefined for gateways of other apps. */
export function gatewayListenerFor(scope: IConstruct, gateway: string, host: string): string | undefined {
  return listenerRegistry(scope).get(gateway)?.(host);
}
