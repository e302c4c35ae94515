import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  const nokind = write('nokind.yaml', 'apiVersion: v1\nmetadata: {name: y}\n');
  const r = run('analyze', bad, nokind, clean);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/bad\.yaml:4: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }\n/);
  expect(r.stderr).toContain("nokind.yaml: object 'y' has no kind");
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
