/**
 * Istio port protocols, with the wire values istiod expects.
 *
 * The protocol decides how the proxy treats the port: HTTP-family protocols get L7 routing,
 * retries and metrics; TCP/TLS get L4 handling; TLS enables SNI routing.
 */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 upgraded at the proxy). */
  HTTP = 'HTTP',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** TLS-wrapped HTTP; at a gateway this terminates or passes through TLS. */
  HTTPS = 'HTTPS',
  /** gRPC (HTTP/2). */
  GRPC = 'GRPC',
  /** gRPC-Web. */
  GRPC_WEB = 'GRPC-WEB',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS with SNI, not terminated by the sidecar. */
  TLS = 'TLS',
  /** MongoDB. */
  MONGO = 'MONGO',
  /** MySQL. */
  MYSQL = 'MYSQL',
  /** Redis. */
  REDIS = 'REDIS',
  /** UDP (ServiceEntry ports only). */
  UDP = 'UDP',
}

/** The protocols that carry HTTP (and so accept HTTP routes, retries and faults). */
export function isHttpProtocol(protocol: Protocol): boolean {
  return [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.GRPC_WEB].includes(protocol);
}

/** The protocols that carry TLS the proxy does not terminate (routed on SNI). */
export function isTlsProtocol(protocol: Protocol): boolean {
  return protocol === Protocol.TLS || protocol === Protocol.HTTPS;
}

/** Protocol names istiod accepts on ServiceEntry and Sidecar ports (case-insensitive). */
export const KNOWN_PROTOCOLS = ['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql'];

/** Protocol names istiod accepts on Gateway server ports. */
export const GATEWAY_PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'MONGO', 'TCP', 'TLS', 'REDIS', 'MYSQL'];
