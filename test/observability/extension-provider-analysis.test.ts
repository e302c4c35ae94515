import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ExtensionProvider, MeshConfig, PolicyTarget, PrometheusMonitors, Telemetry } from '../../src';
import { analyzeManifests } from '../../src/analysis/analyze';
import { main } from '../../src/analysis/cli';

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const otel = { name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } };

const telemetry = (spec: any) => ({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 't', namespace: 'shop' }, spec });
const customPolicy = (provider: string) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'ext-authz', namespace: 'foo' },
  spec: { action: 'CUSTOM', provider: { name: provider }, rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] },
});

const cis2007 = (manifests: any[], meshConfig?: any) => analyzeManifests({ manifests, meshConfig }).filter((f) => f.code === 'CIS2007');

describe('CIS2007 extension providers (analysis with a mesh config)', () => {
  test('a Telemetry provider the mesh config does not define', () => {
    expect(cis2007([telemetry({ tracing: [{ providers: [{ name: 'jaeger' }] }] })], { extensionProviders: [otel] })).toEqual([{
      code: 'CIS2007',
      level: 'Error',
      analyzer: 'cdk8sistio.ExtensionProviderAnalyzer',
      resource: { kind: 'Telemetry', namespace: 'shop', name: 't' },
      message: "spec.tracing[0].providers[0].name 'jaeger' must name an extension provider of the mesh config or a built-in one.",
      fix: "Known providers: 'envoy' (built-in envoyFileAccessLog), 'otel' (opentelemetry), 'prometheus' (built-in prometheus), 'stackdriver' (built-in stackdriver). "
        + "Define 'jaeger' in meshConfig.extensionProviders (MeshConfig.addExtensionProvider), or name a known provider.",
    }]);
  });

  test('a provider of the wrong kind', () => {
    const [finding] = cis2007([telemetry({ accessLogging: [{ providers: [{ name: 'otel' }] }] })], { extensionProviders: [otel] });
    expect(finding.message).toBe("spec.accessLogging[0].providers[0].name 'otel' must name an access-logging provider, but 'otel' is a provider of kind opentelemetry.");
  });

  test('defined and built-in providers resolve', () => {
    expect(cis2007([telemetry({
      tracing: [{ providers: [{ name: 'otel' }] }], accessLogging: [{ providers: [{ name: 'envoy' }] }], metrics: [{ providers: [{ name: 'prometheus' }] }],
    })], { extensionProviders: [otel] })).toEqual([]);
  });

  test('a CUSTOM AuthorizationPolicy naming an unknown or non-ext-authz provider', () => {
    const findings = cis2007([customPolicy('opa')], { extensionProviders: [otel] });
    expect(findings.map((f) => f.message)).toEqual(["spec.provider.name 'opa' must name an extension provider of the mesh config or a built-in one."]);
    const ok = cis2007([customPolicy('opa')], { extensionProviders: [{ name: 'opa', envoyExtAuthzGrpc: { service: 'opa.opa.svc.cluster.local', port: 9191 } }] });
    expect(ok).toEqual([]);
  });

  test('without a mesh config, the cluster\'s providers are unknown: silent', () => {
    expect(cis2007([telemetry({ tracing: [{ providers: [{ name: 'jaeger' }] }] }), customPolicy('opa')])).toEqual([]);
  });
});

describe('the CLI with --mesh-config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-providers-'));
  const run = (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const status = main(['analyze', ...args], (s) => (stdout += s), (s) => (stderr += s));
    return { status, stdout, stderr };
  };

  // The app: its MeshConfig defines otel; a Telemetry written by hand names jaeger.
  const outdir = path.join(dir, 'dist');
  const app = new App({ outdir });
  new MeshConfig(app, 'mesh-config', { extensionProviders: [ExtensionProvider.openTelemetry('otel', { service: otel.opentelemetry.service, port: 4317 })] });
  new PrometheusMonitors(new Chart(app, 'monitors'), 'monitors');
  app.synth();
  const manifests = path.join(dir, 'telemetry.yaml');
  fs.writeFileSync(manifests, YAML.stringify(telemetry({ tracing: [{ providers: [{ name: 'jaeger' }] }] })));

  test('reads the istiod values MeshConfig writes, and reports the unknown provider', () => {
    const result = run('--mesh-config', path.join(outdir, 'istiod-values.yaml'), manifests);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Error [CIS2007] (Telemetry shop/t) spec.tracing[0].providers[0].name 'jaeger' must name an extension provider of the mesh config or a built-in one.");
  });

  test('without --mesh-config: no finding', () => {
    const result = run(manifests);
    expect(result.stdout).not.toContain('CIS2007');
  });

  test('a values file among the inputs is noted, not an error; the monitors are analyzed', () => {
    const result = run(outdir);
    expect(result.stderr).toContain(`note: ${path.join(outdir, 'istiod-values.yaml')}:3 holds Helm values (meshConfig), not an object; pass the file with --mesh-config to check against it`);
    expect(result.stderr).not.toContain('unknown kind');
    expect(result.status).toBe(0);
  });
});

describe('at synth, the automatic analysis reads the app\'s MeshConfig', () => {
  test('default access-logging providers count: no IST0157 for entries without providers', () => {
    const chart = new Chart(Testing.app(), 'c');
    new MeshConfig(chart, 'mesh-config', { defaultProviders: { accessLogging: ['envoy'] } });
    new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), accessLogging: [{ filter: 'response.code >= 500' }] });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    Testing.synth(chart);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).not.toContain('IST0157');
  });

  test('a hand-written Telemetry naming an unknown provider fails synth (CIS2007); ours report it once, with the prop', () => {
    const chart = new Chart(Testing.app(), 'c');
    new MeshConfig(chart, 'mesh-config', { trustDomain: 'cluster.local' });
    new ApiObject(chart, 'raw', telemetry({ tracing: [{ providers: [{ name: 'jaeger' }] }] }));
    expect(() => Testing.synth(chart)).toThrow("Error CIS2007 Telemetry shop/t: spec.tracing[0].providers[0].name 'jaeger' must name an extension provider of the mesh config");

    const ours = new Chart(Testing.app(), 'c');
    new MeshConfig(ours, 'mesh-config', { trustDomain: 'cluster.local' });
    new Telemetry(ours, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ providers: ['jaeger'] }] });
    let message = '';
    try {
      Testing.synth(ours);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("c/t: tracing[0].providers[0] must name an extension provider of the app's MeshConfig or a built-in one, got 'jaeger'.");
    expect(message).not.toContain('CIS2007');
  });
});
