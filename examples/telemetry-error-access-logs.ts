// Access logs only for failed requests: every proxy of the mesh writes a line to its stdout
// (Istio's built-in `envoy` provider) when the response status is 400 or more.
import { App, Chart } from 'cdk8s';
import { BuiltInProvider, PolicyTarget, Telemetry, WorkloadMode } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'telemetry-error-access-logs');
  new Telemetry(chart, 'mesh-default', {
    target: PolicyTarget.mesh(),
    // The filter is CEL over Envoy's attributes, checked at synth (a misspelt attribute would never match);
    // SERVER: each failed request is logged once, by the proxy that received it, not by the caller's too.
    accessLogging: [{ providers: [BuiltInProvider.ENVOY], filter: 'response.code >= 400', mode: WorkloadMode.SERVER }],
  });
}
