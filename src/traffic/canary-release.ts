import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { JWT_CLAIM_PREFIX, RequestMatch, requestCondition } from './http-match';
import { LoadBalancer } from './load-balancer';
import { meshRouteApi } from './mesh-route-api';
import { ReleaseVersion, VERSION_LABEL } from './release-version';
import { CorsPolicy, corsIntent, FaultInjection, HeaderOperations, headerOperationsIntent, RetryPolicy, faultIntent, retryIntent } from './route-policy';
import { uniqueChildId } from '../core/construct-id';
import { checkDuration } from '../core/durations';
import { gatewayHostRule } from '../core/hosts';
import { checkGateway, gatewayRef, IMeshGateway } from '../core/mesh-gateway';
import { MeshService } from '../core/mesh-service';
import { nameForHost } from '../core/naming';
import { percentageRule, portRule, weightRule } from '../core/numbers';
import { objectNamespace } from '../core/object-namespace';
import { Protocol, isHttpProtocol } from '../core/protocol';
import { RoutingApi } from '../core/routing-api';
import { check, describeValue, fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkList, checkObject, checkRequiredInstance } from '../core/value-types';
import { addWarning } from '../core/warnings';
import { CorsIntent, Destination, HeaderOperationsIntent, HttpRouteIntent, RequestCondition, RetryIntent, RouteApi, RouteDestination, RouteTable } from '../model/mesh-model';
import { meshModel, renderedObject } from '../render/model-renderers';

/** A route for requests that match conditions, placed before the release's default route. */
export interface MatchRoute {
  /** The conditions; several entries are alternatives (OR). */
  readonly matches: RequestMatch[];
  /** The version that receives matching requests. @default - split as `weights` */
  readonly version?: string;
  /** Weights per version for matching requests (must sum to 100). @default - all to `version` */
  readonly weights?: Record<string, number>;
  /** Faults injected for matching requests only. @default - none */
  readonly fault?: FaultInjection;
  /** Timeout of matching requests. @default - the release's timeout */
  readonly timeout?: Duration;
  /** Retries of matching requests. @default - the release's retries */
  readonly retries?: RetryPolicy;
  /** Rule name, shown in Envoy stats and access logs. @default - none */
  readonly name?: string;
  /** Changes to the headers of matching requests. @default - the release's requestHeaders */
  readonly requestHeaders?: HeaderOperations;
  /** Changes to the headers of responses to matching requests. @default - the release's responseHeaders */
  readonly responseHeaders?: HeaderOperations;
  /** CORS for matching requests. @default - the release's cors */
  readonly cors?: CorsPolicy;
}

/** Mirrors (shadows) a copy of live traffic to a version; responses of the copy are discarded. */
export interface MirrorOptions {
  /** The version receiving the copy. */
  readonly version: string;
  /** Share of requests copied, in percent. @default 100 */
  readonly percentage?: number;
}

/** Properties of a {@link CanaryRelease}. */
export interface CanaryReleaseProps {
  /** The service being released; its port is the one routed (required for TCP). */
  readonly service: MeshService;
  /** The versions, stable first. Subsets are named after them. */
  readonly versions: ReleaseVersion[];
  /**
   * Share of traffic to the second version (the canary), in percent; the first gets the rest.
   * Only with exactly two versions. Exclusive with `weights`.
   * @default - all traffic to the first version, unless `weights` is set
   */
  readonly canaryWeight?: number;
  /**
   * Weights per version name for an N-way split (bookinfo's v1/v2/v3), summing to 100.
   * Versions left out get no traffic.
   * @default - all traffic to the first version, unless `canaryWeight` is set
   */
  readonly weights?: Record<string, number>;
  /** Routes for matching requests, in order, before the weighted default route. @default - none */
  readonly matchRoutes?: MatchRoute[];
  /** The protocol of the service port: HTTP-family (HTTP routes) or TCP (TCP routes by port). @default Protocol.HTTP */
  readonly protocol?: Protocol;
  /** Faults injected on the default route. @default - none */
  readonly fault?: FaultInjection;
  /** Mirror a copy of the default route's traffic to a version. @default - no mirroring */
  readonly mirror?: MirrorOptions;
  /** Timeout of the default route (and of match routes that set none). @default - Istio's default (none) */
  readonly timeout?: Duration;
  /** Retries of the default route (and of match routes that set none). @default - Istio's default (2 attempts) */
  readonly retries?: RetryPolicy;
  /**
   * Consistent-hash load balancing for session affinity. It holds within a version only: a
   * weighted split still moves a user between versions (you will get a warning).
   * @default - no affinity
   */
  readonly sessionAffinity?: LoadBalancer;
  /** Also route traffic entering through this gateway. @default - mesh traffic only */
  readonly gateway?: IMeshGateway;
  /** The external hosts routed at the gateway; each must be served by it. @default - all of the gateway's hosts */
  readonly gatewayHosts?: string[];
  /** The gateway port matched for TCP routes. @default - the service port */
  readonly gatewayPort?: number;
  /** Route mesh-internal traffic too (set false for gateway-only exposure). @default true */
  readonly meshRouting?: boolean;
  /**
   * The API of the mesh routes: a VirtualService, or an HTTPRoute (GRPCRoute for GRPC) whose
   * parent is the Service. Routes at `gateway` follow the gateway's API.
   * @default - the Gateway API in an ambient namespace with a waypoint, else the app's RoutingDefaults (Istio's APIs)
   */
  readonly api?: RoutingApi;
  /** Changes to the headers of requests (all routes, unless a match route sets its own). @default - none */
  readonly requestHeaders?: HeaderOperations;
  /** Changes to the headers of responses (all routes, unless a match route sets its own). @default - none */
  readonly responseHeaders?: HeaderOperations;
  /** CORS (all routes, unless a match route sets its own). @default - no CORS handling */
  readonly cors?: CorsPolicy;
}

/**
 * Releases a new version of a service gradually: DestinationRule subsets from the versions,
 * weighted routes, routes for matching requests (e.g. `end-user: jason` to v2), fault injection,
 * mirroring, timeouts and retries — for mesh traffic and, optionally, at a gateway.
 *
 * Routes are rendered in a fixed order: match routes as listed, then the weighted default
 * route. The release contributes to the host's one VirtualService and one DestinationRule, so a
 * CircuitBreaker on the same service ends up in the same DestinationRule.
 *
 * @example
 * new CanaryRelease(chart, 'reviews', {
 *   service: MeshService.fromName('reviews', 'bookinfo', { port: 9080 }),
 *   versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
 *   canaryWeight: 10,
 * });
 * @see https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/
 */
export class CanaryRelease extends Construct {
  /** The released service. */
  public readonly service: MeshService;
  /** Version names in order (stable first). */
  public readonly versionNames: string[];
  private readonly tables: RouteTable[];
  private renderedDefaults?: { timeoutInput?: Duration; retriesInput?: RetryPolicy; timeoutMillis?: number; retries?: RetryIntent };
  private readonly destinationOfService: Destination;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    this.service = checkInstance(this, 'service', props.service, MeshService, "Use MeshService.fromName('reviews', 'bookinfo', { port: 9080 }) or MeshService.fromService(service).");
    const versions = checkList(this, 'versions', props.versions ?? []);
    if (versions.length === 0) {
      fail(this, 'versions', 'must list at least one version', versions, "Add ReleaseVersion.fromLabels('v1').");
    }
    versions.forEach((v, i) => {
      checkRequiredInstance(this, `versions[${i}]`, v, ReleaseVersion, "Use ReleaseVersion.fromLabels('v1') or ReleaseVersion.fromDeployment('v1', deployment).");
      v._validate(this, i);
    });
    checkList(this, 'matchRoutes', props.matchRoutes);
    checkList(this, 'gatewayHosts', props.gatewayHosts);
    checkBoolean(this, 'meshRouting', props.meshRouting);
    checkInstance(this, 'sessionAffinity', props.sessionAffinity, LoadBalancer, 'Use LoadBalancer.consistentHashOnCookie(...), consistentHashOnHeader(...) or another LoadBalancer.');
    checkInstance(this, 'api', props.api, RoutingApi, 'Use RoutingApi.ISTIO or RoutingApi.GATEWAY_API.');
    if (props.gateway !== undefined) checkGateway(this, 'gateway', props.gateway);
    for (const field of ['fault', 'mirror', 'retries', 'requestHeaders', 'responseHeaders', 'cors'] as const) checkObject(this, field, props[field]);
    this.versionNames = versions.map((v) => v.name);
    const duplicate = this.versionNames.find((n, i) => this.versionNames.indexOf(n) !== i);
    if (duplicate) fail(this, 'versions', 'must have distinct names', this.versionNames, `'${duplicate}' appears twice.`);

    const protocol = checkEnum(this, 'protocol', props.protocol ?? Protocol.HTTP, Protocol, 'Protocol');
    const http = isHttpProtocol(protocol);
    if (!http && protocol !== Protocol.TCP) {
      fail(this, 'protocol', 'must be HTTP, HTTP2, GRPC, GRPC-WEB or TCP for a release', protocol,
        'TLS services are routed on SNI at a gateway (SecureGateway PASSTHROUGH); use TCP for opaque traffic.');
    }
    if (!http) this.rejectHttpOnlyProps(props);
    const port = this.service.port;
    if (!http && port === undefined) {
      fail(this, 'service.port', 'is required for TCP routes (they match on a port)', port, 'Use MeshService.fromName(name, ns, { port: 9000 }).');
    }

    const meshRouting = props.meshRouting ?? true;
    const meshApi = meshRouting ? meshRouteApi(this, this.service.namespace, props.api) : undefined;
    if (!meshRouting && props.api !== undefined) {
      fail(this, 'api', 'chooses the API of mesh routes, but meshRouting is false', props.api.value, 'Routes at the gateway follow the gateway\'s API; remove api.');
    }
    const gatewayApi = props.gateway ? gatewayApiOf(props.gateway) : undefined;
    // Subsets: one per version, in the service's one DestinationRule (Istio routes), or one
    // Service and DestinationRule per version (Gateway API routes).
    const model = meshModel(this);
    const usesIstio = meshApi?.api === 'istio' || gatewayApi === 'istio';
    const destination = model.destination(this, this.service.host, this.service.namespace, this.service.name, usesIstio);
    destination.service ??= this.service;
    this.destinationOfService = destination;
    for (const [i, version] of versions.entries()) {
      destination.addSubset({ name: version.name, labels: version.labels, owner: this, property: `versions[${i}]` });
      if (version.deployment) this.labelDeployment(version);
    }
    if (props.sessionAffinity) this.applyAffinity(props, destination);

    const split = this.defaultSplit(props);
    const routes = this.httpRoutes(props, split);

    const bindings: Array<{ table: RouteTable; gatewayPort?: number }> = [];
    if (meshApi) {
      bindings.push({
        table: model.routeTable(this, {
          host: this.service.host,
          namespace: this.service.namespace,
          binding: { kind: 'mesh' },
          name: this.service.name,
          property: 'service',
          // Only non-default values: 10,000-service apps keep these keys.
          ...(meshApi.api === 'istio' && props.api === undefined ? {} : { api: meshApi.api, apiReason: meshApi.reason, protocol }),
        }),
      });
    } else if (!props.gateway) {
      fail(this, 'meshRouting', 'can only be false when a gateway is given', false, 'Set gateway, or leave meshRouting on.');
    }
    if (props.gateway) {
      for (const host of this.gatewayHosts(props.gateway, props.gatewayHosts)) {
        bindings.push({ table: gatewayRouteTable(this, props.gateway, host, protocol, props.gatewayHosts ? 'gatewayHosts' : 'gateway'), gatewayPort: props.gatewayPort });
      }
    } else if (props.gatewayHosts || props.gatewayPort) {
      fail(this, props.gatewayHosts ? 'gatewayHosts' : 'gatewayPort', 'needs a gateway', props.gatewayHosts ?? props.gatewayPort,
        'Set gateway to the SecureGateway (or MeshGateway.fromName) that serves these hosts.');
    }

    this.tables = bindings.map((b) => b.table);
    for (const { table, gatewayPort } of bindings) {
      if (http) {
        for (const route of routes) table.addHttp(route);
      } else {
        const matchPort = check(this, 'gatewayPort', gatewayPort ?? port!, portRule, 'Use the port clients connect to.');
        table.addTcp({ owner: this, match: [{ port: matchPort }], route: split, property: 'service' });
      }
    }
    this.renderedDefaults = undefined; // only needed while the routes are built
  }

  /**
   * The VirtualServices carrying this release's routes (mesh first, then one per gateway host),
   * shared with other constructs routing the same hosts. For escape hatches (`addJsonPatch`).
   * Routes rendered through the Gateway API are in `routeObjects`.
   */
  public get virtualServices(): ApiObject[] {
    return this.tables.filter((t) => t.api === 'istio').map(renderedObject);
  }

  /**
   * Every object carrying this release's routes, whichever the API: VirtualServices,
   * HTTPRoutes, GRPCRoutes or TCPRoutes (mesh first, then one per gateway host). For escape hatches.
   */
  public get routeObjects(): ApiObject[] {
    return this.tables.map(renderedObject);
  }

  /** The service's one DestinationRule (subsets and traffic policy). For escape hatches. */
  public get destinationRule(): ApiObject {
    return renderedObject(this.destinationOfService);
  }

  private rejectHttpOnlyProps(props: CanaryReleaseProps): void {
    const httpOnly: Array<keyof CanaryReleaseProps> = ['matchRoutes', 'fault', 'mirror', 'timeout', 'retries', 'requestHeaders', 'responseHeaders', 'cors'];
    for (const key of httpOnly) {
      if (props[key] !== undefined) {
        fail(this, key, 'applies to HTTP routes only, but protocol is TCP', describeValue(props[key]).slice(0, 60),
          'TCP routes can only split by weight; remove this setting or use an HTTP protocol.');
      }
    }
  }

  /** Destinations of the default route: canaryWeight, weights, or all to the first version. */
  private defaultSplit(props: CanaryReleaseProps): RouteDestination[] {
    if (props.canaryWeight !== undefined && props.weights !== undefined) {
      fail(this, 'canaryWeight', 'cannot be combined with weights', props.canaryWeight, 'Use canaryWeight for two versions, weights for more.');
    }
    if (props.canaryWeight !== undefined) {
      if (this.versionNames.length !== 2) {
        fail(this, 'canaryWeight', `needs exactly two versions (stable, canary), but there are ${this.versionNames.length}`, props.canaryWeight,
          'Use weights for an N-way split.');
      }
      const canary = check(this, 'canaryWeight', props.canaryWeight, weightRule, 'Give the canary a whole-number percentage, e.g. 10.');
      return [this.routeTo(this.versionNames[0], 100 - canary), this.routeTo(this.versionNames[1], canary)];
    }
    if (props.weights !== undefined) return this.destinations(props.weights, 'weights');
    return [this.routeTo(this.versionNames[0], 100)];
  }

  /** One destination of this release's service (the version already validated). */
  private routeTo(version: string, weight: number): RouteDestination {
    return { host: this.service.host, subset: version, port: this.service.port, weight };
  }

  private destinations(weights: Record<string, number>, property: string): RouteDestination[] {
    const entries = Object.entries(weights);
    if (entries.length === 0) fail(this, property, 'must give at least one version a weight', weights, `Versions: ${this.versionNames.join(', ')}.`);
    let total = 0;
    for (const [name, weight] of entries) {
      if (!this.versionNames.includes(name)) {
        fail(this, `${property}['${name}']`, `must name a version of this release (${this.versionNames.join(', ')})`, name, 'Add the version to versions, or fix the name.');
      }
      total += check(this, `${property}['${name}']`, weight, weightRule, 'Weights are whole-number percentages from 0 to 100.');
    }
    if (total === 0) fail(this, property, 'must not all be 0 (no version would get traffic)', weights, 'Give at least one version a positive weight.');
    if (total !== 100) fail(this, property, `must sum to 100, but sum to ${total}`, weights, 'Weights are percentages of the traffic: adjust them to add up to 100.');
    // Stable, deterministic order: the order of `versions`.
    return this.versionNames.filter((n) => n in weights).map((n) => this.routeTo(n, weights[n]));
  }

  private httpRoutes(props: CanaryReleaseProps, split: RouteDestination[]): HttpRouteIntent[] {
    const routes: HttpRouteIntent[] = [];
    const defaults: RouteExtras = {
      requestHeaders: props.requestHeaders && headerOperationsIntent(this, 'requestHeaders', props.requestHeaders),
      responseHeaders: props.responseHeaders && headerOperationsIntent(this, 'responseHeaders', props.responseHeaders),
      cors: props.cors && corsIntent(this, 'cors', props.cors),
    };
    (props.matchRoutes ?? []).forEach((r, i) => {
      const property = `matchRoutes[${i}]`;
      checkObject(this, property, r);
      checkList(this, `${property}.matches`, r.matches);
      if (!r.matches || r.matches.length === 0) {
        fail(this, `${property}.matches`, 'must list at least one match', r.matches, 'A route without matches is the default route: use weights/canaryWeight for it.');
      }
      if (r.version !== undefined && r.weights !== undefined) fail(this, `${property}.version`, 'cannot be combined with weights', r.version, 'Use one of them.');
      let route: RouteDestination[];
      if (r.weights) {
        route = this.destinations(r.weights, `${property}.weights`);
      } else if (r.version !== undefined) {
        if (!this.versionNames.includes(r.version)) {
          fail(this, `${property}.version`, `must name a version of this release (${this.versionNames.join(', ')})`, r.version,
            'Add the version to versions, or fix the name.');
        }
        route = [this.routeTo(r.version, 100)];
      } else {
        route = split;
      }
      const timeout = r.timeout ?? props.timeout;
      const match = r.matches.map((m, j) => requestCondition(this, `${property}.matches[${j}]`, m));
      if (props.meshRouting ?? true) this.rejectClaimsOnMesh(match, `${property}.matches`);
      const extras: RouteExtras = {
        requestHeaders: r.requestHeaders ? headerOperationsIntent(this, `${property}.requestHeaders`, r.requestHeaders) : defaults.requestHeaders,
        responseHeaders: r.responseHeaders ? headerOperationsIntent(this, `${property}.responseHeaders`, r.responseHeaders) : defaults.responseHeaders,
        cors: r.cors ? corsIntent(this, `${property}.cors`, r.cors) : defaults.cors,
      };
      // A setting the route inherits from the release is reported against the release's prop.
      const inherited = { timeout: r.timeout !== undefined ? `${property}.timeout` : 'timeout', retries: r.retries !== undefined ? `${property}.retries` : 'retries', fault: `${property}.fault` };
      routes.push(this.policies({ owner: this, name: r.name, match, route, property }, inherited, timeout, r.retries ?? props.retries, r.fault,
        extras));
    });
    const mirror = props.mirror ? this.renderMirror(props.mirror) : undefined;
    // The default route routes the service: a second one for its host is reported against `service`.
    routes.push(this.policies({ owner: this, route: split, mirror: mirror?.mirror, mirrorPercentage: mirror?.mirrorPercentage, property: 'service' },
      { timeout: 'timeout', retries: 'retries', fault: 'fault' }, props.timeout, props.retries, props.fault, defaults));
    return routes;
  }

  /**
   * istiod rejects a VirtualService that routes on JWT claims unless it is bound to a gateway:
   * only there does a RequestAuthentication extract the claims before routing. The mesh
   * VirtualService of a release has no gateway, so claim matches must stay off it.
   */
  private rejectClaimsOnMesh(matches: readonly RequestCondition[], property: string): void {
    matches.forEach((match, i) => {
      for (const field of ['headers', 'withoutHeaders'] as const) {
        const claim = Object.keys(match[field] ?? {}).find((key) => key.startsWith(JWT_CLAIM_PREFIX));
        if (claim) {
          fail(this, `${property}[${i}].${field}['${claim}']`,
            'matches a JWT claim, which istiod accepts only on routes bound to a gateway, but this release also routes mesh traffic', claim,
            'Route on claims at the gateway only (gateway set, meshRouting: false, a JwtAuthentication on the gateway workload), or match a header the client sends.');
        }
      }
    });
  }

  /** The route with its timeout, retries and fault checked; `property` names the props they come from. */
  private policies(route: HttpRouteIntent, property: { timeout: string; retries: string; fault: string }, timeout: Duration | undefined,
    retries: RetryPolicy | undefined, fault: FaultInjection | undefined, extras: RouteExtras): HttpRouteIntent {
    // Routes that share the release's timeout and retries share their rendering too (large apps).
    const shared = this.renderedDefaults && timeout === this.renderedDefaults.timeoutInput && retries === this.renderedDefaults.retriesInput;
    let timeoutMillis: number | undefined;
    let checkedRetries: RetryIntent | undefined;
    if (shared) {
      timeoutMillis = this.renderedDefaults!.timeoutMillis;
      checkedRetries = this.renderedDefaults!.retries;
    } else {
      timeoutMillis = timeout && checkDuration(this, property.timeout, timeout);
      checkedRetries = retries ? retryIntent(this, property.retries, retries, timeoutMillis) : undefined;
    }
    this.renderedDefaults ??= { timeoutInput: timeout, retriesInput: retries, timeoutMillis, retries: checkedRetries };
    // One literal shape for every route of every release (no spread): 10,000-service apps hold
    // these intents until synth.
    return {
      owner: route.owner,
      name: route.name,
      match: route.match,
      route: route.route,
      mirror: route.mirror,
      mirrorPercentage: route.mirrorPercentage,
      timeoutMillis,
      retries: checkedRetries,
      fault: fault ? faultIntent(this, property.fault, fault) : undefined,
      requestHeaders: extras.requestHeaders,
      responseHeaders: extras.responseHeaders,
      cors: extras.cors,
      property: route.property,
    };
  }

  private renderMirror(mirror: MirrorOptions): Pick<HttpRouteIntent, 'mirror' | 'mirrorPercentage'> {
    if (!this.versionNames.includes(mirror.version)) {
      fail(this, 'mirror.version', `must name a version of this release (${this.versionNames.join(', ')})`, mirror.version, 'Mirror to one of the versions.');
    }
    const percentage = check(this, 'mirror.percentage', mirror.percentage ?? 100, percentageRule, 'Use a percentage from 0 to 100.');
    return {
      mirror: { host: this.service.host, subset: mirror.version, port: this.service.port },
      mirrorPercentage: percentage,
    };
  }

  private gatewayHosts(gateway: IMeshGateway, hosts: string[] | undefined): string[] {
    const served = gateway.hosts.map((h) => (h.includes('/') ? h.split('/')[1] : h));
    const chosen = hosts ?? served;
    if (chosen.length === 0) fail(this, 'gatewayHosts', 'must list at least one host', chosen, `The gateway serves: ${served.join(', ') || 'nothing'}.`);
    for (const host of chosen) {
      check(this, 'gatewayHosts', host, gatewayHostRule({ wildcard: true }), 'Use the external host, e.g. bookinfo.example.com.');
      const covered = served.some((s) => s === '*' || s === host || (s.startsWith('*.') && host.endsWith(s.slice(1))));
      if (!covered) {
        fail(this, 'gatewayHosts', `must be served by gateway '${gatewayRef(gateway)}' (hosts: ${served.join(', ')})`, host,
          'Add the host to the gateway, or route a host it serves; otherwise the gateway answers 404.');
      }
    }
    return chosen;
  }

  private applyAffinity(props: CanaryReleaseProps, destination: Destination): void {
    const affinity = props.sessionAffinity!;
    if (!affinity.isSessionAffinity) {
      fail(this, 'sessionAffinity', 'must be a consistent-hash load balancer', 'simple', 'Use LoadBalancer.consistentHashOnHeader/Cookie/SourceIp.');
    }
    destination.setPolicy(this, 'loadBalancer', affinity._render(this, 'sessionAffinity'), undefined, 'sessionAffinity');
    const weighted = props.canaryWeight !== undefined ? props.canaryWeight > 0 && props.canaryWeight < 100
      : Object.values(props.weights ?? {}).filter((w) => w > 0).length > 1;
    if (weighted) {
      addWarning(this, 'sessionAffinity holds within a version only: the weighted split picks the version first, so a user can still move between versions. '
        + 'Route sticky users with a match (header or cookie) to keep them on one version.');
    }
  }

  private labelDeployment(version: ReleaseVersion): void {
    const deployment = version.deployment!;
    const existing = deployment.podMetadata.getLabel(VERSION_LABEL);
    if (existing !== undefined && existing !== version.name) {
      fail(this, `versions['${version.name}']`, `uses deployment '${deployment.node.path}' whose pods are labelled ${VERSION_LABEL}=${existing}`, version.name,
        `Name the version '${existing}', or remove the label from the deployment.`);
    }
    if (existing === undefined) deployment.podMetadata.addLabel(VERSION_LABEL, version.name);
    this.node.addValidation({ validate: () => this.checkSelects(version) });
  }

  /** The service must select the version's pods, or the subset would have no endpoints. */
  private checkSelects(version: ReleaseVersion): string[] {
    // Subsets select pods in the service's namespace only.
    const deploymentNamespace = objectNamespace(version.deployment!);
    if (deploymentNamespace !== this.service.namespace) {
      return [`${this.node.path}: versions['${version.name}'] deployment '${version.deployment!.node.path}' must run in the service's namespace `
        + `'${this.service.namespace}', got '${deploymentNamespace}'. Deploy the version next to the service: a subset only selects pods of `
        + "its service's namespace, so requests to this version would fail with 503."];
    }
    const service = this.service.kplusService;
    if (!service) return [];
    const selector: Record<string, string> = ApiObject.of(service).toJson().spec?.selector ?? {};
    const podLabels: Record<string, string> = ApiObject.of(version.deployment!).toJson().spec?.template?.metadata?.labels ?? {};
    const missing = Object.entries(selector).filter(([k, v]) => podLabels[k] !== v);
    if (Object.keys(selector).length === 0 || missing.length > 0) {
      return [`${this.node.path}: versions['${version.name}'] deployment '${version.deployment!.node.path}' is not selected by service '${service.name}' `
        + `(service selector ${describeValue(selector)}, pod labels ${describeValue(podLabels)}). Make the Service select the deployment (service.select(deployment)) `
        + 'or give its pods the selector labels; otherwise the subset has no endpoints and requests fail with 503.'];
    }
    return [];
  }
}

/**
 * The one route table of an external host at a gateway. It lives in the gateway's namespace
 * (next to the Gateway it binds to) and is named `<gateway>-<host>`.
 */
export function gatewayRouteTable(owner: Construct, gateway: IMeshGateway, host: string, protocol?: string, property?: string): RouteTable {
  const api = gatewayApiOf(gateway);
  return meshModel(owner).routeTable(owner, {
    host,
    property,
    namespace: gateway.gatewayNamespace,
    binding: { kind: 'gateway', gateway: gatewayRef(gateway) },
    name: `${gateway.gatewayName}-${nameForHost(host)}`,
    ...(api === 'istio' ? {} : { api, apiReason: `gateway '${gatewayRef(gateway)}' is a Gateway API Gateway`, protocol }),
  });
}

/** The API of routes bound to a gateway: the gateway's. */
export function gatewayApiOf(gateway: IMeshGateway): RouteApi {
  return gateway.routingApi?._kind ?? 'istio';
}

/** Header changes and CORS of one route (the release's, or a match route's own). */
interface RouteExtras {
  readonly requestHeaders?: HeaderOperationsIntent;
  readonly responseHeaders?: HeaderOperationsIntent;
  readonly cors?: CorsIntent;
}
