// Sticky sessions by consistent hashing: each shopper's cart requests reach the same cart pod
// (a cookie Envoy sets on the first response), recommendations are hashed on the x-user-id
// header so a user's model stays warm in one pod, and the catalog keeps least-request balancing.
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, CircuitBreaker, LoadBalancer, MeshService, ReleaseVersion } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'session-affinity', { namespace: 'shop' });
  new CanaryRelease(chart, 'cart', {
    service: MeshService.fromName('cart', 'shop', { port: 8080 }),
    versions: [ReleaseVersion.fromLabels('v1')],
    sessionAffinity: LoadBalancer.consistentHashOnCookie({ name: 'cart-session', ttl: Duration.hours(1), path: '/' }),
  });
  new CircuitBreaker(chart, 'recommendations', {
    service: MeshService.fromName('recommendations', 'shop'),
    loadBalancer: LoadBalancer.consistentHashOnHeader('x-user-id'),
  });
  new CircuitBreaker(chart, 'catalog', {
    service: MeshService.fromName('catalog', 'shop'),
    loadBalancer: LoadBalancer.LEAST_REQUEST,
  });
}
