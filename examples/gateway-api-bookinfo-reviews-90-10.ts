// Istio's samples/bookinfo/gateway-api/route-reviews-90-10.yaml: 90% of reviews traffic to v1,
// 10% to v2.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, RoutingApi } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-reviews-90-10', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2'), canaryWeight: 10 });
}
