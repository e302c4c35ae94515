import { prune } from '../../core/plain-objects';
import { GatewayIntent, ServerTlsIntent, TcpGatewayIntent } from '../../model/gateway-model';

/**
 * The spec of an ingress gateway's `networking.istio.io/v1` Gateway: the secure server for
 * every host, and the plain-HTTP server that redirects to HTTPS when it is on.
 */
export function istioGatewaySpec(g: GatewayIntent): Record<string, any> {
  const passthrough = g.tls.mode === 'PASSTHROUGH';
  const secureProtocol = passthrough ? 'TLS' : 'HTTPS';
  const hosts = [...g.hosts];
  return {
    selector: g.selector,
    servers: [
      { port: { number: g.httpsPort, name: `${secureProtocol.toLowerCase()}-${g.httpsPort}`, protocol: secureProtocol }, hosts, tls: serverTls(g.tls) },
      ...(g.redirectPort !== undefined
        ? [{ port: { number: g.redirectPort, name: `http-${g.redirectPort}`, protocol: 'HTTP' }, hosts, tls: { httpsRedirect: true } }]
        : []),
    ],
  };
}

/**
 * The spec of a plain TCP gateway's `networking.istio.io/v1` Gateway: one TCP server per port.
 * Its hosts are `*`: a TCP connection carries no host name, so the server cannot filter on one.
 */
export function istioTcpGatewaySpec(g: TcpGatewayIntent): Record<string, any> {
  return {
    selector: { ...g.selector },
    servers: g.servers.map((s) => ({ port: { number: s.port, name: s.name, protocol: 'TCP' }, hosts: ['*'] })),
  };
}

function serverTls(tls: ServerTlsIntent): Record<string, any> {
  if (tls.mode === 'PASSTHROUGH') return { mode: tls.mode };
  return prune({
    mode: tls.mode,
    credentialName: tls.mode === 'ISTIO_MUTUAL' ? undefined : tls.credentialName,
    caCertCredentialName: tls.clientCaSecret,
    subjectAltNames: tls.clientSubjectAltNames,
    minProtocolVersion: tls.minVersion,
    maxProtocolVersion: tls.maxVersion,
    cipherSuites: tls.cipherSuites,
  });
}
