// The same app rendered with Istio's APIs and with the Gateway API must route every concrete
// request the same way: same pods, same weights, same policies (timeouts, mirrors, redirects,
// rewrites, header changes, CORS, DestinationRule traffic policy per backend). Requests probe
// every condition of the routes and their near misses (`/static` -> `/staticx`, `/static/x`).
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { RoutingApi, RoutingDefaults } from '../../src';
import { synthApp } from '../helpers';
import { Outcome, probeRequests, routeWithHttpRoutes, routeWithVirtualServices, RoutedRequest } from '../helpers/routing';

type Build = (app: App) => void;

function example(name: string): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, '..', '..', 'examples', name));
}

/** Gateway API examples build with either API. */
const GATEWAY_API_EXAMPLES = [
  'gateway-api-bookinfo-gateway', 'gateway-api-bookinfo-all-v1', 'gateway-api-bookinfo-reviews-90-10', 'gateway-api-bookinfo-reviews-50-v3',
  'gateway-api-bookinfo-jason', 'gateway-api-bookinfo-request-timeouts', 'gateway-api-httpbin-mirroring', 'gateway-api-helloworld',
  'gateway-api-httpbin-gateway', 'gateway-api-tls-passthrough', 'gateway-api-grpc',
];

/** Istio examples whose every feature the Gateway API expresses: rendered again with RoutingDefaults. */
const ISTIO_EXAMPLES = [
  'bookinfo-all-v1', 'bookinfo-jason-v2', 'bookinfo-shift-50-50', 'bookinfo-shift-all-v3', 'httpbin-mirroring', 'httpbin-circuit-breaker',
  'bookinfo-https-letsencrypt', 'nginx-passthrough',
];

const CASES: Array<[string, Build, Build]> = [
  ...GATEWAY_API_EXAMPLES.map((name): [string, Build, Build] => [name,
    (app) => example(name).buildWith(app, RoutingApi.ISTIO), (app) => example(name).buildWith(app, RoutingApi.GATEWAY_API)]),
  ...ISTIO_EXAMPLES.map((name): [string, Build, Build] => [name,
    (app) => example(name).build(app),
    (app) => {
      new RoutingDefaults(app, 'routing', { api: RoutingApi.GATEWAY_API });
      example(name).build(app);
    }]),
];

function render(build: Build): any[] {
  const app = Testing.app();
  build(app);
  return synthApp(app);
}

/** Where clients send requests: each routed service (mesh) and each gateway host and port. */
function targets(istio: readonly any[], gatewayApi: readonly any[]): Array<Omit<RoutedRequest, 'path'> & { tls?: boolean }> {
  const out: Array<Omit<RoutedRequest, 'path'> & { tls?: boolean }> = [];
  const seen = new Set<string>();
  const add = (t: Omit<RoutedRequest, 'path'> & { tls?: boolean }) => {
    const key = `${t.gateway ?? 'mesh'}|${t.host}|${t.port}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  };
  for (const vs of istio.filter((m) => m.kind === 'VirtualService' && !m.spec.gateways)) {
    for (const route of vs.spec.http ?? []) {
      for (const d of route.route ?? []) for (const host of vs.spec.hosts) add({ host, port: d.destination.port?.number ?? 80 });
    }
  }
  for (const route of gatewayApi.filter((m) => m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute')) {
    for (const p of route.spec.parentRefs) {
      if (p.kind === 'Service') add({ host: `${p.name}.${route.metadata.namespace}.svc.cluster.local`, port: p.port });
    }
  }
  // Policy-only hosts: requests to the service itself.
  for (const rule of istio.filter((m) => m.kind === 'DestinationRule')) {
    if (!out.some((t) => t.host === rule.spec.host && !t.gateway)) add({ host: rule.spec.host, port: 80 });
  }
  for (const gw of istio.filter((m) => m.kind === 'Gateway' && m.apiVersion.startsWith('networking.istio.io'))) {
    for (const server of gw.spec.servers) {
      for (const host of server.hosts) {
        add({ host: host.replace('*', 'any'), port: server.port.number, gateway: `${gw.metadata.namespace}/${gw.metadata.name}`, tls: server.port.protocol === 'TLS' });
      }
    }
  }
  return out;
}

/** TLS routes: the backend a connection with this SNI reaches. */
function tlsBackend(manifests: readonly any[], target: Omit<RoutedRequest, 'path'>): string | undefined {
  for (const vs of manifests.filter((m) => m.kind === 'VirtualService' && m.spec.gateways?.includes(target.gateway))) {
    for (const route of vs.spec.tls ?? []) {
      if (route.match.some((m: any) => m.sniHosts.includes(target.host) && (m.port === undefined || m.port === target.port))) {
        return route.route.map((d: any) => `${d.destination.host}:${d.destination.port?.number}`).join(',');
      }
    }
  }
  for (const route of manifests.filter((m) => m.kind === 'TLSRoute')) {
    if (route.spec.hostnames.includes(target.host)) {
      return route.spec.rules[0].backendRefs.map((b: any) => `${b.name}.${b.namespace ?? route.metadata.namespace}.svc.cluster.local:${b.port}`).join(',');
    }
  }
  return undefined;
}

describe.each(CASES)('%s rendered both ways', (name, istioBuild, gatewayApiBuild) => {
  test('routes every probed request the same', () => {
    const istio = render(istioBuild);
    const gatewayApi = render(gatewayApiBuild);
    // The Gateway API rendering really is one (no VirtualService left but the ones kept on purpose).
    expect(gatewayApi.some((m) => ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(m.kind) || m.kind === 'DestinationRule')).toBe(true);
    const all = targets(istio, gatewayApi);
    expect(all.length).toBeGreaterThan(0);
    let probed = 0;
    for (const target of all) {
      if (target.tls) {
        expect([name, target.host, tlsBackend(gatewayApi, target)]).toEqual([name, target.host, tlsBackend(istio, target)]);
        expect(tlsBackend(istio, target)).toBeDefined();
        continue;
      }
      for (const request of probeRequests([...istio, ...gatewayApi], target)) {
        const expected: Outcome = routeWithVirtualServices(istio, request);
        const actual: Outcome = routeWithHttpRoutes(gatewayApi, request);
        // Hosts the Gateway API renders on Istio's APIs on purpose (fault injection) route the same.
        const kept = gatewayApi.some((m) => m.kind === 'VirtualService' && !m.spec.gateways && m.spec.hosts.includes(request.host));
        const outcome = kept ? routeWithVirtualServices(gatewayApi, request) : actual;
        expect({ request, outcome }).toEqual({ request, outcome: expected });
        probed++;
      }
    }
    expect(probed + all.filter((t) => t.tls).length).toBeGreaterThan(0);
  });
});

test("the evaluator tells Istio's two bookinfo gateways apart exactly at the near miss /staticx", () => {
  // samples/bookinfo/networking/bookinfo-gateway.yaml (VirtualService `prefix: /static`, a string
  // prefix) and samples/bookinfo/gateway-api/bookinfo-gateway.yaml (`PathPrefix: /static`, segments).
  const istio = [
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'bookinfo', namespace: 'bookinfo' },
      spec: {
        hosts: ['*'],
        gateways: ['bookinfo/bookinfo-gateway'],
        http: [{ match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }], route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }] }],
      },
    },
  ];
  const gatewayApi = [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo' }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'bookinfo', namespace: 'bookinfo' },
      spec: { parentRefs: [{ name: 'bookinfo-gateway' }], rules: [{ matches: [{ path: { type: 'Exact', value: '/productpage' } }, { path: { type: 'PathPrefix', value: '/static' } }], backendRefs: [{ name: 'productpage', port: 9080 }] }] },
    },
  ];
  const differing = probeRequests([...istio, ...gatewayApi], { host: 'bookinfo.example.com', port: 8080, gateway: 'bookinfo/bookinfo-gateway' })
    .filter((r) => JSON.stringify(routeWithVirtualServices(istio, r)) !== JSON.stringify(routeWithHttpRoutes(gatewayApi, r)))
    .map((r) => r.path);
  expect([...new Set(differing)].sort()).toEqual(['/static.css', '/staticx']);
});
