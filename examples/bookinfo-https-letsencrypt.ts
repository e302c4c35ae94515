// Bookinfo behind HTTPS: a Let's Encrypt certificate validated with HTTP-01 through the Istio
// ingress, issued into istio-system where the ingress gateway reads it.
import { App, Chart } from 'cdk8s';
import { AcmeServer, AcmeSolver, ClusterIssuer, GatewayCertificate, IssuerConfig, MeshService, SecureGateway } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-https-letsencrypt');
  const letsencrypt = new ClusterIssuer(chart, 'letsencrypt-prod', {
    config: IssuerConfig.acme({
      server: AcmeServer.LETS_ENCRYPT,
      email: 'ops@example.com',
      solvers: [AcmeSolver.http01()],
    }),
  });
  const gateway = new SecureGateway(chart, 'bookinfo-gateway', {
    hosts: ['bookinfo.example.com'],
    certificate: GatewayCertificate.fromIssuer(letsencrypt),
  });
  gateway.addRoute({ service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }) });
}
