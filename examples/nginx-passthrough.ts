// nginx terminates TLS itself: the gateway routes on SNI without decrypting.
import { App, Chart } from 'cdk8s';
import { GatewayTlsMode, MeshService, SecureGateway } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'nginx-passthrough');
  const gateway = new SecureGateway(chart, 'nginx-gateway', {
    hosts: ['nginx.example.com'],
    tlsMode: GatewayTlsMode.PASSTHROUGH,
  });
  gateway.addRoute({ service: MeshService.fromName('my-nginx', 'default', { port: 443 }) });
}
