import { IConstruct } from 'constructs';
import { dnsLabelRule, gatewayHostRule, hostCovers } from './hosts';
import { perApp } from './per-app';
import { check } from './validation-error';

/**
 * An Istio Gateway that routes can be bound to (a SecureGateway of this app, or an existing one).
 */
export interface IMeshGateway {
  /** The Gateway's name. */
  readonly gatewayName: string;
  /** The Gateway's namespace. */
  readonly gatewayNamespace: string;
  /** The external hosts the Gateway serves; VirtualServices bound to it must use these. */
  readonly hosts: string[];
}

/** Options for {@link MeshGateway.fromName}. */
export interface MeshGatewayOptions {
  /** The external hosts the gateway serves (FQDNs or `*.domain`). */
  readonly hosts: string[];
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
    return { gatewayName: name, gatewayNamespace: namespace, hosts: [...options.hosts] };
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

/**
 * What the overlap check (istioctl IST0145) needs of a Gateway construct of this app: the
 * workload it configures and, read at validation time (routes add hosts late), its servers.
 */
export interface GatewayServers {
  /** The Gateway construct (messages name its path). */
  readonly construct: IConstruct;
  /** The workload's selector as `key=value,...`, sorted. */
  readonly selectorKey: string;
  /** The ports with servers. */
  ports(): number[];
  /** The hosts of those servers. */
  hosts(): string[];
  /** How to resolve an overlap, for this kind of gateway. */
  readonly hint: string;
}

/** The selector as one comparable string: `istio=ingressgateway`. */
export function selectorKeyOf(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}

/** Records a Gateway construct for {@link overlappingGatewayErrors}. */
export function registerGatewayServers(scope: IConstruct, servers: GatewayServers): void {
  perApp(scope, 'gateway-servers', () => [] as GatewayServers[]).push(servers);
}

/**
 * istioctl IST0145: two Gateways on one workload and port with overlapping hosts; the proxy
 * keeps one of the two servers, which one is undefined. Checks `self` against every other
 * Gateway construct of the app (ingress and egress alike).
 */
export function overlappingGatewayErrors(self: GatewayServers): string[] {
  const errors: string[] = [];
  const ports = self.ports();
  const hosts = self.hosts();
  for (const other of perApp(self.construct, 'gateway-servers', () => [] as GatewayServers[])) {
    if (other === self || other.selectorKey !== self.selectorKey) continue;
    const port = ports.find((p) => other.ports().includes(p));
    const otherHosts = other.hosts();
    const host = hosts.find((h) => otherHosts.some((o) => hostCovers(o, h) || hostCovers(h, o)));
    if (port !== undefined && host !== undefined) {
      errors.push(`${self.construct.node.path}: hosts overlap with gateway '${other.construct.node.path}' on the same workload (${self.selectorKey}) and port ${port}, got '${host}'. `
        + `Istio keeps only one of the two servers (istioctl IST0145); ${self.hint}`);
    }
  }
  return errors;
}
