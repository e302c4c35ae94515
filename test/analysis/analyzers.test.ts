import { deployment, dr, gw, http, svc, vs } from './fixtures';
import { FindingLevel, MeshAnalysis } from '../../src';

// IST0136 (alpha annotations) is informational noise for these tests; it has its own test.
const codes = (manifests: any[], meshConfig?: any) => MeshAnalysis.analyze(manifests, { meshConfig })
  .filter((f) => f.code !== 'IST0136')
  .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`);

describe('VirtualService destinations', () => {
  const reviews = svc('reviews', 'shop', [http('http', 9080)]);

  test('a route to an existing service and subset is clean', () => {
    const manifests = [
      reviews,
      dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      vs('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
    ];
    expect(codes(manifests)).toEqual([]);
  });

  test('reports a missing host, a missing port and a missing subset', () => {
    const manifests = [
      reviews,
      vs('broken', 'shop', {
        hosts: ['reviews'],
        http: [{ route: [{ destination: { host: 'ratings' }, weight: 50 }, { destination: { host: 'reviews', port: { number: 80 } }, weight: 25 }, { destination: { host: 'reviews', subset: 'v9' }, weight: 25 }] }],
      }),
    ];
    const found = MeshAnalysis.analyze(manifests);
    expect(found.map((f) => `${f.code} ${f.analyzer} ${f.message}`)).toEqual([
      'IST0101 virtualservice.DestinationHostAnalyzer Referenced host not found: "ratings".',
      'IST0101 virtualservice.DestinationHostAnalyzer Referenced host:port not found: "reviews:80".',
      'IST0101 virtualservice.DestinationRuleAnalyzer Referenced host+subset not found: "reviews+v9".',
    ]);
    expect(found[0]).toMatchObject({ level: FindingLevel.ERROR, resource: { kind: 'VirtualService', namespace: 'shop', name: 'broken' } });
  });

  test('requires a port when the service has several (IST0112)', () => {
    const manifests = [svc('api', 'shop', [http('http', 80), http('grpc', 9090)]), vs('api', 'shop', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }] }] })];
    expect(codes(manifests)).toEqual(['IST0112 VirtualService shop/api']);
  });

  test('a service exported only to its namespace is not visible from another (exportTo annotation)', () => {
    const hidden = svc('db', 'data', [http('tcp', 5432)], { metadata: { annotations: { 'networking.istio.io/exportTo': '.' } } });
    expect(codes([hidden, vs('db', 'shop', { hosts: ['db.data.svc.cluster.local'], tcp: [{ route: [{ destination: { host: 'db.data.svc.cluster.local' } }] }] })]))
      .toEqual(['IST0101 VirtualService shop/db']);
  });
});

describe('mesh hosts and gateways', () => {
  test('two mesh VirtualServices for one host conflict (IST0109)', () => {
    const manifests = [
      vs('a', 'shop', { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' } }] }] }),
      vs('b', 'web', { hosts: ['cart.shop.svc.cluster.local'], http: [{ route: [{ destination: { host: 'cart.shop.svc.cluster.local' } }] }] }),
    ];
    expect(codes(manifests).filter((c) => c.startsWith('IST0109'))).toEqual(['IST0109 VirtualService shop/a', 'IST0109 VirtualService web/b']);
  });

  test('a VirtualService bound to a missing gateway, and to one not serving its host', () => {
    const manifests = [
      gw('public', 'edge', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] }),
      vs('x', 'edge', { hosts: ['other.example.com'], gateways: ['public', 'nope'], http: [{ route: [{ destination: { host: 'x' } }] }] }),
    ];
    expect(MeshAnalysis.analyze(manifests).filter((f) => f.analyzer === 'virtualservice.GatewayAnalyzer').map((f) => `${f.code} ${f.message}`)).toEqual([
      'IST0132 None of the hosts [other.example.com] of VirtualService edge/x is served by Gateway edge/public.',
      'IST0101 Referenced gateway not found: "nope".',
      'IST0132 None of the hosts [other.example.com] of VirtualService edge/x is served by Gateway edge/nope.',
    ]);
  });

  test('gateways with the same selector, port and host conflict (IST0145)', () => {
    const server = { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'cert' } };
    const manifests = [gw('a', 'edge', { selector: { istio: 'ingressgateway' }, servers: [server] }), gw('b', 'edge', { selector: { istio: 'ingressgateway' }, servers: [{ ...server, hosts: ['shop.example.com'] }] })];
    // (IST0101 from IngressGatewayPortAnalyzer: no gateway workload in this set)
    expect(codes(manifests).filter((c) => !c.startsWith('IST0101'))).toEqual(['IST0138 Gateway edge/a', 'IST0138 Gateway edge/b', 'IST0145 Gateway edge/a', 'IST0145 Gateway edge/b']);
  });
});

describe('workloads and services', () => {
  test('unnamed ports (IST0118) but not well-known or named ones', () => {
    expect(codes([svc('web', 'shop', [{ name: 'web', port: 8080 }, { name: 'http-web', port: 80 }, { name: 'db', port: 3306 }])]))
      .toEqual(['IST0118 Service shop/web']);
  });

  test('UID 1337 is reported once per workload (IST0144)', () => {
    const podSpec = { securityContext: { runAsUser: 1337 }, containers: [{ name: 'app', securityContext: { runAsUser: 1337 } }] };
    expect(codes([deployment('app', 'shop', podSpec)])).toEqual(['IST0144 Deployment shop/app']);
  });

  test('services using one port with two protocols for an in-mesh deployment (IST0116)', () => {
    const manifests = [
      deployment('app', 'shop', { containers: [{ name: 'app' }] }, { 'app': 'app', 'sidecar.istio.io/inject': 'true' }),
      svc('app', 'shop', [{ name: 'http', port: 80, protocol: 'TCP' }]),
      { ...svc('app-udp', 'shop', [{ name: 'udp', port: 80, protocol: 'UDP' }]), spec: { selector: { app: 'app' }, ports: [{ name: 'udp', port: 80, protocol: 'UDP' }] } },
    ];
    expect(codes(manifests)).toEqual(['IST0116 Deployment shop/app']);
  });
});

describe('policies', () => {
  test('client TLS without CA (IST0128/IST0129)', () => {
    const manifests = [dr('db', 'shop', { host: 'db.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' }, portLevelSettings: [{ port: { number: 5432 }, tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem' } }] } })];
    // (and IST0174: no Service or ServiceEntry defines db.example.com, which istioctl reports too)
    expect(codes(manifests)).toEqual(['IST0128 DestinationRule shop/db', 'IST0129 DestinationRule shop/db', 'IST0174 DestinationRule shop/db']);
  });

  test('ServiceEntry TCP ports need addresses unless DNS auto-allocation is on (IST0134)', () => {
    const se = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'pg', namespace: 'shop' }, spec: { hosts: ['pg.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' } };
    expect(codes([se])).toEqual(['IST0134 ServiceEntry shop/pg']);
    expect(codes([se], { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } })).toEqual([]);
  });

  test('duplicate and shadowed route matches (IST0130/IST0131)', () => {
    const manifests = [
      svc('web', 'shop', [http('http', 80)]),
      vs('web', 'shop', {
        hosts: ['web'],
        http: [
          { match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'web' } }] },
          { match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'web' } }] },
          { match: [{ uri: { prefix: '/api/v2' } }], route: [{ destination: { host: 'web' } }] },
        ],
      }),
    ];
    expect(MeshAnalysis.analyze(manifests).map((f) => `${f.code} ${f.message}`)).toEqual([
      'IST0131 VirtualService rule #1 match #0 is never used: rule #0 has the same match.',
      'IST0130 VirtualService rule #1 is never used: all its matches are taken by earlier rules.',
      'IST0131 VirtualService rule #2 match #0 (prefix /api/v2) is never used: match #0 (prefix /api) on rule #0 catches its requests first.',
    ]);
  });
});

describe('annotations', () => {
  test('unknown, misplaced and invalid Istio annotations', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', annotations: { 'sidecar.istio.io/proxyCPUU': '1', 'readiness.status.sidecar.istio.io/periodSeconds': 'soon', 'networking.istio.io/exportTo': '.' } }, spec: { containers: [] } };
    expect(codes([pod])).toEqual(['IST0108 Pod shop/p', 'IST0125 Pod shop/p', 'IST0107 Pod shop/p']);
  });

  test('alpha annotations are reported as information (IST0136)', () => {
    const service = svc('web', 'shop', [http('http', 80)], { metadata: { annotations: { 'networking.istio.io/exportTo': '*' } } });
    expect(MeshAnalysis.analyze([service]).map((f) => `${f.code} ${f.level}`)).toEqual(['IST0136 Info']);
  });
});

test('kind: List objects are analyzed item by item; namespace-less objects keep no namespace in findings', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [dr('db', undefined as any, { host: 'db', trafficPolicy: { tls: { mode: 'SIMPLE' } } })] };
  delete (list.items[0].metadata as any).namespace;
  expect(MeshAnalysis.analyze([list])[0].resource).toEqual({ kind: 'DestinationRule', namespace: undefined, name: 'db' });
});

test('analysis is linear enough for 10,000 services', () => {
  const manifests: any[] = [];
  for (let i = 0; i < 10000; i++) {
    manifests.push(svc(`s${i}`, `ns${i % 50}`, [http('http', 80)]));
    manifests.push(vs(`s${i}`, `ns${i % 50}`, { hosts: [`s${i}`], http: [{ route: [{ destination: { host: `s${i}` } }] }] }));
    manifests.push(dr(`s${i}`, `ns${i % 50}`, { host: `s${i}`, subsets: [{ name: 'v1', labels: { version: 'v1' } }] }));
  }
  const start = Date.now();
  expect(MeshAnalysis.analyze(manifests)).toEqual([]);
  expect(Date.now() - start).toBeLessThan(5000);
});

describe('parity with istioctl (issue 11, item 11)', () => {
  const all = (manifests: any[], options: any = {}) => MeshAnalysis.analyze(manifests, options)
    .map((f) => `${f.code} ${f.resource.kind} ${f.resource.name}: ${f.message}`);

  test('IST0162 skips a Gateway server without a port (the schema reports it) instead of "port NaN"', () => {
    const gateway = gw('public', 'istio-system', {
      selector: { istio: 'ingressgateway' },
      servers: [{ hosts: ['*'] }, { port: { name: 'http' }, hosts: ['*'] }, { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    const ports = all([gateway]).filter((f) => f.startsWith('IST0162'));
    expect(ports).toEqual(['IST0162 Gateway public: Server port 8080 is not exposed by the Service of the gateway workload (selector istio=ingressgateway).']);
  });

  test('IST0174 for a wildcard DestinationRule host no wildcard service covers', () => {
    const rule = dr('wild', 'shop', { host: '*.example.com' });
    const se = (host: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'ext', namespace: 'shop' }, spec: { hosts: [host], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'NONE' } });
    const ist0174 = (manifests: any[]) => all(manifests).filter((f) => f.startsWith('IST0174'));
    expect(ist0174([rule])).toEqual(['IST0174 DestinationRule wild: The host *.example.com defined in the DestinationRule does not match any services in the mesh.']);
    // istioctl matches a wildcard host against wildcard service hosts only (by suffix)
    expect(ist0174([rule, se('api.example.com')])).toHaveLength(1);
    expect(ist0174([rule, se('*.example.com')])).toEqual([]);
    expect(ist0174([rule, se('*.com')])).toEqual([]);
  });

  test('IST0174 runs when the files hold no Service, with or without the default resources', () => {
    const ghost = dr('ghost', 'shop', { host: 'ghost' });
    for (const defaultResources of [true, false]) {
      expect(all([ghost], { defaultResources }).filter((f) => f.startsWith('IST017')))
        .toEqual(['IST0174 DestinationRule ghost: The host ghost defined in the DestinationRule does not match any services in the mesh.']);
    }
  });

  test('IST0118 shows the targetPort the API server fills in when the manifest leaves it out', () => {
    const messages = all([svc('legacy', 'shop', [{ name: 'web', port: 8000 }, { name: 'admin', port: 9000, targetPort: 'admin-port' }])])
      .filter((f) => f.startsWith('IST0118'));
    expect(messages).toEqual([
      "IST0118 Service legacy: Port name 'web' (port 8000, targetPort 8000) does not name a protocol; Istio falls back to protocol sniffing.",
      "IST0118 Service legacy: Port name 'admin' (port 9000, targetPort admin-port) does not name a protocol; Istio falls back to protocol sniffing.",
    ]);
  });

  test('a subset whose labels no pod carries is IST0173 only; CIS2001 keeps the subsets matching other apps', () => {
    const pod = { containers: [{ name: 'app', image: 'app' }] };
    const manifests = [
      svc('reviews', 'shop', [http('http', 9080)]),
      deployment('reviews-v1', 'shop', pod, { app: 'reviews', version: 'v1' }),
      deployment('ratings-v2', 'shop', pod, { app: 'ratings', version: 'v2' }),
      dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { name: 'v3', labels: { version: 'v3' } }] }),
    ];
    expect(all(manifests).filter((f) => /IST0173|CIS2001/.test(f)).map((f) => f.replace(/ \(.*$|\. Which.*$/, ''))).toEqual([
      'IST0173 DestinationRule reviews: The Subset v3 defined in the DestinationRule does not select any pods',
      'CIS2001 DestinationRule reviews: Subset v2',
    ]);
  });
});

describe("istioctl's default ingress gateway (placeholders)", () => {
  const pod = { containers: [{ name: 'app', image: 'app' }] };
  const gateway = (ns: string, servers: any[] = [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-tls' } }]) =>
    gw('public', ns, { selector: { istio: 'ingressgateway' }, servers });

  test('a Gateway selecting istio=ingressgateway finds it; ports 80, 443, 31400 and 15443 are exposed', () => {
    const servers = [80, 443, 31400, 15443, 8443].map((number) => ({ port: { number, name: `tcp-${number}`, protocol: 'TCP' }, hosts: ['*'] }));
    expect(codes([gateway('edge', servers)])).toEqual(['IST0162 Gateway edge/public']);
    expect(MeshAnalysis.analyze([gateway('edge', servers)])[0].message).toContain('Server port 8443');
    expect(codes([gateway('edge', servers)], { ingressControllerMode: 'OFF' })).toEqual(['IST0101 Gateway edge/public']);
  });

  test('the placeholder Pod is no workload of the files: checks needing the app\'s pods stay silent', () => {
    const subsets = dr('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shop', namespace: 'edge' }, spec: { secretName: 'shop-tls', issuerRef: { name: 'ca' } } };
    const policy = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ratings', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'ratings' } }, rules: [{ to: [{ operation: { ports: ['9080'] } }] }] } };
    // IST0173 (no pods for v1), CIS2004 (credential beside the Gateway, not the placeholder pod) and IST0127 (policy selects no pod)
    expect(codes([svc('reviews', 'shop', [http('http', 9080)]), subsets, gateway('edge'), cert, policy])).toEqual([]);
    // With a workload of the files, they judge again
    const withPods = codes([svc('reviews', 'shop', [http('http', 9080)]), deployment('reviews-v2', 'shop', pod, { app: 'reviews', version: 'v2' }), subsets, policy]);
    expect(withPods).toEqual(['IST0173 DestinationRule shop/reviews', 'IST0127 AuthorizationPolicy shop/ratings']);
  });
});
