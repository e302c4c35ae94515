// Istio's external-authorization task: requests to httpbin's /headers are checked by the sample
// ext-authz server first (CUSTOM action), through an HTTP ext-authz provider declared in the
// app's MeshConfig. The policy names the provider; a misspelt name would fail synth.
import { App, Chart } from 'cdk8s';
import { AuthorizationAction, AuthorizationPolicy, ExtensionProvider, MeshConfig, MeshService, MtlsNamespace, PolicyTarget } from '../src';

export function build(app: App): void {
  const extAuthz = ExtensionProvider.envoyExtAuthzHttp('sample-ext-authz-http', {
    service: MeshService.fromName('ext-authz', 'foo').host,
    port: 8000,
    includeRequestHeadersInCheck: ['x-ext-authz'],
  });
  new MeshConfig(app, 'mesh-config', { extensionProviders: [extAuthz] });

  const chart = new Chart(app, 'ext-authz-custom', { namespace: 'foo' });
  new MtlsNamespace(chart, 'foo');
  new AuthorizationPolicy(chart, 'ext-authz', {
    target: PolicyTarget.selector('foo', { app: 'httpbin' }),
    action: AuthorizationAction.CUSTOM,
    provider: extAuthz.name,
    rules: [{ to: [{ paths: ['/headers'] }] }],
  });
}
