import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AnalysisCheck, GatewayCertificate, MeshAnalysis, MeshService, SecureGateway } from '../../src';
import { main } from '../../src/analysis/cli';

function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = main(args, (s) => (stdout += s), (s) => (stderr += s));
  return { status, stdout, stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cli-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

const clean = write('clean/app.yaml', `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: [web], http: [{ route: [{ destination: { host: web } }] }] }
`);
const broken = write('broken.yaml', `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: [web], http: [{ route: [{ destination: { host: nowhere } }] }] }
`);

test('exit 0 and a one-line summary when nothing is wrong (directories are read recursively)', () => {
  const r = run('analyze', path.join(dir, 'clean'));
  expect(r).toEqual({ status: 0, stdout: '\u2714 No validation issues found when analyzing 2 objects.\n', stderr: '' });
  expect(clean).toBeDefined();
});

test('exit 1 with errors; text output names code, object, message and fix', () => {
  const r = run('analyze', broken);
  expect(r.status).toBe(1);
  expect(r.stdout).toContain('Error [IST0101] (VirtualService shop/web) Referenced host not found: "nowhere". Fix: Route to a Service or ServiceEntry');
});

test('--output json prints the conformance format', () => {
  const r = run('analyze', '--output', 'json', broken);
  expect(JSON.parse(r.stdout)).toEqual([{
    code: 'IST0101',
    level: 'Error',
    analyzer: 'virtualservice.DestinationHostAnalyzer',
    resource: { kind: 'VirtualService', namespace: 'shop', name: 'web' },
    message: 'Referenced host not found: "nowhere".',
    fix: 'Route to a Service or ServiceEntry that exists and is exported to this namespace.',
  }]);
});

test('--mesh-config is applied (here: DNS auto-allocation silences IST0134)', () => {
  const se = write('se.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: pg, namespace: shop}\nspec: {hosts: [pg.example.com], ports: [{number: 5432, name: tcp, protocol: TCP}]}\n');
  const mesh = write('mesh.yaml', 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n');
  expect(run('analyze', '-o', 'json', se).stdout).toContain('IST0134');
  // (istiod's own IST0133 warning about the missing addresses remains: the webhook does not read the mesh config)
  expect(JSON.parse(run('analyze', '-o', 'json', '--mesh-config', mesh, se).stdout).map((f: any) => f.code)).toEqual(['IST0133']);
});

test('usage errors exit 2 with a message, never a stack trace', () => {
  expect(run('analyse', broken)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: unknown command 'analyse'\n\nusage: cdk8s-istio analyze/) });
  expect(run('analyze')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: no FILE or DIR to analyze/) });
  expect(run('analyze', '--output', 'xml', broken)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: --output must be 'text' or 'json', got 'xml'/) });
  expect(run('analyze', path.join(dir, 'missing.yaml'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/missing.yaml: no such file or directory/) });
});

test('invalid YAML and objects without kind are reported with file and line; the rest is still analyzed', () => {
  const bad = write('bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n');
  // (a plain `y` would be the boolean true to the API server's YAML 1.1 decoder, and so to ours)
  const nokind = write('nokind.yaml', 'apiVersion: v1\nmetadata: {name: z}\n');
  const r = run('analyze', bad, nokind, clean);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/bad\.yaml:4: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }\n/);
  expect(r.stderr).toContain("nokind.yaml:1: object 'z' has no kind");
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('unknown kinds are noted on stderr and skipped', () => {
  const crd = write('widget.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
  const r = run('analyze', crd);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('note: not analyzing 1 object(s) of unknown kind Widget (example.com/v1): w\n');
});

test('--mesh-networks feeds the multicluster checks (IST0126), bare or as the istio ConfigMap', () => {
  const remote = write('mc/remote.yaml', `apiVersion: v1
kind: Secret
metadata: { name: remote-east, namespace: istio-system, labels: { istio/multiCluster: "true" } }
stringData: { east: "kubeconfig" }
`);
  const networks = 'networks:\n  net-east: { endpoints: [{ fromRegistry: east }], gateways: [{ port: 15443, address: 192.0.2.1 }] }\n  net-west: { endpoints: [{ fromRegistry: west }], gateways: [{ port: 15443, address: 192.0.2.2 }] }\n';
  const bare = write('mc/networks.yaml', networks);
  const configMap = write('mc/istio-cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  meshNetworks: |\n${networks.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  for (const file of [bare, configMap]) {
    const out = run('analyze', '-o', 'json', '--mesh-networks', file, remote);
    expect(JSON.parse(out.stdout).map((f: any) => `${f.code} ${f.resource.kind} ${f.resource.name} ${f.message.includes("'west'")}`))
      .toEqual(['IST0126 MeshNetworks meshnetworks true']);
    expect(out.status).toBe(1);
  }
  // Without the option there is no MeshNetworks to check.
  expect(JSON.parse(run('analyze', '-o', 'json', remote).stdout)).toEqual([]);
});

describe("istioctl's default resources (issue 11, item 9)", () => {
  const samples = path.join(__dirname, 'istio-samples');
  const sample = (app: string) => [path.join(samples, `${app}.yaml`), path.join(samples, `${app}-gateway.yaml`)];
  const findingsOf = (...args: string[]) => JSON.parse(run('analyze', '-o', 'json', ...args).stdout)
    .map((f: any) => `${f.level} ${f.code} ${f.resource.kind} ${f.resource.name}`);

  test.each([
    // Server port 8080 is what the samples use now; istioctl's placeholder Service exposes 80/443/31400/15443 and warns too.
    ['bookinfo', ['Warning IST0162 Gateway bookinfo-gateway']],
    ['helloworld', []],
    ['httpbin', ['Warning IST0162 Gateway httpbin-gateway']],
    ['tcp-echo', []],
  ])("Istio's %s sample with its gateway analyzes without errors, as with istioctl --use-kube=false", (app, expected) => {
    const r = run('analyze', '-o', 'json', ...sample(app));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(r.stdout).map((f: any) => `${f.level} ${f.code} ${f.resource.kind} ${f.resource.name}`)).toEqual(expected);
  });

  test('--no-default-resources leaves them out: the gateway selects no workload', () => {
    const r = run('analyze', '--no-default-resources', ...sample('helloworld'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Error [IST0101] (Gateway helloworld-gateway) Referenced selector not found: "istio=ingressgateway".');
  });

  test("the mesh config's ingressControllerMode OFF drops them; objects of the files with their names replace them", () => {
    const off = write('defaults/mesh-off.yaml', 'ingressControllerMode: "OFF"\n');
    expect(findingsOf('--mesh-config', off, ...sample('helloworld'))).toEqual(['Error IST0101 Gateway helloworld-gateway']);
    // The installation's own gateway Service, exposing 8080: it replaces the placeholder (which exposes no 8080).
    const installed = write('defaults/ingress.yaml', `apiVersion: v1
kind: Service
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec: { selector: { istio: ingressgateway }, ports: [{ name: http2, port: 80, targetPort: 8080 }] }
`);
    expect(findingsOf(...sample('bookinfo'), installed)).toEqual([]);
    // ingressService renames the placeholder Service, which then no longer clashes with the file's (whose ports are added).
    const renamed = write('defaults/mesh-renamed.yaml', 'ingressService: custom-ingress\n');
    expect(findingsOf('--mesh-config', renamed, ...sample('bookinfo'), installed)).toEqual([]);
  });

  test('the text output counts the objects of the files only', () => {
    expect(run('analyze', ...sample('helloworld')).stdout).toBe('\u2714 No validation issues found when analyzing 5 objects.\n');
  });

  test('synth-time analysis and the CLI report the same findings for the same manifests', () => {
    // Given an app whose gateway selects the default ingress gateway on a port its placeholder Service lacks,
    // and a Service whose unnamed port is accepted by Istio's analyze-suppress annotation
    const chart = new Chart(Testing.app(), 'edge');
    const gateway = new SecureGateway(chart, 'public', {
      hosts: ['bookinfo.example.com'], certificate: GatewayCertificate.fromSecret('bookinfo-tls'), httpsPort: 8443,
    });
    gateway.addRoute({ service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }) });
    new ApiObject(chart, 'legacy', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy', namespace: 'bookinfo', annotations: { 'galley.istio.io/analyze-suppress': 'IST0118' } },
      spec: { selector: { app: 'legacy' }, ports: [{ name: 'web', port: 8000 }] },
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let manifests: any[];
    try {
      manifests = Testing.synth(chart);
      // (the automatic analysis at synth, which prints warnings, saw the placeholder gateway too)
      expect(warn.mock.calls.map((c) => String(c[0])).join('')).toContain('Warning IST0162 Gateway istio-system/public: Server port 8443');
    } finally {
      warn.mockRestore();
    }
    const file = write('agree/app.yaml', manifests.map((m) => YAML.stringify(m)).join('---\n'));
    // When both analyze them
    const library = MeshAnalysis.analyze(manifests);
    const cli = JSON.parse(run('analyze', '-o', 'json', file).stdout);
    // Then the findings are identical: the gateway finds the placeholder workload (no IST0101) and IST0162 is reported
    expect(cli).toEqual(JSON.parse(JSON.stringify(library)));
    expect(library.map((f) => `${f.code} ${f.resource.kind} ${f.resource.name}`)).toContain('IST0162 Gateway public');
    expect(library.map((f) => f.code)).not.toContain('IST0118');
    expect(library.filter((f) => f.code === 'IST0101').map((f) => f.message)).not.toContainEqual(expect.stringContaining('selector'));
    // And switched off on both sides, both report the missing gateway workload
    const withoutDefaults = MeshAnalysis.analyze(manifests, { defaultResources: false });
    expect(JSON.parse(run('analyze', '-o', 'json', '--no-default-resources', file).stdout)).toEqual(JSON.parse(JSON.stringify(withoutDefaults)));
    expect(withoutDefaults.map((f) => f.message)).toContain('Referenced selector not found: "istio=ingressgateway".');
  });
});

describe('bad input and help (issue 11, item 10)', () => {
  test('malformed YAML alone prints only the error, not "No validation issues"', () => {
    const bad = write('bad-only.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n');
    const r = run('analyze', bad);
    expect(r).toEqual({ status: 1, stdout: '', stderr: `${bad}:4: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }\n` });
  });

  test('a binary file is named as such, with exit status 1', () => {
    const bin = path.join(dir, 'image.yaml');
    fs.writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]));
    expect(run('analyze', bin)).toEqual({ status: 1, stdout: '', stderr: `${bin}: not a YAML or JSON file (binary content)\n` });
    // Bytes that are not UTF-8, without any NUL byte, too
    const latin1 = path.join(dir, 'latin1.yaml');
    fs.writeFileSync(latin1, Buffer.from('kind: Service\nmetadata: {name: caf\xe9}\n', 'latin1'));
    expect(run('analyze', latin1)).toMatchObject({ status: 1, stderr: `${latin1}: not a YAML or JSON file (binary content)\n` });
  });

  test('a YAML alias bomb is bad input: exit 1, the file and line named, no internal error', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const bomb = write('bomb.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n---\n${levels.join('\n')}\n`);
    const r = run('analyze', bomb, broken);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${bomb}:5: YAML aliases expand to more than 1000 nodes (an alias bomb?); the document is not read\n`);
    // The other documents and files are still analyzed (2 objects); "no issues" is never claimed with unreadable input
    expect(r.stdout).toMatch(/^Error \[IST0101\] \(VirtualService shop\/web\)[^]*\n1 error\(s\), 0 warning\(s\), 0 info in 2 objects\.\n$/);
    expect(run('analyze', bomb, clean)).toMatchObject({ status: 1, stdout: '' });
    // In a mesh config (bare, or in the istio ConfigMap) it is named the same way
    const cm = write('bomb-cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: |\n${levels.map((l) => `    ${l}`).join('\n')}\n`);
    expect(run('analyze', '--mesh-config', cm, clean)).toMatchObject({ status: 1, stderr: `${cm}: data.mesh: line 1: YAML aliases expand to more than 1000 nodes (an alias bomb?); the document is not read\n` });
  });

  test('a kind: List counts as its items, each with its line', () => {
    const list = write('list.yaml', `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
    spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
  - apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: { name: web, namespace: shop }
    spec: { hosts: [web], http: [{ route: [{ destination: { host: web } }] }] }
`);
    expect(run('analyze', list)).toEqual({ status: 0, stdout: '\u2714 No validation issues found when analyzing 2 objects.\n', stderr: '' });
    const nameless = write('list-nameless.yaml', `${fs.readFileSync(list, 'utf8')}  - apiVersion: v1\n    metadata: { name: nameless }\n`);
    expect(run('analyze', nameless)).toEqual({ status: 1, stdout: '', stderr: `${nameless}:12: object 'nameless' has no kind\n` });
  });

  test.each([['--help'], ['-h'], ['help'], ['analyze', '--help'], ['analyze', clean, '-h']])('`cdk8s-istio %s` prints the usage on stdout, exit 0', (...args) => {
    const r = run(...args);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: cdk8s-istio analyze .*\n[^]*--no-default-resources[^]*Exit status: 0 no errors/);
  });

  test('every message has a sentence break before "Fix:" (CIS1001, CIS1002, IST0106 included)', () => {
    const objects = write('fix-period.yaml', `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: schema, namespace: shop }
spec: { host: web, trafficPolicy: { connectionPool: { tcp: { maxConnections: "many" } } } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cel, namespace: shop }
spec: { hosts: [web], http: [{ timeout: 0s, route: [{ destination: { host: web } }] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: istiod, namespace: shop }
spec: { hosts: [web], http: [{ route: [{ destination: { host: web }, weight: 50 }, { destination: { host: web }, weight: 20 }] }] }
`);
    const lines = run('analyze', '--checks', 'admission,istioctl', objects, clean).stdout.split('\n').filter((l) => / Fix: /.test(l));
    expect(lines.map((l) => /\[(\w+)\]/.exec(l)![1])).toEqual(expect.arrayContaining(['CIS1001', 'CIS1002', 'IST0106']));
    for (const line of lines) expect(line).toMatch(/[.!?] Fix: /);
    // Synth-time errors are assembled the same way
    const chart = new Chart(Testing.app(), 'fix-period');
    new ApiObject(chart, 'cel', YAML.parseAllDocuments(fs.readFileSync(objects, 'utf8'))[1].toJS());
    MeshAnalysis.enable(chart, { checks: [AnalysisCheck.ADMISSION] });
    expect(() => Testing.synth(chart)).toThrow('must be a valid duration greater than 1ms. Fix: Correct the object');
  });
});
