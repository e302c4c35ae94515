// Istio's fault-injection task: ratings answers jason after a 7s delay; reviews v2 (jason's
// version) has a hard-coded 10s timeout to ratings, productpage only 3s + one retry — the bug
// this task finds.
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, StringMatch } from '../src';
import { NAMESPACE, ratings, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-fault-delay', { namespace: NAMESPACE });
  const jason = [{ headers: { 'end-user': StringMatch.exact('jason') } }];
  new CanaryRelease(chart, 'reviews', {
    service: reviews,
    versions: versions('v1', 'v2', 'v3'),
    matchRoutes: [{ matches: jason, version: 'v2' }],
  });
  new CanaryRelease(chart, 'ratings', {
    service: ratings,
    versions: versions('v1', 'v2'),
    matchRoutes: [{ matches: jason, version: 'v1', fault: { delay: Duration.seconds(7), delayPercentage: 100 } }],
  });
}
