import { Duration } from 'cdk8s';
import { PrometheusMonitors } from '../../src';
import { findAll, findOne, newChart, synth } from '../helpers';

describe('PrometheusMonitors', () => {
  test('defaults: the Envoy PodMonitor and the istiod ServiceMonitor of Istio\'s prometheus-operator sample', () => {
    const chart = newChart();
    const monitors = new PrometheusMonitors(chart, 'istio-monitors');
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(monitors.ztunnelPodMonitor).toBeUndefined();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'monitoring.coreos.com/v1 PodMonitor istio-system/envoy-stats-monitor',
      'monitoring.coreos.com/v1 ServiceMonitor istio-system/istio-component-monitor',
    ]);

    // Equal in meaning to samples/addons/extras/prometheus-operator.yaml (Istio 1.30).
    const envoy = findOne(manifests, 'PodMonitor', 'envoy-stats-monitor');
    expect(envoy.metadata.labels).toEqual({ monitoring: 'istio-proxies', release: 'istio' });
    expect(envoy.spec.selector).toEqual({ matchExpressions: [{ key: 'istio-prometheus-ignore', operator: 'DoesNotExist' }] });
    expect(envoy.spec.namespaceSelector).toEqual({ any: true });
    expect(envoy.spec.jobLabel).toBe('envoy-stats');
    const [endpoint] = envoy.spec.podMetricsEndpoints;
    expect(endpoint.path).toBe('/stats/prometheus');
    expect(endpoint.interval).toBe('15s');
    expect(endpoint.relabelings).toEqual([
      { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'istio-proxy' },
      { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape'] },
      {
        action: 'replace',
        regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})',
        replacement: '[$2]:$1',
        sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'],
        targetLabel: '__address__',
      },
      {
        action: 'replace',
        regex: '(\\d+);((([0-9]+?)(\\.|$)){4})',
        replacement: '$2:$1',
        sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'],
        targetLabel: '__address__',
      },
      { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_(.+)' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod_name' },
    ]);

    const istiod = findOne(manifests, 'ServiceMonitor', 'istio-component-monitor');
    expect(istiod.metadata.labels).toEqual({ monitoring: 'istio-components', release: 'istio' });
    expect(istiod.spec).toEqual({
      jobLabel: 'istio',
      targetLabels: ['app'],
      selector: { matchExpressions: [{ key: 'istio', operator: 'In', values: ['pilot'] }] },
      namespaceSelector: { any: true },
      endpoints: [{ port: 'http-monitoring', interval: '15s' }],
    });
  });

  test('the relabelings rewrite the target address to the annotated port, IPv4 and IPv6', () => {
    const chart = newChart();
    new PrometheusMonitors(chart, 'm');
    const [, , v6, v4] = findOne(synth(chart), 'PodMonitor', 'envoy-stats-monitor').spec.podMetricsEndpoints[0].relabelings;
    // Prometheus joins the source labels with ';' and anchors the regex.
    const apply = (r: any, value: string) => value.replace(new RegExp(`^(?:${r.regex})$`), r.replacement.replace(/\$(\d)/g, '$$$1'));
    expect(apply(v4, '15020;10.1.2.3')).toBe('10.1.2.3:15020');
    expect(apply(v6, '15020;fd00:10:244::5')).toBe('[fd00:10:244::5]:15020');
  });

  test('ztunnel: its own PodMonitor, and ztunnel pods left out of the Envoy one', () => {
    const chart = newChart();
    const monitors = new PrometheusMonitors(chart, 'm', { ztunnel: true, istioNamespace: 'istio-system' });
    const manifests = synth(chart);
    expect(monitors.ztunnelPodMonitor).toBeDefined();
    expect(findOne(manifests, 'PodMonitor', 'ztunnel-monitor').spec).toEqual({
      selector: { matchLabels: { app: 'ztunnel' } },
      namespaceSelector: { matchNames: ['istio-system'] },
      jobLabel: 'app',
      podMetricsEndpoints: [{ port: 'ztunnel-stats', path: '/stats/prometheus', interval: '15s' }],
    });
    expect(findOne(manifests, 'PodMonitor', 'envoy-stats-monitor').spec.selector.matchExpressions).toEqual([
      { key: 'istio-prometheus-ignore', operator: 'DoesNotExist' },
      { key: 'app', operator: 'NotIn', values: ['ztunnel'] },
    ]);
  });

  test('namespace, interval and labels for the Prometheus resource\'s monitor selectors', () => {
    const chart = newChart();
    new PrometheusMonitors(chart, 'm', { namespace: 'monitoring', interval: Duration.seconds(30), labels: { release: 'kube-prometheus-stack' }, ztunnel: true });
    const monitors = findAll(synth(chart), 'PodMonitor').concat(findAll(synth(chart), 'ServiceMonitor'));
    expect(monitors).toHaveLength(3);
    for (const m of monitors) {
      expect(m.metadata.namespace).toBe('monitoring');
      expect(m.metadata.labels.release).toBe('kube-prometheus-stack');
      expect((m.spec.podMetricsEndpoints ?? m.spec.endpoints)[0].interval).toBe('30s');
    }
  });

  test('sub-second intervals are written in milliseconds', () => {
    const chart = newChart();
    new PrometheusMonitors(chart, 'm', { interval: Duration.millis(1500) });
    expect(findOne(synth(chart), 'ServiceMonitor', 'istio-component-monitor').spec.endpoints[0].interval).toBe('1500ms');
  });

  describe('fails', () => {
    test('an interval below 1ms', () => {
      expect(() => new PrometheusMonitors(newChart(), 'm', { interval: Duration.millis(0) })).toThrow(
        "test/m: interval must be at least 1ms, got '0ms'. Prometheus durations are whole milliseconds; 15s or 30s is usual (e.g. Duration.seconds(15)).");
    });

    test('an invalid namespace', () => {
      expect(() => new PrometheusMonitors(newChart(), 'm', { namespace: 'Monitoring' })).toThrow(
        "test/m: namespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Monitoring'. "
        + "Use a namespace the Prometheus Operator watches, e.g. 'istio-system' or 'monitoring'.");
    });

    test('an invalid istio namespace', () => {
      expect(() => new PrometheusMonitors(newChart(), 'm', { istioNamespace: '' })).toThrow(
        "test/m: istioNamespace must not be empty, got ''. Use the namespace istiod is installed in, usually 'istio-system'.");
    });

    test('an invalid label', () => {
      expect(() => new PrometheusMonitors(newChart(), 'm', { labels: { release: 'kube prometheus' } })).toThrow(
        "test/m: labels['release'] must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got 'kube prometheus'. Label values look like 'v1' or 'reviews'.");
    });

    test('ztunnel that is not a boolean', () => {
      expect(() => new PrometheusMonitors(newChart(), 'm', { ztunnel: 'yes' as any })).toThrow("test/m: ztunnel must be true or false, got 'yes'. Use a boolean.");
    });

    test('two monitor sets in one namespace', () => {
      const chart = newChart();
      new PrometheusMonitors(chart, 'a');
      expect(() => new PrometheusMonitors(chart, 'b')).toThrow(
        "test/b: metadata.name must be unique, but PodMonitor 'istio-system/envoy-stats-monitor' is also produced by 'test/a'");
    });
  });
});
