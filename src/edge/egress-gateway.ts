import { Construct, IConstruct } from 'constructs';
import { appObjectsOfKind, indexAppObjects } from '../core/app-objects';
import { uniqueChildId } from '../core/construct-id';
import { overlappingGatewayErrors, registerGatewayServers, selectorKeyOf } from '../core/gateway-overlap';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { IMeshGateway } from '../core/mesh-gateway';
import { MeshService } from '../core/mesh-service';
import { fitName, MAX_OBJECT_NAME, nameForHost, objectNameFor } from '../core/naming';
import { objectNamespace } from '../core/object-namespace';
import { check, fail, pathOf, ValidationError } from '../core/validation-error';
import { checkInstance, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Kinds whose pods a Service may select. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod']);

/** Properties of an {@link EgressGateway}. */
export interface EgressGatewayProps {
  /** The namespace of the egress gateway workload; the Gateway goes here. @default 'istio-system' */
  readonly namespace?: string;
  /** Labels of the egress gateway pods. @default { istio: 'egressgateway' } */
  readonly selector?: Record<string, string>;
  /** The Gateway's name. @default - the construct id as a DNS label */
  readonly name?: string;
  /** The egress gateway's Kubernetes Service. @default - `istio-egressgateway` in the gateway's namespace */
  readonly service?: MeshService;
}

/** A server an ExternalService adds to the egress Gateway (always on the gateway's port 443). */
interface EgressServerRequest {
  readonly host: string;
  /** The port the application calls (part of the server's readable name). */
  readonly appPort: number;
  readonly protocol: 'HTTPS' | 'TLS';
  readonly tls: Record<string, any>;
}

interface EgressServer extends EgressServerRequest {
  readonly name: string;
  readonly owner: IConstruct;
}

/** The egress gateway's port for routed traffic: HTTP arrives over Istio mTLS, TLS as is. */
const EGRESS_PORT = 443;

/**
 * An Istio egress gateway: the single exit of the mesh for external services routed through it
 * (ExternalService `egressGateway`), so egress can be audited and firewalled on a few nodes.
 *
 * Each ExternalService adds its hosts as servers: port 443 with ISTIO_MUTUAL for HTTP the
 * sidecar sends over mTLS (the two-hop pattern), or TLS PASSTHROUGH for TLS the app originates.
 *
 * @example
 * const egress = new EgressGateway(chart, 'egress');
 * new ExternalService(chart, 'cnn', {
 *   hosts: ['edition.cnn.com'],
 *   ports: [{ number: 80, protocol: Protocol.HTTP }],
 *   egressGateway: egress,
 * });
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 */
export class EgressGateway extends Construct implements IMeshGateway {
  public readonly gatewayName: string;
  public readonly gatewayNamespace: string;
  /** The egress gateway's Service, the first hop of routed traffic. */
  public readonly service: MeshService;
  /** The labels of the egress gateway pods. */
  public readonly selector: Record<string, string>;
  private readonly servers: EgressServer[] = [];

  constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    checkInstance(this, 'service', props.service, MeshService, "Use MeshService.fromName('istio-egressgateway', 'istio-system').");
    this.gatewayName = objectNameFor(this, id, props.name, 'label');
    this.gatewayNamespace = check(this, 'namespace', props.namespace ?? 'istio-system', dnsLabelRule, "Namespaces look like 'istio-system'.");
    this.selector = checkLabels(this, 'selector', props.selector ?? { istio: 'egressgateway' });
    this.service = props.service ?? MeshService.fromName('istio-egressgateway', this.gatewayNamespace);
    wireObject(this, 'Resource', GVK.Gateway, { name: this.gatewayName, namespace: this.gatewayNamespace }, () => ({
      selector: this.selector,
      servers: this.servers.map((s) => ({ port: { number: EGRESS_PORT, name: s.name, protocol: s.protocol }, hosts: [s.host], tls: s.tls })),
    }));
    const servers = {
      construct: this,
      selectorKey: selectorKeyOf(this.selector),
      ports: () => (this.servers.length > 0 ? [EGRESS_PORT] : []),
      hosts: () => this.hosts,
      hint: 'route each host through one egress gateway, or give the gateways different workloads (selector).',
    };
    registerGatewayServers(this, servers);
    indexAppObjects(this);
    this.node.addValidation({
      validate: () => (this.servers.length === 0
        ? [new ValidationError(this.node.path, 'hosts', `must have at least one host routed through egress gateway '${this.gatewayName}' (istiod rejects a Gateway without servers)`, [],
          'Route an ExternalService through it (ExternalService egressGateway), or remove the EgressGateway.').message]
        : [...this.serviceSelectionErrors(), ...overlappingGatewayErrors(servers)]),
    });
  }

  /**
   * A cdk8s-plus `service` of the app that selects the app's own pods, none of them the gateway's
   * (they lack its selector labels): routed traffic would reach those pods instead of the gateway.
   * Pods the files do not hold (the gateway's, installed with Istio) cannot be checked here.
   */
  private serviceSelectionErrors(): string[] {
    if (!this.service.kplusService) return [];
    const serviceSelector = this.service._selectorLabels();
    if (Object.keys(serviceSelector).length === 0) return [];
    const has = (labels: Record<string, string>, wanted: Record<string, string>) => Object.entries(wanted).every(([k, v]) => labels[k] === v);
    const selected: Array<{ path: string; labels: Record<string, string> }> = [];
    for (const obj of [...WORKLOAD_KINDS].flatMap((kind) => appObjectsOfKind(this, this, kind))) {
      if (objectNamespace(obj) !== this.service.namespace) continue;
      const json = obj.toJson();
      const labels: Record<string, string> = (obj.kind === 'Pod' ? json.metadata?.labels : json.spec?.template?.metadata?.labels) ?? {};
      if (has(labels, serviceSelector)) selected.push({ path: (obj.node.scope ?? obj).node.path, labels });
    }
    if (selected.length === 0 || selected.some((w) => has(w.labels, this.selector))) return [];
    return [new ValidationError(this.node.path, 'service', `selects the pods of '${selected[0].path}', which lack the gateway's selector labels ${JSON.stringify(this.selector)}`,
      this.service.name, "Pass the egress gateway's own Service (default istio-egressgateway in the gateway's namespace), or set selector to its pods' labels.").message];
  }

  /** The external hosts routed through this gateway. */
  public get hosts(): string[] {
    return [...new Set(this.servers.map((s) => s.host))];
  }

  /**
   * Adds a server for one host. Each host has one server: all routed traffic arrives on port
   * 443 with the host as SNI, so a second server for the host could never be told apart.
   * Port names are readable (`https-api-example-com-80`) and unique in the Gateway (istiod
   * rejects duplicates), also for hosts that read the same.
   * @internal
   */
  public _addServer(owner: IConstruct, request: EgressServerRequest): void {
    const existing = this.servers.find((s) => s.host === request.host);
    if (existing) {
      const by = existing.owner === owner ? 'this ExternalService already routes it' : `'${pathOf(existing.owner)}' already routes it`;
      fail(owner, 'egressGateway', `must receive each host once, but ${by} through egress gateway '${this.gatewayName}' (port ${existing.appPort})`, request.host,
        'Route each host through the egress gateway from one ExternalService, on one port.');
    }
    const readable = `${request.protocol.toLowerCase()}-${nameForHost(request.host)}-${request.appPort}`;
    const name = fitName(readable, `${request.host}:${request.appPort}`, MAX_OBJECT_NAME, (n) => this.servers.some((s) => s.name === n));
    this.servers.push({ ...request, name, owner });
  }
}
