import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  AuthorizationAction, AuthorizationPolicy, ExtensionProvider, ExtensionProviderKind, MeshCa, MeshCaMode, MeshCluster, MeshConfig, MeshService,
  OpenTelemetryResourceDetector, PolicyTarget, Telemetry,
} from '../../src';
import { newChart, synth } from '../helpers';

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const SERVICE = 'otel-collector.observability.svc.cluster.local';

/** One provider of every kind, every option set. */
function everyProvider(): ExtensionProvider[] {
  return [
    ExtensionProvider.openTelemetry('otel', {
      service: MeshService.fromName('otel-collector', 'observability').host,
      port: 4318,
      maxTagLength: 512,
      http: { path: '/v1/traces', timeout: Duration.seconds(5), headers: { 'x-api-key': 'secret', 'authorization': 'Bearer t' } },
      resourceDetectors: [OpenTelemetryResourceDetector.ENVIRONMENT],
    }),
    ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411, maxTagLength: 256, enable64bitTraceId: true }),
    ExtensionProvider.datadog('datadog', { service: 'datadog-agent.datadog.svc.cluster.local', port: 8126 }),
    ExtensionProvider.skyWalking('skywalking', { service: 'tracing.istio-system.svc.cluster.local', port: 11800, accessToken: 'token' }),
    ExtensionProvider.envoyFileAccessLog('json-stdout', { path: '/dev/stdout', jsonFormat: { status: '%RESPONSE_CODE%', path: '%REQ(:PATH)%' } }),
    ExtensionProvider.envoyOtelAccessLog('otel-logs', {
      service: SERVICE, port: 4317, logName: 'mesh', textFormat: '%REQ(:METHOD)% %RESPONSE_CODE%', attributes: { 'k8s.ns': '%ENVIRONMENT(POD_NAMESPACE)%' },
    }),
    ExtensionProvider.envoyExtAuthzHttp('ext-authz-http', {
      service: 'ext-authz.foo.svc.cluster.local',
      port: 8000,
      timeout: Duration.millis(500),
      pathPrefix: '/check',
      failOpen: false,
      statusOnError: 503,
      includeRequestHeadersInCheck: ['x-ext-authz', 'x-auth-*'],
      includeAdditionalHeadersInCheck: { 'x-origin': 'mesh' },
      includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true },
      headersToUpstreamOnAllow: ['x-user'],
      headersToDownstreamOnDeny: ['*-reason'],
      headersToDownstreamOnAllow: ['x-authz-*'],
    }),
    ExtensionProvider.envoyExtAuthzGrpc('ext-authz-grpc', {
      service: 'foo/ext-authz.example.com', port: 9000, failOpen: true, includeRequestBodyInCheck: { maxRequestBytes: 1024, packAsBytes: true },
    }),
  ];
}

describe('MeshConfig', () => {
  test('the istiod values fragment: every provider kind, default providers, trust domain, root namespace (snapshot)', () => {
    const app = Testing.app();
    const config = new MeshConfig(app, 'mesh-config', {
      extensionProviders: everyProvider(),
      defaultProviders: { tracing: ['otel'], accessLogging: ['json-stdout', 'envoy'], metrics: ['prometheus'] },
      trustDomain: 'example.org',
      rootNamespace: 'istio-system',
    });
    const yaml = config.toValuesYaml();
    expect(yaml).toMatchSnapshot();
    // It parses as YAML, and is exactly the values.
    expect(YAML.parse(yaml)).toEqual(config.toValues());
    expect(config.toValues().meshConfig).toMatchObject({
      defaultProviders: { tracing: ['otel'], accessLogging: ['json-stdout', 'envoy'], metrics: ['prometheus'] },
      trustDomain: 'example.org',
      rootNamespace: 'istio-system',
    });
    expect(config.toValues().meshConfig.extensionProviders.map((p: any) => p.name)).toEqual(
      ['datadog', 'ext-authz-grpc', 'ext-authz-http', 'json-stdout', 'otel', 'otel-logs', 'skywalking', 'zipkin']);
  });

  test('the wire form of each provider kind', () => {
    const providers = Object.fromEntries(everyProvider().map((p) => [p.name, p._wire]));
    expect(providers.otel).toEqual({
      name: 'otel',
      opentelemetry: {
        service: SERVICE,
        port: 4318,
        maxTagLength: 512,
        http: { path: '/v1/traces', timeout: '5s', headers: [{ name: 'authorization', value: 'Bearer t' }, { name: 'x-api-key', value: 'secret' }] },
        resourceDetectors: { environment: {} },
      },
    });
    expect(providers['json-stdout']).toEqual({
      name: 'json-stdout', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: { path: '%REQ(:PATH)%', status: '%RESPONSE_CODE%' } } },
    });
    expect(providers['otel-logs']).toEqual({
      name: 'otel-logs',
      envoyOtelAls: { service: SERVICE, port: 4317, logName: 'mesh', logFormat: { text: '%REQ(:METHOD)% %RESPONSE_CODE%', labels: { 'k8s.ns': '%ENVIRONMENT(POD_NAMESPACE)%' } } },
    });
    expect(providers['ext-authz-http'].envoyExtAuthzHttp).toMatchObject({ timeout: '0.5s', statusOnError: '503', includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true } });
    expect(providers['ext-authz-grpc']).toEqual({
      name: 'ext-authz-grpc',
      envoyExtAuthzGrpc: { service: 'foo/ext-authz.example.com', port: 9000, failOpen: true, includeRequestBodyInCheck: { maxRequestBytes: 1024, packAsBytes: true } },
    });
    expect(everyProvider().map((p) => p.kind)).toEqual(Object.values(ExtensionProviderKind));
  });

  test('deterministic: the same configuration declared in another order gives the same file', () => {
    const a = new MeshConfig(Testing.app(), 'm', { extensionProviders: everyProvider() }).toValuesYaml();
    const b = new MeshConfig(Testing.app(), 'm', { extensionProviders: everyProvider().reverse() }).toValuesYaml();
    expect(b).toEqual(a);
  });

  test('app.synth() writes the values beside the manifests; a chart\'s synth does not', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-config-'));
    const app = new App({ outdir });
    const config = new MeshConfig(app, 'mesh-config', { extensionProviders: [ExtensionProvider.openTelemetry('otel', { service: SERVICE, port: 4317 })] });
    const chart = new Chart(app, 'tracing');
    new Telemetry(chart, 't', { target: PolicyTarget.mesh(), tracing: [{ providers: ['otel'] }] });
    Testing.synth(chart);
    expect(fs.existsSync(path.join(outdir, 'istiod-values.yaml'))).toBe(false);
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(['istiod-values.yaml', 'tracing.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'istiod-values.yaml'), 'utf8')).toEqual(config.toValuesYaml());
  });

  test('an empty MeshConfig writes an empty fragment; trust domain and root namespace default to Istio\'s', () => {
    const config = new MeshConfig(Testing.app(), 'm');
    expect(config.toValues()).toEqual({ meshConfig: {} });
    expect([config.trustDomain, config.rootNamespace, config.valuesFile]).toEqual(['cluster.local', 'istio-system', 'istiod-values.yaml']);
  });

  test('MeshConfig.of finds the app\'s MeshConfig from any construct', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    expect(MeshConfig.of(chart)).toBeUndefined();
    const config = new MeshConfig(chart, 'mesh-config');
    expect(MeshConfig.of(app)).toBe(config);
  });

  test('CUSTOM AuthorizationPolicy: the provider resolves against the ext-authz providers', () => {
    const chart = newChart();
    new MeshConfig(chart, 'mesh-config', { extensionProviders: [ExtensionProvider.envoyExtAuthzHttp('ext-authz', { service: 'ext-authz.foo.svc.cluster.local', port: 8000 })] });
    new AuthorizationPolicy(chart, 'p', {
      target: PolicyTarget.selector('foo', { app: 'httpbin' }), action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ to: [{ paths: ['/headers'] }] }],
    });
    expect(synth(chart).find((m) => m.kind === 'AuthorizationPolicy').spec.provider).toEqual({ name: 'ext-authz' });
  });

  describe('fails', () => {
    test('a second MeshConfig in one app', () => {
      const app = Testing.app();
      new MeshConfig(app, 'mesh-config');
      expect(() => new MeshConfig(new Chart(app, 'c'), 'other')).toThrow(
        "c/other: id must not declare a second MeshConfig in one app, but 'mesh-config' is the app's MeshConfig, got 'other'. "
        + 'Add to that one instead, e.g. MeshConfig.of(app)!.addExtensionProvider(...): istiod reads one mesh configuration.');
    });

    test('a provider name defined twice', () => {
      const config = new MeshConfig(Testing.app(), 'm', { extensionProviders: [ExtensionProvider.zipkin('tracer', { service: 'zipkin.tracing.svc.cluster.local', port: 9411 })] });
      expect(() => config.addExtensionProvider(ExtensionProvider.datadog('tracer', { service: 'dd.datadog.svc.cluster.local', port: 8126 }))).toThrow(
        "m: extensionProviders must not define provider 'tracer' twice, got 'datadog'. It is already a zipkin provider; give one of them another name.");
    });

    test('an invalid trust domain', () => {
      expect(() => new MeshConfig(Testing.app(), 'm', { trustDomain: 'Example.org' })).toThrow(
        "m: trustDomain must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase), got 'Example.org'. Use a DNS-like name such as 'cluster.local' or 'example.org'.");
    });

    test('an invalid root namespace', () => {
      expect(() => new MeshConfig(Testing.app(), 'm', { rootNamespace: 'istio.system' })).toThrow(
        "m: rootNamespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'istio.system'. Use the namespace istiod is installed in, usually 'istio-system'.");
    });

    test('a values file name that is not a YAML file name', () => {
      expect(() => new MeshConfig(Testing.app(), 'm', { valuesFile: 'values/istiod.yaml' })).toThrow(
        "m: valuesFile must be a file name ending in .yaml (not .k8s.yaml, the manifests' suffix), got 'values/istiod.yaml'. Use a name such as 'istiod-values.yaml'; it is written into the app's output directory.");
    });

    test('a values file another construct of the app writes too', () => {
      // Given a MeshConfig writing values.yaml
      const chart = newChart();
      new MeshConfig(chart, 'mesh', { valuesFile: 'values.yaml' });
      // When istio-csr's values are given the same file, the second producer fails, naming the first
      expect(() => new MeshCa(chart, 'ca', { mode: MeshCaMode.ISTIO_CSR, istioCsr: { valuesFile: 'values.yaml' } })).toThrow(
        "test/ca: istioCsr.valuesFile must differ from the values file of 'test/mesh', got 'values.yaml'. "
        + 'Give one of them another file name; both are written into the same output directory.');
    });

    test('two clusters whose MeshConfigs write one values file', () => {
      const app = Testing.app();
      new MeshCluster(app, 'cluster-a', { meshConfig: { valuesFile: 'istiod-values.yaml' } }).meshConfig;
      const b = new MeshCluster(app, 'cluster-b', { meshConfig: { valuesFile: 'istiod-values.yaml' } });
      expect(() => b.meshConfig).toThrow(
        "cluster-b: meshConfig.valuesFile must differ from the values file of 'cluster-a/mesh-config', got 'istiod-values.yaml'. "
        + 'Give one of them another file name; both are written into the same output directory.');
    });

    test('a MeshConfig outside every MeshCluster of an app of MeshClusters (at synth)', () => {
      // Given a MeshConfig at the app root, and clusters created after it
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-config-'));
      const app = new App({ outdir });
      new MeshConfig(app, 'mesh-config');
      new MeshCluster(app, 'cluster-a');
      new MeshCluster(app, 'cluster-b');
      // Then synth fails at the MeshConfig, which configures none of the clusters, and writes no values file
      expect(() => app.synth()).toThrow(
        "mesh-config: scope must be the MeshCluster it configures (or a construct inside it): this app has MeshClusters ('cluster-a', 'cluster-b'), "
        + "and each cluster's istiod reads the values of its own MeshConfig only, got '<app>'. "
        + "Create it inside the cluster, e.g. new MeshConfig(cluster, 'mesh-config', ...), or give its settings to that MeshCluster's meshConfig prop.");
      expect(fs.existsSync(path.join(outdir, 'istiod-values.yaml'))).toBe(false);
    });

    test('a MeshConfig in a plain chart beside MeshClusters (at synth)', () => {
      const app = Testing.app();
      const shared = new Chart(app, 'shared');
      new MeshConfig(shared, 'mesh-config');
      new MeshCluster(app, 'cluster-a');
      expect(() => synth(shared)).toThrow(
        "shared/mesh-config: scope must be the MeshCluster it configures (or a construct inside it): this app has MeshClusters ('cluster-a'), "
        + "and each cluster's istiod reads the values of its own MeshConfig only, got 'shared'.");
    });

    test('a MeshConfig inside a construct of a MeshCluster is that cluster\'s', () => {
      const app = Testing.app();
      const cluster = new MeshCluster(app, 'cluster-a');
      const config = new MeshConfig(new Construct(cluster, 'platform'), 'mesh-config');
      expect(cluster.meshConfig).toBe(config);
      expect(() => synth(cluster)).not.toThrow();
    });

    test('an empty default provider name', () => {
      expect(() => new MeshConfig(Testing.app(), 'm', { defaultProviders: { tracing: [''] } })).toThrow(
        "m: defaultProviders.tracing[0] must not be empty, got ''. Name a provider, e.g. ExtensionProvider.openTelemetry(...).name.");
    });

    test('a default provider that is not defined, or of the wrong kind (at synth)', () => {
      const chart = newChart();
      new MeshConfig(chart, 'm', { defaultProviders: { tracing: ['otel'], accessLogging: ['prometheus'] } });
      expect(() => Testing.synth(chart)).toThrow(
        "test/m: defaultProviders.tracing[0] must name an extension provider of this MeshConfig's extensionProviders or a built-in one, got 'otel'. "
        + "Known providers: 'envoy' (built-in envoyFileAccessLog), 'prometheus' (built-in prometheus), 'stackdriver' (built-in stackdriver). Add 'otel' with addExtensionProvider, or name a known provider.");
      expect(() => Testing.synth(chart)).toThrow(
        "test/m: defaultProviders.accessLogging[0] must name an access-logging provider, but 'prometheus' is the built-in provider of kind prometheus, got 'prometheus'. "
        + "Access-logging providers known: 'envoy', 'stackdriver'. Add 'prometheus' with addExtensionProvider, or name a known provider.");
    });

    test('a CUSTOM AuthorizationPolicy naming a provider the MeshConfig does not define', () => {
      const chart = newChart();
      new MeshConfig(chart, 'mesh-config', { extensionProviders: [ExtensionProvider.openTelemetry('otel', { service: SERVICE, port: 4317 })] });
      new AuthorizationPolicy(chart, 'p', {
        target: PolicyTarget.selector('foo', { app: 'httpbin' }), action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [{ paths: ['/admin'] }] }],
      });
      expect(() => Testing.synth(chart)).toThrow(
        "test/p: provider must name an extension provider of the app's MeshConfig or a built-in one, got 'opa'. "
        + "Known providers: 'envoy' (built-in envoyFileAccessLog), 'otel' (opentelemetry), 'prometheus' (built-in prometheus), 'stackdriver' (built-in stackdriver). "
        + "Define 'opa' in MeshConfig 'test/mesh-config' (addExtensionProvider), or name a known provider.");
    });

    test('a CUSTOM AuthorizationPolicy naming a provider that is not an ext-authz one', () => {
      const chart = newChart();
      new AuthorizationPolicy(chart, 'p', {
        target: PolicyTarget.selector('foo', { app: 'httpbin' }), action: AuthorizationAction.CUSTOM, provider: 'envoy', rules: [{ to: [{ paths: ['/admin'] }] }],
      });
      expect(() => Testing.synth(chart)).toThrow(
        "test/p: provider must name an ext-authz provider (envoyExtAuthzHttp or envoyExtAuthzGrpc), but 'envoy' is the built-in provider of kind envoyFileAccessLog, got 'envoy'. "
        + "Ext-authz providers known: none. This app declares no MeshConfig: define the provider in one, e.g. new MeshConfig(app, 'mesh-config', "
        + "{ extensionProviders: [ExtensionProvider.envoyExtAuthzHttp('envoy', { service: ..., port: ... })] }).");
    });
  });
});

describe('ExtensionProvider fails', () => {
  const otel = (options: Partial<Parameters<typeof ExtensionProvider.openTelemetry>[1]>, name = 'otel') =>
    ExtensionProvider.openTelemetry(name, { service: SERVICE, port: 4317, ...options });

  test('an invalid name', () => {
    expect(() => otel({}, 'my otel')).toThrow(
      "ExtensionProvider.openTelemetry('my otel', ...): name must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got 'my otel'. "
      + "Name the provider as Telemetry and AuthorizationPolicy objects will, e.g. 'otel' or 'ext-authz'.");
  });

  test('a short service name', () => {
    expect(() => otel({ service: 'otel-collector' })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): service must be a fully-qualified name (short names such as 'reviews' are not allowed here), got 'otel-collector'. "
      + "Use the service's fully-qualified host, e.g. 'otel-collector.observability.svc.cluster.local' (MeshService.fromName(...).host).");
  });

  test('a service host without the cluster domain', () => {
    expect(() => otel({ service: 'otel-collector.observability.svc' })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): service must be fully qualified with the cluster domain (Istio looks the host up as written), got 'otel-collector.observability.svc'.");
  });

  test('a service with an invalid namespace prefix', () => {
    expect(() => otel({ service: 'Obs/otel.example.com' })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): service has an invalid namespace 'Obs' (a DNS label), got 'Obs/otel.example.com'.");
  });

  test('a port out of range', () => {
    expect(() => otel({ port: 70000 })).toThrow("ExtensionProvider.openTelemetry('otel', ...): port must be a whole number from 1 to 65535, got 70000. Use the service port number, e.g. 4317.");
  });

  test('maxTagLength of 0', () => {
    expect(() => otel({ maxTagLength: 0 })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): maxTagLength must be a whole number from 1 to 4294967295 (the largest uint32), got 0. A number of characters, e.g. 256; leave it out for the default.");
  });

  test('an OTLP HTTP path without a leading slash', () => {
    expect(() => otel({ http: { path: 'v1/traces' } })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): http.path must start with '/', got 'v1/traces'. Use the collector's OTLP traces path, e.g. '/v1/traces'.");
  });

  test('an OTLP HTTP header with an invalid name', () => {
    expect(() => otel({ http: { path: '/v1/traces', headers: { 'x api key': 'k' } } })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): http.headers key must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got 'x api key'. Header names are tokens such as 'x-api-key'.");
  });

  test('an OTLP HTTP timeout below 1ms', () => {
    expect(() => otel({ http: { path: '/v1/traces', timeout: Duration.millis(0) } })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): http.timeout must be at least 1ms, got '0ms'.");
  });

  test('an unknown resource detector', () => {
    expect(() => otel({ resourceDetectors: ['host' as OpenTelemetryResourceDetector] })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): resourceDetectors[0] must be one of environment, dynatrace, got 'host'. Use OpenTelemetryResourceDetector, e.g. OpenTelemetryResourceDetector.ENVIRONMENT.");
  });

  test('an empty SkyWalking access token', () => {
    expect(() => ExtensionProvider.skyWalking('sw', { service: 'sw.tracing.svc.cluster.local', port: 11800, accessToken: '' })).toThrow(
      "ExtensionProvider.skyWalking('sw', ...): accessToken must not be empty, got ''. Give the SkyWalking OAP access token, or leave accessToken out.");
  });

  test('a file access log with both text and JSON formats', () => {
    expect(() => ExtensionProvider.envoyFileAccessLog('log', { textFormat: '%RESPONSE_CODE%', jsonFormat: { code: '%RESPONSE_CODE%' } })).toThrow(
      "ExtensionProvider.envoyFileAccessLog('log', ...): jsonFormat cannot be combined with textFormat, got {\"code\":\"%RESPONSE_CODE%\"}. A log format is either text or JSON; keep one of them.");
  });

  test('a relative access log path', () => {
    expect(() => ExtensionProvider.envoyFileAccessLog('log', { path: 'access.log' })).toThrow(
      "ExtensionProvider.envoyFileAccessLog('log', ...): path must be an absolute path (starting with '/'), got 'access.log'. Use '/dev/stdout', '/dev/stderr' or an absolute path in the proxy container.");
  });

  test('an empty JSON format', () => {
    expect(() => ExtensionProvider.envoyFileAccessLog('log', { jsonFormat: {} })).toThrow(
      "ExtensionProvider.envoyFileAccessLog('log', ...): jsonFormat must have at least one field, got []. Give fields such as { status: '%RESPONSE_CODE%' }.");
  });

  test('an empty text format', () => {
    expect(() => ExtensionProvider.envoyOtelAccessLog('otel-logs', { service: SERVICE, port: 4317, textFormat: '' })).toThrow(
      "ExtensionProvider.envoyOtelAccessLog('otel-logs', ...): textFormat must not be empty, got ''. Give a format with Envoy command operators, or leave textFormat out.");
  });

  test('an empty OTel log name', () => {
    expect(() => ExtensionProvider.envoyOtelAccessLog('otel-logs', { service: SERVICE, port: 4317, logName: '' })).toThrow(
      "ExtensionProvider.envoyOtelAccessLog('otel-logs', ...): logName must not be empty, got ''. Give a log name such as 'otel_envoy_accesslog', or leave logName out.");
  });

  const authz = { service: 'ext-authz.foo.svc.cluster.local', port: 8000 };

  test('a status on error that is not an HTTP status', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, statusOnError: 42 })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): statusOnError must be a whole number from 100 to 599, got 42. Use an HTTP status code, e.g. 503.");
  });

  test('a path prefix without a leading slash', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, pathPrefix: 'check' })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): pathPrefix must start with '/', got 'check'. Use a path such as '/check'.");
  });

  test('a header pattern with wildcards at both ends', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, includeRequestHeadersInCheck: ['*auth*'] })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): includeRequestHeadersInCheck must use '*' at one end only (exact, 'prefix*' or '*suffix'), got '*auth*'. Use header names such as 'x-user', 'x-auth-*' or '*-token'.");
  });

  test('a lone wildcard header pattern', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, headersToUpstreamOnAllow: ['*'] })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): headersToUpstreamOnAllow must not be '*' alone (name the headers), got '*'.");
  });

  test('an empty header pattern list', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, headersToDownstreamOnDeny: [] })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): headersToDownstreamOnDeny must not be an empty list, got []. Leave the field out instead.");
  });

  test('an additional header with an empty value', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, includeAdditionalHeadersInCheck: { 'x-origin': '' } })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): includeAdditionalHeadersInCheck['x-origin'] must not be empty, got ''. Header values are non-empty single lines.");
  });

  test('a header pattern that is not a header name', () => {
    expect(() => ExtensionProvider.envoyExtAuthzHttp('x', { ...authz, includeRequestHeadersInCheck: ['x user*'] })).toThrow(
      "ExtensionProvider.envoyExtAuthzHttp('x', ...): includeRequestHeadersInCheck must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got 'x user*'.");
  });

  test('an empty OTLP header value', () => {
    expect(() => otel({ http: { path: '/v1/traces', headers: { 'x-api-key': '' } } })).toThrow(
      "ExtensionProvider.openTelemetry('otel', ...): http.headers['x-api-key'] must not be empty, got ''. Header values are non-empty single lines.");
  });

  test('an empty text format of a file access log', () => {
    expect(() => ExtensionProvider.envoyFileAccessLog('log', { textFormat: '' })).toThrow(
      "ExtensionProvider.envoyFileAccessLog('log', ...): textFormat must not be empty, got ''. Give a format such as '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%', or leave textFormat out.");
  });

  test('an empty JSON format field', () => {
    expect(() => ExtensionProvider.envoyFileAccessLog('log', { jsonFormat: { status: '' } })).toThrow(
      "ExtensionProvider.envoyFileAccessLog('log', ...): jsonFormat['status'] must not be empty, got ''. Give an Envoy command operator such as '%RESPONSE_CODE%'.");
  });

  test('a request body limit of 0', () => {
    expect(() => ExtensionProvider.envoyExtAuthzGrpc('x', { ...authz, includeRequestBodyInCheck: { maxRequestBytes: 0 } })).toThrow(
      "ExtensionProvider.envoyExtAuthzGrpc('x', ...): includeRequestBodyInCheck.maxRequestBytes must be a whole number from 1 to 4294967295 (the largest uint32), got 0. The most body bytes to hold for the check, e.g. 8192.");
  });

  test('an ext-authz timeout with sub-millisecond parts', () => {
    expect(() => ExtensionProvider.envoyExtAuthzGrpc('x', { ...authz, timeout: Duration.millis(1.5) })).toThrow(
      "ExtensionProvider.envoyExtAuthzGrpc('x', ...): timeout must be a whole number of milliseconds, got '1.5ms'.");
  });
});
