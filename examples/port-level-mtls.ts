// STRICT mTLS for the whole mesh, with one narrow exception: Prometheus runs outside the mesh and
// scrapes the billing pods' metrics port in plaintext, so port 9090 of the pods labelled
// app=billing accepts plaintext too (PERMISSIVE) while their other ports stay STRICT. Mesh
// analysis treats unnamed Service ports as errors in this app.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { FindingLevel, MeshAnalysis, MeshMtls, MtlsMode, MtlsNamespace } from '../src';

export function build(app: App): void {
  MeshAnalysis.enable(app, { levels: { IST0118: FindingLevel.ERROR } });
  const mesh = new Chart(app, 'port-level-mtls-mesh');
  new MeshMtls(mesh, 'mesh-mtls'); // STRICT, in istio-system

  const chart = new Chart(app, 'port-level-mtls', { namespace: 'billing' });
  const billing = new MtlsNamespace(chart, 'billing');
  billing.addWorkloadMtls('billing-metrics', { selector: { app: 'billing' }, ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] });

  const deployment = new kplus.Deployment(chart, 'billing-deployment', {
    metadata: { name: 'billing' },
    podMetadata: { labels: { app: 'billing' } },
    containers: [{ name: 'billing', image: 'ghcr.io/example/billing:2.3', ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }] }],
  });
  deployment.exposeViaService({ name: 'billing', ports: [{ port: 8080, name: 'http' }, { port: 9090, name: 'http-metrics' }] });
}
