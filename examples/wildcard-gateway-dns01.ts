// One certificate for every shop host: *.shop.example.com from Let's Encrypt through the DNS-01
// challenge (HTTP-01 cannot prove a wildcard), answered in Cloudflare with an API token. The
// Issuer is namespaced, in istio-system beside the gateway pods that read the certificate's
// Secret, so the token Secret lives there too.
import { App, Chart } from 'cdk8s';
import { AcmeServer, AcmeSolver, GatewayCertificate, Issuer, IssuerConfig, MeshService, SecureGateway } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'wildcard-gateway-dns01');
  const letsencrypt = new Issuer(chart, 'letsencrypt-dns', {
    namespace: 'istio-system',
    config: IssuerConfig.acme({
      server: AcmeServer.LETS_ENCRYPT,
      email: 'ops@example.com',
      solvers: [AcmeSolver.dns01Cloudflare({ apiToken: { name: 'cloudflare-api-token', key: 'api-token' }, dnsZones: ['example.com'] })],
    }),
  });
  const gateway = new SecureGateway(chart, 'shop-gateway', {
    hosts: ['*.shop.example.com'],
    certificate: GatewayCertificate.fromIssuer(letsencrypt),
  });
  gateway.addRoute({ host: 'www.shop.example.com', service: MeshService.fromName('storefront', 'shop', { port: 8080 }) });
  gateway.addRoute({ host: 'api.shop.example.com', pathPrefix: '/v1', service: MeshService.fromName('api', 'shop', { port: 8080 }) });
}
