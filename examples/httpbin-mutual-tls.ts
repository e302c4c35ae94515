// httpbin behind MUTUAL TLS with a private CA: one chain issues the server certificate and the
// clients' certificates, and its root (ca.crt) verifies the clients.
import { App, Chart } from 'cdk8s';
import { CaChain, GatewayCertificate, GatewayTlsMode, MeshService, SecureGateway, TlsVersion } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'httpbin-mutual-tls');
  const ca = new CaChain(chart, 'example-internal-ca', { commonName: 'Example Internal Root CA' });
  const gateway = new SecureGateway(chart, 'httpbin-gateway', {
    hosts: ['httpbin.example.com'],
    tlsMode: GatewayTlsMode.MUTUAL,
    certificate: GatewayCertificate.fromIssuer(ca),
    minTlsVersion: TlsVersion.TLSV1_3,
  });
  gateway.addRoute({ service: MeshService.fromName('httpbin', 'default', { port: 8000 }) });
}
