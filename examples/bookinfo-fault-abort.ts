// Istio's fault-injection task, HTTP abort: ratings fails with 500 for jason.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, FaultInjection, RequestMatch, StringMatch } from '../src';
import { NAMESPACE, ratings, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-fault-abort', { namespace: NAMESPACE });
  const jason: RequestMatch[] = [{ headers: { 'end-user': StringMatch.exact('jason') } }];
  const http500: FaultInjection = { abortHttpStatus: 500, abortPercentage: 100 };
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3'), matchRoutes: [{ matches: jason, version: 'v2' }] });
  new CanaryRelease(chart, 'ratings', {
    service: ratings,
    versions: versions('v1', 'v2'),
    matchRoutes: [{ matches: jason, version: 'v1', fault: http500 }],
  });
}
