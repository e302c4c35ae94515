// Istio's traffic-shifting task, step 2: v3 is good, all reviews traffic goes there.
import { App, Chart } from 'cdk8s';
import { CanaryRelease } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-shift-all-v3', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3'), weights: { v3: 100 } });
}
