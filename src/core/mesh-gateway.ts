import { IConstruct } from 'constructs';
import { dnsLabelRule, gatewayHostRule } from './hosts';
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
