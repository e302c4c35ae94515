import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { deferCheck, deferFailure, hasNoDeferredProblems } from './deferred-checks';
import { dnsLabelRule, hostRule, MAX_HOST_LENGTH, qualifyServiceHost } from './hosts';
import { checkLabels } from './labels';
import { portRule } from './numbers';
import { objectNamespace } from './object-namespace';
import { ValidationError } from './validation-error';
import { checkApiObject, checkObject } from './value-types';

/** Options for {@link MeshService.fromName}. */
export interface MeshServiceOptions {
  /**
   * The service port routes send traffic to.
   * @default - the only port of a kplus.Service; no port (Istio picks the service's port) otherwise
   */
  readonly port?: number;
  /**
   * The cluster's DNS domain, used to build the service's fully-qualified host.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The labels the Service selects its pods by. Routes through the Gateway API need one
   * Service per version, selecting these labels plus the version's (Istio's
   * `bookinfo-versions.yaml` pattern).
   * @default - the cdk8s-plus Service's selector, or `{ app: <name> }` (the convention of Istio's samples)
   */
  readonly selector?: Record<string, string>;
}

/** Cluster DNS domains; one rule for every service (large apps create thousands). */
const DOMAIN_RULE = hostRule({ shortName: true });
/** Domains already checked: apps use one for thousands of services. */
const VALID_DOMAINS = new Set<string>();

/**
 * A Kubernetes service in the mesh, as routes, subsets and policies refer to it.
 *
 * Hosts are always fully qualified (`reviews.bookinfo.svc.cluster.local`), so a rule means the
 * same service whichever namespace it is read from.
 */
export class MeshService {
  /** A service defined with cdk8s-plus in this app. */
  public static fromService(service: kplus.Service, options: MeshServiceOptions = {}): MeshService {
    // Without a Service there is nothing to read a name from: this one cannot wait for the construct using it.
    checkApiObject('MeshService.fromService(service)', 'service', service,
      "Pass a cdk8s-plus Service of this app, or use MeshService.fromName('reviews', 'bookinfo').");
    checkObject('MeshService.fromService(service, options)', 'options', options);
    const namespace = objectNamespace(service);
    const ports = (service.ports ?? []).map((p) => p.port);
    const port = options.port ?? (ports.length === 1 ? ports[0] : undefined);
    const meshService = new MeshService(service.name, namespace, port, options.clusterDomain, service, options.selector);
    if (options.port !== undefined && ports.length > 0 && !ports.includes(options.port)) {
      deferFailure(meshService, 'port', `is not a port of service '${service.name}' (its ports: ${ports.join(', ')})`, options.port,
        'Pick one of the ports the Service exposes.');
    }
    return meshService;
  }

  /** A service by name and namespace (not necessarily defined in this app). */
  public static fromName(name: string, namespace: string, options: MeshServiceOptions = {}): MeshService {
    checkObject('MeshService.fromName(name, namespace, options)', 'options', options);
    return new MeshService(name, namespace, options.port, options.clusterDomain, undefined, options.selector);
  }

  /** The fully-qualified host, e.g. `reviews.bookinfo.svc.cluster.local`. */
  public readonly host: string;

  private constructor(
    /** The service name. */
    public readonly name: string,
    /** The service's namespace. */
    public readonly namespace: string,
    /** The port routes target, if one was chosen. */
    public readonly port?: number,
    clusterDomain: string = 'cluster.local',
    /** The cdk8s-plus Service, when the app defines it. */
    public readonly kplusService?: kplus.Service,
    private readonly selector?: Record<string, string>,
  ) {
    // Checked where the service is used, against that construct's prop (see core/deferred-checks).
    deferCheck(this, 'name', name, dnsLabelRule, "Service names are DNS labels such as 'reviews'.");
    deferCheck(this, 'namespace', namespace, dnsLabelRule, "Namespaces are DNS labels such as 'bookinfo'.");
    if (!VALID_DOMAINS.has(clusterDomain)) {
      deferCheck(this, 'clusterDomain', clusterDomain, DOMAIN_RULE, "Use the cluster's DNS domain, usually 'cluster.local'.");
      if (hasNoDeferredProblems(this)) VALID_DOMAINS.add(clusterDomain);
    }
    if (port !== undefined) deferCheck(this, 'port', port, portRule, 'Use the service port number, e.g. 9080.');
    if (selector !== undefined) {
      try {
        checkLabels('', 'selector', selector);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        deferFailure(this, e.property, e.rule, e.value, e.hint);
      }
    }
    this.host = qualifyServiceHost(String(name), String(namespace), String(clusterDomain));
    if (this.host.length > MAX_HOST_LENGTH) {
      deferFailure(this, 'clusterDomain', `makes the host '${this.host}' longer than ${MAX_HOST_LENGTH} characters (has ${this.host.length})`, clusterDomain,
        'Use a shorter cluster domain (usually cluster.local), service name or namespace.');
    }
  }

  /**
   * The labels the Service selects (read at synth for a cdk8s-plus Service, whose selector may
   * change after this reference is taken).
   * @internal
   */
  public _selectorLabels(): Record<string, string> {
    if (this.selector) return this.selector;
    if (this.kplusService) return ApiObject.of(this.kplusService).toJson().spec?.selector ?? {};
    return { app: this.name };
  }

  /** The target port of a service port, when the cdk8s-plus Service maps it elsewhere. @internal */
  public _targetPort(port: number): number | undefined {
    const mapping = this.kplusService?.ports.find((p) => p.port === port);
    return mapping?.targetPort !== undefined && mapping.targetPort !== port ? mapping.targetPort : undefined;
  }
}
