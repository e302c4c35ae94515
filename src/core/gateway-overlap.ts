import { IConstruct } from 'constructs';
import { hostCovers } from './hosts';
import { perApp } from './per-app';

/**
 * What the overlap check (istioctl IST0145) needs of a Gateway construct of this app: the
 * workload it configures and, read at validation time (routes add hosts late), its servers.
 */
export interface GatewayServers {
  /** The Gateway construct (messages name its path). */
  readonly construct: IConstruct;
  /** The workload's selector as `key=value,...`, sorted. */
  readonly selectorKey: string;
  /** How to resolve an overlap, for this kind of gateway. */
  readonly hint: string;
  /** The ports with servers. */
  ports(): number[];
  /** The hosts of those servers. */
  hosts(): string[];
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
