// Fewer series in Prometheus: istio_requests_total without its response_code label, for the
// bookinfo namespace, as Istio's "customize metrics" task removes a dimension.
import { App, Chart } from 'cdk8s';
import { BuiltInProvider, IstioMetric, PolicyTarget, TagOverride, Telemetry } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'telemetry-request-count-without-response-code');
  new Telemetry(chart, 'namespace-metrics', {
    target: PolicyTarget.namespace('bookinfo'),
    metrics: [{
      providers: [BuiltInProvider.PROMETHEUS],
      overrides: [{ metric: IstioMetric.REQUEST_COUNT, tagOverrides: { response_code: TagOverride.remove() } }],
    }],
  });
}
