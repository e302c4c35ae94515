// Istio's request-routing task, step 2: the user jason sees reviews v2, everyone else v1.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, StringMatch } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-jason-v2', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', {
    service: reviews,
    versions: versions('v1', 'v2', 'v3'),
    matchRoutes: [{ matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' }],
  });
}
