import { ApiObject } from 'cdk8s';
import { assertSchemaValid, findOne, newChart, schemaErrors, synth } from './helpers';

const validDestinationRule = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
};

describe('schema check', () => {
  test('accepts a valid object', () => {
    expect(schemaErrors(validDestinationRule)).toEqual([]);
  });

  test('rejects a wrong type', () => {
    const bad = { ...validDestinationRule, spec: { host: 42 } };
    expect(schemaErrors(bad).join()).toMatch(/\/spec\/host must be string/);
  });

  test('rejects a field the API server would silently prune', () => {
    const bad = { ...validDestinationRule, spec: { host: 'reviews', trafficPolicy: { outlierDetection: { consecutive5XxErrors: 1 } } } };
    expect(schemaErrors(bad).join()).toMatch(/must NOT have additional properties.*consecutive5XxErrors/);
  });

  test('rejects a bad enum value', () => {
    const bad = { ...validDestinationRule, spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } } };
    expect(schemaErrors(bad).join()).toMatch(/must be equal to one of the allowed values/);
  });

  test('rejects an invalid metadata.name', () => {
    const bad = { ...validDestinationRule, metadata: { name: 'Reviews_1' } };
    expect(schemaErrors(bad).join()).toMatch(/metadata.name 'Reviews_1' is not a DNS subdomain/);
  });

  test('rejects a kind without a CRD schema', () => {
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).join()).toMatch(/no CRD schema/);
  });

  test('synth() fails when a chart holds an invalid object', () => {
    const chart = newChart();
    new ApiObject(chart, 'bad', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec: { hosts: 'x' } });
    expect(() => synth(chart)).toThrow(/objects fail their CRD schema/);
    expect(() => assertSchemaValid([validDestinationRule])).not.toThrow();
  });
});

test('findOne lists what exists when the object is missing', () => {
  expect(() => findOne([validDestinationRule], 'VirtualService', 'reviews')).toThrow(/found 0; objects: DestinationRule\/bookinfo\/reviews/);
  expect(findOne([validDestinationRule], 'DestinationRule', 'reviews', 'bookinfo')).toBe(validDestinationRule);
});
