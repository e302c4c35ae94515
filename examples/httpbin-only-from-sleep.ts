// Istio's authorization task in one policy: in namespace foo, httpbin answers only GET requests
// from the sleep workload, identified by its service account over STRICT mutual TLS.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AuthorizationPolicy, MtlsNamespace, PolicyTarget, WorkloadIdentity } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'httpbin-only-from-sleep', { namespace: 'foo' });
  new MtlsNamespace(chart, 'foo');

  const sleep = new kplus.ServiceAccount(chart, 'sleep', { metadata: { name: 'sleep' } });
  const httpbin = new kplus.Deployment(chart, 'httpbin', {
    metadata: { name: 'httpbin' },
    serviceAccount: new kplus.ServiceAccount(chart, 'httpbin-sa', { metadata: { name: 'httpbin' } }),
    containers: [{ image: 'docker.io/kong/httpbin:0.1.0', portNumber: 80, securityContext: { ensureNonRoot: false } }],
  });
  // select() only adds the selector: the pods must carry the label too, or the API server rejects the Deployment.
  httpbin.podMetadata.addLabel('app', 'httpbin');
  httpbin.select(kplus.LabelSelector.of({ labels: { app: 'httpbin' } }));

  new AuthorizationPolicy(chart, 'httpbin-policy', {
    name: 'httpbin',
    target: PolicyTarget.workload(httpbin),
    rules: [{
      from: [{ identities: [WorkloadIdentity.fromServiceAccount(sleep)] }],
      to: [{ methods: ['GET'] }],
    }],
  });
}
