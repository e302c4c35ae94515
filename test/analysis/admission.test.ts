import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderSchemas } from '../../scripts/schemas';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { AnalysisCheck, FindingLevel, MeshAnalysis } from '../../src';
import { compileRule } from '../../src/analysis/admission/cel';
import { admissionSchemas, admit, check, CrdEntry } from '../../src/analysis/admission/validator';
import { main } from '../../src/analysis/cli';

const vs = (spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo' }, spec });
const dr = (spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'bookinfo' }, spec });
const route = [{ destination: { host: 'reviews' } }];
const messages = (obj: any) => (admit(obj) ?? []).map((p) => `${p.code} ${p.message}`);

describe('schemas.json', () => {
  test('is what `npx projen schemas` generates from ../shared/crds (run it after a CRD bump)', () => {
    expect(fs.readFileSync(path.join(__dirname, '../../src/analysis/admission/schemas.json'), 'utf8')).toBe(renderSchemas());
  });

  test('holds exactly the API versions we emit', () => {
    const keys = Object.keys(admissionSchemas());
    expect(keys).toEqual(expect.arrayContaining([
      'networking.istio.io/v1/VirtualService', 'networking.istio.io/v1/DestinationRule', 'networking.istio.io/v1/Gateway',
      'security.istio.io/v1/AuthorizationPolicy', 'telemetry.istio.io/v1/Telemetry', 'cert-manager.io/v1/Certificate',
      'cert-manager.io/v1/Issuer', 'cert-manager.io/v1/ClusterIssuer', 'gateway.networking.k8s.io/v1/HTTPRoute',
      'monitoring.coreos.com/v1/PodMonitor', 'monitoring.coreos.com/v1/ServiceMonitor',
      'deckhouse.io/v1alpha1/IstioFederation', 'deckhouse.io/v1alpha1/IstioMulticluster',
    ]));
    expect(keys.every((k) => /^(networking|security|telemetry)\.istio\.io\/v1\/|^cert-manager\.io\/v1\/(Certificate|Issuer|ClusterIssuer)$|^gateway\.networking\.k8s\.io\/v1\//.test(k)
      || /^monitoring\.coreos\.com\/v1\/(PodMonitor|ServiceMonitor)$/.test(k)
      || /^deckhouse\.io\/v1alpha1\/(IstioFederation|IstioMulticluster)$/.test(k))).toBe(true);
  });

  test('every x-kubernetes-validations rule of the bundles compiles with our CEL setup', () => {
    const rules: string[] = [];
    const walk = (s: any) => {
      if (!s || typeof s !== 'object') return;
      for (const r of s['x-kubernetes-validations'] ?? []) rules.push(r.rule);
      for (const v of Object.values(s)) if (v && typeof v === 'object') walk(v);
    };
    for (const entry of Object.values(admissionSchemas())) walk(entry.schema);
    // Istio, cert-manager and Gateway API rules, counted when written; a CRD bump changes the count on purpose.
    expect(rules.length).toBeGreaterThan(250);
    const failing = rules.map((r) => [r, compileRule(r)] as const).filter(([, c]) => !c.ok);
    expect(failing).toEqual([]);
  });
});

describe('admission: structural schema (CIS1001)', () => {
  test('valid objects of every group pass', () => {
    expect(messages(vs({ hosts: ['reviews'], http: [{ timeout: '1.5s', route }] }))).toEqual([]);
    expect(messages(dr({ host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }))).toEqual([]);
    expect(messages({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a' }, spec: { action: 'ALLOW', rules: [{ from: [{ source: { principals: ['x'] } }] }] } })).toEqual([]);
    expect(messages({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 's', issuerRef: { name: 'i' }, dnsNames: ['a.example.com'] } })).toEqual([]);
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { parentRefs: [{ name: 'g' }], rules: [{}] } })).toEqual([]);
  });

  test('integers outside their int32 format are rejected (the API server checks the range)', () => {
    const pool = (maxConnections: number) => dr({ host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections } } } });
    expect(messages(pool(2 ** 31 - 1))).toEqual([]);
    expect(messages(pool(2 ** 31))).toEqual([expect.stringMatching(/^CIS1001 .*maxConnections.*Invalid value: 2147483648: must be of type int32/)]);
    expect(messages(pool(-(2 ** 31) - 1))).toEqual([expect.stringMatching(/must be of type int32/)]);
  });

  test('kinds and versions without a schema are not ours to judge', () => {
    expect(admit({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: 'x' }, spec: { hosts: 'x' } })).toBeUndefined();
    expect(admit({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } })).toBeUndefined();
  });

  test('wrong type', () => {
    expect(messages(vs({ hosts: 'reviews' }))).toEqual(['CIS1001 spec.hosts: Invalid value: "reviews": must be of type array, got string']);
  });

  test('enum', () => {
    expect(messages(dr({ host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } }))).toEqual([
      'CIS1001 spec.trafficPolicy.loadBalancer.simple: Unsupported value: "FASTEST": supported values: "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"',
    ]);
  });

  test('required field', () => {
    expect(messages({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { issuerRef: { name: 'i' } } }))
      .toEqual(['CIS1001 spec.secretName: Required value']);
  });

  test('minimum and maximum', () => {
    const route0 = (port: number) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { parentRefs: [{ name: 'g', port }] } });
    expect(messages(route0(0))).toEqual(['CIS1001 spec.parentRefs[0].port: Invalid value: 0: should be greater than or equal to 1']);
    expect(messages(route0(70000))).toEqual(['CIS1001 spec.parentRefs[0].port: Invalid value: 70000: should be less than or equal to 65535']);
  });

  test('pattern, maxLength, maxItems', () => {
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' } };
    expect(messages({ ...cert, spec: { secretName: 's', issuerRef: { name: 'i' }, renewal: { windows: [{ cron: '0 1 * * *', windowDuration: 'forever' }] } } }))
      .toEqual(['CIS1001 spec.renewal.windows[0].windowDuration: Invalid value: "forever": should match \'^([0-9]+(\\.[0-9]+)?(s|m|h))+$\'']);
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'i' } };
    expect(messages({ ...issuer, spec: { acme: { server: 'https://acme', privateKeySecretRef: { name: 'k' }, preferredChain: 'x'.repeat(65) } } }))
      .toEqual(['CIS1001 spec.acme.preferredChain: Too long: may not be more than 64 bytes, got 65']);
    const hostnames = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`);
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { hostnames } }))
      .toEqual(['CIS1001 spec.hostnames: Too many: 17: must have at most 16 items']);
  });

  test('oneOf: two alternatives of a string match', () => {
    expect(messages(vs({ hosts: ['reviews'], http: [{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route }] }))).toEqual([
      'CIS1001 spec.http[0].match[0].uri: Invalid value: "object": must validate one and only one schema (oneOf), 2 matched: set only one of the mutually exclusive fields',
    ]);
  });

  test('unknown fields the API server would prune silently', () => {
    expect(messages(dr({ host: 'reviews', trafficPolicy: { outlierDetection: { consecutive5XxErrors: 1 } } }))).toEqual([
      'CIS1001 unknown field "spec.trafficPolicy.outlierDetection.consecutive5XxErrors": the API server drops it silently (pruning); check its name and indentation',
    ]);
  });

  test('metadata.name', () => {
    expect(messages({ ...vs({ hosts: ['r'] }), metadata: { name: 'Reviews_1' } })).toEqual([
      'CIS1001 metadata.name: Invalid value: "Reviews_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character',
    ]);
  });

  // Keywords the CRDs we emit use rarely or only deep down, on a small schema of our own.
  const entry: CrdEntry = {
    scope: 'Namespaced',
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true },
            note: { type: 'string', nullable: true },
            count: { type: 'integer' },
            tags: { 'type': 'array', 'items': { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            ports: { 'type': 'array', 'items': { type: 'object', properties: { name: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
            rule: { 'type': 'string', 'x-kubernetes-validations': [{ rule: "quantity(self).isGreaterThan(quantity('1'))", message: 'must be more than 1' }] },
            broken: { 'type': 'string', 'x-kubernetes-validations': [{ rule: 'self ==', message: 'never' }] },
          },
        },
      },
    },
  };
  const own = (spec: any) => check(entry, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec }).map((p) => `${p.code} ${p.message}`);

  test('int-or-string, nullable, null where not nullable, integer', () => {
    expect(own({ port: 'http', note: null })).toEqual([]);
    expect(own({ port: 8080 })).toEqual([]);
    expect(own({ port: 1.5 })).toEqual(['CIS1001 spec.port: Invalid value: 1.5: must be an integer or a string, got number']);
    expect(own({ count: null })).toEqual(['CIS1001 spec.count: null value: the API server drops it silently (pruning), so the field would not be set']);
    expect(own({ count: 2.5 })).toEqual(['CIS1001 spec.count: Invalid value: 2.5: must be of type integer, got number']);
  });

  test('duplicates in set and map lists', () => {
    expect(own({ tags: ['a', 'b', 'a'] })).toEqual(['CIS1001 spec.tags[2]: Duplicate value: "a"']);
    expect(own({ ports: [{ name: 'http' }, { name: 'http' }] })).toEqual(['CIS1001 spec.ports[1]: Duplicate value: ["http"]']);
  });

  test('a rule we cannot evaluate is reported as ours (CIS1000), never passed', () => {
    expect(own({ rule: '2' })).toEqual([
      'CIS1000 spec.rule: cannot evaluate the CRD rule `quantity(self).isGreaterThan(quantity(\'1\'))`: the Kubernetes CEL function(s) isGreaterThan, quantity are not implemented by cdk8s-istio',
    ]);
    expect(own({ broken: 'x' })).toEqual([expect.stringMatching(/^CIS1000 spec\.broken: cannot evaluate the CRD rule `self ==`: it does not compile: /)]);
  });
});

describe('admission: CEL rules (CIS1002)', () => {
  test('a violated rule reports the CRD message', () => {
    expect(messages(vs({ hosts: ['reviews'], http: [{ timeout: '0s', route }] })))
      .toEqual(['CIS1002 spec.http[0].timeout: Invalid value: "0s": must be a valid duration greater than 1ms']);
  });

  test('an evaluation error rejects the object, as on the API server', () => {
    expect(messages(vs({ hosts: ['reviews'], http: [{ timeout: 'soon', route }] }))).toEqual([
      'CIS1002 spec.http[0].timeout: Invalid value: "soon": Failed to parse duration: invalid syntax evaluating rule: must be a valid duration greater than 1ms',
    ]);
  });

  test('Kubernetes library functions: url().getScheme(), isIP()', () => {
    const ra = (jwksUri: string) => ({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt' }, spec: { jwtRules: [{ issuer: 'i', jwksUri }] } });
    expect(messages(ra('https://issuer.example.com/jwks'))).toEqual([]);
    expect(messages(ra('ftp://issuer.example.com/jwks'))).toEqual(['CIS1002 spec.jwtRules[0].jwksUri: Invalid value: "ftp://issuer.example.com/jwks": url must have scheme http:// or https://']);
    const tls = (host: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 't' }, spec: { hostnames: [host], rules: [{ backendRefs: [{ name: 'b', port: 443 }] }] } });
    expect(messages(tls('db.example.com'))).toEqual([]);
    expect(messages(tls('10.0.0.1'))).toEqual(['CIS1002 spec.hostnames: Invalid value: "array": Hostnames cannot contain an IP']);
  });

  test('map keys and escaped property names (namespace -> __namespace__)', () => {
    expect(messages({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { selector: { matchLabels: { app: 'a' } }, portLevelMtls: { 0: { mode: 'STRICT' } } } }))
      .toEqual(['CIS1002 spec.portLevelMtls: Invalid value: "object": port must be between 1-65535']);
    const parentRefs = [{ name: 'g', namespace: 'a' }, { name: 'g', namespace: 'a' }];
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { parentRefs } }))
      .toEqual(['CIS1002 spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more references to the same parent']);
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { parentRefs: [parentRefs[0], { name: 'g', namespace: 'b' }] } })).toEqual([]);
  });

  test('cross-field rules over a whole spec', () => {
    const ap = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a' } };
    expect(messages({ ...ap, spec: { selector: { matchLabels: { app: 'a' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }] } }))
      .toEqual(['CIS1002 spec: Invalid value: "object": only one of targetRefs or selector can be set']);
  });

  test('transition rules (oldSelf) are skipped: the manifests are creations', () => {
    expect(messages({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'gc' }, spec: { controllerName: 'example.com/gateway' } })).toEqual([]);
  });
});

describe('in the mesh analysis', () => {
  const bad = vs({ hosts: ['reviews'], http: [{ timeout: '0s', route }], gateway: ['x'] });

  test('MeshAnalysis.analyze reports admission findings by default, at level Error', () => {
    const findings = MeshAnalysis.analyze([bad]).filter((f) => f.code.startsWith('CIS10'));
    expect(findings).toEqual([
      {
        code: 'CIS1001',
        level: FindingLevel.ERROR,
        analyzer: 'admission.SchemaValidator',
        resource: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
        message: 'unknown field "spec.gateway": the API server drops it silently (pruning); check its name and indentation',
        fix: 'Correct the field as the CRD schema requires; the API server would reject the object or drop the field.',
      },
      {
        code: 'CIS1002',
        level: FindingLevel.ERROR,
        analyzer: 'admission.CelValidator',
        resource: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
        message: 'spec.http[0].timeout: Invalid value: "0s": must be a valid duration greater than 1ms',
        fix: 'Correct the object so that it satisfies the CRD rule; the API server would reject it.',
      },
    ]);
  });

  test('checks: [ISTIOCTL] leaves admission out, [ADMISSION] keeps only it', () => {
    expect(MeshAnalysis.analyze([bad], { checks: [AnalysisCheck.ISTIOCTL] }).filter((f) => f.code.startsWith('CIS10'))).toEqual([]);
    expect(MeshAnalysis.analyze([bad], { checks: [AnalysisCheck.ADMISSION] }).map((f) => f.code)).toEqual(['CIS1001', 'CIS1002']);
  });

  test('the CLI reports them and takes --checks', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'admission-')), 'vs.yaml');
    fs.writeFileSync(file, JSON.stringify(bad));
    let out = '';
    let err = '';
    expect(main(['analyze', '--checks', 'admission', file], (s) => (out += s), (s) => (err += s))).toBe(1);
    expect(out).toContain('Error [CIS1002] (VirtualService bookinfo/reviews) spec.http[0].timeout: Invalid value: "0s": must be a valid duration greater than 1ms');
    out = '';
    // Exit status aside (the istioctl checks find the host missing): no admission finding in the output.
    void main(['analyze', '--checks=istioctl', '--output', 'json', file], (s) => (out += s), (s) => (err += s));
    expect(JSON.parse(out).filter((f: any) => f.code.startsWith('CIS10'))).toEqual([]);
    err = '';
    expect(main(['analyze', '--checks', 'webhooks', file], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toContain("error: --checks takes a comma-separated list of admission, istioctl, all, got 'webhooks'");
  });

  test.each(exampleNames())('example %s passes admission', (name) => {
    const app = synthExample(name, fs.mkdtempSync(path.join(os.tmpdir(), `admission-${name}-`)));
    const manifests = app.charts.flatMap((c) => c.toJson());
    expect(manifests.length).toBeGreaterThan(0);
    expect(MeshAnalysis.analyze(manifests, { checks: [AnalysisCheck.ADMISSION] })).toEqual([]);
  });
});

test('loading the library loads neither the CEL engine nor the schemas', () => {
  jest.isolateModules(() => {
    jest.doMock('@bufbuild/cel', () => {
      throw new Error('@bufbuild/cel loaded at require time');
    });
    const read: string[] = [];
    jest.doMock('fs', () => {
      const actual = jest.requireActual('fs');
      return { ...actual, readFileSync: (p: any, ...rest: any[]) => (read.push(String(p)), actual.readFileSync(p, ...rest)) };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('../../src');
    expect(lib.MeshAnalysis).toBeDefined();
    expect(read.filter((p) => p.endsWith('schemas.json'))).toEqual([]);
  });
});
