import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { prometheusDuration } from '../core/telemetry-values';
import { check } from '../core/validation-error';
import { checkBoolean, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Properties of {@link PrometheusMonitors}. */
export interface PrometheusMonitorsProps {
  /**
   * The namespace of the PodMonitor and ServiceMonitor objects (the Prometheus Operator must watch it).
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * The namespace istiod and ztunnel run in. The ztunnel PodMonitor selects it; when set, the
   * istiod ServiceMonitor does too (by default it looks for istiod in every namespace, as Istio's
   * sample does).
   * @default 'istio-system'
   */
  readonly istioNamespace?: string;
  /**
   * How often targets are scraped.
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;
  /**
   * Labels added to every monitor, e.g. what the Prometheus resource's `podMonitorSelector` and
   * `serviceMonitorSelector` match (`release: kube-prometheus-stack`).
   * @default - only Istio's sample labels: `release: istio` and `monitoring: istio-proxies|istio-components|ztunnel`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Also scrape ztunnel (ambient mode) through its own PodMonitor (port `ztunnel-stats`, job
   * `ztunnel`), and leave ztunnel pods out of the Envoy PodMonitor so their series are not
   * scraped twice.
   * @default false
   */
  readonly ztunnel?: boolean;
}

/** Istio's relabelings for Envoy stats (samples/addons/extras/prometheus-operator.yaml): scrape the proxy's merged metrics port, IPv4 and IPv6. */
const ENVOY_RELABELINGS = [
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
];

/**
 * Prometheus Operator monitors for Istio, equal in meaning to Istio's
 * `samples/addons/extras/prometheus-operator.yaml`: a PodMonitor `envoy-stats-monitor` for the
 * proxies' `/stats/prometheus` (every pod with an `istio-proxy` container and Prometheus scrape
 * annotations, in every namespace) and a ServiceMonitor `istio-component-monitor` for istiod's
 * `http-monitoring` port. With `ztunnel: true`, a PodMonitor `ztunnel-monitor` for ambient
 * mode's node proxies as well.
 *
 * @example
 * new PrometheusMonitors(chart, 'istio-monitors', { labels: { release: 'kube-prometheus-stack' }, ztunnel: true });
 * @see https://istio.io/latest/docs/ops/integrations/prometheus/#option-2-customized-scraping-configurations
 */
export class PrometheusMonitors extends Construct {
  /** The PodMonitor of the Envoy proxies (sidecars, gateways, waypoints). */
  public readonly envoyPodMonitor: ApiObject;
  /** The ServiceMonitor of istiod. */
  public readonly istiodServiceMonitor: ApiObject;
  /** The PodMonitor of ztunnel, with `ztunnel: true`. */
  public readonly ztunnelPodMonitor?: ApiObject;

  constructor(scope: Construct, id: string, props: PrometheusMonitorsProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    const namespace = check(this, 'namespace', props.namespace ?? 'istio-system', dnsLabelRule,
      "Use a namespace the Prometheus Operator watches, e.g. 'istio-system' or 'monitoring'.");
    const istioNamespace = check(this, 'istioNamespace', props.istioNamespace ?? 'istio-system', dnsLabelRule,
      "Use the namespace istiod is installed in, usually 'istio-system'.");
    const interval = prometheusDuration(this, 'interval', props.interval ?? Duration.seconds(15));
    const extraLabels = props.labels === undefined ? {} : { ...checkLabels(this, 'labels', props.labels) };
    const labels = (monitoring: string) => ({ monitoring, release: 'istio', ...extraLabels });
    const ztunnel = checkBoolean(this, 'ztunnel', props.ztunnel) ?? false;

    const envoySelector: Record<string, any>[] = [{ key: 'istio-prometheus-ignore', operator: 'DoesNotExist' }];
    // ztunnel pods also carry an istio-proxy container and scrape annotations: with their own monitor, not this one too.
    if (ztunnel) envoySelector.push({ key: 'app', operator: 'NotIn', values: ['ztunnel'] });
    this.envoyPodMonitor = wireObject(this, 'EnvoyStats', GVK.PodMonitor, { name: 'envoy-stats-monitor', namespace, labels: labels('istio-proxies') }, () => ({
      selector: { matchExpressions: envoySelector },
      namespaceSelector: { any: true },
      jobLabel: 'envoy-stats',
      podMetricsEndpoints: [{ path: '/stats/prometheus', interval, relabelings: ENVOY_RELABELINGS }],
    }));

    this.istiodServiceMonitor = wireObject(this, 'Istiod', GVK.ServiceMonitor, { name: 'istio-component-monitor', namespace, labels: labels('istio-components') }, () => ({
      jobLabel: 'istio',
      targetLabels: ['app'],
      selector: { matchExpressions: [{ key: 'istio', operator: 'In', values: ['pilot'] }] },
      // Istio's sample looks for istiod in every namespace; a namespace the user names narrows it there.
      namespaceSelector: props.istioNamespace === undefined ? { any: true } : { matchNames: [istioNamespace] },
      endpoints: [{ port: 'http-monitoring', interval }],
    }));

    if (ztunnel) {
      this.ztunnelPodMonitor = wireObject(this, 'Ztunnel', GVK.PodMonitor, { name: 'ztunnel-monitor', namespace, labels: labels('ztunnel') }, () => ({
        selector: { matchLabels: { app: 'ztunnel' } },
        namespaceSelector: { matchNames: [istioNamespace] },
        jobLabel: 'app',
        podMetricsEndpoints: [{ port: 'ztunnel-stats', path: '/stats/prometheus', interval }],
      }));
    }
  }
}
