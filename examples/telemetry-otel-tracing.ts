// Tracing to an OpenTelemetry collector: the provider is declared once in the app's MeshConfig
// (written to istiod-values.yaml for the istiod chart), the shop namespace samples 10% of its
// requests, and the checkout workload, being debugged, 100%.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CustomTag, ExtensionProvider, MeshConfig, MeshService, MtlsNamespace, PolicyTarget, Telemetry } from '../src';

export function build(app: App): void {
  const collector = MeshService.fromName('otel-collector', 'observability');
  const otel = ExtensionProvider.openTelemetry('otel', { service: collector.host, port: 4317 });
  new MeshConfig(app, 'mesh-config', { extensionProviders: [otel] });

  const chart = new Chart(app, 'telemetry-otel-tracing', { namespace: 'shop' });
  new MtlsNamespace(chart, 'shop');
  const checkout = new kplus.Deployment(chart, 'checkout', {
    metadata: { name: 'checkout' },
    containers: [{ image: 'ghcr.io/example/checkout:1.0', portNumber: 8080 }],
  });
  checkout.podMetadata.addLabel('app', 'checkout');
  checkout.select(kplus.LabelSelector.of({ labels: { app: 'checkout' } }));

  new Telemetry(chart, 'shop-tracing', {
    target: PolicyTarget.namespace('shop'),
    tracing: [{
      providers: [otel.name],
      randomSamplingPercentage: 10,
      customTags: { cluster: CustomTag.environment('ISTIO_META_CLUSTER_ID', 'unknown'), user: CustomTag.header('x-user', 'anonymous') },
    }],
  });
  // Workload settings override the namespace's: every checkout request is traced.
  new Telemetry(chart, 'checkout-tracing', {
    target: PolicyTarget.workload(checkout),
    tracing: [{ providers: [otel.name], randomSamplingPercentage: 100, customTags: { debug: CustomTag.literal('checkout-incident') } }],
  });
}
