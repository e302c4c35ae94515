// A JWT-protected API behind the ingress gateway: the gateway validates tokens from the issuer,
// rejects requests to /api/* without one (or without the orders:read scope), and the API's
// namespace only accepts traffic that came through the gateway.
import { App, Chart } from 'cdk8s';
import { AuthorizationPolicy, JwtAuthentication, MtlsNamespace, PolicyTarget } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'jwt-api-gateway');
  const issuer = 'https://accounts.example.com';

  new JwtAuthentication(chart, 'api-jwt', {
    target: PolicyTarget.ingressGateway(),
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audiences: ['api.example.com'],
    outputClaimToHeaders: [{ claim: 'sub', header: 'x-user' }],
    requireTokenPaths: ['/api/*'],
    requireTokenPorts: [8080, 8443], // the gateway pod's HTTP/HTTPS ports; TCP ports stay open
    requiredClaims: [{ claim: 'scope', values: ['orders:read'] }],
  });

  const orders = new MtlsNamespace(chart, 'orders');
  AuthorizationPolicy.allowOnlyFromIngressGateway(chart, 'orders-from-gateway', {
    target: PolicyTarget.namespace(orders.name),
  });
}
