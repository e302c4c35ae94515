// The route and gateway status the cluster would report, decided offline (CIS4001-CIS4007).
import { MeshAnalysis } from '../../src';

const GROUP = 'gateway.networking.k8s.io/v1';
const codes = (manifests: any[]) => MeshAnalysis.analyze(manifests)
  .filter((f) => /^CIS400\d$/.test(f.code))
  .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);
const messages = (manifests: any[]) => MeshAnalysis.analyze(manifests).filter((f) => /^CIS400\d$/.test(f.code)).map((f) => f.message);

const gateway = (listeners: any[], name = 'public', namespace = 'edge') => ({
  apiVersion: GROUP, kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: 'istio', listeners },
});
const https = (hostname: string, extra: any = {}) => ({
  name: `https-${hostname.replace(/[^a-z0-9]+/g, '-')}`,
  hostname,
  port: 443,
  protocol: 'HTTPS',
  tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'cert' }] },
  allowedRoutes: { namespaces: { from: 'Same' } },
  ...extra,
});
const service = (name: string, namespace: string, port = 9080) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port }] },
});
const route = (spec: any, name = 'app', namespace = 'edge', kind = 'HTTPRoute') => ({ apiVersion: GROUP, kind, metadata: { name, namespace }, spec });
const grant = (namespace: string, from: { kind: string; namespace: string }, to: { kind: string; name?: string }) => ({
  apiVersion: GROUP,
  kind: 'ReferenceGrant',
  metadata: { name: 'grant', namespace },
  spec: { from: [{ group: 'gateway.networking.k8s.io', ...from }], to: [{ group: '', ...to }] },
});

test('a route attached to an existing listener, backend and grant raises nothing', () => {
  const manifests = [
    gateway([https('app.example.com')]),
    service('web', 'shop'),
    grant('shop', { kind: 'HTTPRoute', namespace: 'edge' }, { kind: 'Service', name: 'web' }),
    route({ parentRefs: [{ name: 'public', sectionName: 'https-app-example-com' }], hostnames: ['app.example.com'], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 9080 }] }] }),
  ];
  expect(codes(manifests)).toEqual([]);
});

test('parents and backends that do not exist (CIS4001, CIS4002) or lack the listener or port (CIS4007)', () => {
  const manifests = [
    gateway([https('app.example.com')]),
    service('web', 'edge'),
    route({ parentRefs: [{ name: 'missing' }], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'no-gateway'),
    route({ parentRefs: [{ name: 'public', sectionName: 'http' }], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'no-listener'),
    route({ parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'gone', port: 9080 }] }] }, 'no-backend'),
    route({ parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }, 'no-backend-port'),
    route({ parentRefs: [{ group: '', kind: 'Service', name: 'api', port: 9080 }], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'mesh-no-service'),
    route({ parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080 }], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'mesh-no-port'),
    route({
      parentRefs: [{ name: 'public' }],
      rules: [{ backendRefs: [{ name: 'web', port: 9080 }], filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 9080 } } }] }],
    }, 'no-mirror'),
  ];
  expect(codes(manifests)).toEqual([
    'CIS4001 HTTPRoute edge/no-gateway',
    'CIS4007 HTTPRoute edge/no-listener',
    'CIS4002 HTTPRoute edge/no-backend',
    'CIS4007 HTTPRoute edge/no-backend-port',
    'CIS4001 HTTPRoute edge/mesh-no-service',
    'CIS4007 HTTPRoute edge/mesh-no-port',
    'CIS4002 HTTPRoute edge/no-mirror',
  ]);
  expect(messages(manifests)[1]).toMatch(/names sectionName http of Gateway edge\/public, which has no such listener/);
});

test('a backend or certificate in another namespace needs a ReferenceGrant there (CIS4003)', () => {
  const manifests = [
    gateway([https('app.example.com', { tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'cert', namespace: 'certs' }] } })]),
    service('web', 'shop'),
    // A grant for another kind of route, and one for another Service, do not count.
    grant('shop', { kind: 'GRPCRoute', namespace: 'edge' }, { kind: 'Service', name: 'web' }),
    grant('shop', { kind: 'HTTPRoute', namespace: 'edge' }, { kind: 'Service', name: 'other' }),
    route({ parentRefs: [{ name: 'public' }], hostnames: ['app.example.com'], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 9080 }] }] }),
  ];
  expect(codes(manifests)).toEqual(['CIS4003 HTTPRoute edge/app', 'CIS4003 Gateway edge/public']);
  expect(messages(manifests)[0]).toMatch(/no ReferenceGrant in shop allows \(RefNotPermitted\)/);
  // Given the grants, both are fine.
  const granted = [...manifests, grant('shop', { kind: 'HTTPRoute', namespace: 'edge' }, { kind: 'Service' }),
    { ...grant('certs', { kind: 'Gateway', namespace: 'edge' }, { kind: 'Secret', name: 'cert' }), metadata: { name: 'cert-grant', namespace: 'certs' } }];
  expect(codes(granted)).toEqual([]);
});

test('a route whose hostnames no listener serves (CIS4004)', () => {
  const manifests = [
    gateway([https('app.example.com'), https('*.internal.example.com')]),
    service('web', 'edge'),
    route({ parentRefs: [{ name: 'public' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'stray'),
    route({ parentRefs: [{ name: 'public' }], hostnames: ['api.internal.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'wildcard'),
  ];
  expect(codes(manifests)).toEqual(['CIS4004 HTTPRoute edge/stray']);
});

test("a listener that does not allow the route's namespace or kind (CIS4005)", () => {
  const manifests = [
    gateway([
      https('app.example.com'),
      { name: 'selected', hostname: 'team.example.com', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] }, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } },
      { name: 'tls', hostname: 'db.example.com', port: 8443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
    ]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'b' } } },
    service('web', 'shop'),
    grant('shop', { kind: 'HTTPRoute', namespace: 'shop' }, { kind: 'Service' }),
    route({ parentRefs: [{ name: 'public', namespace: 'edge', sectionName: 'https-app-example-com' }], hostnames: ['app.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'other-namespace', 'shop'),
    route({ parentRefs: [{ name: 'public', namespace: 'edge', sectionName: 'selected' }], hostnames: ['team.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'not-selected', 'shop'),
    route({ parentRefs: [{ name: 'public', namespace: 'edge', sectionName: 'tls' }], hostnames: ['db.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 9080 }] }] }, 'wrong-kind', 'shop'),
  ];
  expect(codes(manifests)).toEqual([
    'CIS4005 HTTPRoute shop/other-namespace',
    'CIS4005 HTTPRoute shop/not-selected',
    'CIS4005 HTTPRoute shop/wrong-kind',
  ]);
  expect(messages(manifests)).toEqual([
    expect.stringMatching(/listener https-app-example-com allows routes of namespace edge only/),
    expect.stringMatching(/listener selected selects other namespaces than shop/),
    expect.stringMatching(/listener tls \(TLS\) does not take HTTPRoutes/),
  ]);
});

test('one host routed by a mesh HTTPRoute and a mesh VirtualService (CIS4006)', () => {
  const manifests = [
    service('reviews', 'bookinfo'),
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } },
    route({ parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] }, 'reviews', 'bookinfo'),
  ];
  expect(codes(manifests)).toEqual(['CIS4006 HTTPRoute bookinfo/reviews']);
});
