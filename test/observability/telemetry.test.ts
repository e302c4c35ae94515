import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BuiltInProvider, CustomTag, Dataplane, ExtensionProvider, IstioMetric, MeshConfig, MeshWarnings, MtlsNamespace, PolicyTarget, TagOverride,
  Telemetry, TelemetryProps, WorkloadMode,
} from '../../src';
import { findAll, findOne, newChart, synth } from '../helpers';

beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const otel = () => ExtensionProvider.openTelemetry('otel', { service: 'otel-collector.observability.svc.cluster.local', port: 4317 });

/** A chart whose app declares the `otel` tracing provider. */
function chartWithOtel(namespace?: string) {
  const chart = newChart({ namespace });
  new MeshConfig(chart, 'mesh-config', { extensionProviders: [otel()] });
  return chart;
}

/** Expects construction to fail with exactly this message. */
function fails(props: Partial<TelemetryProps>, message: string): void {
  const chart = newChart();
  expect(() => new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), ...props })).toThrow(message);
}

/** Expects synth to fail with this validation message. */
function failsAtSynth(build: (chart: ReturnType<typeof newChart>) => void, message: string): void {
  const chart = newChart();
  build(chart);
  expect(() => Testing.synth(chart)).toThrow(message);
}

describe('Telemetry', () => {
  test('defaults: a namespace-wide Telemetry without selector', () => {
    const chart = chartWithOtel();
    new Telemetry(chart, 'shop-tracing', { target: PolicyTarget.namespace('shop'), tracing: [{ providers: ['otel'], randomSamplingPercentage: 10 }] });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'Telemetry', 'shop-tracing', 'shop').spec).toEqual({
      tracing: [{ providers: [{ name: 'otel' }], randomSamplingPercentage: 10 }],
    });
  });

  test('mesh scope: the root namespace, no selector', () => {
    const chart = newChart();
    new Telemetry(chart, 'mesh-default', { target: PolicyTarget.mesh(), accessLogging: [{ providers: ['envoy'] }] });
    const telemetry = findOne(synth(chart), 'Telemetry', 'mesh-default', 'istio-system');
    expect(telemetry.spec).toEqual({ accessLogging: [{ providers: [{ name: 'envoy' }] }] });
  });

  test('every tracing, access-logging and metrics field renders in wire format', () => {
    const chart = chartWithOtel();
    new Telemetry(chart, 'full', {
      target: PolicyTarget.selector('shop', { app: 'checkout' }),
      name: 'checkout-telemetry',
      tracing: [{
        providers: ['otel'],
        randomSamplingPercentage: 0.25,
        disableSpanReporting: false,
        disableContextPropagation: true,
        useRequestIdForTraceSampling: true,
        enableIstioTags: false,
        customTags: {
          env: CustomTag.literal('prod'),
          user: CustomTag.header('x-user', 'anonymous'),
          cluster: CustomTag.environment('ISTIO_META_CLUSTER_ID', 'unknown'),
          path: CustomTag.formatter('%REQ(:path)%'),
        },
        mode: WorkloadMode.SERVER,
      }],
      accessLogging: [{ providers: [BuiltInProvider.ENVOY], filter: "response.code >= 400 && request.headers['x-debug'] == 'on'", disabled: false, mode: WorkloadMode.CLIENT }],
      metrics: [{
        providers: [BuiltInProvider.PROMETHEUS],
        overrides: [
          { metric: IstioMetric.ALL_METRICS, mode: WorkloadMode.CLIENT, disabled: true },
          { metric: IstioMetric.REQUEST_COUNT, tagOverrides: { response_code: TagOverride.remove(), request_host: TagOverride.upsert('request.host') } },
          { customMetric: 'istio_custom_total', disabled: false },
        ],
        reportingInterval: Duration.seconds(15),
      }],
    });
    expect(findOne(synth(chart), 'Telemetry', 'checkout-telemetry', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'checkout' } },
      tracing: [{
        providers: [{ name: 'otel' }],
        randomSamplingPercentage: 0.25,
        disableSpanReporting: false,
        disableContextPropagation: true,
        useRequestIdForTraceSampling: true,
        enableIstioTags: false,
        customTags: {
          cluster: { environment: { name: 'ISTIO_META_CLUSTER_ID', defaultValue: 'unknown' } },
          env: { literal: { value: 'prod' } },
          path: { formatter: { value: '%REQ(:path)%' } },
          user: { header: { name: 'x-user', defaultValue: 'anonymous' } },
        },
        match: { mode: 'SERVER' },
      }],
      accessLogging: [{
        providers: [{ name: 'envoy' }],
        filter: { expression: "response.code >= 400 && request.headers['x-debug'] == 'on'" },
        disabled: false,
        match: { mode: 'CLIENT' },
      }],
      metrics: [{
        providers: [{ name: 'prometheus' }],
        overrides: [
          { match: { metric: 'ALL_METRICS', mode: 'CLIENT' }, disabled: true },
          { match: { metric: 'REQUEST_COUNT' }, tagOverrides: { request_host: { operation: 'UPSERT', value: 'request.host' }, response_code: { operation: 'REMOVE' } } },
          { match: { customMetric: 'istio_custom_total' }, disabled: false },
        ],
        reportingInterval: '15s',
      }],
    });
  });

  test('entries added after construction are rendered', () => {
    const chart = chartWithOtel();
    const telemetry = new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop') });
    telemetry.addTracing({ providers: ['otel'] });
    telemetry.addAccessLogging({ filter: 'response.code >= 500' });
    telemetry.addMetrics({ overrides: [{ disabled: true }] });
    expect(findOne(synth(chart), 'Telemetry', 't').spec).toEqual({
      tracing: [{ providers: [{ name: 'otel' }] }],
      accessLogging: [{ filter: { expression: 'response.code >= 500' } }],
      metrics: [{ overrides: [{ disabled: true }] }],
    });
  });

  test('a kplus workload target uses its pod selector', () => {
    const chart = chartWithOtel('shop');
    const checkout = new kplus.Deployment(chart, 'checkout', { containers: [{ image: 'checkout:1', portNumber: 8080 }] });
    checkout.podMetadata.addLabel('app', 'checkout');
    checkout.select(kplus.LabelSelector.of({ labels: { app: 'checkout' } }));
    new Telemetry(chart, 't', { target: PolicyTarget.workload(checkout), tracing: [{ providers: ['otel'], randomSamplingPercentage: 100 }] });
    expect(findOne(synth(chart), 'Telemetry', 't', 'shop').spec.selector.matchLabels).toMatchObject({ app: 'checkout' });
  });

  test('ambient: a service or waypoint target attaches with targetRefs', () => {
    const chart = chartWithOtel();
    new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
    new Telemetry(chart, 'catalog', { target: PolicyTarget.serviceName('catalog', 'shop'), tracing: [{ providers: ['otel'], randomSamplingPercentage: 50 }] });
    new Telemetry(chart, 'shop-defaults', { target: PolicyTarget.namespace('shop'), accessLogging: [{ providers: ['envoy'] }] });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Telemetry', 'catalog').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'catalog' }]);
    // The namespace's selector-less Telemetry sets defaults for its waypoint too.
    expect(findOne(manifests, 'Telemetry', 'shop-defaults').spec).toEqual({ accessLogging: [{ providers: [{ name: 'envoy' }] }] });
  });

  test('escape hatch: the Telemetry object is the construct\'s Resource', () => {
    const chart = chartWithOtel();
    const telemetry = new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ providers: ['otel'] }] });
    ApiObject.of(telemetry).addJsonPatch(JsonPatch.add('/spec/tracing/0/randomSamplingPercentage', 5));
    expect(findOne(synth(chart), 'Telemetry', 't').spec.tracing[0].randomSamplingPercentage).toBe(5);
  });

  test('a tracing entry without provider, with none inherited, is a warning (no spans are reported)', () => {
    const chart = newChart();
    new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ randomSamplingPercentage: 10 }] });
    synth(chart);
    expect(MeshWarnings.of(chart)).toEqual([
      'test/t: tracing[0] names no tracing provider and none is inherited (no MeshConfig defaultProviders.tracing, no mesh or namespace Telemetry '
      + 'of this app names one): Istio has no default tracing provider, so no spans are reported. Name a provider, or set MeshConfig defaultProviders.tracing.',
    ]);
  });

  test('a tracing entry without provider inherits the mesh Telemetry\'s or the default one: no warning', () => {
    const chart = chartWithOtel();
    new Telemetry(chart, 'mesh', { target: PolicyTarget.mesh(), tracing: [{ providers: ['otel'] }] });
    new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ randomSamplingPercentage: 10 }] });
    synth(chart);
    const other = newChart();
    new MeshConfig(other, 'mesh-config', { extensionProviders: [otel()], defaultProviders: { tracing: ['otel'] } });
    new Telemetry(other, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ randomSamplingPercentage: 10 }] });
    synth(other);
    expect([...MeshWarnings.of(chart), ...MeshWarnings.of(other)]).toEqual([]);
  });

  test('the CEL checker is loaded only when a filter is given (require stays cheap)', () => {
    jest.isolateModules(() => {
      let loaded = false;
      jest.doMock('../../src/observability/envoy-expression', () => {
        loaded = true;
        return jest.requireActual('../../src/observability/envoy-expression');
      });
      /* eslint-disable @typescript-eslint/no-require-imports */
      const lib = require('../../src');
      const cdk8s = require('cdk8s');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const chart = new cdk8s.Chart(cdk8s.Testing.app(), 'x');
      new lib.Telemetry(chart, 'no-filter', { target: lib.PolicyTarget.namespace('shop'), accessLogging: [{ providers: ['envoy'] }] });
      expect(loaded).toBe(false);
      new lib.Telemetry(chart, 'filter', { target: lib.PolicyTarget.namespace('other'), accessLogging: [{ providers: ['envoy'], filter: 'response.code >= 400' }] });
      expect(loaded).toBe(true);
    });
  });

  describe('fails', () => {
    test('randomSamplingPercentage above 100', () => {
      fails({ tracing: [{ randomSamplingPercentage: 120 }] },
        'test/t: tracing[0].randomSamplingPercentage must be from 0 to 100, got 120. A percentage of requests, e.g. 10 or 0.5; 100 traces every request.');
    });

    test('randomSamplingPercentage finer than 0.01', () => {
      fails({ tracing: [{ randomSamplingPercentage: 0.005 }] },
        'test/t: tracing[0].randomSamplingPercentage must be a multiple of 0.01 (the finest sampling step), got 0.005. A percentage of requests, e.g. 10 or 0.5; 100 traces every request.');
    });

    test('two tracing providers in one entry', () => {
      fails({ tracing: [{ providers: ['otel', 'zipkin'] }] },
        'test/t: tracing[0].providers must name one provider (Istio uses a single provider per tracing entry), got ["otel","zipkin"]. Add one tracing entry per provider, or keep one.');
    });

    test('an empty providers list', () => {
      fails({ accessLogging: [{ providers: [] }] },
        'test/t: accessLogging[0].providers must not be an empty list, got []. Name a provider, or leave providers out to use the default.');
    });

    test('a provider named twice', () => {
      fails({ accessLogging: [{ providers: ['envoy', 'envoy'] }] },
        'test/t: accessLogging[0].providers must not repeat a provider, got ["envoy","envoy"]. List each provider once.');
    });

    test('a custom tag that is not a CustomTag', () => {
      fails({ tracing: [{ customTags: { env: 'prod' as any } }] },
        "test/t: tracing[0].customTags['env'] must be a CustomTag, got 'prod'. Use CustomTag.literal, CustomTag.header, CustomTag.environment or CustomTag.formatter.");
    });

    // The factories postpone their checks: the call does not throw, the Telemetry using the value does.
    test('an empty literal custom tag', () => {
      const tag = CustomTag.literal('');
      fails({ tracing: [{ customTags: { env: tag } }] },
        "test/t: tracing[0].customTags['env'].value must not be empty, got ''. Give the tag's value, e.g. 'prod'.");
    });

    test('a header custom tag with an invalid header name', () => {
      const tag = CustomTag.header('x user');
      fails({ tracing: [{ customTags: { user: tag } }] },
        "test/t: tracing[0].customTags['user'].name must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got 'x user'. Header names are tokens such as 'x-user'.");
    });

    test('an environment custom tag with an invalid variable name', () => {
      const tag = CustomTag.environment('1CLUSTER');
      fails({ tracing: [{ customTags: { cluster: tag } }] },
        "test/t: tracing[0].customTags['cluster'].name must be an environment variable name (letters, digits and '_', not starting with a digit), got '1CLUSTER'. Use a variable of the proxy's environment, e.g. 'ISTIO_META_CLUSTER_ID'.");
    });

    test('a formatter custom tag without a command operator', () => {
      const tag = CustomTag.formatter('path');
      fails({ tracing: [{ customTags: { path: tag } }] },
        "test/t: tracing[0].customTags['path'].value must contain an Envoy command operator such as %REQ(:path)%, got 'path'. Use an Envoy command operator such as '%REQ(:path)%' or '%UPSTREAM_CLUSTER%'.");
    });

    test('a bad custom tag added later fails addTracing, naming the entry it is in', () => {
      const telemetry = new Telemetry(newChart(), 't', { target: PolicyTarget.namespace('shop'), tracing: [{ customTags: { env: CustomTag.literal('prod') } }] });
      expect(() => telemetry.addTracing({ customTags: { env: CustomTag.literal('prod'), user: CustomTag.header('x user') } })).toThrow(
        "test/t: tracing[1].customTags['user'].name must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got 'x user'. Header names are tokens such as 'x-user'.");
    });

    test('UPSERT needs a value', () => {
      const override = TagOverride.upsert('');
      fails({ metrics: [{ overrides: [{ tagOverrides: { request_host: override } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides['request_host'].expression must not be empty, got ''. Give a CEL expression over Envoy attributes, e.g. 'request.host'; to drop the tag, use TagOverride.remove().");
    });

    test('an UPSERT given no expression (JavaScript) fails at the Telemetry, not in the CEL checker', () => {
      const override = TagOverride.upsert(undefined as any);
      fails({ metrics: [{ overrides: [{ tagOverrides: { request_host: override } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides['request_host'].expression must not be empty, got nothing. Give a CEL expression over Envoy attributes, e.g. 'request.host'; to drop the tag, use TagOverride.remove().");
    });

    test('REMOVE carries no value', () => {
      const remove = TagOverride.remove();
      expect({ operation: remove.operation, value: remove.value }).toEqual({ operation: 'REMOVE', value: undefined });
    });

    test('a tag that is not a Prometheus label name', () => {
      fails({ metrics: [{ overrides: [{ tagOverrides: { 'request-host': TagOverride.upsert('request.host') } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides key must be a Prometheus label name (letters, digits and '_', not starting with a digit), got 'request-host'. Tags are Prometheus label names such as 'request_host'.");
    });

    test('a reserved tag name', () => {
      fails({ metrics: [{ overrides: [{ tagOverrides: { __name__: TagOverride.remove() } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides key must not start with '__' (reserved for Prometheus' internal labels), got '__name__'. Tags are Prometheus label names such as 'request_host'.");
    });

    test('a custom tag left undefined (JavaScript)', () => {
      fails({ tracing: [{ customTags: { env: undefined as any } }] },
        "test/t: tracing[0].customTags['env'] must be a CustomTag, got nothing. Use CustomTag.literal, CustomTag.header, CustomTag.environment or CustomTag.formatter.");
    });

    test('a tag override left undefined (JavaScript)', () => {
      fails({ metrics: [{ overrides: [{ tagOverrides: { request_host: undefined as any } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides['request_host'] must be a TagOverride, got nothing. Use TagOverride.upsert('request.host') or TagOverride.remove().");
    });

    test('a tag override that is not a TagOverride', () => {
      fails({ metrics: [{ overrides: [{ tagOverrides: { request_host: 'request.host' as any } }] }] },
        "test/t: metrics[0].overrides[0].tagOverrides['request_host'] must be a TagOverride, got 'request.host'. Use TagOverride.upsert('request.host') or TagOverride.remove().");
    });

    test('metric and customMetric together', () => {
      fails({ metrics: [{ overrides: [{ metric: IstioMetric.REQUEST_COUNT, customMetric: 'my_metric', disabled: true }] }] },
        "test/t: metrics[0].overrides[0].customMetric cannot be combined with metric, got 'my_metric'. An override matches either a standard metric or a custom one; split it in two.");
    });

    test('an unknown metric', () => {
      fails({ metrics: [{ overrides: [{ metric: 'REQUESTS' as IstioMetric, disabled: true }] }] },
        "test/t: metrics[0].overrides[0].metric must be one of ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES, got 'REQUESTS'. Use IstioMetric, e.g. IstioMetric.ALL_METRICS.");
    });

    test('an unknown mode', () => {
      fails({ accessLogging: [{ mode: 'BOTH' as WorkloadMode }] },
        "test/t: accessLogging[0].mode must be one of CLIENT_AND_SERVER, CLIENT, SERVER, got 'BOTH'. Use WorkloadMode, e.g. WorkloadMode.CLIENT_AND_SERVER.");
    });

    test('an override that changes nothing', () => {
      fails({ metrics: [{ overrides: [{ metric: IstioMetric.REQUEST_COUNT }] }] },
        'test/t: metrics[0].overrides[0] must set disabled or tagOverrides, got {"metric":"REQUEST_COUNT"}. An override that changes nothing is a mistake; say what to change.');
    });

    test('an empty overrides list', () => {
      fails({ metrics: [{ overrides: [] }] }, 'test/t: metrics[0].overrides must not be an empty list, got []. Leave overrides out instead.');
    });

    test('a reporting interval below 1ms', () => {
      fails({ metrics: [{ reportingInterval: Duration.millis(0) }] },
        "test/t: metrics[0].reportingInterval must be at least 1ms, got '0ms'. Istio durations are whole milliseconds, 1ms or more (e.g. Duration.millis(500)).");
    });

    test('a flag that is not a boolean', () => {
      fails({ accessLogging: [{ disabled: 'yes' as any }] }, "test/t: accessLogging[0].disabled must be true or false, got 'yes'. Use a boolean.");
    });

    test('providers that are not a list', () => {
      fails({ metrics: [{ providers: 'prometheus' as any }] },
        "test/t: metrics[0].providers must be a list, got 'prometheus'. Name a provider, or leave providers out to use the default.");
    });

    test('empty customTags', () => {
      fails({ tracing: [{ customTags: {} }] }, 'test/t: tracing[0].customTags must not be empty, got []. Leave customTags out instead.');
    });

    test('an empty custom tag name', () => {
      fails({ tracing: [{ customTags: { '': CustomTag.literal('x') } }] },
        "test/t: tracing[0].customTags key must not be empty, got ''. Tag names are non-empty, e.g. 'environment'.");
    });

    test('empty tagOverrides', () => {
      fails({ metrics: [{ overrides: [{ tagOverrides: {} }] }] }, 'test/t: metrics[0].overrides[0].tagOverrides must not be empty, got []. Leave tagOverrides out instead.');
    });

    test('an empty customMetric', () => {
      fails({ metrics: [{ overrides: [{ customMetric: '', disabled: true }] }] },
        "test/t: metrics[0].overrides[0].customMetric must not be empty, got ''. Name the metric, e.g. 'istio_custom_total'.");
    });

    test('a target that is not a PolicyTarget', () => {
      fails({ target: 'shop' as any },
        "test/t: target must be a PolicyTarget, got 'shop'. Use PolicyTarget.mesh(), PolicyTarget.namespace(...), PolicyTarget.workload(...)...");
    });

    describe('access-log filters (CEL over Envoy attributes)', () => {
      test('an attribute Envoy does not provide', () => {
        fails({ accessLogging: [{ filter: 'response.status >= 400' }] },
          "test/t: accessLogging[0].filter uses 'response.status', which is not an attribute Envoy provides, got 'response.status >= 400'. "
          + 'The response attributes are backend_latency, code, code_details, flags, grpc_status, headers, headers_bytes, size, total_size, trailers.');
      });

      test('a misspelt attribute gets a suggestion', () => {
        fails({ accessLogging: [{ filter: 'respose.code >= 400' }] }, "test/t: accessLogging[0].filter uses 'respose.code', which is not an attribute Envoy provides");
        fails({ accessLogging: [{ filter: "request.methd == 'GET'" }] }, "Did you mean 'request.method'?");
      });

      test('a Mixer-era attribute (source.principal)', () => {
        fails({ accessLogging: [{ filter: "source.principal == 'x'" }] },
          "test/t: accessLogging[0].filter uses 'source.principal', which is not an attribute Envoy provides, got 'source.principal == 'x''. The source attributes are address, port.");
      });

      test('an unknown root', () => {
        fails({ accessLogging: [{ filter: 'destination_service == "reviews"' }] },
          "test/t: accessLogging[0].filter uses 'destination_service', which is not an attribute Envoy provides, got 'destination_service == \"reviews\"'. Envoy provides request.*, response.*, connection.*, source.*, destination.*, upstream.*, xds.*, metadata, filter_state, upstream_filter_state and node (Istio's Mixer attributes such as source.principal no longer exist).");
      });

      test('a field of a scalar attribute', () => {
        fails({ accessLogging: [{ filter: 'request.path.length > 1' }] },
          "test/t: accessLogging[0].filter selects '.length' of 'request.path', which is a string, got 'request.path.length > 1'. Use 'request.path' itself (a string).");
      });

      test('a syntax error', () => {
        fails({ accessLogging: [{ filter: 'response.code >= ' }] },
          "test/t: accessLogging[0].filter must be a valid CEL expression (at 1:15: found > but expecting end of input), got 'response.code >= '. "
          + 'Write a CEL expression over Envoy attributes, e.g. response.code >= 400.');
      });

      test('an empty filter', () => {
        fails({ accessLogging: [{ filter: ' ' }] },
          "test/t: accessLogging[0].filter must not be empty, got ' '. Write a CEL expression over Envoy attributes, e.g. response.code >= 400.");
      });

      test('a filter that is not a bool', () => {
        fails({ accessLogging: [{ filter: 'response.code' }] },
          "test/t: accessLogging[0].filter must give a bool (true: log the request), but gives an int, got 'response.code'. Compare the attribute, e.g. response.code >= 400 rather than response.code.");
      });

      test('a comparison of different types', () => {
        fails({ accessLogging: [{ filter: "response.code >= '400'" }] },
          "test/t: accessLogging[0].filter must compare values of matching types (found no matching overload for '_>=_' applied to '(int, string)'), got 'response.code >= '400''. "
          + "Here response.code is an int. Compare numbers with numbers and strings with strings, e.g. response.code >= 400 or request.method == 'GET'.");
      });

      test('valid filters over every kind of attribute pass', () => {
        const chart = newChart();
        for (const filter of [
          'response.code >= 400',
          "connection.mtls && request.url_path.startsWith('/v1')",
          "request.headers['x-debug'] == 'on' || has(request.headers.x_trace)",
          'request.duration > duration("1s")',
          "xds.cluster_name.startsWith('outbound|')",
          "filter_state['wasm.upstream_peer'] != b''",
          "request.headers.exists(h, h.startsWith('x-b3'))",
          'response.grpc_status != 0 && upstream.request_attempt_count > 1u',
          "node.metadata['NAMESPACE'] == 'shop'",
          'type(response.code) == int',
        ]) {
          new Telemetry(chart, `t${chart.node.children.length}`, { target: PolicyTarget.selector('shop', { app: `a${chart.node.children.length}` }), accessLogging: [{ providers: ['envoy'], filter }] });
        }
        expect(findAll(synth(chart), 'Telemetry')).toHaveLength(10);
      });
    });

    describe('at synth', () => {
      test('a tracing provider the app does not define', () => {
        failsAtSynth((chart) => new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ providers: ['jaeger'] }] }),
          "test/t: tracing[0].providers[0] must name an extension provider of the MeshConfig or a built-in one, got 'jaeger'. "
          + "Known providers: 'envoy' (built-in envoyFileAccessLog), 'prometheus' (built-in prometheus), 'stackdriver' (built-in stackdriver). "
          + "This app declares no MeshConfig: define the provider in one, e.g. new MeshConfig(app, 'mesh-config', "
          + "{ extensionProviders: [ExtensionProvider.openTelemetry('jaeger', { service: ..., port: ... })] }).");
      });

      test('a provider missing from the app\'s MeshConfig', () => {
        failsAtSynth((chart) => {
          new MeshConfig(chart, 'mesh-config', { extensionProviders: [otel()] });
          new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), accessLogging: [{ providers: ['otel-logs'] }] });
        }, "test/t: accessLogging[0].providers[0] must name an extension provider of the app's MeshConfig or a built-in one, got 'otel-logs'. "
          + "Known providers: 'envoy' (built-in envoyFileAccessLog), 'otel' (opentelemetry), 'prometheus' (built-in prometheus), 'stackdriver' (built-in stackdriver). "
          + "Define 'otel-logs' in MeshConfig 'test/mesh-config' (addExtensionProvider), or name a known provider.");
      });

      test('a provider of the wrong kind', () => {
        failsAtSynth((chart) => new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), tracing: [{ providers: ['envoy'] }] }),
          "test/t: tracing[0].providers[0] must name a tracing provider, but 'envoy' is the built-in provider of kind envoyFileAccessLog, got 'envoy'. "
          + "Tracing providers known: 'stackdriver'.");
        failsAtSynth((chart) => {
          new MeshConfig(chart, 'mesh-config', { extensionProviders: [otel()] });
          new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop'), metrics: [{ providers: ['otel'] }] });
        }, "test/t: metrics[0].providers[0] must name a metrics provider, but 'otel' is a provider of kind opentelemetry, got 'otel'. Metrics providers known: 'prometheus', 'stackdriver'.");
      });

      test('a second selector-less Telemetry in a namespace', () => {
        failsAtSynth((chart) => {
          new Telemetry(chart, 'logs', { target: PolicyTarget.namespace('shop'), accessLogging: [{ providers: ['envoy'] }] });
          new Telemetry(chart, 'metrics', { target: PolicyTarget.namespace('shop'), metrics: [{ overrides: [{ disabled: true }] }] });
        }, "test/metrics: target must not make a second selector-less Telemetry in namespace 'shop': 'test/logs' is one already, got 'shop'. "
          + 'Istio applies only one of them (istioctl IST0160); merge the entries into one Telemetry (tracing, accessLogging and metrics can share it).');
      });

      test('a mesh Telemetry and a namespace Telemetry of the root namespace are both selector-less there', () => {
        failsAtSynth((chart) => {
          new Telemetry(chart, 'mesh', { target: PolicyTarget.mesh(), accessLogging: [{ providers: ['envoy'] }] });
          new Telemetry(chart, 'root', { target: PolicyTarget.namespace('istio-system'), accessLogging: [{ providers: ['envoy'] }] });
        }, "test/root: target must not make a second selector-less Telemetry in namespace 'istio-system': 'test/mesh' is one already");
      });

      test('two Telemetries selecting the same workload', () => {
        failsAtSynth((chart) => {
          new Telemetry(chart, 'a', { target: PolicyTarget.selector('shop', { app: 'checkout' }), accessLogging: [{ providers: ['envoy'] }] });
          new Telemetry(chart, 'b', { target: PolicyTarget.selector('shop', { app: 'checkout' }), metrics: [{ overrides: [{ disabled: true }] }] });
        }, "test/b: target must not select what 'test/a' selects (selector app=checkout) in namespace 'shop', got 'shop'. "
          + 'Istio applies one Telemetry per workload or target; merge the entries into one Telemetry.');
      });

      test('a mesh Telemetry outside the MeshConfig\'s root namespace', () => {
        failsAtSynth((chart) => {
          new MeshConfig(chart, 'mesh-config', { rootNamespace: 'istio-config' });
          new Telemetry(chart, 't', { target: PolicyTarget.mesh(), accessLogging: [{ providers: ['envoy'] }] });
        }, "test/t: target must be in the mesh's root namespace 'istio-config' (MeshConfig 'test/mesh-config' rootNamespace), got 'istio-system'. "
          + "Use PolicyTarget.mesh('istio-config'): a selector-less Telemetry elsewhere only applies to its own namespace.");
      });

      test('ambient: a selector target is ignored by waypoints', () => {
        failsAtSynth((chart) => {
          new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
          new Telemetry(chart, 't', { target: PolicyTarget.selector('shop', { app: 'catalog' }), accessLogging: [{ providers: ['envoy'] }] });
        }, "test/t: target selects pods by labels in ambient namespace 'shop', but this policy configures tracing, access logs or metrics, "
          + 'which ztunnel does not apply (waypoints and gateways do, through targetRefs), got \'shop\'.');
      });

      test('a Telemetry without entries', () => {
        failsAtSynth((chart) => new Telemetry(chart, 't', { target: PolicyTarget.namespace('shop') }),
          'test/t: props must configure tracing, accessLogging or metrics, got {}. Add an entry (addTracing, addAccessLogging, addMetrics), or remove the Telemetry.');
      });

      test('a tag value reading an attribute Envoy does not provide', () => {
        failsAtSynth((chart) => new Telemetry(chart, 't', {
          target: PolicyTarget.namespace('shop'),
          metrics: [{ overrides: [{ tagOverrides: { destination_svc: TagOverride.upsert('destination.service.name') } }] }],
        }), "test/t: metrics[0].overrides[0].tagOverrides['destination_svc'] uses 'destination.service', which is not an attribute Envoy provides, got 'destination.service.name'. "
          + 'The destination attributes are address, port.');
      });
    });
  });
});
