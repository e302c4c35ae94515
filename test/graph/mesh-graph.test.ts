import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { synthExample } from '../../scripts/synth-examples';
import { CanaryRelease, GraphLayer, MeshCluster, MeshGraph, MeshService, ReleaseVersion } from '../../src';
import { main as cli } from '../../src/analysis/cli';

/** The edges of a DOT graph as `from -> to: label` (label lines joined with ' / '), in order. */
function edges(dot: string): string[] {
  const out: string[] = [];
  for (const line of dot.split('\n')) {
    const m = /^\s+"(.+?)" -> "(.+?)" \[(?:label="((?:[^"\\]|\\.)*)", )?(.*)\];$/.exec(line);
    if (m) out.push(`${m[1]} -> ${m[2]}: ${(m[3] ?? '').replace(/\\n/g, ' / ').replace(/\\"/g, '"')}`);
  }
  return out;
}

/** The line declaring a node. */
function nodeLine(dot: string, id: string): string {
  const line = dot.split('\n').find((l) => l.trimStart().startsWith(`"${id}" [`));
  if (!line) throw new Error(`no node ${id} in:\n${dot}`);
  return line;
}

/** The label of a namespace cluster, as text. */
function clusterText(dot: string, namespace: string): string {
  const lines = dot.split('\n');
  const i = lines.findIndex((l) => l.includes(`subgraph "cluster_ns:${namespace}"`));
  if (i < 0) throw new Error(`no namespace ${namespace} in:\n${dot}`);
  return lines[i + 1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function yamlDocs(text: string): any[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS());
}

function exampleApp(name: string): App {
  return synthExample(name, fs.mkdtempSync(path.join(os.tmpdir(), `graph-${name}-`)));
}

describe('DOT of the examples', () => {
  test.each([
    'bookinfo-shift-50-50', 'bookinfo-jason-v2', 'bookinfo-fault-delay', 'bookinfo-request-timeouts', 'httpbin-mirroring',
    'bookinfo-https-letsencrypt', 'egress-gateway', 'locked-down-namespace', 'jwt-api-gateway', 'tcp-echo-shift', 'bookinfo-mesh',
  ])('%s', (name) => {
    expect(MeshGraph.of(exampleApp(name)).toDot()).toMatchSnapshot();
  });

  test('traffic shifting: reviews splits 50/50 between its v1 and v3 subsets, v2 gets nothing', () => {
    const dot = MeshGraph.of(exampleApp('bookinfo-shift-50-50')).toDot();
    expect(edges(dot)).toEqual([
      'svc:reviews.bookinfo.svc.cluster.local -> sub:reviews.bookinfo.svc.cluster.local|v1: 50%',
      'svc:reviews.bookinfo.svc.cluster.local -> sub:reviews.bookinfo.svc.cluster.local|v3: 50%',
    ]);
    expect(nodeLine(dot, 'sub:reviews.bookinfo.svc.cluster.local|v2')).toContain('version=v2');
    // The app's analysis levels: reviews is deployed elsewhere, which is no finding.
    expect(dot).not.toContain('IST0101');
  });

  test('request routing: numbered rules, the match first, the default last', () => {
    expect(edges(MeshGraph.of(exampleApp('bookinfo-jason-v2')).toDot())).toEqual([
      'svc:reviews.bookinfo.svc.cluster.local -> sub:reviews.bookinfo.svc.cluster.local|v2: #1 end-user = jason',
      'svc:reviews.bookinfo.svc.cluster.local -> sub:reviews.bookinfo.svc.cluster.local|v1: #2 otherwise',
    ]);
  });

  test('fault injection and timeouts are on the route they apply to', () => {
    expect(edges(MeshGraph.of(exampleApp('bookinfo-fault-delay')).toDot())).toContain(
      'svc:ratings.bookinfo.svc.cluster.local -> sub:ratings.bookinfo.svc.cluster.local|v1: #1 end-user = jason / delay 7s (100%)');
    const timeouts = edges(MeshGraph.of(exampleApp('bookinfo-request-timeouts')).toDot());
    expect(timeouts).toContain('svc:reviews.bookinfo.svc.cluster.local -> sub:reviews.bookinfo.svc.cluster.local|v2: timeout 0.5s');
    expect(timeouts).toContain('svc:ratings.bookinfo.svc.cluster.local -> sub:ratings.bookinfo.svc.cluster.local|v1: delay 2s (100%)');
  });

  test('mirroring: a dashed edge to the mirror, and the Deployment behind each subset', () => {
    const dot = MeshGraph.of(exampleApp('httpbin-mirroring')).toDot();
    const mirror = dot.split('\n').find((l) => l.includes('-> "sub:httpbin.default.svc.cluster.local|v2"'));
    expect(mirror).toContain('label="mirror 100%"');
    expect(mirror).toContain('style=dashed');
    expect(nodeLine(dot, 'sub:httpbin.default.svc.cluster.local|v1')).toMatch(/runs httpbin-v1/);
    expect(nodeLine(dot, 'svc:httpbin.default.svc.cluster.local')).toMatch(/port 8000 http/);
  });

  test('an ingress gateway shows its hosts and TLS mode and routes by host', () => {
    const dot = MeshGraph.of(exampleApp('bookinfo-https-letsencrypt')).toDot();
    expect(nodeLine(dot, 'gw:istio-system/bookinfo-gateway')).toContain('443 HTTPS SIMPLE: bookinfo.example.com');
    expect(edges(dot)).toContain('gw:istio-system/bookinfo-gateway -> svc:productpage.bookinfo.svc.cluster.local: bookinfo.example.com');
  });

  test('egress: from the mesh through the egress gateway to the external host, with TLS origination', () => {
    const dot = MeshGraph.of(exampleApp('egress-gateway')).toDot();
    expect(edges(dot)).toEqual(expect.arrayContaining([
      'mesh -> gw:istio-system/istio-egressgateway: edition.cnn.com / port 80',
      'gw:istio-system/istio-egressgateway -> ext:edition.cnn.com: edition.cnn.com / port 443',
      'mesh -> gw:istio-system/istio-egressgateway: en.wikipedia.org / sni en.wikipedia.org, port 443',
    ]));
    expect(nodeLine(dot, 'ext:edition.cnn.com')).toContain(':443 TLS SIMPLE sni edition.cnn.com');
    expect(nodeLine(dot, 'gw:istio-system/istio-egressgateway')).toContain('egress gateway');
  });

  test('security: namespace mTLS, the allow-nothing default, and who may call whom', () => {
    const dot = MeshGraph.of(exampleApp('locked-down-namespace')).toDot();
    expect(clusterText(dot, 'payments')).toContain('mTLS STRICT');
    expect(clusterText(dot, 'payments')).toContain('deny unless allowed (allow-nothing)');
    expect(clusterText(dot, 'payments')).toContain('egress REGISTRY_ONLY');
    expect(edges(dot)).toEqual([
      // The ingress gateway's service account is the gateway (no Gateway in the files: its workload).
      'svc:istio-ingressgateway.istio-system.svc.cluster.local -> svc:frontend.payments.svc.cluster.local: ALLOW',
      // The principal's service account and the policy's selector name the same workload.
      'svc:frontend.payments.svc.cluster.local -> svc:payments-api.payments.svc.cluster.local: ALLOW GET,POST /v1/* port 8080',
    ]);
  });

  test('DENY rules end in a bar, from any caller, with their conditions', () => {
    const dot = MeshGraph.of(exampleApp('jwt-api-gateway')).toDot();
    const deny = dot.split('\n').filter((l) => l.includes('"any:" ->'));
    expect(deny).toHaveLength(2);
    expect(deny.join('\n')).toContain('DENY /api/* port 8080,8443\\nwithout a JWT');
    expect(deny.join('\n')).toContain('when request.auth.claims[scope] != orders:read');
    expect(deny[0]).toContain('arrowhead=tee');
    expect(nodeLine(dot, 'svc:istio-ingressgateway.istio-system.svc.cluster.local')).toContain('JWT from https://accounts.example.com');
  });
});

const MESH = `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: legacy }
spec: { mtls: { mode: PERMISSIVE } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: web-metrics, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, portLevelMtls: { "9090": { mode: DISABLE } } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, version: v1 } }
    spec: { serviceAccountName: web-sa, containers: [{ name: web, image: web }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api
  trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: user, ttl: 0s } } } }
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api]
  http:
    - match: [{ uri: { prefix: /admin }, method: { exact: POST } }, { headers: { x-canary: { regex: "t.*" } } }]
      route: [{ destination: { host: api, subset: v2 } }]
      retries: { attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset" }
    - route: [{ destination: { host: api, subset: v1 }, weight: 90 }, { destination: { host: api, subset: v2 }, weight: 10 }]
      mirror: { host: api-shadow }
      mirrorPercentage: { value: 5 }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  rules:
    - from: [{ source: { principals: [cluster.local/ns/shop/sa/web-sa] } }]
      to: [{ operation: { methods: [GET] } }]
    - from: [{ source: { namespaces: [legacy] } }]
      when: [{ key: "request.headers[x-tenant]", values: [acme] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: no-admin, namespace: shop }
spec:
  action: DENY
  selector: { matchLabels: { app: api } }
  rules: [{ from: [{ source: { ipBlocks: [10.0.0.0/8] } }], to: [{ operation: { paths: [/admin*] } }] }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: stripe, namespace: shop }
spec: { hosts: [api.stripe.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: stripe, namespace: shop }
spec:
  hosts: [api.stripe.com]
  tls: [{ match: [{ sniHosts: [api.stripe.com], port: 443 }], route: [{ destination: { host: api.stripe.com } }] }]
`;

describe('from any manifests', () => {
  const manifests = yamlDocs(MESH);
  const dot = MeshGraph.fromManifests(manifests, { findings: false }).toDot();

  test('namespaces carry their mTLS mode: their own, else the mesh-wide one, and how they join the mesh', () => {
    expect(clusterText(dot, 'shop')).toContain('mTLS STRICT (mesh-wide)');
    expect(clusterText(dot, 'shop')).toContain('sidecars injected');
    const legacy = MeshGraph.fromManifests([...manifests, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'legacy' } }], { findings: false });
    expect(clusterText(legacy.toDot(), 'legacy')).toContain('mTLS PERMISSIVE');
    expect(clusterText(MeshGraph.fromManifests(manifests.slice(3, 5), { findings: false }).toDot(), 'shop')).toContain('mTLS PERMISSIVE (default)');
  });

  test('routes: matches joined with or, methods, regexes, retries, weights, mirror percentage', () => {
    expect(edges(dot)).toEqual(expect.arrayContaining([
      'svc:api.shop.svc.cluster.local -> sub:api.shop.svc.cluster.local|v2: #1 path /admin*, POST or x-canary ~ t.* / retries 3 × 2s on 5xx,reset',
      'svc:api.shop.svc.cluster.local -> sub:api.shop.svc.cluster.local|v1: #2 otherwise / 90%',
      'svc:api.shop.svc.cluster.local -> sub:api.shop.svc.cluster.local|v2: #2 otherwise / 10%',
      'svc:api.shop.svc.cluster.local -> svc:api-shadow.shop.svc.cluster.local: #2 otherwise / mirror 5%',
    ]));
    expect(nodeLine(dot, 'svc:api.shop.svc.cluster.local')).toContain('sticky: cookie user (ttl 0s)');
  });

  test('security: principals resolve to the Service of the pods running as that account; namespaces and IP blocks are sources', () => {
    expect(edges(dot)).toEqual(expect.arrayContaining([
      'svc:web.shop.svc.cluster.local -> svc:api.shop.svc.cluster.local: ALLOW GET',
      'ns:legacy -> svc:api.shop.svc.cluster.local: ALLOW / when request.headers[x-tenant] = acme',
      'ip:10.0.0.0/8 -> svc:api.shop.svc.cluster.local: DENY /admin*',
    ]));
    expect(nodeLine(dot, 'svc:web.shop.svc.cluster.local')).toContain('port 9090: mTLS DISABLE');
  });

  test('egress: a ServiceEntry host is outside the mesh, called by the mesh', () => {
    // The mesh calls many hosts: its edges say which.
    expect(edges(dot)).toContain('mesh -> ext:api.stripe.com: api.stripe.com / sni api.stripe.com, port 443');
    expect(dot).toContain('subgraph "cluster_external"');
    expect(nodeLine(dot, 'ext:api.stripe.com')).toContain('port 443 TLS');
  });

  test('layers: only the chosen ones are drawn', () => {
    const routes = MeshGraph.fromManifests(manifests, { findings: false, layers: [GraphLayer.ROUTES] }).toDot();
    expect(edges(routes).every((e) => !/ALLOW|DENY/.test(e))).toBe(true);
    expect(routes).not.toContain('ext:api.stripe.com');
    expect(routes).not.toContain('mTLS DISABLE');
    expect(edges(routes)).toContain('svc:api.shop.svc.cluster.local -> sub:api.shop.svc.cluster.local|v1: #2 otherwise / 90%');
    const security = MeshGraph.fromManifests(manifests, { findings: false, layers: [GraphLayer.SECURITY] }).toDot();
    expect(edges(security).every((e) => /ALLOW|DENY/.test(e))).toBe(true);
    expect(security).toContain('mTLS DISABLE');
    const egress = MeshGraph.fromManifests(manifests, { findings: false, layers: [GraphLayer.EGRESS] }).toDot();
    expect(edges(egress)).toEqual(['mesh -> ext:api.stripe.com: api.stripe.com / sni api.stripe.com, port 443']);
  });

  test('findings are marked on the node of their object, in its colour, with the full text as tooltip', () => {
    // Given a subset that selects no pod of the Service (IST0173), a route to a missing host (IST0101)
    // and a gateway route for a host the gateway does not serve (IST0132, a warning)
    const findings = MeshGraph.fromManifests(yamlDocs(`apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, template: { metadata: { labels: { app: web, version: v1 } }, spec: { containers: [{ name: web, image: web }] } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: web, namespace: shop }
spec: { host: web, subsets: [{ name: v9, labels: { version: v9 } }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: [web], http: [{ route: [{ destination: { host: nowhere } }] }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [a.example.com] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: b, namespace: shop }
spec: { hosts: [b.example.com], gateways: [public], http: [{ route: [{ destination: { host: web } }] }] }
`)).toDot();
    // Then each is on the node the message names, in the colour of its level
    const nowhere = nodeLine(findings, 'svc:nowhere.shop.svc.cluster.local');
    expect(nowhere).toContain('color="#dc2626"');
    expect(nowhere).toContain('Error IST0101 Referenced host not found');
    expect(nowhere).toContain('tooltip="Error IST0101 VirtualService shop/web: Referenced host not found: \\"nowhere\\".');
    const web = nodeLine(findings, 'svc:web.shop.svc.cluster.local');
    expect(web).toContain('color="#dc2626"');
    expect(web).toContain('Error IST0173 The Subset v9 defined in the DestinationRule do…');
    const gateway = nodeLine(findings, 'gw:shop/public');
    expect(gateway).toContain('color="#ea580c"');
    expect(gateway).toContain('Warning IST0132');
    // And without findings nothing is marked
    expect(MeshGraph.fromManifests(yamlDocs(MESH), { findings: false }).toDot()).not.toContain('tooltip=');
  });

  test('Gateway API routes: weights as shares of the total, mirror filters, parent gateways with their listeners', () => {
    const dot2 = MeshGraph.fromManifests(yamlDocs(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: edge }
spec: { gatewayClassName: istio, listeners: [{ name: https, port: 443, protocol: HTTPS, hostname: shop.example.com, tls: { mode: Terminate } }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: shop }
spec:
  parentRefs: [{ name: public, namespace: edge }]
  hostnames: [shop.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cart }, headers: [{ name: x-beta, value: "1" }] }]
      backendRefs: [{ name: cart, port: 80, weight: 3 }, { name: cart-next, port: 80, weight: 1 }]
      filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: cart-shadow, port: 80 }, percent: 20 } }]
      timeouts: { request: 2s }
`), { findings: false }).toDot();
    expect(nodeLine(dot2, 'gwapi:edge/public')).toContain('443 HTTPS Terminate: shop.example.com');
    expect(edges(dot2)).toEqual([
      'gwapi:edge/public -> svc:cart.shop.svc.cluster.local: shop.example.com / path /cart*, x-beta = 1 / 75% / timeout 2s',
      'gwapi:edge/public -> svc:cart-next.shop.svc.cluster.local: shop.example.com / path /cart*, x-beta = 1 / 25% / timeout 2s',
      'gwapi:edge/public -> svc:cart-shadow.shop.svc.cluster.local: shop.example.com / path /cart*, x-beta = 1 / mirror 20%',
    ]);
  });

  test('redirects, direct responses and mesh routes of the Gateway API end in what they do', () => {
    const dot3 = MeshGraph.fromManifests(yamlDocs(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web]
  http:
    - match: [{ uri: { exact: /old } }]
      redirect: { uri: /new, redirectCode: 301 }
    - match: [{ uri: { prefix: /health } }]
      directResponse: { status: 204 }
    - route: [{ destination: { host: web } }]
      fault: { abort: { grpcStatus: UNAVAILABLE, percentage: { value: 5 } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: cart, namespace: shop }
spec:
  parentRefs: [{ kind: Service, group: "", name: cart }]
  rules: [{ backendRefs: [{ name: cart-v1, port: 80, weight: 0 }, { name: cart-v2, port: 80, weight: 1 }] }]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: shop }
spec: { jwtRules: [{ issuer: https://issuer.example.com }] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: shop }
spec: { workloadSelector: { labels: { app: web } }, outboundTrafficPolicy: { mode: REGISTRY_ONLY } }
`), { findings: false }).toDot();
    expect(edges(dot3)).toEqual([
      'svc:web.shop.svc.cluster.local -> act:VirtualService:shop/web:http:mesh:0: #1 path /old',
      'svc:web.shop.svc.cluster.local -> act:VirtualService:shop/web:http:mesh:1: #2 path /health*',
      'svc:web.shop.svc.cluster.local -> svc:web.shop.svc.cluster.local: #3 otherwise / abort UNAVAILABLE (5%)',
      'svc:cart.shop.svc.cluster.local -> svc:cart-v1.shop.svc.cluster.local: 0%',
      'svc:cart.shop.svc.cluster.local -> svc:cart-v2.shop.svc.cluster.local: 100%',
    ]);
    expect(nodeLine(dot3, 'act:VirtualService:shop/web:http:mesh:0')).toContain('redirect /new (301)');
    expect(nodeLine(dot3, 'act:VirtualService:shop/web:http:mesh:1')).toContain('respond 204');
    // A route without traffic is dotted grey
    expect(dot3.split('\n').find((l) => l.includes('-> "svc:cart-v1.shop.svc.cluster.local"'))).toContain('style=dotted');
    expect(clusterText(dot3, 'shop')).toContain('JWT from https://issuer.example.com');
    expect(nodeLine(dot3, 'svc:web.shop.svc.cluster.local')).toContain('egress REGISTRY_ONLY');
  });

  test('objects of the wrong shape are drawn as far as they make sense, never a crash', () => {
    const hostile = [
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'x' }, spec: { hosts: 'web', http: [null, 7, { match: 'x', route: [{ destination: 5 }, null] }], gateways: [3] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b' }, spec: { hosts: [1], tcp: [{ route: [{ destination: { host: 'db', subset: 2 } }], match: [{ port: 'p' }] }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'c' }, spec: { host: 'db', subsets: [null, { name: 'v1', labels: 'x' }], trafficPolicy: { loadBalancer: { localityLbSetting: { failover: [1] } }, portLevelSettings: [null] } } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { servers: [{ port: 'x', hosts: 'y', tls: 'z' }], selector: 'q' } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p' }, spec: { rules: [{ from: [null, { source: { principals: 'x', namespaces: [null] } }], to: 'y', when: [1] }], selector: { matchLabels: 'z' } } },
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'm' }, spec: { mtls: 'STRICT', portLevelMtls: [1] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [null, { name: 'gw' }], rules: [{ matches: [null], backendRefs: [{ weight: 'x' }, { name: 'svc', weight: -1 }], filters: [{ type: 'RequestMirror' }] }] } },
      { kind: 'List', items: [null, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: 'x' } }] },
      null, 'text', [], { metadata: { name: 'no-kind' } },
    ];
    for (const layers of [undefined, [GraphLayer.ROUTES], [GraphLayer.SECURITY, GraphLayer.EGRESS]]) {
      const graph = MeshGraph.fromManifests(hostile, { layers, findings: false });
      expect(graph.toDot()).toMatch(/^digraph mesh \{[^]*\}\n$/);
      expect(graph.toMermaid()).toMatch(/^flowchart LR\n/);
    }
  });

  test('when the analysis fails, the picture is drawn without findings and says so', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const analyze = jest.spyOn(require('../../src/analysis/analyze'), 'analyzeManifests').mockImplementation(() => {
      throw new Error('analyzer crashed');
    });
    try {
      const drawn = MeshGraph.fromManifests(yamlDocs(MESH)).toDot();
      expect(nodeLine(drawn, 'notes:')).toContain('no findings: the analysis failed');
      expect(nodeLine(drawn, 'notes:')).toContain('analyzer crashed');
      expect(edges(drawn)).toContain('svc:web.shop.svc.cluster.local -> svc:api.shop.svc.cluster.local: ALLOW GET');
    } finally {
      analyze.mockRestore();
    }
  });

  test('an input without mesh objects draws a note, not an empty graph', () => {
    expect(MeshGraph.fromManifests([], { findings: false }).toDot()).toContain('no mesh objects in the input');
    expect(MeshGraph.fromManifests([], { findings: false }).toMermaid()).toContain('no mesh objects in the input');
  });
});

test('an app of several clusters: one box per cluster, the same namespace and service in each kept apart', () => {
  const app = newApp();
  for (const name of ['east', 'west']) {
    new CanaryRelease(new MeshCluster(app, name), 'reviews', {
      service: MeshService.fromName('reviews', 'bookinfo'),
      versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
      canaryWeight: name === 'east' ? 10 : 50,
    });
  }
  const dot = MeshGraph.of(app, { findings: false }).toDot();
  expect(dot).toContain('subgraph "cluster_c:east" {');
  expect(dot).toContain('subgraph "cluster_ns:west/bookinfo" {');
  expect(edges(dot)).toEqual([
    'east/svc:reviews.bookinfo.svc.cluster.local -> east/sub:reviews.bookinfo.svc.cluster.local|v1: 90%',
    'east/svc:reviews.bookinfo.svc.cluster.local -> east/sub:reviews.bookinfo.svc.cluster.local|v2: 10%',
    'west/svc:reviews.bookinfo.svc.cluster.local -> west/sub:reviews.bookinfo.svc.cluster.local|v1: 50%',
    'west/svc:reviews.bookinfo.svc.cluster.local -> west/sub:reviews.bookinfo.svc.cluster.local|v2: 50%',
  ]);
  expect(MeshGraph.of(app, { findings: false }).toMermaid()).toContain('subgraph g0["<b>cluster east</b>"]');
});

describe('Mermaid', () => {
  test('the same nodes and edges as a flowchart, with quotes and brackets escaped', () => {
    const app = newApp();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new CanaryRelease(chart, 'api', {
      service: MeshService.fromName('api', 'shop'),
      versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
      canaryWeight: 10,
    });
    const text = MeshGraph.of(app).toMermaid();
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text.match(/^\s*subgraph /gm)).toHaveLength(2); // the namespace and the service with its subsets
    expect(text.match(/^\s*end$/gm)).toHaveLength(2);
    expect(text).toMatch(/^ {2}n\d+ -->\|"90%"\| n\d+$/m);
    expect(text).toMatch(/^ {2}n\d+ -->\|"10%"\| n\d+$/m);
    expect(text).toContain('<b>namespace shop</b><br/>mTLS PERMISSIVE (default)');
    const quoted = MeshGraph.fromManifests([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'q', namespace: 'shop' },
      spec: { hosts: ['q'], http: [{ match: [{ headers: { 'x-q': { exact: 'say "<hi>"' } } }], route: [{ destination: { host: 'q' } }] }] },
    }], { findings: false }).toMermaid();
    expect(quoted).toContain('x-q = say #quot;#lt;hi#gt;#quot;');
  });
});

function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'graph-app-')) });
}

describe('SVG', () => {
  test('laid out by Graphviz in WebAssembly: names the nodes and labels', async () => {
    const svg = await MeshGraph.of(exampleApp('bookinfo-shift-50-50')).toSvg();
    expect(svg).toMatch(/^<\?xml[^]*<svg /);
    expect(svg).toContain('>reviews</text>');
    expect(svg.match(/>50%<\/text>/g)).toHaveLength(2);
  }, 30_000);
});

describe('cdk8s-istio graph', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-graph-'));
  const file = path.join(dir, 'mesh.yaml');
  fs.writeFileSync(file, MESH);

  async function run(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const status = await cli(args, (s) => (stdout += s), (s) => (stderr += s));
    return { status, stdout, stderr };
  }

  test('--output dot and mermaid print the graph of the files and directories given', async () => {
    const dot = await run('graph', '--output', 'dot', '--no-findings', dir);
    expect(dot).toMatchObject({ status: 0, stderr: '' });
    expect(dot.stdout).toBe(MeshGraph.fromManifests(yamlDocs(MESH), { findings: false }).toDot());
    const mermaid = await run('graph', '--output=mermaid', '--layers', 'routes', '--no-findings', file);
    expect(mermaid.stdout).toBe(MeshGraph.fromManifests(yamlDocs(MESH), { findings: false, layers: [GraphLayer.ROUTES] }).toMermaid());
  });

  test('svg by default', async () => {
    const r = await run('graph', '--no-findings', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<svg ');
  }, 30_000);

  test('usage errors exit 2 with the graph usage; --help prints it', async () => {
    expect(await run('graph', '--output', 'png', file)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: --output must be 'svg', 'mermaid' or 'dot', got 'png'\n\nusage: cdk8s-istio graph/) });
    expect(await run('graph', '--layers', 'routes,telemetry', file)).toMatchObject({ status: 2, stderr: expect.stringContaining("--layers takes a comma-separated list of routes, security, egress, all, got 'routes,telemetry'") });
    expect(await run('graph')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: no FILE or DIR to draw/) });
    expect(await run('graph', path.join(dir, 'missing.yaml'))).toMatchObject({ status: 2, stderr: expect.stringContaining('missing.yaml: no such file or directory') });
    expect(await run('graph', '--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: cdk8s-istio graph/) });
  });

  test('unreadable input is reported and the rest drawn, exit 1', async () => {
    const bad = path.join(dir, 'sub', 'bad.yaml');
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, 'kind: [\n');
    const r = await run('graph', '--output', 'dot', '--no-findings', file, bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: invalid YAML/);
    expect(r.stdout).toContain('svc:api.shop.svc.cluster.local');
    fs.rmSync(path.dirname(bad), { recursive: true });
  });

  test('the analyze usage names the graph command', async () => {
    expect((await run('help')).stdout).toContain('cdk8s-istio graph [--output svg|mermaid|dot]');
  });
});

test('the graph code loads only when a graph is drawn: the library and the analyze command import it for types only', () => {
  const src = path.join(__dirname, '..', '..', 'src');
  const runtimeImports = (file: string) => [...fs.readFileSync(path.join(src, file), 'utf8').matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)].map((m) => m[1]);
  // (core/value-types checks the options; every construct module loads it anyway.)
  expect(runtimeImports('graph/mesh-graph.ts').filter((m) => m.startsWith('.'))).toEqual(['../analysis/finding', '../core/per-app', '../core/value-types']);
  expect(runtimeImports('analysis/cli.ts').filter((m) => m.includes('graph'))).toEqual([]);
});
