// Istio's circuit-breaking task: httpbin trips after one concurrent connection and ejects a
// failing endpoint for three minutes.
import { App, Chart } from 'cdk8s';
import { CircuitBreaker, CircuitBreakerPreset, MeshService } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'httpbin-circuit-breaker');
  new CircuitBreaker(chart, 'httpbin', {
    service: MeshService.fromName('httpbin', 'default'),
    preset: CircuitBreakerPreset.TRIP_FAST,
  });
}
