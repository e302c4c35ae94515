// nginx terminates TLS itself: a Gateway API listener in Passthrough mode and a TLSRoute that
// routes on SNI without decrypting.
import { App, Chart } from 'cdk8s';
import { GatewayTlsMode, MeshService, RoutingApi, SecureGateway } from '../src';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-tls-passthrough');
  const gateway = new SecureGateway(chart, 'nginx-gateway', {
    namespace: 'default',
    hosts: ['nginx.example.com'],
    tlsMode: GatewayTlsMode.PASSTHROUGH,
  });
  gateway.addRoute({ service: MeshService.fromName('my-nginx', 'default', { port: 443 }) });
}
