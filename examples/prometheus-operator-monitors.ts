// Prometheus Operator scraping Istio, as Istio's samples/addons/extras/prometheus-operator.yaml:
// a PodMonitor for every proxy's /stats/prometheus and a ServiceMonitor for istiod's
// http-monitoring port, labelled for a kube-prometheus-stack release, plus ztunnel for ambient.
import { App, Chart } from 'cdk8s';
import { PrometheusMonitors } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'prometheus-operator-monitors');
  new PrometheusMonitors(chart, 'istio-monitors', {
    labels: { release: 'kube-prometheus-stack' },
    ztunnel: true,
  });
}
