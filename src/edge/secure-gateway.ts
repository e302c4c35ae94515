import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { certificateSpec, GatewayCertificate } from './gateway-certificate';
import { uniqueChildId } from '../core/construct-id';
import { deferCheck } from '../core/deferred-checks';
import { checkDuration } from '../core/durations';
import { overlappingGatewayErrors, registerGatewayServers, selectorKeyOf } from '../core/gateway-overlap';
import { dnsLabelRule, dnsSubdomainRule, hostCovers, hostRule } from '../core/hosts';
import { checkLabels } from '../core/labels';
import { gatewayRef, IMeshGateway, registerGatewayListeners } from '../core/mesh-gateway';
import { MeshService } from '../core/mesh-service';
import { nameForHost, objectNameFor, toDnsLabel } from '../core/naming';
import { portRule } from '../core/numbers';
import { RoutingApi } from '../core/routing-api';
import { routingSettings } from '../core/routing-settings';
import { check, fail } from '../core/validation-error';
import { checkBoolean, checkEnum, checkInstance, checkList, checkObject } from '../core/value-types';
import { GatewayIntent, ServerTlsIntent } from '../model/gateway-model';
import { StringCondition } from '../model/mesh-model';
import { wireObject } from '../render/api-object';
import { checkGatewayApiTls, gatewayListeners, GatewayListener, kubernetesGatewaySpec, REDIRECT_LISTENER } from '../render/gateway-api/gateway';
import { GVK } from '../render/gvk';
import { istioGatewaySpec } from '../render/istio/gateway';
import { meshModel } from '../render/model-renderers';
import { gatewayRouteTable } from '../traffic/canary-release';
import { matchCondition, StringMatch } from '../traffic/http-match';
import { CorsPolicy, corsIntent, HeaderOperations, headerOperationsIntent } from '../traffic/route-policy';

/** How the gateway handles TLS on its secure port. */
export enum GatewayTlsMode {
  /** Terminate TLS at the gateway with the server certificate. */
  SIMPLE = 'SIMPLE',
  /** Do not terminate: route on SNI to a backend that terminates TLS itself. */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Terminate TLS and require a client certificate signed by the client CA. */
  MUTUAL = 'MUTUAL',
  /** Terminate TLS and verify a client certificate when one is presented. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
  /** Istio mTLS with workload certificates (mesh-internal gateways). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** TLS protocol versions, with Istio's wire values. */
export enum TlsVersion {
  /** TLS 1.0 (deprecated, RFC 8996). */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1 (deprecated, RFC 8996). */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/** Where a MUTUAL gateway finds the CA bundle that verifies client certificates. */
export class ClientCaSource {
  /**
   * `ca.crt` in the server credential's own Secret: what cert-manager writes for CA issuers,
   * so clients issued by the same CaChain are accepted.
   */
  public static readonly FROM_CREDENTIAL = new ClientCaSource(undefined);

  /** A separate Secret (key `ca.crt`) in the gateway's namespace, named as Istio's `caCertCredentialName`. */
  public static fromSecret(secretName: string): ClientCaSource {
    const source = new ClientCaSource(secretName);
    // Checked where the source is used (a SecureGateway's clientCa), against that prop (see core/deferred-checks).
    deferCheck(source, 'secretName', secretName, dnsSubdomainRule, "Secret names look like 'client-ca'.");
    return source;
  }

  private constructor(
    /** The separate Secret's name, if any. */
    public readonly secretName: string | undefined,
  ) {}
}

/** Properties of a {@link SecureGateway}. */
export interface SecureGatewayProps {
  /** The external hosts served: FQDNs or `*.domain` wildcards. */
  readonly hosts: string[];
  /**
   * The namespace where the gateway workload runs. The Gateway, the certificate Secret and the
   * VirtualServices of its routes all go here: a gateway reads credentials from its own namespace only.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /** Labels of the gateway workload's pods. @default { istio: 'ingressgateway' } */
  readonly selector?: Record<string, string>;
  /** The Gateway's name. @default - the construct id as a DNS label */
  readonly name?: string;
  /** TLS handling on the secure port. @default GatewayTlsMode.SIMPLE */
  readonly tlsMode?: GatewayTlsMode;
  /**
   * The server certificate. Required for SIMPLE, MUTUAL and OPTIONAL_MUTUAL; not allowed for
   * PASSTHROUGH and ISTIO_MUTUAL (they do not use one).
   * @default - none
   */
  readonly certificate?: GatewayCertificate;
  /** For MUTUAL and OPTIONAL_MUTUAL: the CA bundle that verifies clients. @default ClientCaSource.FROM_CREDENTIAL */
  readonly clientCa?: ClientCaSource;
  /** For MUTUAL and OPTIONAL_MUTUAL: accept only client certificates with one of these SANs. @default - any SAN */
  readonly clientSubjectAltNames?: string[];
  /** The minimum TLS version accepted. @default TlsVersion.TLSV1_2 */
  readonly minTlsVersion?: TlsVersion;
  /** The maximum TLS version accepted. @default TlsVersion.TLSV1_3 (Envoy's default) */
  readonly maxTlsVersion?: TlsVersion;
  /** Allow a minimum below TLS 1.2 (deprecated by RFC 8996). @default false */
  readonly allowLegacyTls?: boolean;
  /** TLS 1.2 cipher suites (OpenSSL names), in preference order. @default - Envoy's defaults */
  readonly cipherSuites?: string[];
  /**
   * The secure port. The gateway's Kubernetes Service must expose it (the default ingress
   * gateway exposes 80 and 443 only).
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * Serve a plain-HTTP server that redirects every request to HTTPS. With an ACME HTTP-01
   * issuer it is off (the redirect breaks the challenge; cert-manager's solver Ingress serves port 80).
   * @default true (false with an HTTP-01 issuer)
   */
  readonly httpsRedirect?: boolean;
  /** The plain-HTTP port of the redirect server; the gateway's Service must expose it. @default 80 */
  readonly httpPort?: number;
  /**
   * The API of the gateway and its routes: an Istio Gateway (servers, `selector`) and
   * VirtualServices, or a Gateway API Gateway of class `istio` (one listener per host, istiod
   * deploys `<name>-istio` or binds `existingService`) and HTTPRoutes or TLSRoutes.
   * @default - the app's RoutingDefaults (Istio's APIs)
   */
  readonly api?: RoutingApi;
  /**
   * Gateway API only: an existing gateway Service (e.g. a Helm-installed `istio-ingressgateway`)
   * the Gateway binds to instead of having istiod deploy one.
   * @default - istiod deploys a gateway named `<name>-istio`
   */
  readonly existingService?: MeshService;
}

/** A route from the gateway to a service. */
export interface GatewayRouteOptions {
  /** The backend service. */
  readonly service: MeshService;
  /** The external host this route serves. @default - the gateway's only host (required when it has several) */
  readonly host?: string;
  /** Only requests whose path starts with this prefix (HTTP only). @default - every path (the host's default route) */
  readonly pathPrefix?: string;
  /** The service port. @default - the MeshService's port */
  readonly port?: number;
  /**
   * The path condition (HTTP only), exclusive with `pathPrefix`: `StringMatch.pathPrefix('/api')`
   * for whole segments, `exact`, `prefix` (a string prefix) or `regex`.
   * @default - every path (the host's default route), unless pathPrefix is set
   */
  readonly path?: StringMatch;
  /** Replace the matched prefix before forwarding (HTTP only), e.g. '/'. @default - path unchanged */
  readonly rewritePrefix?: string;
  /** Request timeout (HTTP only). @default - Istio's default (none) */
  readonly timeout?: Duration;
  /** Changes to the headers of requests (HTTP only). @default - none */
  readonly requestHeaders?: HeaderOperations;
  /** Changes to the headers of responses (HTTP only). @default - none */
  readonly responseHeaders?: HeaderOperations;
  /** CORS (HTTP only). @default - no CORS handling */
  readonly cors?: CorsPolicy;
}

/** A redirect the gateway answers itself (HTTP only). */
export interface GatewayRedirectOptions {
  /** The external host redirected. @default - the gateway's only host (required when it has several) */
  readonly host?: string;
  /** The paths redirected. @default - every path */
  readonly path?: StringMatch;
  /** The scheme of the new location. @default - the request's */
  readonly scheme?: string;
  /** The host of the new location. @default - the request's */
  readonly hostname?: string;
  /** The port of the new location. @default - the request's (the scheme's well-known port when the scheme changes) */
  readonly port?: number;
  /** The path of the new location (replaces the whole path). @default - the request's */
  readonly replacePath?: string;
  /** The HTTP status: 301, 302, 303, 307 or 308. @default 301 */
  readonly statusCode?: number;
}

const CIPHER_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA',
];
const VERSION_ORDER = [TlsVersion.TLSV1_0, TlsVersion.TLSV1_1, TlsVersion.TLSV1_2, TlsVersion.TLSV1_3];
const SERVICE_HINT = "Use MeshService.fromName('productpage', 'bookinfo', { port: 9080 }) or MeshService.fromService(service).";

/** The kinds of the props' values (for callers without a type checker), before any is used. */
function checkPropTypes(scope: Construct, props: SecureGatewayProps): void {
  checkObject(scope, 'props', props, true);
  checkList(scope, 'hosts', props.hosts);
  checkList(scope, 'clientSubjectAltNames', props.clientSubjectAltNames);
  checkList(scope, 'cipherSuites', props.cipherSuites);
  checkEnum(scope, 'minTlsVersion', props.minTlsVersion, TlsVersion, 'TlsVersion');
  checkEnum(scope, 'maxTlsVersion', props.maxTlsVersion, TlsVersion, 'TlsVersion');
  checkBoolean(scope, 'allowLegacyTls', props.allowLegacyTls);
  checkBoolean(scope, 'httpsRedirect', props.httpsRedirect);
  checkInstance(scope, 'certificate', props.certificate, GatewayCertificate,
    'Use GatewayCertificate.fromIssuer(issuer) for a cert-manager certificate, or GatewayCertificate.fromSecret(name) for your own.');
  checkInstance(scope, 'clientCa', props.clientCa, ClientCaSource, "Use ClientCaSource.fromSecret('client-ca') or ClientCaSource.FROM_CREDENTIAL.");
  checkInstance(scope, 'api', props.api, RoutingApi, 'Use RoutingApi.ISTIO or RoutingApi.GATEWAY_API.');
  checkInstance(scope, 'existingService', props.existingService, MeshService, SERVICE_HINT);
}

/**
 * An Istio ingress Gateway serving HTTPS for a set of hosts, with its certificate.
 *
 * The certificate (a cert-manager Certificate, or your own Secret) is always in the namespace
 * of the gateway workload and the Gateway's `credentialName` is its `secretName`, so the two
 * mistakes behind most gateway 404s and handshake failures cannot be written. A plain-HTTP
 * server redirecting to HTTPS is on by default, and TLS below 1.2 is refused unless asked for.
 *
 * Routes (`addRoute`) go through the per-host route model: one VirtualService per external host
 * and gateway, in the gateway's namespace (so routes to services of several namespaces under
 * one host still make one object), with hosts that always match the Gateway's.
 *
 * @example
 * const issuer = new ClusterIssuer(chart, 'letsencrypt', {
 *   config: IssuerConfig.acme({ server: AcmeServer.LETS_ENCRYPT, email: 'ops@example.com', solvers: [AcmeSolver.http01()] }),
 * });
 * const gateway = new SecureGateway(chart, 'bookinfo', {
 *   hosts: ['bookinfo.example.com'],
 *   certificate: GatewayCertificate.fromIssuer(issuer),
 * });
 * gateway.addRoute({ service: MeshService.fromName('productpage', 'bookinfo', { port: 9080 }) });
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/ops/integrations/certmanager/
 */
export class SecureGateway extends Construct implements IMeshGateway {
  public readonly gatewayName: string;
  public readonly gatewayNamespace: string;
  /** The TLS mode of the secure server. */
  public readonly tlsMode: GatewayTlsMode;
  /** The Secret the gateway serves its certificate from (its `credentialName`), if it uses one. */
  public readonly credentialName?: string;
  /** The secure port. */
  public readonly httpsPort: number;
  /** The API of the gateway and its routes (always set: the prop, or the app default). */
  public readonly routingApi?: RoutingApi;
  private readonly gatewayHosts: string[];
  private readonly ports: number[];

  constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, uniqueChildId(scope, id));
    checkPropTypes(this, props);
    this.gatewayName = objectNameFor(this, id, props.name, 'label');
    this.gatewayNamespace = check(this, 'namespace', props.namespace ?? 'istio-system', dnsLabelRule,
      "Use the namespace the gateway pods run in, e.g. 'istio-system' or 'istio-ingress'.");
    this.gatewayHosts = this.checkHosts(props.hosts);
    this.tlsMode = checkEnum(this, 'tlsMode', props.tlsMode ?? GatewayTlsMode.SIMPLE, GatewayTlsMode, 'GatewayTlsMode');
    this.httpsPort = check(this, 'httpsPort', props.httpsPort ?? 443, portRule, 'Use the port the gateway Service exposes, usually 443.');
    const httpPort = check(this, 'httpPort', props.httpPort ?? 80, portRule, 'Use the port the gateway Service exposes, usually 80.');
    if (httpPort === this.httpsPort) {
      fail(this, 'httpPort', `must differ from httpsPort (${this.httpsPort})`, httpPort, 'Use 80 for HTTP and 443 for HTTPS.');
    }
    this.routingApi = props.api ?? (routingSettings(this).api === 'gateway-api' ? RoutingApi.GATEWAY_API : RoutingApi.ISTIO);
    const gatewayApi = this.routingApi === RoutingApi.GATEWAY_API;
    if (gatewayApi && props.selector !== undefined) {
      fail(this, 'selector', 'selects the pods of an Istio gateway, but a Gateway API Gateway runs its own (istiod deploys it)', props.selector,
        'Remove selector, or bind the Gateway to an existing gateway Service with existingService.');
    }
    if (!gatewayApi && props.existingService !== undefined) {
      fail(this, 'existingService', 'binds a Gateway API Gateway to a Service, but this gateway uses Istio\'s APIs (it selects pods with selector)', props.existingService.name,
        'Use selector with Istio\'s APIs, or set api: RoutingApi.GATEWAY_API.');
    }
    const selector = checkLabels(this, 'selector', props.selector ?? { istio: 'ingressgateway' });

    const certificate = this.checkCertificate(props, gatewayApi);
    this.credentialName = certificate ? certificate.secretName ?? `${this.gatewayName}-tls` : undefined;
    const credentialNamespace = certificate?.secretNamespace ?? this.gatewayNamespace;
    const http01 = certificate?.issuer?.issuerTraits.http01 ?? false;
    if (http01 && props.httpsRedirect === true) {
      fail(this, 'httpsRedirect', 'cannot be used with an ACME HTTP-01 issuer', true,
        'The redirect sends the challenge to HTTPS before a certificate exists (istio/istio#33593); leave httpsRedirect unset, or use a DNS-01 solver.');
    }
    const httpsRedirect = props.httpsRedirect ?? !http01;
    if (!httpsRedirect && props.httpPort !== undefined) {
      fail(this, 'httpPort', `is the port of the HTTPS redirect server, which is off (${props.httpsRedirect === false ? 'httpsRedirect: false' : 'an ACME HTTP-01 issuer needs its challenge served over plain HTTP'})`,
        props.httpPort, 'Remove httpPort, or turn the redirect on (httpsRedirect: true).');
    }
    const tls = this.tlsIntent(props, certificate, credentialNamespace);

    if (certificate?.issuer) {
      const spec = certificateSpec(this, {
        issuer: certificate.issuer,
        namespace: credentialNamespace,
        secretName: this.credentialName!,
        dnsNames: this.gatewayHosts,
        options: certificate.options,
      });
      wireObject(this, 'Certificate', GVK.Certificate, { name: this.credentialName!, namespace: credentialNamespace }, () => spec);
    }

    this.ports = httpsRedirect ? [this.httpsPort, httpPort] : [this.httpsPort];
    const intent: GatewayIntent = {
      name: this.gatewayName,
      namespace: this.gatewayNamespace,
      hosts: this.gatewayHosts,
      selector,
      httpsPort: this.httpsPort,
      redirectPort: httpsRedirect ? httpPort : undefined,
      tls,
      existingServiceHost: props.existingService?.host,
    };
    if (gatewayApi) {
      this.renderGatewayApi(intent);
      this.node.addValidation({ validate: () => this.checkBoundRoutes() });
      return;
    }
    wireObject(this, 'Resource', GVK.Gateway, { name: this.gatewayName, namespace: this.gatewayNamespace }, () => istioGatewaySpec(intent));

    const overlapCheck = {
      construct: this,
      selectorKey: selectorKeyOf(selector),
      ports: () => this.ports,
      hosts: () => this.gatewayHosts,
      hint: 'serve the host from one SecureGateway, or use another port or workload.',
    };
    registerGatewayServers(this, overlapCheck);
    this.node.addValidation({ validate: () => [...this.checkBoundRoutes(), ...overlappingGatewayErrors(overlapCheck)] });
  }

  /** The external hosts of the Gateway. */
  public get hosts(): string[] {
    return [...this.gatewayHosts];
  }

  /**
   * Routes an external host (and optionally a path prefix) to a service. With PASSTHROUGH the
   * route is a TLS route matched on SNI, and paths cannot be matched (the gateway never sees them).
   */
  public addRoute(options: GatewayRouteOptions): void {
    checkObject(this, 'addRoute options', options, true);
    checkInstance(this, 'addRoute service', options.service, MeshService, SERVICE_HINT);
    const host = this.routeHost(options.host);
    const port = options.port ?? options.service.port;
    if (port !== undefined) check(this, 'addRoute port', port, portRule, 'Use the service port, e.g. 9080.');
    const table = gatewayRouteTable(this, this, host, undefined, 'addRoute host');
    const destination = [{ host: options.service.host, port }];

    if (this.tlsMode === GatewayTlsMode.PASSTHROUGH) {
      const l7 = {
        pathPrefix: options.pathPrefix,
        path: options.path?.value,
        rewritePrefix: options.rewritePrefix,
        timeout: options.timeout,
        requestHeaders: options.requestHeaders,
        responseHeaders: options.responseHeaders,
        cors: options.cors,
      };
      for (const [field, value] of Object.entries(l7)) {
        if (value !== undefined) {
          fail(this, `addRoute ${field}`, 'cannot be used with PASSTHROUGH (the gateway does not decrypt, so it routes on SNI only)', value,
            'Remove it, or terminate TLS at the gateway (GatewayTlsMode.SIMPLE).');
        }
      }
      if (host.startsWith('*')) {
        fail(this, 'addRoute host', 'must be an exact host with PASSTHROUGH (SNI routes one name to one backend)', host,
          `Route each name, e.g. '${host.replace('*', 'www')}'.`);
      }
      if (port === undefined) {
        fail(this, 'addRoute port', 'is required for a TLS route', port, 'Give the port where the backend terminates TLS, e.g. 443.');
      }
      table.addTls({ owner: this, match: [{ sniHosts: [host], port: this.httpsPort }], route: destination, property: 'addRoute' });
      return;
    }

    if (options.path !== undefined && options.pathPrefix !== undefined) {
      fail(this, 'addRoute path', 'cannot be combined with pathPrefix', options.path.value, 'Use path alone (StringMatch.prefix keeps the pathPrefix meaning).');
    }
    const prefix = options.pathPrefix;
    if (prefix !== undefined) {
      check(this, 'addRoute pathPrefix', prefix, (p) => (/^\/[^\s?#]*$/.test(p) ? undefined : "must start with '/' and contain no spaces, '?' or '#'"),
        "Use a path such as '/api/'.");
    }
    const path: StringCondition | undefined = options.path ? matchCondition(this, 'addRoute path', options.path, true)
      : prefix !== undefined && prefix !== '/' ? { kind: 'prefix', value: prefix } : undefined;
    if (path && path.kind !== 'regex' && !path.value.startsWith('/')) {
      fail(this, 'addRoute path', "must start with '/'", path.value, "Use a path such as '/api'.");
    }
    if (options.rewritePrefix !== undefined) {
      check(this, 'addRoute rewritePrefix', options.rewritePrefix, (p) => (/^\/[^\s?#]*$/.test(p) ? undefined : "must start with '/'"), "Use '/' to strip the prefix.");
      if (!path || path.value === '/' || (path.kind !== 'prefix' && path.kind !== 'pathPrefix')) {
        fail(this, options.path ? 'addRoute path' : 'addRoute rewritePrefix', 'must be a prefix other than / to rewrite', options.path ? path?.value : options.rewritePrefix,
          "Give the prefix to replace, e.g. pathPrefix: '/api/' or path: StringMatch.pathPrefix('/api').");
      }
    }
    const service = nameForHost(options.service.host);
    table.addHttp({
      owner: this,
      name: path ? `${service}-${toDnsLabel(path.value) || 'root'}` : service,
      match: path ? [{ path }] : undefined,
      route: destination,
      rewrite: options.rewritePrefix ? { pathPrefix: options.rewritePrefix } : undefined,
      timeoutMillis: options.timeout && checkDuration(this, 'addRoute timeout', options.timeout),
      requestHeaders: options.requestHeaders && headerOperationsIntent(this, 'addRoute requestHeaders', options.requestHeaders),
      responseHeaders: options.responseHeaders && headerOperationsIntent(this, 'addRoute responseHeaders', options.responseHeaders),
      cors: options.cors && corsIntent(this, 'addRoute cors', options.cors),
      property: path ? `addRoute ${path.value}` : 'addRoute',
    });
  }

  /**
   * Answers requests for a host (and optionally a path) with a redirect instead of routing
   * them, e.g. an old path to a new one. The status is 301 unless given.
   */
  public addRedirect(options: GatewayRedirectOptions): void {
    checkObject(this, 'addRedirect options', options, true);
    if (this.tlsMode === GatewayTlsMode.PASSTHROUGH) {
      fail(this, 'addRedirect', 'cannot be used with PASSTHROUGH (the gateway does not decrypt, so it cannot answer HTTP)', options.host,
        'Terminate TLS at the gateway (GatewayTlsMode.SIMPLE) to redirect.');
    }
    const host = this.routeHost(options.host);
    const path = options.path === undefined ? undefined : matchCondition(this, 'addRedirect path', options.path, true);
    const statusCode = check(this, 'addRedirect statusCode', options.statusCode ?? 301, (c) => ([301, 302, 303, 307, 308].includes(c) ? undefined : 'must be 301, 302, 303, 307 or 308'),
      'Use 301 (moved permanently) or 302 (found).');
    if (options.scheme !== undefined) {
      check(this, 'addRedirect scheme', options.scheme, (v) => (v === 'http' || v === 'https' ? undefined : "must be 'http' or 'https'"), "Use 'https'.");
    }
    if (options.hostname !== undefined) check(this, 'addRedirect hostname', options.hostname, hostRule(), "Use a host name such as 'www.example.com'.");
    if (options.port !== undefined) check(this, 'addRedirect port', options.port, portRule, 'Use a port from 1 to 65535.');
    if (options.replacePath !== undefined) {
      check(this, 'addRedirect replacePath', options.replacePath, (p) => (/^\/[^\s?#]*$/.test(p) ? undefined : "must start with '/' and contain no spaces, '?' or '#'"),
        "Use a path such as '/new'.");
    }
    if (options.scheme === undefined && options.hostname === undefined && options.port === undefined && options.replacePath === undefined) {
      fail(this, 'addRedirect', 'must change the scheme, host, port or path (a redirect to the same URL loops)', options, "Set e.g. replacePath: '/new'.");
    }
    gatewayRouteTable(this, this, host, undefined, 'addRedirect host').addHttp({
      owner: this,
      name: path ? `redirect-${toDnsLabel(path.value) || 'root'}` : 'redirect',
      match: path ? [{ path }] : undefined,
      redirect: { scheme: options.scheme, host: options.hostname, port: options.port, path: options.replacePath, statusCode },
      property: path ? `addRedirect ${path.value}` : 'addRedirect',
    });
  }

  /** A Gateway of class `istio`, the HTTPS redirect as an HTTPRoute, and a grant for a Secret of another namespace. */
  private renderGatewayApi(intent: GatewayIntent): void {
    checkGatewayApiTls(this, intent.tls);
    const listeners = gatewayListeners(intent);
    wireObject(this, 'Resource', GVK.KubernetesGateway, { name: this.gatewayName, namespace: this.gatewayNamespace }, () => kubernetesGatewaySpec(intent, listeners));
    registerGatewayListeners(this, (host) => listenerFor(listeners, host));
    if (intent.redirectPort !== undefined) {
      // Istio's httpsRedirect answers 301; a RequestRedirect without statusCode would answer 302.
      wireObject(this, 'HttpsRedirect', GVK.HTTPRoute, { name: `${this.gatewayName}-https-redirect`, namespace: this.gatewayNamespace }, () => ({
        parentRefs: [{ name: this.gatewayName, sectionName: REDIRECT_LISTENER }],
        hostnames: [...this.gatewayHosts],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      }));
    }
    const secretNamespace = intent.tls.credentialNamespace;
    if (secretNamespace !== undefined) {
      wireObject(this, 'CertificateGrant', GVK.ReferenceGrant, { name: `${this.gatewayNamespace}-${this.gatewayName}`.slice(0, 253), namespace: secretNamespace }, () => ({
        from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: this.gatewayNamespace }],
        to: [{ group: '', kind: 'Secret', name: this.credentialName }],
      }));
    }
  }

  private checkHosts(hosts: string[]): string[] {
    check(this, 'hosts', hosts, (h) => (h.length === 0 ? 'must list at least one host' : undefined), "List the external names, e.g. ['bookinfo.example.com'].");
    const seen = new Set<string>();
    for (const host of hosts) {
      check(this, 'hosts', host, hostRule({ wildcard: true }),
        "Gateway hosts are fully-qualified names such as 'bookinfo.example.com' or '*.example.com'.");
      if (seen.has(host)) fail(this, 'hosts', 'must not list a host twice', host, 'Remove the duplicate.');
      seen.add(host);
    }
    return [...hosts];
  }

  private checkCertificate(props: SecureGatewayProps, gatewayApi: boolean): GatewayCertificate | undefined {
    const certificate = props.certificate;
    const needsCertificate = [GatewayTlsMode.SIMPLE, GatewayTlsMode.MUTUAL, GatewayTlsMode.OPTIONAL_MUTUAL].includes(this.tlsMode);
    if (needsCertificate && !certificate) {
      fail(this, 'certificate', `is required with ${this.tlsMode} TLS`, certificate,
        'Use GatewayCertificate.fromIssuer(issuer) for a cert-manager certificate, or GatewayCertificate.fromSecret(name) for your own.');
    }
    if (!needsCertificate && certificate) {
      fail(this, 'certificate', `must not be set with ${this.tlsMode} TLS (it uses no server certificate)`, certificate.secretName ?? certificate.issuer?.issuerName,
        this.tlsMode === GatewayTlsMode.PASSTHROUGH ? 'The backend terminates TLS with its own certificate; remove certificate.' : 'Istio workload certificates are used; remove certificate.');
    }
    if (!certificate) return undefined;
    // A Gateway API Gateway may use a Secret of another namespace that grants it (ReferenceGrant).
    if (!gatewayApi && certificate.secretNamespace !== undefined && certificate.secretNamespace !== this.gatewayNamespace) {
      fail(this, 'certificate', `secret must be in the gateway workload's namespace '${this.gatewayNamespace}'`,
        `${certificate.secretNamespace}/${certificate.secretName}`,
        `An Istio gateway reads credentials from its own namespace only; create the Secret in '${this.gatewayNamespace}'.`);
    }
    const traits = certificate.issuer?.issuerTraits;
    if (traits?.http01Only) {
      const wildcard = this.gatewayHosts.find((h) => h.startsWith('*'));
      if (wildcard) {
        fail(this, 'hosts', 'cannot include a wildcard when the ACME issuer only has an HTTP-01 solver', wildcard,
          'ACME validates wildcard names with DNS-01 only; add a DNS-01 solver (e.g. AcmeSolver.dns01Cloudflare) or list exact hosts.');
      }
    }
    return certificate;
  }

  private tlsIntent(props: SecureGatewayProps, certificate: GatewayCertificate | undefined, credentialNamespace: string): ServerTlsIntent {
    const mode = this.tlsMode;
    const mutual = mode === GatewayTlsMode.MUTUAL || mode === GatewayTlsMode.OPTIONAL_MUTUAL;
    if (!mutual) {
      if (props.clientCa) fail(this, 'clientCa', `applies to MUTUAL and OPTIONAL_MUTUAL only, not ${mode}`, props.clientCa.secretName ?? 'FROM_CREDENTIAL', 'Remove clientCa, or use GatewayTlsMode.MUTUAL.');
      if (props.clientSubjectAltNames) fail(this, 'clientSubjectAltNames', `applies to MUTUAL and OPTIONAL_MUTUAL only, not ${mode}`, props.clientSubjectAltNames, 'Remove it, or use GatewayTlsMode.MUTUAL.');
    }
    if (mode === GatewayTlsMode.PASSTHROUGH) {
      const negotiated = { minTlsVersion: props.minTlsVersion, maxTlsVersion: props.maxTlsVersion, cipherSuites: props.cipherSuites };
      for (const [field, value] of Object.entries(negotiated)) {
        if (value !== undefined) {
          fail(this, field, 'has no effect with PASSTHROUGH (the backend negotiates TLS)', value, 'Configure TLS versions and ciphers on the backend.');
        }
      }
      return { mode, minVersionChosen: false };
    }

    const min = props.minTlsVersion ?? TlsVersion.TLSV1_2;
    if (VERSION_ORDER.indexOf(min) < VERSION_ORDER.indexOf(TlsVersion.TLSV1_2) && !props.allowLegacyTls) {
      fail(this, 'minTlsVersion', 'must be TLS 1.2 or newer', min,
        'TLS 1.0 and 1.1 are deprecated (RFC 8996); if old clients really need them, set allowLegacyTls: true.');
    }
    if (props.maxTlsVersion !== undefined && VERSION_ORDER.indexOf(props.maxTlsVersion) < VERSION_ORDER.indexOf(min)) {
      fail(this, 'maxTlsVersion', `must not be below minTlsVersion (${min})`, props.maxTlsVersion, 'Raise maxTlsVersion or lower minTlsVersion.');
    }
    for (const suite of props.cipherSuites ?? []) {
      check(this, 'cipherSuites', suite, (s) => (CIPHER_SUITES.includes(s) ? undefined : 'must be a TLS 1.2 cipher suite Envoy supports'),
        `Use OpenSSL names such as 'ECDHE-ECDSA-AES256-GCM-SHA384' (Istio ignores unknown ones): ${CIPHER_SUITES.join(', ')}.`);
    }
    if (props.cipherSuites && min === TlsVersion.TLSV1_3) {
      fail(this, 'cipherSuites', 'have no effect when minTlsVersion is TLS 1.3 (TLS 1.3 suites are fixed)', props.cipherSuites, 'Remove cipherSuites.');
    }

    let caCertCredentialName: string | undefined;
    if (mutual) {
      const clientCa = props.clientCa ?? ClientCaSource.FROM_CREDENTIAL;
      caCertCredentialName = clientCa.secretName;
      if (!caCertCredentialName && certificate?.issuer?.issuerTraits.acme) {
        fail(this, 'clientCa', `must name a client CA Secret when an ACME issuer signs the server certificate (${mode})`, 'FROM_CREDENTIAL',
          "A public ACME CA does not issue your clients' certificates; use ClientCaSource.fromSecret('client-ca') with your client CA bundle.");
      }
      for (const san of props.clientSubjectAltNames ?? []) {
        check(this, 'clientSubjectAltNames', san, (s) => (s.length > 0 && !/\s/.test(s) ? undefined : 'must be a non-empty SAN without spaces'),
          "Use DNS names or URIs such as 'spiffe://example.com/client'.");
      }
    }
    return {
      mode,
      credentialName: this.credentialName,
      credentialNamespace: credentialNamespace === this.gatewayNamespace ? undefined : credentialNamespace,
      clientCaSecret: caCertCredentialName,
      clientSubjectAltNames: props.clientSubjectAltNames,
      minVersion: min,
      minVersionChosen: props.minTlsVersion !== undefined,
      maxVersion: props.maxTlsVersion,
      cipherSuites: props.cipherSuites,
    };
  }

  private routeHost(host: string | undefined): string {
    if (host === undefined) {
      if (this.gatewayHosts.length !== 1) {
        fail(this, 'addRoute host', 'is required when the gateway serves several hosts', host, `Pick one of ${this.gatewayHosts.join(', ')}.`);
      }
      return this.gatewayHosts[0];
    }
    check(this, 'addRoute host', host, hostRule({ wildcard: true }), "Use an external name such as 'bookinfo.example.com'.");
    if (!this.gatewayHosts.some((g) => hostCovers(g, host))) {
      fail(this, 'addRoute host', 'is not served by this gateway', host,
        `The VirtualService host must match a Gateway host (${this.gatewayHosts.join(', ')}); add it to hosts.`);
    }
    return host;
  }

  /** VirtualServices bound to this gateway (ours, or a CanaryRelease's) must use its hosts. */
  private checkBoundRoutes(): string[] {
    const ref = gatewayRef(this);
    const errors: string[] = [];
    for (const table of meshModel(this).allRouteTables()) {
      const binding = table.key.binding;
      if (binding.kind !== 'gateway' || binding.gateway !== ref) continue;
      for (const host of table.hosts) {
        if (!this.gatewayHosts.some((g) => hostCovers(g, host))) {
          errors.push(`${this.node.path}: VirtualService '${table.key.namespace}/${table.key.name}' host '${host}' is not served by gateway '${ref}' (hosts: ${this.gatewayHosts.join(', ')}). Add it to the gateway's hosts or route another host.`);
        }
      }
    }
    return errors;
  }
}

/** The listener serving a host: the one with that hostname, else the one whose wildcard covers it. */
function listenerFor(listeners: readonly GatewayListener[], host: string): string | undefined {
  const secure = listeners.filter((l) => l.protocol !== 'HTTP');
  return (secure.find((l) => l.hostname === host) ?? secure.find((l) => l.hostname !== undefined && hostCovers(l.hostname, host)))?.name;
}
