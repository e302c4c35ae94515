// Istio's samples/httpbin/gateway-api/httpbin-gateway.yaml: /status and /delay of httpbin
// behind an ingress Gateway, each a whole-segment prefix.
import { App, Chart } from 'cdk8s';
import { GatewayCertificate, MeshService, RoutingApi, SecureGateway, StringMatch } from '../src';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-httpbin-gateway', { namespace: 'default' });
  const httpbin = MeshService.fromName('httpbin', 'default', { port: 8000 });
  const gateway = new SecureGateway(chart, 'httpbin-gateway', {
    namespace: 'default',
    hosts: ['httpbin.example.com'],
    certificate: GatewayCertificate.fromSecret('httpbin-credential'),
  });
  gateway.addRoute({ service: httpbin, path: StringMatch.pathPrefix('/status') });
  gateway.addRoute({ service: httpbin, path: StringMatch.pathPrefix('/delay') });
}
