// An external Postgres over TCP. TCP carries no host name, so the ServiceEntry gets the
// database's address: without one every TCP service on 5432 would share one listener (IST0134).
import { App, Chart } from 'cdk8s';
import { ExternalService, Protocol } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'external-postgres', { namespace: 'payments' });
  new ExternalService(chart, 'se-postgres', {
    hosts: ['postgres.db.example.com'],
    addresses: ['10.20.0.15'],
    ports: [{ number: 5432, protocol: Protocol.TCP, name: 'tcp-postgres' }],
    endpoints: [{ address: '10.20.0.15' }],
  });
}
