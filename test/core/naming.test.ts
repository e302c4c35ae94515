import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { checkObjectName, claimObjectName, nameForHost, toDnsLabel } from '../../src/core/naming';

test('readable names from ids and hosts, without hashes', () => {
  expect(toDnsLabel('Reviews Canary_v2')).toBe('reviews-canary-v2');
  expect(nameForHost('reviews.bookinfo.svc.cluster.local')).toBe('reviews');
  expect(nameForHost('api.example.com')).toBe('api-example-com');
  expect(nameForHost('*.example.com')).toBe('wildcard-example-com');
});

test('checkObjectName', () => {
  expect(checkObjectName('g', 'name', 'public-gateway', 'label')).toBe('public-gateway');
  expect(() => checkObjectName('g', 'name', 'public.gateway', 'label')).toThrow(/g: name must be a DNS label/);
  expect(() => checkObjectName('g', 'name', 'Public', 'subdomain')).toThrow(/must be a DNS subdomain/);
});

test('two constructs claiming one kind/namespace/name fail, naming both', () => {
  const chart = new Chart(Testing.app(), 'chart');
  const first = new Construct(chart, 'first');
  const second = new Construct(chart, 'second');
  claimObjectName(first, 'networking.istio.io/v1', 'VirtualService', 'bookinfo', 'reviews');
  claimObjectName(first, 'networking.istio.io/v1', 'VirtualService', 'bookinfo', 'reviews'); // same owner: fine
  claimObjectName(second, 'networking.istio.io/v1', 'DestinationRule', 'bookinfo', 'reviews'); // other kind: fine
  claimObjectName(second, 'networking.istio.io/v1', 'VirtualService', 'other', 'reviews'); // other namespace: fine
  expect(() => claimObjectName(second, 'networking.istio.io/v1', 'VirtualService', 'bookinfo', 'reviews'))
    .toThrow("chart/second: metadata.name must be unique, but VirtualService 'bookinfo/reviews' is also produced by 'chart/first', got 'reviews'.");
});

test('claims are per app', () => {
  const a = new Construct(new Chart(Testing.app(), 'chart'), 'x');
  const b = new Construct(new Chart(Testing.app(), 'chart'), 'x2');
  claimObjectName(a, 'v1', 'Namespace', undefined, 'bookinfo');
  expect(() => claimObjectName(b, 'v1', 'Namespace', undefined, 'bookinfo')).not.toThrow();
});
