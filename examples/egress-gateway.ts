// All egress through the egress gateway (Istio's two-hop pattern): sidecars send to the
// gateway over Istio mTLS, the gateway calls the external hosts. With REGISTRY_ONLY outbound
// traffic only these hosts are reachable.
import { App, Chart } from 'cdk8s';
import { EgressGateway, ExternalService, Protocol } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'egress-gateway', { namespace: 'default' });
  const egress = new EgressGateway(chart, 'istio-egressgateway');
  // Plain HTTP from the app, TLS originated at the gateway.
  new ExternalService(chart, 'cnn', {
    hosts: ['edition.cnn.com'],
    ports: [{ number: 80, protocol: Protocol.HTTP }],
    tlsOrigination: { port: 80 },
    egressGateway: egress,
  });
  // TLS from the app, passed through the gateway on SNI.
  new ExternalService(chart, 'wikipedia', {
    hosts: ['en.wikipedia.org'],
    ports: [{ number: 443, protocol: Protocol.TLS }],
    egressGateway: egress,
  });
}
