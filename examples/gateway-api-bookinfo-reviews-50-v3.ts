// Istio's samples/bookinfo/gateway-api/route-reviews-50-v3.yaml: half of reviews traffic to v1,
// half to v3.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, RoutingApi } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-reviews-50-v3', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3'), weights: { v1: 50, v3: 50 } });
}
