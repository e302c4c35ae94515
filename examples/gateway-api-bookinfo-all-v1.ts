// Istio's request-routing task, step 1, through the Gateway API: every bookinfo service sends
// all traffic to v1 (HTTPRoutes whose parent is the Service, one Service per version).
import { App, Chart } from 'cdk8s';
import { CanaryRelease, RoutingApi } from '../src';
import { details, NAMESPACE, productpage, ratings, reviews, versions } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-all-v1', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'productpage', { service: productpage, versions: versions('v1') });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3') });
  new CanaryRelease(chart, 'ratings', { service: ratings, versions: versions('v1', 'v2') });
  new CanaryRelease(chart, 'details', { service: details, versions: versions('v1', 'v2') });
}
