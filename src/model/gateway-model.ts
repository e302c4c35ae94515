/**
 * The typed intent of an ingress gateway (SecureGateway): hosts, ports and TLS settings,
 * checked by the construct. The Istio renderer turns it into a `networking.istio.io` Gateway
 * with servers, the Gateway API renderer into a Gateway of class `istio` with listeners.
 */

/** TLS on the gateway's secure port. */
export interface ServerTlsIntent {
  /** SIMPLE, PASSTHROUGH, MUTUAL, OPTIONAL_MUTUAL or ISTIO_MUTUAL (Istio's names). */
  readonly mode: string;
  /** The server certificate's Secret. */
  readonly credentialName?: string;
  /** The Secret's namespace, when it is not the gateway's. */
  readonly credentialNamespace?: string;
  /** A Secret with the CA bundle that verifies clients (MUTUAL, OPTIONAL_MUTUAL); none: the credential's own `ca.crt`. */
  readonly clientCaSecret?: string;
  readonly clientSubjectAltNames?: readonly string[];
  /** The minimum TLS version (Istio's wire name); undefined with PASSTHROUGH. */
  readonly minVersion?: string;
  /** Whether the user chose `minVersion` (false: the TLS 1.2 default). */
  readonly minVersionChosen: boolean;
  readonly maxVersion?: string;
  readonly cipherSuites?: readonly string[];
}

/** An ingress gateway. */
export interface GatewayIntent {
  readonly name: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  /** Labels of the gateway pods (Istio's Gateway selects them). */
  readonly selector: Readonly<Record<string, string>>;
  readonly httpsPort: number;
  /** The plain-HTTP port of the HTTPS redirect, when it is on. */
  readonly redirectPort?: number;
  readonly tls: ServerTlsIntent;
  /** The FQDN of an existing gateway Service the Gateway binds to (Gateway API), when given. */
  readonly existingServiceHost?: string;
}

/** A server of a plain TCP gateway: one port, any host (TCP carries no host name). */
export interface TcpServerIntent {
  readonly port: number;
  /** The server port's name, unique in the Gateway. */
  readonly name: string;
}

/** A plain TCP ingress gateway (TcpGateway): opaque TCP on each port, to whatever routes bind to it. */
export interface TcpGatewayIntent {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the gateway pods (Istio's Gateway selects them). */
  readonly selector: Readonly<Record<string, string>>;
  readonly servers: readonly TcpServerIntent[];
}
