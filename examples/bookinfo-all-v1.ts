// Istio's request-routing task, step 1: every bookinfo service sends all traffic to v1.
import { App, Chart } from 'cdk8s';
import { CanaryRelease } from '../src';
import { details, NAMESPACE, productpage, ratings, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-all-v1', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'productpage', { service: productpage, versions: versions('v1') });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3') });
  new CanaryRelease(chart, 'ratings', { service: ratings, versions: versions('v1', 'v2') });
  new CanaryRelease(chart, 'details', { service: details, versions: versions('v1', 'v2') });
}
