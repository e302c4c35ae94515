import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecurityRegistry } from './security-registry';
import { checkWaypoint, IWaypoint, Waypoint, WaypointTrafficType } from './waypoint';
import { appObjectsOfKind, indexAppObjects } from '../core/app-objects';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck } from '../core/deferred-checks';
import { dnsLabelRule, dnsSubdomainRule, hostRule } from '../core/hosts';
import { checkLabels, labelValueRule } from '../core/labels';
import { checkObjectName, claimObjectName, toDnsLabel } from '../core/naming';
import { portRule } from '../core/numbers';
import { objectNamespace } from '../core/object-namespace';
import { prune } from '../core/plain-objects';
import { check, fail, ValidationError } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkList, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';


/** How peers must talk to workloads (PeerAuthentication `mtls.mode`). */
export enum MtlsMode {
  /** Only mutual TLS is accepted: every request carries a verified workload identity. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext are both accepted (for migrations); plaintext requests have no identity. */
  PERMISSIVE = 'PERMISSIVE',
  /** No mutual TLS (sidecar data plane only; ztunnel ignores it). */
  DISABLE = 'DISABLE',
}

/** Which outbound destinations proxies may reach (Sidecar `outboundTrafficPolicy.mode`). */
export enum OutboundTrafficPolicy {
  /** Only hosts in the service registry (services and ServiceEntries); the rest is blocked. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
  /** Unknown destinations are passed through. */
  ALLOW_ANY = 'ALLOW_ANY',
}

/** How a namespace's workloads join the mesh. */
export class Dataplane {
  /** Sidecar injection by the default istiod (`istio-injection=enabled`). */
  public static readonly SIDECAR = new Dataplane('sidecar', 'istio-injection', 'enabled');
  /** Ambient mode: ztunnel on every node, waypoints for L7 (`istio.io/dataplane-mode=ambient`). */
  public static readonly AMBIENT = new Dataplane('ambient', 'istio.io/dataplane-mode', 'ambient');

  /** Sidecar injection by the istiod of a revision (`istio.io/rev=<revision>`), for canary upgrades. */
  public static revision(revision: string): Dataplane {
    const dataplane = new Dataplane('sidecar', 'istio.io/rev', revision);
    // Checked where the data plane is used (a namespace's dataplane), against that prop (see core/deferred-checks).
    deferCheck(dataplane, 'revision', revision, (r) => labelValueRule(r) ?? (r.length === 0 ? 'must not be empty' : undefined),
      "Use the revision name istiod was installed with, e.g. '1-30-3' or 'canary'.");
    return dataplane;
  }

  private constructor(
    /** `sidecar` or `ambient`. */
    public readonly mode: string,
    /** The enrolment label key. */
    public readonly labelKey: string,
    /** The enrolment label value. */
    public readonly labelValue: string,
  ) {}
}

/** Which hosts the sidecars of a namespace learn about, and what happens to the rest. */
export interface SidecarEgressOptions {
  /**
   * Hosts as `namespace/dnsName` (`./*` = this namespace, `istio-system/*`, `*\/api.example.com`).
   * Proxies only get configuration for these, which bounds Envoy memory in large meshes.
   * @default ['./*', 'istio-system/*']
   */
  readonly hosts?: string[];
  /**
   * What happens to destinations outside the registry.
   * @default - the mesh-wide setting (MeshConfig outboundTrafficPolicy, ALLOW_ANY unless changed)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}

/** A waypoint created for the namespace. */
export interface NamespaceWaypointOptions {
  /**
   * The Gateway's name.
   * @default 'waypoint'
   */
  readonly name?: string;
  /**
   * Which traffic it processes.
   * @default WaypointTrafficType.SERVICE
   */
  readonly trafficType?: WaypointTrafficType;
}

/** The mTLS mode of one port of a workload. */
export interface PortMtls {
  /** The workload (container) port. */
  readonly port: number;
  /** The mode on that port. */
  readonly mode: MtlsMode;
}

/** A workload's own PeerAuthentication, overriding the namespace's mode. */
export interface WorkloadMtlsOptions {
  /** The workload; its pod selector labels become the policy's selector. @default - `selector` must be given */
  readonly workload?: kplus.Workload;
  /** Pod labels selecting the workload. @default - derived from `workload` */
  readonly selector?: Record<string, string>;
  /** The workload's mode. @default - the namespace's mode (only `ports` are overridden) */
  readonly mode?: MtlsMode;
  /** Per-port modes, e.g. a metrics port scraped in plaintext. @default - no port-level modes */
  readonly ports?: PortMtls[];
}

/** Properties of an {@link MtlsNamespace}. */
export interface MtlsNamespaceProps {
  /**
   * The namespace's name.
   * @default - the name of `namespace` if given, else the construct id
   */
  readonly name?: string;
  /**
   * A cdk8s-plus Namespace of this app to enrol (labels are added to it instead of emitting a second Namespace).
   * @default - a Namespace is created, unless `createNamespace` is false
   */
  readonly namespace?: kplus.Namespace;
  /**
   * Emit the Namespace. Set to false for a namespace that exists already: only the policies are
   * emitted, and `dataplane` must describe how the namespace is enrolled.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * How workloads join the mesh.
   * @default Dataplane.SIDECAR
   */
  readonly dataplane?: Dataplane;
  /**
   * The namespace-wide mTLS mode.
   * @default MtlsMode.STRICT
   */
  readonly mtls?: MtlsMode;
  /**
   * Scope the sidecars' egress with a namespace-wide Sidecar (sidecar data plane only).
   * @default - no Sidecar: proxies learn every service of the mesh
   */
  readonly egress?: SidecarEgressOptions;
  /**
   * Create a waypoint for the namespace and use it (ambient only). Needed for L7 policies.
   * @default - no waypoint
   */
  readonly waypoint?: NamespaceWaypointOptions;
  /**
   * Use an existing waypoint (ambient only). Exclusive with `waypoint`.
   * @default - no waypoint
   */
  readonly useWaypoint?: IWaypoint;
}

const ENROLMENT_LABELS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode'];

/**
 * A namespace enrolled in the mesh with mutual TLS: the Namespace with its injection or
 * ambient label, a namespace-wide PeerAuthentication (STRICT by default), optional per-workload
 * overrides, an optional Sidecar scoping egress, and for ambient namespaces an optional waypoint.
 *
 * Exactly one enrolment label is written (`istio-injection=enabled`, `istio.io/rev=<rev>` or
 * `istio.io/dataplane-mode=ambient`): two injection labels on one namespace are an error
 * (istioctl IST0123). AuthorizationPolicy and JwtAuthentication read this construct at synth to
 * check source principals against the mTLS mode and to attach L7 policies of ambient
 * namespaces to the waypoint.
 *
 * @example
 * const shop = new MtlsNamespace(chart, 'shop', {
 *   egress: { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY },
 * });
 * shop.addWorkloadMtls('metrics', { selector: { app: 'legacy' }, ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] });
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export class MtlsNamespace extends Construct {
  /** The namespace's name. */
  public readonly name: string;
  /** The namespace-wide mTLS mode. */
  public readonly mtlsMode: MtlsMode;
  /** Whether the namespace uses the ambient data plane. */
  public readonly ambient: boolean;
  /** The Namespace object, when this app creates or enrols one. */
  public readonly namespace?: kplus.Namespace;
  /** The waypoint the namespace uses, if any. */
  public readonly waypoint?: IWaypoint;
  private readonly egressHosts: string[] = [];
  private readonly egressEnabled: boolean;
  /** The egress hosts the namespace started from when `egress.hosts` was left out (named in errors). */
  private defaultEgressHosts: string[] = [];
  /** PeerAuthentication names of addWorkloadMtls, with the id each came from. */
  private readonly workloadMtlsNames = new Map<string, string>();

  constructor(scope: Construct, id: string, props: MtlsNamespaceProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    this.name = checkObjectName(this, 'name', props.name ?? props.namespace?.name ?? toDnsLabel(id), 'label');
    const dataplane = checkInstance(this, 'dataplane', props.dataplane ?? Dataplane.SIDECAR, Dataplane,
      'Use Dataplane.SIDECAR, Dataplane.AMBIENT or Dataplane.revision(...).');
    this.ambient = dataplane.mode === 'ambient';
    this.mtlsMode = checkEnum(this, 'mtls', props.mtls ?? MtlsMode.STRICT, MtlsMode, 'MtlsMode');
    checkBoolean(this, 'createNamespace', props.createNamespace);
    checkObject(this, 'egress', props.egress);
    checkObject(this, 'waypoint', props.waypoint);
    checkEnum(this, 'egress.outboundTrafficPolicy', props.egress?.outboundTrafficPolicy, OutboundTrafficPolicy, 'OutboundTrafficPolicy');
    checkEnum(this, 'waypoint.trafficType', props.waypoint?.trafficType, WaypointTrafficType, 'WaypointTrafficType');
    if (props.useWaypoint !== undefined) checkWaypoint(this, 'useWaypoint', props.useWaypoint);

    if (this.ambient && this.mtlsMode === MtlsMode.DISABLE) {
      fail(this, 'mtls', 'cannot be DISABLE in an ambient namespace', this.mtlsMode,
        'ztunnel ignores DISABLE and keeps using mTLS (HBONE); use PERMISSIVE to also accept plaintext, or the sidecar data plane.');
    }
    if (props.egress && this.ambient) {
      fail(this, 'egress', 'cannot be used in an ambient namespace', props.egress,
        'A Sidecar resource has no effect on ztunnel or waypoints; remove egress, or use Dataplane.SIDECAR.');
    }
    if ((props.waypoint || props.useWaypoint) && !this.ambient) {
      fail(this, props.waypoint ? 'waypoint' : 'useWaypoint', 'needs the ambient data plane', props.waypoint ?? props.useWaypoint?.waypointName,
        'Waypoints serve ambient namespaces; set dataplane: Dataplane.AMBIENT, or drop the waypoint (sidecars enforce L7 themselves).');
    }
    if (props.waypoint && props.useWaypoint) {
      fail(this, 'waypoint', 'cannot be combined with useWaypoint', props.waypoint,
        'Either create a waypoint for the namespace (waypoint) or use an existing one (useWaypoint).');
    }
    if (props.namespace && props.createNamespace === false) {
      fail(this, 'createNamespace', 'cannot be false when a kplus Namespace is passed', false,
        'The Namespace is part of this app; drop createNamespace, or pass only name for a namespace that exists already.');
    }
    if (props.namespace && props.name !== undefined && props.name !== props.namespace.name) {
      fail(this, 'name', `must match the name of the kplus Namespace ('${props.namespace.name}')`, props.name, 'Leave name out; it is taken from the Namespace.');
    }

    if (props.waypoint) {
      // Checked here so the error names this construct's prop, not the Waypoint child's.
      if (props.waypoint.name !== undefined) {
        check(this, 'waypoint.name', props.waypoint.name, dnsLabelRule, "Waypoint names are DNS labels such as 'waypoint'.");
      }
      this.waypoint = this.ownWaypoint(props.waypoint);
    } else {
      this.waypoint = props.useWaypoint;
    }

    const labels: Record<string, string> = { [dataplane.labelKey]: dataplane.labelValue };
    if (this.waypoint) {
      labels['istio.io/use-waypoint'] = this.waypoint.waypointName;
      if (this.waypoint.waypointNamespace !== this.name) labels['istio.io/use-waypoint-namespace'] = this.waypoint.waypointNamespace;
    }
    if (props.namespace) {
      this.namespace = props.namespace;
      for (const key of ENROLMENT_LABELS.filter((k) => k !== dataplane.labelKey)) {
        const existing = props.namespace.metadata.getLabel(key);
        if (existing !== undefined) {
          fail(this, 'namespace', `already has the label ${key}=${existing}, which conflicts with ${dataplane.labelKey}=${dataplane.labelValue}`,
            props.namespace.name, 'A namespace takes exactly one enrolment label (istioctl IST0123); remove the other label or pick the matching dataplane.');
        }
      }
      for (const [key, value] of Object.entries(labels)) props.namespace.metadata.addLabel(key, value);
    } else if (props.createNamespace !== false) {
      claimObjectName(this, 'v1', 'Namespace', undefined, this.name);
      // cdk8s-plus takes longer to load than this whole library; only namespaces we create need it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Namespace } = require('cdk8s-plus-28') as typeof kplus;
      this.namespace = new Namespace(this, 'Resource', { metadata: { name: this.name, labels } });
      // Namespaces are cluster-scoped, but cdk8s gives every object its chart's namespace.
      if (Chart.of(this).namespace !== undefined) ApiObject.of(this.namespace).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      const ours = ApiObject.of(this.namespace);
      indexAppObjects(this);
      this.node.addValidation({ validate: () => this.duplicateNamespaceErrors(ours) });
    }

    const registry = SecurityRegistry.of(this);
    const other = registry.namespaces.get(this.name);
    if (other) {
      fail(this, 'name', `is already declared by '${other.path}'`, this.name, 'Declare each namespace once and reuse the construct.');
    }
    if (registry.meshMtls?.rootNamespace === this.name) {
      fail(this, 'name', `is the mesh's root namespace, where MeshMtls '${registry.meshMtls.path}' declares the PeerAuthentication 'default'`, this.name,
        "In the root namespace that PeerAuthentication is the mesh-wide one: set the mode with MeshMtls only, and don't declare the root namespace as an MtlsNamespace.");
    }
    registry.namespaces.set(this.name, {
      name: this.name,
      path: this.node.path,
      ambient: this.ambient,
      mtlsMode: this.mtlsMode,
      waypointName: this.waypoint && this.waypoint.waypointNamespace === this.name ? this.waypoint.waypointName : undefined,
      usesWaypoint: this.waypoint !== undefined,
    });

    wireObject(this, 'PeerAuthentication', GVK.PeerAuthentication, { name: 'default', namespace: this.name },
      () => ({ mtls: { mode: this.mtlsMode } }));

    this.egressEnabled = props.egress !== undefined;
    if (props.egress) {
      if (props.egress.hosts !== undefined) {
        check(this, 'egress.hosts', props.egress.hosts, (h) => (!Array.isArray(h) ? 'must be a list' : h.length === 0 ? 'must not be an empty list' : undefined),
          "List the hosts the sidecars may reach, e.g. ['./*', 'istio-system/*'] (the default when hosts is left out); istiod rejects an egress listener without hosts.");
      }
      if (props.egress.hosts === undefined) this.defaultEgressHosts = ['./*', 'istio-system/*'];
      this.allowEgressTo(...(props.egress.hosts ?? this.defaultEgressHosts));
      const outbound = props.egress.outboundTrafficPolicy;
      wireObject(this, 'Sidecar', GVK.Sidecar, { name: 'default', namespace: this.name }, () => prune({
        egress: [{ hosts: [...this.egressHosts] }],
        outboundTrafficPolicy: outbound ? { mode: outbound } : undefined,
      }));
      this.node.addValidation({ validate: () => this.validateEgress() });
    }
  }

  /**
   * Lets the namespace's sidecars learn about more hosts (`namespace/dnsName`). Only with `egress`.
   */
  public allowEgressTo(...hosts: string[]): void {
    if (!this.egressEnabled) {
      fail(this, 'egress', 'must be configured before egress hosts are added', hosts,
        "Pass egress: {} to the MtlsNamespace (it starts from ['./*', 'istio-system/*']).");
    }
    for (const host of hosts) {
      check(this, 'egress.hosts', host, egressHostRule, "Use 'namespace/dnsName', e.g. './*', 'istio-system/*' or '*/api.example.com'.");
      if (this.egressHosts.includes(host)) {
        fail(this, 'egress.hosts', 'must not repeat a host', host, 'List each host once.');
      }
      this.checkEgressOverlap(host);
      this.egressHosts.push(host);
    }
  }

  /**
   * istiod warns about egress hosts another one already selects (`./*` and `./reviews`, or
   * `shop/*` and `./*` in namespace shop): one of them does nothing, so we ask for one.
   */
  /**
   * The namespace's own waypoint. Its checks (a name another Waypoint already uses, say) are
   * reported as this construct's `waypoint` prop: the user never created the child.
   */
  private ownWaypoint(options: NamespaceWaypointOptions): Waypoint {
    try {
      return new Waypoint(this, 'Waypoint', { namespace: this.name, name: options.name, trafficType: options.trafficType });
    } catch (error) {
      if (error instanceof ValidationError && error.where.startsWith(`${this.node.path}/`)) {
        const property = error.property === 'metadata.name' || error.property === 'name' ? 'waypoint.name' : `waypoint.${error.property}`;
        fail(this, property, error.rule, error.value, error.hint);
      }
      throw error;
    }
  }

  private checkEgressOverlap(host: string): void {
    const [namespace, dnsName] = this.egressHostParts(host);
    for (const existing of this.egressHosts) {
      const [otherNamespace, otherDnsName] = this.egressHostParts(existing);
      if (otherNamespace !== namespace) continue;
      if (otherDnsName === dnsName) {
        fail(this, 'egress.hosts', `must not repeat a host ('${existing}' is the same host in namespace '${this.name}')`, host, 'List each host once.');
      }
      if (otherDnsName === '*' || dnsName === '*') {
        const [wide, narrow] = otherDnsName === '*' ? [existing, host] : [host, existing];
        fail(this, 'egress.hosts', `must not list '${narrow}' together with '${wide}', which already selects it`, host,
          `Drop '${narrow}'${existing === wide && this.defaultEgressHosts.includes(wide) ? ` ('${wide}' is one of the default hosts)` : ''}.`);
      }
    }
  }

  /** `namespace/dnsName` with `.` resolved to this namespace. */
  private egressHostParts(host: string): [string, string] {
    const slash = host.indexOf('/');
    const namespace = host.slice(0, slash);
    return [namespace === '.' ? this.name : namespace, host.slice(slash + 1)];
  }

  /**
   * Another object of the app that is this Namespace too (a cdk8s-plus Namespace): two objects
   * for one namespace, the later apply dropping the enrolment labels of the other.
   */
  private duplicateNamespaceErrors(ours: ApiObject): string[] {
    const other = appObjectsOfKind(this, this, 'Namespace').find((c) => c !== ours && c.apiVersion === 'v1' && c.name === this.name);
    if (!other) return [];
    const owner = other.node.scope ?? other;
    return [new ValidationError(this.node.path, 'name', `is the Namespace '${owner.node.path}' of the app defines as well`, this.name,
      'Pass that Namespace (namespace: ...) so its labels are added to it, or set createNamespace: false.').message];
  }

  /**
   * Adds a PeerAuthentication for one workload, overriding the namespace's mode for it or for
   * some of its ports. Port-level modes need a selector (istiod rejects them namespace-wide), so
   * one is always derived from `workload` or required.
   */
  public addWorkloadMtls(id: string, options: WorkloadMtlsOptions): void {
    const name = this.claimWorkloadMtlsName(id);
    const scope = new Construct(this, id);
    checkObject(scope, 'options', options, true);
    checkEnum(scope, 'mode', options.mode, MtlsMode, 'MtlsMode');
    checkList(scope, 'ports', options.ports);
    (options.ports ?? []).forEach((p, i) => {
      checkObject(scope, `ports[${i}]`, p);
      if (p.mode === undefined) fail(scope, `ports[${i}].mode`, 'must be set', p.mode, 'Give the port its mode, e.g. MtlsMode.PERMISSIVE.');
      checkEnum(scope, `ports[${i}].mode`, p.mode, MtlsMode, 'MtlsMode');
    });
    if (!options.workload === !options.selector) {
      fail(scope, 'workload', 'or selector must be given (exactly one)', options.workload ? 'both' : 'neither',
        'A workload-level PeerAuthentication needs a selector: pass the kplus workload, or its pod labels.');
    }
    if (options.mode === undefined && (options.ports ?? []).length === 0) {
      fail(scope, 'mode', 'or ports must be given', {}, 'Set the workload\'s mode, or port-level modes, e.g. ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }].');
    }
    if (options.selector) checkLabels(scope, 'selector', options.selector);
    if (options.workload) {
      const workloadNamespace = objectNamespace(options.workload);
      if (workloadNamespace !== this.name) {
        fail(scope, 'workload', `must be in namespace '${this.name}'`, `${workloadNamespace}/${options.workload.name}`,
          'Add the override to the MtlsNamespace of the workload\'s namespace.');
      }
    }
    const modes = [options.mode, ...(options.ports ?? []).map((p) => p.mode)];
    if (this.ambient && modes.includes(MtlsMode.DISABLE)) {
      fail(scope, options.mode === MtlsMode.DISABLE ? 'mode' : 'ports', 'cannot use DISABLE in an ambient namespace', MtlsMode.DISABLE,
        'ztunnel ignores DISABLE and keeps using mTLS; use PERMISSIVE to also accept plaintext.');
    }
    const portLevel: Record<string, { mode: string }> = {};
    for (const [i, p] of (options.ports ?? []).entries()) {
      check(scope, `ports[${i}].port`, p.port, portRule, 'Use the container port number, e.g. 9090.');
      if (portLevel[String(p.port)]) fail(scope, 'ports', 'must not repeat a port', p.port, 'Give each port one mode.');
      portLevel[String(p.port)] = { mode: p.mode };
    }
    // A workload's labels may still change after this call, so they are read (and checked) at synth.
    const matchLabels = () => {
      const labels = options.selector ?? options.workload!.matchLabels;
      if (Object.keys(labels ?? {}).length === 0) {
        fail(scope, 'workload', 'must have pod selector labels', `${this.name}/${options.workload!.name}`,
          'Without labels the PeerAuthentication would apply to the whole namespace (istiod rejects port-level modes then); give the workload a selector (workload.select(...)), or pass selector.');
      }
      return labels;
    };
    if (options.workload) scope.node.addValidation({ validate: () => (tryMessage(matchLabels)) });
    wireObject(scope, 'Resource', GVK.PeerAuthentication, { name, namespace: this.name }, () => prune({
      selector: { matchLabels: matchLabels() },
      mtls: options.mode ? { mode: options.mode } : undefined,
      portLevelMtls: Object.keys(portLevel).length > 0 ? portLevel : undefined,
    }));
  }

  /**
   * The PeerAuthentication name of an addWorkloadMtls id, checked before the id becomes a
   * construct: an empty or repeated id would otherwise fail inside the constructs library.
   */
  private claimWorkloadMtlsName(id: string): string {
    const property = 'addWorkloadMtls id';
    const hint = "Pass an id such as 'metrics'; it names the workload's PeerAuthentication.";
    check(this, property, id, (v) => (typeof v !== 'string' || v.length === 0 ? 'must not be empty' : undefined), hint);
    const name = toDnsLabel(id);
    check(this, property, id, () => (dnsSubdomainRule(name) === undefined ? undefined
      : `must give a valid object name (it becomes '${name}': lowercase letters, digits and '-', at most 253 characters)`), hint);
    if (name === 'default') {
      fail(this, property, "must not give the name 'default'", id, "The namespace-wide PeerAuthentication is named 'default'; name the override after the workload, e.g. 'metrics'.");
    }
    const earlier = this.workloadMtlsNames.get(name);
    if (earlier !== undefined) {
      fail(this, property, earlier === id ? 'must be unique' : `must be unique, but it gives the name '${name}' like id '${earlier}'`, id,
        'Give each workload override its own id, or combine the overrides of one workload in one call.');
    }
    const child = this.node.tryFindChild(id.replace(/\//g, '--'));
    if (child !== undefined) {
      fail(this, property, 'must not be the id of another child of this namespace', id, "Use the workload's name, e.g. 'metrics'.");
    }
    this.workloadMtlsNames.set(name, id);
    return name;
  }

  private validateEgress(): string[] {
    if (this.egressHosts.includes('*/*') && this.egressHosts.length > 1) {
      return [`${this.node.path}: egress.hosts must not combine '*/*' with other hosts, got ${JSON.stringify(this.egressHosts)}. '*/*' already selects every host; drop it to scope egress.`];
    }
    return [];
  }
}

/** The message of a check that throws a ValidationError, for node validations (which return messages). */
function tryMessage(checkFn: () => unknown): string[] {
  try {
    checkFn();
    return [];
  } catch (e) {
    if (e instanceof ValidationError) return [e.message];
    throw e;
  }
}

/** Sidecar egress hosts: `namespace/dnsName` with namespace `*`, `.`, `~` or a DNS label. */
function egressHostRule(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length !== 2) return "must have the form 'namespace/dnsName'";
  const [namespace, host] = parts;
  if (!['*', '.', '~'].includes(namespace) && dnsLabelRule(namespace) !== undefined) {
    return `has an invalid namespace '${namespace}' (use '*', '.', '~' or a namespace name)`;
  }
  if (host === '*') return undefined;
  const broken = hostRule({ wildcard: true })(host);
  return broken === undefined ? undefined : `has a host that ${broken}`;
}
