import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryRelease, EgressGateway, MeshGateway, MeshService, ReleaseVersion } from '../../src';
import {
  checkObjectName, claimObjectName, DerivedNames, fitName, MAX_LABEL_NAME, MAX_OBJECT_NAME, nameForHost, objectNameFor, shortDigest, toDnsLabel,
} from '../../src/core/naming';
import { findAll, newChart, synth } from '../helpers';

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

test('the same construct claiming one name twice fails (derived names that collided), before constructs could', () => {
  const chart = new Chart(Testing.app(), 'chart');
  const owner = new Construct(chart, 'owner');
  claimObjectName(owner, 'networking.istio.io/v1', 'VirtualService', 'default', 'a-b-com');
  expect(() => claimObjectName(owner, 'networking.istio.io/v1', 'VirtualService', 'default', 'a-b-com'))
    .toThrow("chart/owner: metadata.name must be unique, but this construct would produce VirtualService 'default/a-b-com' twice, got 'a-b-com'.");
});

describe('derived names', () => {
  test('shortDigest: 7 base-36 characters, stable', () => {
    expect(shortDigest('a.b-com')).toMatch(/^[0-9a-z]{7}$/);
    expect(shortDigest('a.b-com')).toBe(shortDigest('a.b-com'));
    expect(shortDigest('a.b-com')).not.toBe(shortDigest('a-b.com'));
  });

  test('fitName keeps a readable name that is free and fits', () => {
    expect(fitName('api-example-com', 'api.example.com', MAX_OBJECT_NAME)).toBe('api-example-com');
    expect(fitName('api-example-com', 'api.example.com', MAX_OBJECT_NAME, (n) => n === 'other')).toBe('api-example-com');
  });

  test('fitName adds a digest of the key when the name is taken', () => {
    const name = fitName('a-b-com', 'a.b-com', MAX_OBJECT_NAME, (n) => n === 'a-b-com');
    expect(name).toBe(`a-b-com-${shortDigest('a.b-com')}`);
  });

  test('fitName cuts a long name to the limit, keeping a digest (no trailing dash before it)', () => {
    const long = `${'a'.repeat(40)}-${'b'.repeat(40)}`;
    const name = fitName(long, 'key', MAX_LABEL_NAME);
    expect(name.length).toBeLessThanOrEqual(MAX_LABEL_NAME);
    expect(name).toBe(`${'a'.repeat(40)}-${'b'.repeat(14)}-${shortDigest('key')}`);
    expect(fitName(`${'a'.repeat(54)}-${'b'.repeat(10)}`, 'key', MAX_LABEL_NAME)).toBe(`${'a'.repeat(54)}-${shortDigest('key')}`);
  });

  test('fitName counts on when even the digested name is taken', () => {
    const digested = `x-${shortDigest('k')}`;
    expect(fitName('x', 'k', MAX_OBJECT_NAME, (n) => n === 'x' || n === digested)).toBe(`x-${shortDigest('k')}-1`);
  });

  test('DerivedNames: the first keeps the readable name, a second key reading the same gets a digest, per namespace', () => {
    const names = new DerivedNames();
    expect(names.reserve('default', 'a-b-com', 'a-b.com')).toBe('a-b-com');
    expect(names.reserve('default', 'a-b-com', 'a.b-com')).toBe(`a-b-com-${shortDigest('a.b-com')}`);
    expect(names.reserve('other', 'a-b-com', 'a.b-com')).toBe('a-b-com');
  });

  test('objectNameFor: an explicit name is checked as name', () => {
    const chart = newChart();
    expect(objectNameFor(chart, 'My Gateway', undefined, 'label')).toBe('my-gateway');
    expect(objectNameFor(chart, 'x', 'public', 'label')).toBe('public');
    expect(() => objectNameFor(chart, 'x', 'Public', 'label')).toThrow('test: name must be a DNS label');
  });

  test('objectNameFor: a name derived from the id that does not fit is reported against the id', () => {
    const chart = newChart();
    expect(() => objectNameFor(chart, '***', undefined, 'label'))
      .toThrow("test: id must make a valid object name, but '' (the id as a DNS label) must not be empty, got '***'. Use an id with letters or digits and at most 63 characters, or set name explicitly.");
    expect(() => objectNameFor(chart, 'g'.repeat(64), undefined, 'label'))
      .toThrow(`test: id must make a valid object name, but '${'g'.repeat(64)}' (the id as a DNS label) must be at most 63 characters (has 64)`);
    expect(() => new EgressGateway(chart, '--')).toThrow("test/--: id must make a valid object name, but '' (the id as a DNS label) must not be empty, got '--'.");
  });
});

describe('hosts that read the same get distinct objects (no crash inside constructs)', () => {
  test('a MeshGateway serving a-b.com and a.b-com: two VirtualServices, the first with its readable name', () => {
    // Given a gateway defined elsewhere serving two hosts that read the same once dots become dashes
    const chart = newChart();
    const gateway = MeshGateway.fromName('public', 'istio-system', { hosts: ['a-b.com', 'a.b-com'] });
    // When one release is routed from both hosts
    new CanaryRelease(chart, 'web', {
      service: MeshService.fromName('web', 'default', { port: 80 }),
      versions: [ReleaseVersion.fromLabels('v1')],
      gateway,
      gatewayHosts: ['a-b.com', 'a.b-com'],
    });
    // Then each host has its own VirtualService, named readably, the second with a digest of its host
    const gatewayServices = findAll(synth(chart), 'VirtualService').filter((vs) => vs.spec.gateways?.includes('istio-system/public'));
    expect(gatewayServices.map((vs) => [vs.metadata.name, vs.spec.hosts])).toEqual([
      ['public-a-b-com', ['a-b.com']],
      [`public-a-b-com-${shortDigest('gateway:istio-system/public a.b-com')}`, ['a.b-com']],
    ]);
  });

  test('objects whose namespace and name read the same joined by dashes (a-b/c and a/b-c) do not collide', () => {
    const chart = newChart();
    new CanaryRelease(chart, 'one', { service: MeshService.fromName('b-c', 'a', { port: 80 }), versions: [ReleaseVersion.fromLabels('v1')] });
    new CanaryRelease(chart, 'two', { service: MeshService.fromName('c', 'a-b', { port: 80 }), versions: [ReleaseVersion.fromLabels('v1')] });
    const manifests = synth(chart);
    expect(findAll(manifests, 'VirtualService').map((vs) => `${vs.metadata.namespace}/${vs.metadata.name}`)).toEqual(['a/b-c', 'a-b/c']);
    expect(findAll(manifests, 'DestinationRule').map((dr) => `${dr.metadata.namespace}/${dr.metadata.name}`)).toEqual(['a/b-c', 'a-b/c']);
  });
});
