// The Gateway API examples against the v1.6.1 standard CRDs and Istio's own samples
// (samples/bookinfo/gateway-api/*, samples/bookinfo/platform/kube/bookinfo-versions.yaml at 1.30).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { AnalysisCheck, MeshAnalysis } from '../../src';
import { findAll, findOne, synthApp } from '../helpers';

const GATEWAY_API_EXAMPLES = exampleNames().filter((n) => n.startsWith('gateway-api-'));

function manifestsOf(name: string): any[] {
  return synthApp(synthExample(name, fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`))));
}

test('there are Gateway API examples', () => {
  expect(GATEWAY_API_EXAMPLES.length).toBeGreaterThanOrEqual(10);
});

describe.each(GATEWAY_API_EXAMPLES)('%s', (name) => {
  test('0 admission findings against the standard CRDs; no TCPRoute, UDPRoute, retry, sessionPersistence or controller-version', () => {
    const manifests = manifestsOf(name);
    expect(MeshAnalysis.analyze(manifests, { checks: [AnalysisCheck.ADMISSION] })).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'TCPRoute' || m.kind === 'UDPRoute')).toEqual([]);
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/"retry"|"sessionPersistence"|gateway\.istio\.io\/controller-version/);
    expect(manifests.some((m) => m.apiVersion === 'gateway.networking.k8s.io/v1' && /Route$/.test(m.kind))).toBe(true);
  });
});

/** The fields of a route that decide routing, from a sample or from ours. */
const routing = (spec: any) => ({
  parentRefs: spec.parentRefs.map((p: any) => ({ group: p.group, kind: p.kind, name: p.name, port: p.port })),
  rules: spec.rules.map((r: any) => ({
    matches: r.matches,
    backendRefs: r.backendRefs.map((b: any) => ({ name: b.name, port: b.port, weight: b.weight })),
  })),
});

const meshRoute = (service: string, backends: Array<[string, number?]>) => ({
  parentRefs: [{ group: '', kind: 'Service', name: service, port: 9080 }],
  rules: [{ backendRefs: backends.map(([name, weight]) => ({ name, port: 9080, weight })) }],
});

test('route-reviews-90-10.yaml, route-reviews-50-v3.yaml and route-all-v1.yaml', () => {
  expect(routing(findOne(manifestsOf('gateway-api-bookinfo-reviews-90-10'), 'HTTPRoute', 'reviews').spec))
    .toEqual(routing(meshRoute('reviews', [['reviews-v1', 90], ['reviews-v2', 10]])));
  expect(routing(findOne(manifestsOf('gateway-api-bookinfo-reviews-50-v3'), 'HTTPRoute', 'reviews').spec))
    .toEqual(routing(meshRoute('reviews', [['reviews-v1', 50], ['reviews-v3', 50]])));
  const allV1 = manifestsOf('gateway-api-bookinfo-all-v1');
  for (const service of ['productpage', 'reviews', 'ratings', 'details']) {
    expect(routing(findOne(allV1, 'HTTPRoute', service).spec)).toEqual(routing(meshRoute(service, [[`${service}-v1`]])));
  }
});

test('the per-version Services are bookinfo-versions.yaml\'s', () => {
  const manifests = manifestsOf('gateway-api-bookinfo-reviews-50-v3');
  for (const version of ['v1', 'v3']) {
    expect(findOne(manifests, 'Service', `reviews-${version}`).spec).toEqual({ ports: [{ port: 9080, name: 'http' }], selector: { app: 'reviews', version } });
  }
  // Versions no route reaches get no Service.
  expect(findAll(manifests, 'Service', 'reviews-v2')).toEqual([]);
});

test('bookinfo-gateway.yaml: the same paths of productpage (one rule per path here)', () => {
  const manifests = manifestsOf('gateway-api-bookinfo-gateway');
  const route = findOne(manifests, 'HTTPRoute', 'bookinfo-gateway-bookinfo-example-com');
  const sample = [
    { type: 'Exact', value: '/productpage' }, { type: 'PathPrefix', value: '/static' }, { type: 'Exact', value: '/login' },
    { type: 'Exact', value: '/logout' }, { type: 'PathPrefix', value: '/api/v1/products' },
  ];
  expect(route.spec.rules.flatMap((r: any) => r.matches.map((m: any) => m.path))).toEqual(sample);
  expect(new Set(route.spec.rules.flatMap((r: any) => r.backendRefs.map((b: any) => `${b.name}:${b.port}`)))).toEqual(new Set(['productpage:9080']));
  expect(findOne(manifests, 'Gateway', 'bookinfo-gateway').spec.gatewayClassName).toBe('istio');
});
