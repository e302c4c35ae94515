// Istio's request-timeouts task through the Gateway API: all reviews traffic to v2 with a 0.5s
// request timeout (HTTPRoute timeouts.request). The 2s delay on ratings is fault injection,
// which HTTPRoute cannot express: that one host stays on Istio's APIs (a VirtualService).
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, RoutingApi } from '../src';
import { NAMESPACE, ratings, reviews, versions } from './lib/bookinfo';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-bookinfo-request-timeouts', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'ratings', { service: ratings, versions: versions('v1', 'v2'), fault: { delay: Duration.seconds(2) }, api: RoutingApi.ISTIO });
  new CanaryRelease(chart, 'reviews', {
    service: reviews, versions: versions('v1', 'v2', 'v3'), weights: { v2: 100 }, timeout: Duration.millis(500),
  });
}
