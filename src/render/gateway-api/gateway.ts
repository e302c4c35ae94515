import { IConstruct } from 'constructs';
import { fitName, nameForHost } from '../../core/naming';
import { prune } from '../../core/plain-objects';
import { fail } from '../../core/validation-error';
import { GatewayIntent, ServerTlsIntent } from '../../model/gateway-model';

/** A listener of a Gateway API Gateway. */
export interface GatewayListener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: 'HTTPS' | 'TLS' | 'HTTP';
}

/** The listener of the HTTPS redirect (no hostname: it answers every host, as Istio's redirect server). */
export const REDIRECT_LISTENER = 'http';

/**
 * The listeners of an ingress gateway: one per host on the secure port (HTTPS, or TLS for
 * PASSTHROUGH), named after the host, and the plain-HTTP listener of the HTTPS redirect.
 */
export function gatewayListeners(g: GatewayIntent): GatewayListener[] {
  const protocol = g.tls.mode === 'PASSTHROUGH' ? 'TLS' : 'HTTPS';
  const names = new Set<string>();
  const listeners: GatewayListener[] = g.hosts.map((host) => {
    // Section names are DNS subdomains of at most 253 characters, unique in the Gateway.
    const name = fitName(`${protocol.toLowerCase()}-${nameForHost(host)}`, host, 253, (n) => names.has(n) || n === REDIRECT_LISTENER);
    names.add(name);
    return { name, hostname: host, port: g.httpsPort, protocol };
  });
  if (g.redirectPort !== undefined) listeners.push({ name: REDIRECT_LISTENER, port: g.redirectPort, protocol: 'HTTP' });
  return listeners;
}

/** The TLS options of Istio's Gateway API implementation (the only keys it reads). */
const TERMINATE_MODE = 'gateway.istio.io/tls-terminate-mode';
const CIPHER_SUITES = 'gateway.istio.io/tls-cipher-suites';

/**
 * Fails, naming the construct and the way out, for TLS settings the Gateway API (as Istio 1.30
 * implements it) cannot express.
 */
export function checkGatewayApiTls(scope: IConstruct, tls: ServerTlsIntent): void {
  const wayOut = 'Keep this gateway on Istio APIs (api: RoutingApi.ISTIO), or drop the setting.';
  if (tls.minVersionChosen && tls.minVersion !== 'TLSV1_2') {
    fail(scope, 'minTlsVersion', 'cannot be expressed through the Gateway API: Istio reads no minimum TLS version from a listener (it keeps TLS 1.2)', tls.minVersion, wayOut);
  }
  if (tls.maxVersion !== undefined && tls.maxVersion !== 'TLSV1_3') {
    fail(scope, 'maxTlsVersion', 'cannot be expressed through the Gateway API: Istio reads no maximum TLS version from a listener (it keeps TLS 1.3)', tls.maxVersion, wayOut);
  }
  if (tls.clientSubjectAltNames !== undefined) {
    fail(scope, 'clientSubjectAltNames', 'cannot be expressed through the Gateway API: a listener cannot restrict client certificate SANs', tls.clientSubjectAltNames, wayOut);
  }
}

/**
 * The spec of an ingress gateway as a `gateway.networking.k8s.io/v1` Gateway of class
 * `istio`. `spec.infrastructure` is always written: without it istiod copies every label and
 * annotation of the Gateway (cert-manager's, Argo CD's) onto the Deployment and Service it
 * generates.
 */
export function kubernetesGatewaySpec(g: GatewayIntent, listeners: readonly GatewayListener[]): Record<string, any> {
  const tls = g.tls;
  const mutual = tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  return prune({
    gatewayClassName: 'istio',
    infrastructure: { labels: {}, annotations: {} },
    addresses: g.existingServiceHost ? [{ type: 'Hostname', value: g.existingServiceHost }] : undefined,
    listeners: listeners.map((l) => prune({
      name: l.name,
      hostname: l.hostname,
      port: l.port,
      protocol: l.protocol,
      tls: l.protocol === 'HTTP' ? undefined : listenerTls(tls),
      allowedRoutes: { namespaces: { from: 'Same' } },
    })),
    // A separate client CA: the Gateway's frontend validation for the secure port.
    tls: mutual && tls.clientCaSecret ? {
      frontend: {
        // The Gateway's only TLS-terminating port is the secure one.
        default: {
          validation: {
            caCertificateRefs: [{ group: '', kind: 'Secret', name: tls.clientCaSecret }],
            mode: tls.mode === 'MUTUAL' ? 'AllowValidOnly' : 'AllowInsecureFallback',
          },
        },
      },
    } : undefined,
  });
}

function listenerTls(tls: ServerTlsIntent): Record<string, any> {
  if (tls.mode === 'PASSTHROUGH') return { mode: 'Passthrough' };
  const options: Record<string, string> = {};
  // MUTUAL and OPTIONAL_MUTUAL with the CA in the credential's own ca.crt, and ISTIO_MUTUAL, as Istio's option.
  if (tls.mode === 'ISTIO_MUTUAL' || ((tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL') && !tls.clientCaSecret)) {
    options[TERMINATE_MODE] = tls.mode;
  }
  if (tls.cipherSuites) options[CIPHER_SUITES] = tls.cipherSuites.join(',');
  const certificateRefs = tls.mode === 'ISTIO_MUTUAL' || !tls.credentialName ? undefined
    : [prune({ group: '', kind: 'Secret', name: tls.credentialName, namespace: tls.credentialNamespace })];
  return prune({ mode: 'Terminate', certificateRefs, options: Object.keys(options).length > 0 ? options : undefined });
}
