import { IConstruct } from 'constructs';
import { deferCheck, deferFailure, reportDeferred } from './deferred-checks';
import { dnsLabelRule, gatewayHostRule } from './hosts';
import { perApp } from './per-app';
import { RoutingApi } from './routing-api';
import { fail } from './validation-error';
import { checkInstance, checkList, checkObject } from './value-types';

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
    const where = 'MeshGateway.fromName(name, namespace, options)';
    checkObject(where, 'options', options, true);
    checkList(where, 'options.hosts', options.hosts);
    checkInstance(where, 'options.api', options.api, RoutingApi, 'Use RoutingApi.ISTIO or RoutingApi.GATEWAY_API.');
    const gateway: IMeshGateway = { gatewayName: name, gatewayNamespace: namespace, hosts: [...(options.hosts ?? [])], routingApi: options.api };
    // Checked where the gateway is used (a CanaryRelease's gateway), against that prop (see core/deferred-checks).
    deferCheck(gateway, 'name', name, dnsLabelRule, "Gateway names are DNS labels such as 'public-gateway'.");
    deferCheck(gateway, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'istio-system'.");
    if (gateway.hosts.length === 0) deferFailure(gateway, 'hosts', 'must list at least one host', options.hosts, "List the hosts the gateway serves, e.g. ['bookinfo.example.com'].");
    for (const host of gateway.hosts) {
      deferCheck(gateway, 'hosts', host, gatewayHostRule({ wildcard: true }), 'Gateway hosts are FQDNs such as bookinfo.example.com or *.example.com.');
    }
    return gateway;
  }

  private constructor() {}
}

/**
 * An IMeshGateway prop (a SecureGateway or EgressGateway of the app, or MeshGateway.fromName):
 * checked by shape, with what MeshGateway.fromName postponed reported against `property`.
 */
export function checkGateway(scope: IConstruct | string, property: string, value: IMeshGateway): IMeshGateway {
  if (value === null || typeof value !== 'object' || typeof value.gatewayName !== 'string' || typeof value.gatewayNamespace !== 'string'
    || !Array.isArray(value.hosts) || value.hosts.some((h) => typeof h !== 'string')) {
    fail(scope, property, 'must be a gateway', value,
      "Pass a SecureGateway of this app, or MeshGateway.fromName('public-gateway', 'istio-system', { hosts: ['bookinfo.example.com'] }).");
  }
  reportDeferred(scope, property, value);
  return value;
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
