// Istio's request-routing task, step 2, through the Gateway API: the user jason sees reviews
// v2, everyone else v1 (an HTTPRoute rule with a header match, before the default rule).
import { App, Chart } from 'cdk8s';
import { CanaryRelease, RoutingApi, StringMatch } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-jason', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', {
    service: reviews,
    versions: versions('v1', 'v2', 'v3'),
    matchRoutes: [{ matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' }],
  });
}
