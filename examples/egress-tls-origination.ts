// The application calls http://api.github.com; its sidecar upgrades the call to TLS, verifying
// the server certificate against the host name.
import { App, Chart } from 'cdk8s';
import { ExternalService, Protocol } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'egress-tls-origination', { namespace: 'default' });
  new ExternalService(chart, 'github-api', {
    hosts: ['api.github.com'],
    ports: [{ number: 80, protocol: Protocol.HTTP }],
    tlsOrigination: { port: 80 },
  });
}
