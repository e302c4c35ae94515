// Istio's traffic-shifting task, step 1: half of reviews traffic to v1, half to v3.
import { App, Chart } from 'cdk8s';
import { CanaryRelease } from '../src';
import { NAMESPACE, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-shift-50-50', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'reviews', { service: reviews, versions: versions('v1', 'v2', 'v3'), weights: { v1: 50, v3: 50 } });
}
