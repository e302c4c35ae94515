import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { uniqueChildId } from '../core/construct-id';
import { cidrBlockRule, dnsSubdomainRule, hostRule } from '../core/hosts';
import { MeshService } from '../core/mesh-service';
import { objectNameFor } from '../core/naming';
import { portRule } from '../core/numbers';
import { perApp } from '../core/per-app';
import { prune } from '../core/plain-objects';
import { ingressPathRule } from '../core/urls';
import { check, fail, ValidationError } from '../core/validation-error';
import { checkApiObject, checkEnum, checkInstance, checkList, checkObject } from '../core/value-types';
import { claimValuesFile, valuesFileRule, valuesYaml, writeBesideManifests } from '../core/values-file';
import { addWarning } from '../core/warnings';
import { wireObject } from '../render/api-object';
import { Dataplane } from '../security/mtls-namespace';

/** How an Ingress path matches request paths (Ingress `pathType`). */
export enum IngressNginxPathType {
  /** The path and everything below it, segment by segment: `/static` matches `/static` and `/static/app.css`, not `/staticx`. */
  PREFIX = 'Prefix',
  /** Exactly this path (case-sensitive). */
  EXACT = 'Exact',
}

/** One path of an Ingress. */
export interface IngressNginxPath {
  /**
   * The path: `/` followed by letters, digits, `/`, `_` and `-` (ingress-nginx's admission
   * webhook refuses other characters, e.g. `/v1.0`, for Prefix and Exact paths).
   */
  readonly path: string;
  /**
   * How it matches.
   * @default IngressNginxPathType.PREFIX
   */
  readonly pathType?: IngressNginxPathType;
}

/** An Ingress from the front door to one meshed service ({@link IngressNginxFrontDoor.addIngress}). */
export interface IngressNginxIngressOptions {
  /**
   * The backend service. The Ingress goes into its namespace (an Ingress reaches Services of its
   * own namespace only).
   */
  readonly service: MeshService;
  /** The external hosts: fully-qualified names or `*.domain` wildcards. */
  readonly hosts: string[];
  /**
   * The paths routed to the service, on every host.
   * @default - every path: [{ path: '/' }] as a prefix
   */
  readonly paths?: IngressNginxPath[];
  /**
   * The service port.
   * @default - the MeshService's port
   */
  readonly port?: number;
  /**
   * A `kubernetes.io/tls` Secret in the service's namespace holding the hosts' certificate.
   * @default - no TLS section: plain HTTP, unless another Ingress of the host has one
   */
  readonly tlsSecretName?: string;
  /**
   * The Ingress's name.
   * @default - the id as a DNS label
   */
  readonly name?: string;
}

/** Properties of an {@link IngressNginxFrontDoor}. */
export interface IngressNginxFrontDoorProps {
  /**
   * How the controller's pods join the mesh. With `Dataplane.SIDECAR` (or a revision) they get
   * a sidecar that captures no inbound traffic and only outbound traffic to `serviceCidrs`; with
   * `Dataplane.AMBIENT` they are enrolled in ambient mode, with inbound capture bypassed.
   * @default Dataplane.SIDECAR
   */
  readonly dataplane?: Dataplane;
  /**
   * The cluster's Service CIDRs (kube-apiserver `--service-cluster-ip-range`, e.g. kubeadm's
   * `10.96.0.0/12`; both blocks in a dual-stack cluster). The sidecar captures outbound traffic
   * to these only, so nginx's traffic to Service IPs goes through the mesh and everything else
   * (the API server, external addresses) bypasses the sidecar. Required with the sidecar data
   * plane; not used in ambient mode (ztunnel captures by pod, not by destination).
   * @default - none (required with the sidecar data plane)
   */
  readonly serviceCidrs?: string[];
  /**
   * The IngressClass the controller serves (the chart's `controller.ingressClassResource.name`).
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * The controller's namespace, when this app defines it. In ambient mode it gets the
   * `istio.io/dataplane-mode=ambient` label; in any mode its labels are checked against the
   * controller's (a namespace with `istio-injection=disabled` would keep the sidecar out).
   * @default - no Namespace is labelled or checked: the pod labels alone enrol the controller
   */
  readonly controllerNamespace?: kplus.Namespace;
  /**
   * The file name of the ingress-nginx Helm values written beside the app's manifests at
   * `app.synth()`.
   * @default 'ingress-nginx-values.yaml'
   */
  readonly valuesFile?: string;
}

/** The Ingress kind (built into Kubernetes: no generated L1). */
const INGRESS = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };

const SERVICE_UPSTREAM = 'nginx.ingress.kubernetes.io/service-upstream';
const UPSTREAM_VHOST = 'nginx.ingress.kubernetes.io/upstream-vhost';
const INJECT_LABEL = 'sidecar.istio.io/inject';
const REVISION_LABEL = 'istio.io/rev';
const INJECTION_NAMESPACE_LABEL = 'istio-injection';
const DATAPLANE_LABEL = 'istio.io/dataplane-mode';
const INCLUDE_INBOUND_PORTS = 'traffic.sidecar.istio.io/includeInboundPorts';
const INCLUDE_OUTBOUND_IP_RANGES = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
const BYPASS_INBOUND_CAPTURE = 'ambient.istio.io/bypass-inbound-capture';

/** Ingress hosts: FQDNs or whole-label wildcards; no IPs, short names or `*` alone. */
const INGRESS_HOST_RULE = hostRule({ wildcard: true });

/** A checked path, with the key that tells which paths match the same requests. */
interface CheckedPath {
  readonly path: string;
  readonly pathType: IngressNginxPathType;
  readonly key: string;
}

/** What the front door has routed for one external host, to find conflicts between its Ingresses. */
interface HostRoutes {
  /** `Prefix /static`, `Exact /login` -> the Ingress construct that routes it. */
  readonly paths: Map<string, IConstruct>;
  /** The TLS Secret (`namespace/name`) serving the host, and the Ingress that declared it. */
  tls?: { readonly secret: string; readonly owner: IConstruct };
}

/**
 * An ingress-nginx controller as the front door of the mesh: the Ingresses that send traffic to
 * meshed services the way the mesh needs, and the settings that put the controller's own pods in
 * the mesh.
 *
 * Each `addIngress` emits a `networking.k8s.io/v1` Ingress for one service, with
 * `nginx.ingress.kubernetes.io/service-upstream: "true"` (nginx proxies to the Service's cluster
 * IP, so the mesh balances and encrypts instead of nginx picking pod IPs) and, with a sidecar,
 * `nginx.ingress.kubernetes.io/upstream-vhost: <svc>.<ns>.svc.<clusterDomain>` (the Host the
 * sidecar routes on; with the public host it would fall back to its passthrough cluster, which
 * fails under STRICT mTLS). One service per Ingress, because `upstream-vhost` applies to the
 * whole Ingress.
 *
 * The controller is installed with the ingress-nginx Helm chart: the pod labels and annotations
 * it needs are written by `app.synth()` to `<outdir>/ingress-nginx-values.yaml`
 * (`controller.podLabels`, `controller.podAnnotations`), and are available as
 * `controllerPodLabels` / `controllerPodAnnotations`:
 * - sidecar: `sidecar.istio.io/inject: "true"` (or `istio.io/rev`),
 *   `traffic.sidecar.istio.io/includeInboundPorts: ""` (client traffic reaches nginx untouched) and
 *   `traffic.sidecar.istio.io/includeOutboundIPRanges` = the Service CIDRs;
 * - ambient: `istio.io/dataplane-mode: ambient` and `ambient.istio.io/bypass-inbound-capture: "true"`.
 *   Host is left as the client sent it: ztunnel forwards at L4, so `upstream-vhost` is not needed.
 *
 * `service-upstream` turns off nginx's cookie affinity to pods; use a consistent-hash load
 * balancer on the service (CircuitBreaker `loadBalancer`) for sticky sessions.
 *
 * ingress-nginx is retired upstream (no further releases or security fixes since March 2026):
 * synth warns, and the Kubernetes Gateway API (served by Istio itself) is the way forward.
 *
 * @example
 * const frontDoor = new IngressNginxFrontDoor(chart, 'ingress-nginx', { serviceCidrs: ['10.96.0.0/12'] });
 * frontDoor.addIngress('productpage', {
 *   service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }),
 *   hosts: ['bookinfo.example.com'],
 *   tlsSecretName: 'bookinfo-tls',
 * });
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 * @see https://istio.io/latest/docs/reference/config/annotations/
 */
export class IngressNginxFrontDoor extends Construct {
  /** The IngressClass of the Ingresses. */
  public readonly ingressClassName: string;
  /** Whether the controller runs in ambient mode (else with a sidecar). */
  public readonly ambient: boolean;
  /** The file name of the Helm values written at `app.synth()`. */
  public readonly valuesFile: string;
  private readonly podLabels: Record<string, string>;
  private readonly podAnnotations: Record<string, string>;
  private readonly namespaceLabels: Record<string, string>;
  private readonly dataplane: Dataplane;
  private readonly controllerNamespace?: kplus.Namespace;
  private readonly hostRoutes = new Map<string, HostRoutes>();

  constructor(scope: Construct, id: string, props: IngressNginxFrontDoorProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    this.dataplane = checkInstance(this, 'dataplane', props.dataplane ?? Dataplane.SIDECAR, Dataplane, 'Use Dataplane.SIDECAR, Dataplane.AMBIENT or Dataplane.revision(...).');
    checkList(this, 'serviceCidrs', props.serviceCidrs);
    if (props.controllerNamespace !== undefined) {
      checkApiObject(this, 'controllerNamespace', props.controllerNamespace, "Pass the controller's cdk8s-plus Namespace, or leave it out.");
    }
    this.ambient = this.dataplane.mode === 'ambient';
    this.ingressClassName = check(this, 'ingressClassName', props.ingressClassName ?? 'nginx', dnsSubdomainRule,
      "IngressClass names look like 'nginx' (the chart's controller.ingressClassResource.name).");
    this.valuesFile = check(this, 'valuesFile', props.valuesFile ?? 'ingress-nginx-values.yaml', valuesFileRule,
      "Use a name such as 'ingress-nginx-values.yaml'; it is written into the app's output directory.");
    claimValuesFile(this, 'valuesFile', this.valuesFile);
    this.claimIngressClass();

    if (this.ambient) {
      if (props.serviceCidrs !== undefined) {
        fail(this, 'serviceCidrs', 'is not used in ambient mode', props.serviceCidrs,
          'ztunnel captures the traffic of enrolled pods whatever its destination; remove serviceCidrs, or use the sidecar data plane.');
      }
      this.podLabels = { [DATAPLANE_LABEL]: 'ambient' };
      this.podAnnotations = { [BYPASS_INBOUND_CAPTURE]: 'true' };
      this.namespaceLabels = { [DATAPLANE_LABEL]: 'ambient' };
    } else {
      const cidrs = this.checkServiceCidrs(props.serviceCidrs);
      this.podLabels = this.dataplane.labelKey === REVISION_LABEL ? { [REVISION_LABEL]: this.dataplane.labelValue } : { [INJECT_LABEL]: 'true' };
      this.podAnnotations = { [INCLUDE_INBOUND_PORTS]: '', [INCLUDE_OUTBOUND_IP_RANGES]: cidrs.join(',') };
      this.namespaceLabels = {};
    }

    this.controllerNamespace = props.controllerNamespace;
    for (const [key, value] of Object.entries(this.namespaceLabels)) this.controllerNamespace?.metadata.addLabel(key, value);

    addWarning(this, 'ingress-nginx is retired upstream (no further releases or security fixes since March 2026). '
      + "Plan the move to the Kubernetes Gateway API, which Istio serves itself (a Gateway of class 'istio' with HTTPRoutes): no second proxy in front of the mesh.");
    this.node.addValidation({ validate: () => this.validateNamespace() });
    writeBesideManifests(this, this.valuesFile, () => this.toValuesYaml());
  }

  /** The labels the controller's pod template needs (the chart's `controller.podLabels`). */
  public get controllerPodLabels(): Record<string, string> {
    return { ...this.podLabels };
  }

  /** The annotations the controller's pod template needs (the chart's `controller.podAnnotations`). */
  public get controllerPodAnnotations(): Record<string, string> {
    return { ...this.podAnnotations };
  }

  /**
   * The labels the controller's namespace needs: `istio.io/dataplane-mode: ambient` in ambient
   * mode, none with a sidecar (the pod label enrols the controller without injecting every pod
   * of the namespace, e.g. the chart's admission-webhook Jobs).
   */
  public get controllerNamespaceLabels(): Record<string, string> {
    return { ...this.namespaceLabels };
  }

  /**
   * Adds an Ingress from the front door to a meshed service, and returns it (an escape hatch
   * for further annotations or JSON patches).
   */
  public addIngress(id: string, options: IngressNginxIngressOptions): ApiObject {
    const hint = "Pass an id such as 'productpage'; it names the Ingress.";
    check(this, 'addIngress id', id, (v) => (typeof v !== 'string' || v.length === 0 ? 'must not be empty' : undefined), hint);
    checkObject(this, 'addIngress options', options, true);
    checkInstance(this, 'addIngress service', options.service, MeshService, "Use MeshService.fromName('productpage', 'bookinfo', { port: 9080 }).");
    checkList(this, 'addIngress hosts', options.hosts);
    checkList(this, 'addIngress paths', options.paths);
    if (this.node.tryFindChild(id.replace(/\//g, '--')) !== undefined) {
      fail(this, 'addIngress id', 'must be unique within the front door', id, 'Give each Ingress its own id.');
    }
    const scope = new Construct(this, id);
    const name = objectNameFor(scope, id, options.name);
    const service = options.service;
    const port = this.backendPort(scope, service, options.port);
    const hosts = this.checkHosts(scope, options.hosts);
    const paths = this.checkPaths(scope, options.paths ?? [{ path: '/' }]);
    const tlsSecretName = options.tlsSecretName;
    if (tlsSecretName !== undefined) {
      check(scope, 'tlsSecretName', tlsSecretName, dnsSubdomainRule,
        `Secret names look like 'bookinfo-tls'; the Secret must be in the service's namespace ('${service.namespace}').`);
    }
    this.registerRoutes(scope, service.namespace, hosts, paths, tlsSecretName);

    // Derived from the backend: the host Istio routes on. Not in ambient mode, where ztunnel
    // forwards at L4 and rewriting Host would only change what the application sees.
    const annotations: Record<string, string> = { [SERVICE_UPSTREAM]: 'true' };
    if (!this.ambient) annotations[UPSTREAM_VHOST] = service.host;
    const backend = { service: { name: service.name, port: { number: port } } };
    return wireObject(scope, 'Resource', INGRESS, { name, namespace: service.namespace, annotations }, () => prune({
      ingressClassName: this.ingressClassName,
      rules: hosts.map((host) => ({
        host,
        http: { paths: paths.map((p) => ({ path: p.path, pathType: p.pathType, backend })) },
      })),
      tls: tlsSecretName !== undefined ? [{ hosts: [...hosts], secretName: tlsSecretName }] : undefined,
    }));
  }

  /** The Helm values for the ingress-nginx chart: `{ controller: { podAnnotations, podLabels } }`. */
  public toValues(): any {
    return { controller: { podAnnotations: this.controllerPodAnnotations, podLabels: this.controllerPodLabels } };
  }

  /** The values file's content: a header saying how to use it, then the values as YAML (keys sorted). */
  public toValuesYaml(): string {
    const namespace = this.controllerNamespace?.name ?? 'ingress-nginx';
    const how = this.ambient
      ? 'enrol the controller pods in ambient mode, with inbound capture bypassed (clients reach nginx directly)'
      : 'give the controller pods a sidecar that captures no inbound traffic and outbound traffic to the Service CIDRs only';
    return [
      `# ingress-nginx Helm values written by cdk8s-istio (IngressNginxFrontDoor '${this.node.path}'): they ${how}.`,
      '# Merge them into the values of your ingress-nginx release, e.g.:',
      `#   helm upgrade --install ingress-nginx ingress-nginx/ingress-nginx -n ${namespace} -f ${this.valuesFile}`,
      '# ingress-nginx is retired upstream: plan the move to the Kubernetes Gateway API.',
      valuesYaml(this.toValues()),
    ].join('\n');
  }

  private checkServiceCidrs(cidrs: string[] | undefined): string[] {
    if (cidrs === undefined) {
      fail(this, 'serviceCidrs', 'is required with the sidecar data plane', cidrs,
        "Give the cluster's Service CIDRs (kube-apiserver --service-cluster-ip-range), e.g. ['10.96.0.0/12']: the sidecar captures outbound traffic to them only.");
    }
    check(this, 'serviceCidrs', cidrs, (c) => (!Array.isArray(c) || c.length === 0 ? 'must list at least one CIDR block' : undefined),
      "Give the cluster's Service CIDRs, e.g. ['10.96.0.0/12'] (both blocks in a dual-stack cluster).");
    const seen = new Set<string>();
    cidrs.forEach((cidr, i) => {
      check(this, `serviceCidrs[${i}]`, cidr, cidrBlockRule, "Use the Service CIDR as kube-apiserver's --service-cluster-ip-range gives it, e.g. '10.96.0.0/12'.");
      if (seen.has(cidr)) fail(this, `serviceCidrs[${i}]`, 'must not repeat a CIDR block', cidr, 'List each block once.');
      seen.add(cidr);
    });
    return cidrs;
  }

  /** One controller per IngressClass: a second front door for the class would write conflicting values for it. */
  private claimIngressClass(): void {
    const classes = perApp(this, 'ingress-nginx-classes', () => new Map<string, IConstruct>());
    const other = classes.get(this.ingressClassName);
    if (other !== undefined) {
      fail(this, 'ingressClassName', `is already served by front door '${other.node.path}'`, this.ingressClassName,
        'Add the Ingresses to that front door (addIngress), or give this controller its own IngressClass.');
    }
    classes.set(this.ingressClassName, this);
  }

  /** The service port of the backend: given, or the MeshService's; one the Service exposes. */
  private backendPort(scope: IConstruct, service: MeshService, given: number | undefined): number {
    const port = given ?? service.port;
    if (port === undefined) {
      fail(scope, 'port', `is required, since MeshService '${service.name}' has no port`, port,
        `An Ingress backend names a service port: pass port, e.g. 9080, or create the MeshService with one (MeshService.fromName('${service.name}', '${service.namespace}', { port: 9080 })).`);
    }
    check(scope, 'port', port, portRule, 'Use the service port number, e.g. 9080.');
    const kplusService = service.kplusService;
    if (kplusService) {
      const ports = kplusService.ports.map((p) => p.port);
      if (ports.length > 0 && !ports.includes(port)) {
        fail(scope, 'port', `is not a port of service '${service.name}' (its ports: ${ports.join(', ')})`, port, 'Pick one of the ports the Service exposes.');
      }
      if ((kplusService.type as string) === 'ExternalName') {
        fail(scope, 'service', 'must not be an ExternalName Service (it has no cluster IP for service-upstream, and no mesh workloads)', service.name,
          'Route to the meshed Service itself, or reach the external name through an ExternalService.');
      }
      if (kplusService.clusterIP === 'None') {
        fail(scope, 'service', 'must have a cluster IP, but it is headless (clusterIP: None)', service.name,
          "service-upstream sends traffic to the Service's cluster IP so that the mesh balances and encrypts it; pod IPs would bypass the sidecar's capture (outside the Service CIDR) and reach STRICT-mTLS pods in plaintext. Route to a Service with a cluster IP.");
      }
    }
    return port;
  }

  private checkHosts(scope: IConstruct, hosts: string[]): string[] {
    check(scope, 'hosts', hosts, (h) => (!Array.isArray(h) || h.length === 0 ? 'must list at least one host' : undefined),
      "List the external names, e.g. ['bookinfo.example.com'].");
    const seen = new Set<string>();
    for (const host of hosts) {
      check(scope, 'hosts', host, INGRESS_HOST_RULE, "Ingress hosts are fully-qualified names such as 'bookinfo.example.com' or '*.example.com'.");
      if (seen.has(host)) fail(scope, 'hosts', 'must not list a host twice', host, 'Remove the duplicate.');
      seen.add(host);
    }
    return [...hosts];
  }

  private checkPaths(scope: IConstruct, paths: IngressNginxPath[]): CheckedPath[] {
    check(scope, 'paths', paths, (p) => (!Array.isArray(p) || p.length === 0 ? 'must list at least one path' : undefined),
      "Leave paths out to route every path, or list some, e.g. [{ path: '/api' }].");
    const keys = new Map<string, string>();
    return paths.map((p, i) => {
      checkObject(scope, `paths[${i}]`, p);
      check(scope, `paths[${i}].path`, p.path, ingressPathRule, "Use a path such as '/api' or '/static/images'.");
      const pathType = checkEnum(scope, `paths[${i}].pathType`, p.pathType ?? IngressNginxPathType.PREFIX, IngressNginxPathType, 'IngressNginxPathType');
      const key = pathKey(p.path, pathType);
      const earlier = keys.get(key);
      if (earlier !== undefined) {
        fail(scope, `paths[${i}].path`, earlier === p.path ? `must not repeat the ${pathType} path` : `must not repeat the ${pathType} path '${earlier}' (a trailing '/' matches the same requests)`,
          p.path, 'List each path once.');
      }
      keys.set(key, p.path);
      return { path: p.path, pathType, key };
    });
  }

  /**
   * Records the hosts and paths of a new Ingress, failing where ingress-nginx would refuse it or
   * pick one Ingress over another: a host and path already routed by another Ingress (its
   * admission webhook rejects the second), or a host served with two different certificates.
   */
  private registerRoutes(scope: IConstruct, namespace: string, hosts: string[], paths: CheckedPath[], tlsSecretName?: string): void {
    const secret = tlsSecretName !== undefined ? `${namespace}/${tlsSecretName}` : undefined;
    for (const host of hosts) {
      const routes = this.hostRoutes.get(host);
      if (!routes) continue;
      for (const p of paths) {
        const owner = routes.paths.get(p.key);
        if (owner !== undefined) {
          fail(scope, 'paths', `must not route host '${host}' ${p.pathType} path '${p.path}' again: Ingress '${owner.node.path}' already routes it`, p.path,
            "ingress-nginx's admission webhook rejects a host and path defined in two Ingresses; route it from one of them.");
        }
      }
      if (secret !== undefined && routes.tls !== undefined && routes.tls.secret !== secret) {
        fail(scope, 'tlsSecretName', `must be the Secret that already serves host '${host}' ('${routes.tls.secret}', from Ingress '${routes.tls.owner.node.path}')`,
          secret, 'ingress-nginx serves one certificate per host: use that Secret, or leave tlsSecretName out here (the host keeps its certificate).');
      }
    }
    for (const host of hosts) {
      let routes = this.hostRoutes.get(host);
      if (!routes) {
        routes = { paths: new Map() };
        this.hostRoutes.set(host, routes);
      }
      for (const p of paths) routes.paths.set(p.key, scope);
      if (secret !== undefined) routes.tls ??= { secret, owner: scope };
    }
  }

  /**
   * The controller namespace's labels against the controller's enrolment: Istio's injection
   * webhooks give a namespace label precedence over a pod label, and ambient pods with a
   * sidecar are not ambient.
   */
  private validateNamespace(): string[] {
    const namespace = this.controllerNamespace;
    if (!namespace) return [];
    const injection = namespace.metadata.getLabel(INJECTION_NAMESPACE_LABEL);
    const revision = namespace.metadata.getLabel(REVISION_LABEL);
    const conflict = (label: string, why: string, fix: string) =>
      [new ValidationError(this.node.path, 'controllerNamespace', `has the label ${label}, ${why}`, namespace.name, fix).message];
    if (this.ambient) {
      if (injection === 'enabled') {
        return conflict(`${INJECTION_NAMESPACE_LABEL}=enabled`, 'so the controller pods would get a sidecar (it takes precedence over ambient) without the front-door settings',
          'Remove the label: in ambient mode the namespace is enrolled with istio.io/dataplane-mode=ambient.');
      }
      if (revision !== undefined) {
        return conflict(`${REVISION_LABEL}=${revision}`, 'so the controller pods would get a sidecar (it takes precedence over ambient) without the front-door settings',
          'Remove the label: in ambient mode the namespace is enrolled with istio.io/dataplane-mode=ambient.');
      }
      return [];
    }
    const podRevision = this.dataplane.labelKey === REVISION_LABEL ? this.dataplane.labelValue : undefined;
    if (injection !== undefined && (injection === 'disabled' || podRevision !== undefined)) {
      return conflict(`${INJECTION_NAMESPACE_LABEL}=${injection}`, `which overrides the controller pods' ${podRevision !== undefined ? `${REVISION_LABEL}=${podRevision}` : `${INJECT_LABEL}=true`} label`,
        `Remove the label from the namespace (the pod label alone enrols the controller), or ${podRevision !== undefined ? 'use Dataplane.SIDECAR' : 'enable injection'}.`);
    }
    if (podRevision !== undefined && revision !== undefined && revision !== podRevision) {
      return conflict(`${REVISION_LABEL}=${revision}`, `which overrides the controller pods' ${REVISION_LABEL}=${podRevision} label`,
        `Use Dataplane.revision('${revision}'), or remove the label from the namespace.`);
    }
    return [];
  }
}

/** Prefix paths with and without a trailing '/' match the same requests (`/foo` and `/foo/`). */
function pathKey(path: string, pathType: string): string {
  const normalized = pathType === IngressNginxPathType.PREFIX && path.length > 1 ? path.replace(/\/+$/, '') : path;
  return `${pathType} ${normalized}`;
}
