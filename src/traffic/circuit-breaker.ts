import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { LoadBalancer } from './load-balancer';
import { uniqueChildId } from '../core/construct-id';
import { istioDuration, KEEPALIVE_DURATION } from '../core/durations';
import { MeshService } from '../core/mesh-service';
import { int32Rule, portRule, uint32Rule } from '../core/numbers';
import { isEmpty, prune } from '../core/plain-objects';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkInstance, checkList, checkObject } from '../core/value-types';
import { Destination } from '../model/mesh-model';
import { meshModel, renderedObject } from '../render/model-renderers';

/**
 * Limits on connections and requests to each endpoint of a service (Envoy's circuit breakers).
 *
 * Counters are whole numbers up to 2147483647 (Istio's int32 fields); 0 keeps Istio's default.
 * Keepalive times are whole seconds (Envoy's unit).
 */
export interface ConnectionPoolOptions {
  /** Maximum TCP connections to each endpoint. @default - Istio's default (2^32-1) */
  readonly maxConnections?: number;
  /** TCP connect timeout. @default 10s (Istio's default) */
  readonly connectTimeout?: Duration;
  /** Send TCP keepalives after this idle time. @default - the OS default (usually 2h) once any keepalive field is set; no keepalive otherwise */
  readonly tcpKeepaliveTime?: Duration;
  /** Time between keepalive probes. @default - the OS default (usually 75s) */
  readonly tcpKeepaliveInterval?: Duration;
  /** Unanswered probes before the connection is dropped. @default - the OS default (usually 9) */
  readonly tcpKeepaliveProbes?: number;
  /** Maximum requests queued while waiting for a connection. @default - Istio's default (2^32-1) */
  readonly maxPendingRequests?: number;
  /** Maximum concurrent requests to each endpoint (HTTP/2 and gRPC). @default - Istio's default (2^32-1) */
  readonly maxRequests?: number;
  /** Requests per connection before it is closed; 1 disables keep-alive. @default - unlimited */
  readonly maxRequestsPerConnection?: number;
  /** Maximum concurrent retries to the whole service. @default - Istio's default (2^32-1) */
  readonly maxRetries?: number;
  /** Close upstream connections idle for this long. @default 1h (Envoy's default) */
  readonly idleTimeout?: Duration;
  /** Upgrade HTTP/1.1 connections to HTTP/2. @default - the mesh-wide setting */
  readonly h2Upgrade?: boolean;
}

/** Ejects endpoints that keep failing, for a while (Envoy's outlier detection). */
export interface OutlierDetectionOptions {
  /** Consecutive 5xx responses (and connection errors) that eject an endpoint. @default 5 */
  readonly consecutive5xxErrors?: number;
  /** Consecutive 502/503/504 responses that eject an endpoint. @default - not checked separately */
  readonly consecutiveGatewayErrors?: number;
  /** How often endpoints are analysed. @default 10s */
  readonly interval?: Duration;
  /** Minimum ejection time; it grows with each ejection. @default 30s */
  readonly baseEjectionTime?: Duration;
  /** Largest share of endpoints ejected at once, in percent. @default 10 */
  readonly maxEjectionPercent?: number;
  /** Outlier detection pauses when fewer endpoints than this percentage are healthy. @default 0 */
  readonly minHealthPercent?: number;
}

/** Spreads traffic across localities, or fails over between regions. */
export interface LocalityFailover {
  /** The region traffic fails over from: a region name such as 'us-east' (no zone, no '*'). */
  readonly from: string;
  /** The region it goes to, another region name (list one entry per region). */
  readonly to: string;
}

/** Ready-made circuit breaker settings. */
export class CircuitBreakerPreset {
  /**
   * Istio's circuit-breaking task on httpbin: one connection, one pending request, one request
   * per connection; one 5xx ejects the endpoint for 3 minutes. Trips almost at once — for demos
   * and tests of the breaker itself.
   */
  public static readonly TRIP_FAST = new CircuitBreakerPreset(
    { maxConnections: 1, maxPendingRequests: 1, maxRequestsPerConnection: 1 },
    { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(3), maxEjectionPercent: 100 },
  );

  /** A production starting point: generous pools, eject after 5 consecutive 5xx for 30s, at most half the endpoints. */
  public static readonly BALANCED = new CircuitBreakerPreset(
    { maxConnections: 1000, maxPendingRequests: 1000, maxRequests: 1000, connectTimeout: Duration.seconds(5) },
    { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
  );

  private constructor(
    /** Connection pool settings of the preset. */
    public readonly connectionPool: ConnectionPoolOptions,
    /** Outlier detection settings of the preset. */
    public readonly outlierDetection: OutlierDetectionOptions,
  ) {}
}

/** Properties of a {@link CircuitBreaker}. */
export interface CircuitBreakerProps {
  /** The service whose clients are protected. */
  readonly service: MeshService;
  /** Start from a preset; the fields below override it one by one. @default - no preset */
  readonly preset?: CircuitBreakerPreset;
  /** Connection and request limits. @default - the preset's, or Istio's defaults */
  readonly connectionPool?: ConnectionPoolOptions;
  /** Ejection of failing endpoints. @default - the preset's, or none */
  readonly outlierDetection?: OutlierDetectionOptions;
  /** Endpoint selection. @default - Istio's default (LEAST_REQUEST) */
  readonly loadBalancer?: LoadBalancer;
  /** Regional failover; needs outlier detection to notice failures. @default - none */
  readonly localityFailover?: LocalityFailover[];
  /**
   * Share of traffic per locality: `{ 'us-west/zone1/*': { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }`.
   * Each inner map sums to 100. Exclusive with failover.
   * @default - none
   */
  readonly localityDistribute?: Record<string, Record<string, number>>;
  /** Apply only to this service port (port-level settings). @default - every port */
  readonly port?: number;
  /** Apply only to this subset (e.g. 'v2' of a CanaryRelease on the same service). @default - every subset */
  readonly subset?: string;
}

/**
 * Protects clients of a service from overload and failing endpoints: connection pool limits,
 * outlier detection and load balancing in the service's one DestinationRule.
 *
 * Composes with CanaryRelease on the same host: both contribute to a single DestinationRule
 * (subsets from the release, traffic policy from here).
 *
 * @example
 * new CircuitBreaker(chart, 'httpbin-breaker', {
 *   service: MeshService.fromName('httpbin', 'default'),
 *   preset: CircuitBreakerPreset.TRIP_FAST,
 * });
 * @see https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/
 */
export class CircuitBreaker extends Construct {
  /** The protected service. */
  public readonly service: MeshService;
  private readonly destination: Destination;

  constructor(scope: Construct, id: string, props: CircuitBreakerProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    this.service = checkInstance(this, 'service', props.service, MeshService, "Use MeshService.fromName('httpbin', 'default') or MeshService.fromService(service).");
    checkInstance(this, 'preset', props.preset, CircuitBreakerPreset, 'Use CircuitBreakerPreset.BALANCED or another preset.');
    checkInstance(this, 'loadBalancer', props.loadBalancer, LoadBalancer, 'Use LoadBalancer.LEAST_REQUEST, LoadBalancer.consistentHashOnHeader(...) or another LoadBalancer.');
    checkObject(this, 'connectionPool', props.connectionPool);
    checkObject(this, 'outlierDetection', props.outlierDetection);
    checkBoolean(this, 'connectionPool.h2Upgrade', props.connectionPool?.h2Upgrade);
    checkList(this, 'localityFailover', props.localityFailover);
    props.localityFailover?.forEach((f, i) => checkObject(this, `localityFailover[${i}]`, f));
    checkObject(this, 'localityDistribute', props.localityDistribute);
    for (const [from, to] of Object.entries(props.localityDistribute ?? {})) checkObject(this, `localityDistribute['${from}']`, to);
    const pool = { ...props.preset?.connectionPool, ...props.connectionPool };
    const outlier = props.preset?.outlierDetection || props.outlierDetection
      ? { ...props.preset?.outlierDetection, ...props.outlierDetection } : undefined;

    const policy: Record<string, Record<string, any>> = {};
    const connectionPool = this.renderConnectionPool(pool);
    if (connectionPool) policy.connectionPool = connectionPool;
    if (outlier) policy.outlierDetection = this.renderOutlierDetection(outlier);
    const loadBalancer = this.renderLoadBalancer(props, outlier !== undefined);
    if (loadBalancer) policy.loadBalancer = loadBalancer;
    if (isEmpty(policy)) {
      fail(this, 'props', 'must configure at least one of preset, connectionPool, outlierDetection, loadBalancer or locality', {},
        'An empty traffic policy is rejected by istiod; pass CircuitBreakerPreset.BALANCED to start.');
    }
    if (props.port !== undefined) check(this, 'port', props.port, portRule, 'Use the service port number.');
    if (props.port !== undefined && props.subset !== undefined) {
      fail(this, 'port', 'cannot be combined with subset in one CircuitBreaker', props.port, 'Create one CircuitBreaker per port or per subset.');
    }

    // Policy only: the host's rule lists subsets when Istio routes address them.
    const destination = meshModel(this).destination(this, this.service.host, this.service.namespace, this.service.name, false);
    this.destination = destination;
    const subset = props.subset;
    for (const [field, value] of Object.entries(policy)) {
      if (subset === undefined) destination.setPolicy(this, field, value, props.port);
      else destination.setSubsetPolicy(this, subset, field, value);
    }
    if (subset !== undefined) {
      // The subset may come from a construct created after this one: look for it once the app is complete.
      this.node.addValidation({
        validate: () => (destination.subset(subset) ? [] : [
          `${this.node.path}: subset must name a subset of '${this.service.host}', got '${subset}'. `
          + `Known subsets: ${destination.subsets.map((s) => s.name).join(', ') || 'none'} (define them with a CanaryRelease).`,
        ]),
      });
    }
  }

  /** The service's one DestinationRule, shared with other constructs on the host. For escape hatches. */
  public get destinationRule(): ApiObject {
    return renderedObject(this.destination);
  }

  private renderConnectionPool(pool: ConnectionPoolOptions): Record<string, any> | undefined {
    // int32 fields; istiod rejects negatives, and 0 leaves Istio's default (unlimited) in place.
    const count = (name: keyof ConnectionPoolOptions) => {
      const value = pool[name] as number | undefined;
      return value === undefined ? undefined : check(this, `connectionPool.${name}`, value, int32Rule(0), 'Use a whole number, 0 or more (0 keeps Istio\'s default).');
    };
    const tcp = prune({
      maxConnections: count('maxConnections'),
      connectTimeout: pool.connectTimeout && istioDuration(this, 'connectionPool.connectTimeout', pool.connectTimeout),
      tcpKeepalive: this.renderKeepalive(pool),
    });
    const http = prune({
      http1MaxPendingRequests: count('maxPendingRequests'),
      http2MaxRequests: count('maxRequests'),
      maxRequestsPerConnection: count('maxRequestsPerConnection'),
      maxRetries: count('maxRetries'),
      idleTimeout: pool.idleTimeout && istioDuration(this, 'connectionPool.idleTimeout', pool.idleTimeout),
      h2UpgradePolicy: pool.h2Upgrade === undefined ? undefined : pool.h2Upgrade ? 'UPGRADE' : 'DO_NOT_UPGRADE',
    });
    const result = prune({ tcp: empty(tcp) ? undefined : tcp, http: empty(http) ? undefined : http });
    return empty(result) ? undefined : result;
  }

  private renderKeepalive(pool: ConnectionPoolOptions): Record<string, any> | undefined {
    const keepalive = prune({
      time: pool.tcpKeepaliveTime && istioDuration(this, 'connectionPool.tcpKeepaliveTime', pool.tcpKeepaliveTime, KEEPALIVE_DURATION),
      interval: pool.tcpKeepaliveInterval && istioDuration(this, 'connectionPool.tcpKeepaliveInterval', pool.tcpKeepaliveInterval, KEEPALIVE_DURATION),
      // uint32; 0 would leave the OS default in place.
      probes: pool.tcpKeepaliveProbes === undefined ? undefined
        : check(this, 'connectionPool.tcpKeepaliveProbes', pool.tcpKeepaliveProbes, uint32Rule(1), 'Use a small whole number such as 9.'),
    });
    return empty(keepalive) ? undefined : keepalive;
  }

  private renderOutlierDetection(o: OutlierDetectionOptions): Record<string, any> {
    const percent = int32Rule(0, 100);
    return prune({
      consecutive5xxErrors: o.consecutive5xxErrors === undefined ? undefined
        : check(this, 'outlierDetection.consecutive5xxErrors', o.consecutive5xxErrors, uint32Rule(0), 'Use a whole number; 0 disables this check.'),
      consecutiveGatewayErrors: o.consecutiveGatewayErrors === undefined ? undefined
        : check(this, 'outlierDetection.consecutiveGatewayErrors', o.consecutiveGatewayErrors, uint32Rule(0), 'Use a whole number; 0 disables this check.'),
      interval: o.interval && istioDuration(this, 'outlierDetection.interval', o.interval),
      baseEjectionTime: o.baseEjectionTime && istioDuration(this, 'outlierDetection.baseEjectionTime', o.baseEjectionTime),
      maxEjectionPercent: o.maxEjectionPercent === undefined ? undefined
        : check(this, 'outlierDetection.maxEjectionPercent', o.maxEjectionPercent, percent, 'A percentage of endpoints, 0 to 100.'),
      minHealthPercent: o.minHealthPercent === undefined ? undefined
        : check(this, 'outlierDetection.minHealthPercent', o.minHealthPercent, percent, 'A percentage of endpoints, 0 to 100.'),
    });
  }

  private renderLoadBalancer(props: CircuitBreakerProps, hasOutlierDetection: boolean): Record<string, any> | undefined {
    const lb: Record<string, any> = props.loadBalancer ? props.loadBalancer._render(this, 'loadBalancer') : {};
    if (props.localityFailover && props.localityDistribute) {
      fail(this, 'localityFailover', 'cannot be combined with localityDistribute', props.localityFailover,
        'Choose failover (spill to another region on failure) or distribute (fixed shares).');
    }
    if (props.localityFailover) {
      if (!hasOutlierDetection) {
        fail(this, 'localityFailover', 'needs outlierDetection (without it no endpoint is ever considered unhealthy)', props.localityFailover,
          'Add outlierDetection, e.g. { consecutive5xxErrors: 5 }.');
      }
      props.localityFailover.forEach((f, i) => this.checkFailover(f, `localityFailover[${i}]`));
      lb.localityLbSetting = { enabled: true, failover: props.localityFailover.map((f) => ({ from: f.from, to: f.to })) };
    }
    if (props.localityDistribute) {
      const distribute = Object.entries(props.localityDistribute).map(([from, to]) => {
        const total = Object.values(to).reduce((a, b) => a + b, 0);
        for (const [locality, weight] of Object.entries(to)) {
          check(this, `localityDistribute['${from}']['${locality}']`, weight, uint32Rule(1, 100), 'Locality weights are whole numbers from 1 to 100.');
        }
        if (total !== 100) {
          fail(this, `localityDistribute['${from}']`, 'weights must sum to 100', to, `They sum to ${total}; adjust them.`);
        }
        return { from, to };
      });
      lb.localityLbSetting = { enabled: true, distribute };
    }
    return empty(lb) ? undefined : lb;
  }

  /** istiod's failover rules: two different regions, each a plain region name (no zone, no wildcard). */
  private checkFailover(failover: LocalityFailover, property: string): void {
    for (const side of ['from', 'to'] as const) {
      const region = failover[side];
      if (typeof region !== 'string' || region.length === 0) {
        fail(this, `${property}.${side}`, 'must name a region', region, "Use a region such as 'us-east'.");
      }
      if (region.includes('/')) {
        fail(this, `${property}.${side}`, "must be a region, not a zone (no '/')", region, `Failover moves traffic between regions: use '${region.split('/')[0]}'.`);
      }
      if (region.includes('*')) {
        fail(this, `${property}.${side}`, "must not contain the wildcard '*' (istiod rejects it in failover regions)", region,
          'Name one region per entry, e.g. { from: \'us-east\', to: \'us-west\' }; add an entry for each further region.');
      }
    }
    if (failover.from === failover.to) {
      fail(this, property, 'must name two different regions', failover, "Use regions such as { from: 'us-east', to: 'us-west' }.");
    }
  }
}

const empty = isEmpty;
