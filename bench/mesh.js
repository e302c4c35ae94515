// The benchmark mesh: N services, ~50 per namespace, built three ways.
//   constructs: our constructs (what a cdk8s-istio user writes)
//   raw:        the identical manifests as raw cdk8s ApiObjects (what a hand-writing cdk8s user writes)
// Both must synthesize byte-identical YAML.
'use strict';
const { ApiObject, Chart, Duration } = require('cdk8s');

const SERVICES_PER_NAMESPACE = 50;
const PORT = 8080;
/** The DestinationRule traffic policy of CircuitBreakerPreset.BALANCED, as the raw variants write it. */
const BALANCED_BREAKER_POLICY = {
  connectionPool: {
    tcp: { maxConnections: 1000, connectTimeout: '5s' },
    http: { http1MaxPendingRequests: 1000, http2MaxRequests: 1000 },
  },
  outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
};

function namespaceOf(i) {
  return `mesh-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
}

/**
 * One chart for the whole mesh. cdk8s' App.synth re-validates the whole app once per chart
 * (O(charts x constructs)), so a chart per namespace makes both variants quadratic in N; see
 * docs/performance.md.
 */
function meshChart(app) {
  return new Chart(app, 'mesh');
}

function namespaces(n) {
  const result = [];
  for (let i = 0; i < n; i += SERVICES_PER_NAMESPACE) result.push(namespaceOf(i));
  return result;
}

/** `retries: false` leaves the retries out (for the Gateway API variant). */
function constructsMesh(app, n, lib, { retries = true } = {}) {
  const chart = meshChart(app);
  for (const namespace of namespaces(n)) {
    new lib.MtlsNamespace(chart, namespace, { name: namespace });
  }
  for (let i = 0; i < n; i++) {
    const namespace = namespaceOf(i);
    const service = lib.MeshService.fromName(`svc-${i}`, namespace, { port: PORT });
    new lib.CanaryRelease(chart, `svc-${i}-release`, {
      service,
      versions: [lib.ReleaseVersion.fromLabels('v1'), lib.ReleaseVersion.fromLabels('v2')],
      canaryWeight: 10,
      matchRoutes: [{ matches: [{ headers: { 'x-canary': lib.StringMatch.exact('true') } }], version: 'v2' }],
      timeout: Duration.seconds(10),
      ...(retries ? { retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [lib.RetryOn.GATEWAY_ERROR, lib.RetryOn.CONNECT_FAILURE] } } : {}),
    });
    new lib.CircuitBreaker(chart, `svc-${i}-breaker`, { service, preset: lib.CircuitBreakerPreset.BALANCED });
    lib.AuthorizationPolicy.allowOnlyFrom(chart, `svc-${i}-allow`, { target: lib.PolicyTarget.selector(namespace, { app: `svc-${i}` }) },
      [lib.WorkloadIdentity.fromName(`client-${i}`, namespace)]);
  }
}

/**
 * The raw variants' chart: the namespaces' security objects, then `serviceObjects` for each
 * service, then the services' security objects (the order our constructs synthesize in).
 */
function rawMeshChart(app, n, security, serviceObjects) {
  const chart = meshChart(app);
  for (const namespace of namespaces(n)) {
    if (security) security.namespaceObjects(chart, namespace);
  }
  for (let i = 0; i < n; i++) serviceObjects(chart, i, namespaceOf(i), `svc-${i}`);
  if (security) {
    for (let i = 0; i < n; i++) {
      security.serviceObjects(chart, `svc-${i}`, namespaceOf(i), `client-${i}`);
    }
  }
}

function rawMesh(app, n, security) {
  rawMeshChart(app, n, security, (chart, i, namespace, name) => {
    const host = `${name}.${namespace}.svc.cluster.local`;
    const destination = (subset) => ({ host, port: { number: PORT }, subset });
    new ApiObject(chart, `dr-${i}`, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name, namespace },
      spec: {
        host,
        subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
        trafficPolicy: BALANCED_BREAKER_POLICY,
      },
    });
    const policy = { timeout: '10s', retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' } };
    new ApiObject(chart, `vs-${i}`, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace },
      spec: {
        hosts: [host],
        http: [
          { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: destination('v2') }], ...policy },
          { route: [{ destination: destination('v1'), weight: 90 }, { destination: destination('v2'), weight: 10 }], ...policy },
        ],
      },
    });
  });
}

/**
 * The Gateway API variant: the same mesh (canary 90/10 with a header match and a timeout, a
 * circuit breaker, an ALLOW policy per service) rendered through the Gateway API (no retries:
 * HTTPRoute `retry` is experimental-channel only).
 */
function constructsMeshGatewayApi(app, n, lib) {
  new lib.RoutingDefaults(app, 'routing', { api: lib.RoutingApi.GATEWAY_API });
  constructsMesh(app, n, lib, { retries: false });
}

/** The manifests of constructsMeshGatewayApi, as raw ApiObjects in the same order. */
function rawMeshGatewayApi(app, n, security) {
  rawMeshChart(app, n, security, (chart, i, namespace, name) => {
    new ApiObject(chart, `route-${i}`, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name, port: PORT }],
        rules: [
          {
            matches: [{ headers: [{ name: 'x-canary', type: 'Exact', value: 'true' }] }],
            timeouts: { request: '10s' },
            backendRefs: [{ name: `${name}-v2`, port: PORT }],
          },
          {
            timeouts: { request: '10s' },
            backendRefs: [{ name: `${name}-v1`, port: PORT, weight: 90 }, { name: `${name}-v2`, port: PORT, weight: 10 }],
          },
        ],
      },
    });
    // One Service per version (the match route reaches v2 first), then the DestinationRules.
    for (const version of ['v2', 'v1']) {
      new ApiObject(chart, `svc-${i}-${version}`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${name}-${version}`, namespace },
        spec: { ports: [{ name: 'http', port: PORT }], selector: { app: name, version } },
      });
    }
    for (const host of [name, `${name}-v2`, `${name}-v1`]) {
      new ApiObject(chart, `dr-${host}`, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: host, namespace },
        spec: { host: `${host}.${namespace}.svc.cluster.local`, trafficPolicy: BALANCED_BREAKER_POLICY },
      });
    }
  });
}

module.exports = { constructsMesh, rawMesh, constructsMeshGatewayApi, rawMeshGatewayApi, SERVICES_PER_NAMESPACE, namespaces };
