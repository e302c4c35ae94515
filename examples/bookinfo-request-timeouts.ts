// Istio's request-timeouts task: reviews v2 calls ratings, which is delayed by 2s; a 0.5s
// timeout on reviews makes the page fail fast instead of hanging.
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease } from '../src';
import { NAMESPACE, ratings, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-request-timeouts', { namespace: NAMESPACE });
  // Every call to ratings waits 2s (a delay for 100% of requests).
  new CanaryRelease(chart, 'ratings', { service: ratings, versions: versions('v1', 'v2'), fault: { delay: Duration.seconds(2) } });
  // All reviews traffic to v2, which calls ratings; give up after 0.5s.
  new CanaryRelease(chart, 'reviews', {
    service: reviews, versions: versions('v1', 'v2', 'v3'), weights: { v2: 100 }, timeout: Duration.millis(500),
  });
}
