// Istio's samples/bookinfo/gateway-api/bookinfo-gateway.yaml: the productpage pages and API
// behind an ingress Gateway of class istio, here over HTTPS (the HTTP listener redirects).
// PathPrefix matches whole segments: StringMatch.pathPrefix keeps that meaning with either API.
import { App, Chart } from 'cdk8s';
import { GatewayCertificate, RoutingApi, SecureGateway, StringMatch } from '../src';
import { NAMESPACE, productpage } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-gateway', { namespace: NAMESPACE });
  const gateway = new SecureGateway(chart, 'bookinfo-gateway', {
    namespace: NAMESPACE,
    hosts: ['bookinfo.example.com'],
    certificate: GatewayCertificate.fromSecret('bookinfo-credential'),
  });
  for (const path of [StringMatch.exact('/productpage'), StringMatch.pathPrefix('/static'), StringMatch.exact('/login'),
    StringMatch.exact('/logout'), StringMatch.pathPrefix('/api/v1/products')]) {
    gateway.addRoute({ service: productpage, path });
  }
}
