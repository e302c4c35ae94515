import { IConstruct } from 'constructs';
import { deferCheck } from '../core/deferred-checks';
import { dnsSubdomainRule, hostRule, isIpAddress } from '../core/hosts';
import { fitName, MAX_OBJECT_NAME } from '../core/naming';
import { prune } from '../core/plain-objects';
import { check, fail } from '../core/validation-error';
import { checkInstance, checkList, checkObject } from '../core/value-types';


/** A key in a Kubernetes Secret, as cert-manager references credentials. */
export interface SecretKeyReference {
  /** The Secret's name (in the Issuer's namespace, or the cluster resource namespace for a ClusterIssuer). */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** Renders and checks a secret key reference. */
export function secretKeyRef(scope: IConstruct | string, property: string, ref: SecretKeyReference): Record<string, string> {
  checkObject(scope, property, ref);
  check(scope, `${property}.name`, ref.name, dnsSubdomainRule, "Secret names look like 'cloudflare-api-token'.");
  check(scope, `${property}.key`, ref.key, (k) => (typeof k === 'string' && /^[-._a-zA-Z0-9]+$/.test(k) ? undefined
    : "must be a Secret key (letters, digits, '-', '_' or '.')"), "Secret keys look like 'api-token'.");
  return { name: ref.name, key: ref.key };
}

/** The ACME directory an issuer registers with. */
export class AcmeServer {
  /** Let's Encrypt production: trusted certificates, strict rate limits. */
  public static readonly LETS_ENCRYPT = new AcmeServer('https://acme-v02.api.letsencrypt.org/directory');
  /** Let's Encrypt staging: untrusted certificates, generous rate limits — use it until issuance works. */
  public static readonly LETS_ENCRYPT_STAGING = new AcmeServer('https://acme-staging-v02.api.letsencrypt.org/directory');

  /** Another ACME directory (ZeroSSL, an internal step-ca, ...), by its https URL. */
  public static custom(url: string): AcmeServer {
    const server = new AcmeServer(url);
    // Checked where the server is used (IssuerConfig.acme's server), against that prop (see core/deferred-checks).
    deferCheck(server, 'url', url, (u) => (/^https:\/\/[^\s/]+(\/\S*)?$/.test(u) ? undefined : 'must be an https URL'),
      "Use the directory URL, e.g. 'https://acme.zerossl.com/v2/DV90'.");
    return server;
  }

  private constructor(
    /** The directory URL. */
    public readonly url: string,
  ) {}
}

/** Restricts a solver to some DNS zones or names (cert-manager picks the most specific solver). */
export interface AcmeSolverSelectorOptions {
  /** Use this solver only for names in these DNS zones. @default - every name */
  readonly dnsZones?: string[];
  /** Use this solver only for these exact names. @default - every name */
  readonly dnsNames?: string[];
}

/** Options of {@link AcmeSolver.http01}. */
export interface Http01SolverOptions extends AcmeSolverSelectorOptions {
  /**
   * The IngressClass cert-manager gives its temporary solver Ingress. Istio's ingress controller
   * serves the class `istio` on the `istio: ingressgateway` workload in `istio-system`.
   * @default 'istio'
   */
  readonly ingressClassName?: string;
}

/** Options of {@link AcmeSolver.dns01Cloudflare}. */
export interface CloudflareSolverOptions extends AcmeSolverSelectorOptions {
  /** An API token with Zone:DNS:Edit (preferred over the global API key). */
  readonly apiToken: SecretKeyReference;
}

/** Options of {@link AcmeSolver.dns01Route53}. */
export interface Route53SolverOptions extends AcmeSolverSelectorOptions {
  /** The AWS region of the Route53 API. */
  readonly region: string;
  /** The hosted zone to use. @default - found from the name being validated */
  readonly hostedZoneId?: string;
  /** A static access key ID; needs secretAccessKey. @default - ambient credentials (IRSA, pod identity) */
  readonly accessKeyId?: string;
  /** The secret access key of accessKeyId. @default - ambient credentials */
  readonly secretAccessKey?: SecretKeyReference;
  /** An IAM role ARN to assume. @default - no role */
  readonly role?: string;
}

/** Options of {@link AcmeSolver.dns01CloudDns}. */
export interface CloudDnsSolverOptions extends AcmeSolverSelectorOptions {
  /** The Google Cloud project of the managed zone. */
  readonly project: string;
  /** A service account JSON key. @default - ambient credentials (Workload Identity) */
  readonly serviceAccount?: SecretKeyReference;
  /** The managed zone name. @default - found from the name being validated */
  readonly hostedZoneName?: string;
}

/** Options of {@link AcmeSolver.dns01AzureDns}. */
export interface AzureDnsSolverOptions extends AcmeSolverSelectorOptions {
  /** The subscription of the DNS zone. */
  readonly subscriptionId: string;
  /** The resource group of the DNS zone. */
  readonly resourceGroupName: string;
  /** The DNS zone. @default - found from the name being validated */
  readonly hostedZoneName?: string;
  /** The client ID of a managed identity to use. @default - the pod's managed identity (Workload Identity) */
  readonly managedIdentityClientId?: string;
  /** Service principal client ID; needs clientSecret and tenantId. @default - managed identity */
  readonly clientId?: string;
  /** Service principal secret. @default - managed identity */
  readonly clientSecret?: SecretKeyReference;
  /** Service principal tenant. @default - managed identity */
  readonly tenantId?: string;
}

/** Options of {@link AcmeSolver.dns01Rfc2136}. */
export interface Rfc2136SolverOptions extends AcmeSolverSelectorOptions {
  /** The authoritative DNS server, `host:port` or `ip` (port 53 when left out). */
  readonly nameserver: string;
  /** The TSIG key name; needs tsigSecret. @default - unsigned updates */
  readonly tsigKeyName?: string;
  /** The TSIG algorithm. @default 'HMACSHA256' when a key is given */
  readonly tsigAlgorithm?: string;
  /** The base64 TSIG secret. @default - unsigned updates */
  readonly tsigSecret?: SecretKeyReference;
}

const TSIG_ALGORITHMS = ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'];

/**
 * How an ACME issuer proves control of a name.
 *
 * HTTP-01 serves a token over plain HTTP on port 80 through the ingress, and cannot validate
 * wildcard names; DNS-01 writes a TXT record at the DNS provider and can.
 *
 * @see https://cert-manager.io/docs/configuration/acme/
 */
export class AcmeSolver {
  /** HTTP-01 through a temporary Ingress of class `istio` (served by the Istio ingress gateway). */
  public static http01(options: Http01SolverOptions = {}): AcmeSolver {
    const ingressClassName = options.ingressClassName ?? 'istio';
    return new AcmeSolver('http01', options, (scope) => {
      check(scope, 'http01.ingressClassName', ingressClassName, dnsSubdomainRule, "The Istio ingress class is 'istio'.");
      return { http01: { ingress: { ingressClassName } } };
    });
  }

  /** DNS-01 with Cloudflare, using an API token. */
  public static dns01Cloudflare(options: CloudflareSolverOptions): AcmeSolver {
    return new AcmeSolver('dns01', options, (scope) => ({
      dns01: { cloudflare: { apiTokenSecretRef: secretKeyRef(scope, 'cloudflare.apiToken', options.apiToken) } },
    }));
  }

  /** DNS-01 with AWS Route53. */
  public static dns01Route53(options: Route53SolverOptions): AcmeSolver {
    return new AcmeSolver('dns01', options, (scope) => {
      if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
        fail(scope, 'route53.accessKeyId', 'and secretAccessKey must be given together', options.accessKeyId,
          'Give both for static credentials, or neither to use ambient credentials (IRSA, EKS pod identity).');
      }
      check(scope, 'route53.region', options.region, (r) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r) ? undefined : 'must be an AWS region'),
        "Use a region such as 'eu-west-1'.");
      return {
        dns01: {
          route53: prune({
            region: options.region,
            hostedZoneID: options.hostedZoneId,
            accessKeyID: options.accessKeyId,
            secretAccessKeySecretRef: options.secretAccessKey && secretKeyRef(scope, 'route53.secretAccessKey', options.secretAccessKey),
            role: options.role,
          }),
        },
      };
    });
  }

  /** DNS-01 with Google Cloud DNS. */
  public static dns01CloudDns(options: CloudDnsSolverOptions): AcmeSolver {
    return new AcmeSolver('dns01', options, (scope) => {
      check(scope, 'cloudDNS.project', options.project, (p) => (/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(p) ? undefined : 'must be a Google Cloud project ID'),
        "Project IDs look like 'my-project-123'.");
      return {
        dns01: {
          cloudDNS: prune({
            project: options.project,
            hostedZoneName: options.hostedZoneName,
            serviceAccountSecretRef: options.serviceAccount && secretKeyRef(scope, 'cloudDNS.serviceAccount', options.serviceAccount),
          }),
        },
      };
    });
  }

  /** DNS-01 with Azure DNS (managed identity, or a service principal). */
  public static dns01AzureDns(options: AzureDnsSolverOptions): AcmeSolver {
    return new AcmeSolver('dns01', options, (scope) => {
      const principal = [options.clientId, options.clientSecret, options.tenantId];
      const given = principal.filter((x) => x !== undefined).length;
      if (given !== 0 && given !== 3) {
        fail(scope, 'azureDNS.clientId', 'clientSecret and tenantId must be given together', options.clientId,
          'Give all three for a service principal, or none to use a managed identity.');
      }
      if (given === 3 && options.managedIdentityClientId !== undefined) {
        fail(scope, 'azureDNS.managedIdentityClientId', 'cannot be combined with a service principal (clientId)', options.managedIdentityClientId,
          'Use either a managed identity or a service principal.');
      }
      return {
        dns01: {
          azureDNS: prune({
            subscriptionID: options.subscriptionId,
            resourceGroupName: options.resourceGroupName,
            hostedZoneName: options.hostedZoneName,
            clientID: options.clientId,
            clientSecretSecretRef: options.clientSecret && secretKeyRef(scope, 'azureDNS.clientSecret', options.clientSecret),
            tenantID: options.tenantId,
            managedIdentity: options.managedIdentityClientId ? { clientID: options.managedIdentityClientId } : undefined,
          }),
        },
      };
    });
  }

  /** DNS-01 with RFC 2136 dynamic updates (BIND, PowerDNS, Knot, ...), signed with TSIG. */
  public static dns01Rfc2136(options: Rfc2136SolverOptions): AcmeSolver {
    return new AcmeSolver('dns01', options, (scope) => {
      check(scope, 'rfc2136.nameserver', options.nameserver, nameserverRule, "Use 'ns1.example.com:53' or '10.0.0.53'.");
      if ((options.tsigKeyName === undefined) !== (options.tsigSecret === undefined)) {
        fail(scope, 'rfc2136.tsigKeyName', 'and tsigSecret must be given together', options.tsigKeyName,
          'Give both to sign updates with TSIG (recommended), or neither.');
      }
      const algorithm = options.tsigAlgorithm ?? (options.tsigKeyName ? 'HMACSHA256' : undefined);
      if (algorithm !== undefined) {
        check(scope, 'rfc2136.tsigAlgorithm', algorithm, (a) => (TSIG_ALGORITHMS.includes(a) ? undefined : `must be one of ${TSIG_ALGORITHMS.join(', ')}`),
          'HMACSHA256 is the usual choice.');
      }
      return {
        dns01: {
          rfc2136: prune({
            nameserver: options.nameserver,
            tsigKeyName: options.tsigKeyName,
            tsigAlgorithm: algorithm,
            tsigSecretSecretRef: options.tsigSecret && secretKeyRef(scope, 'rfc2136.tsigSecret', options.tsigSecret),
          }),
        },
      };
    });
  }

  private constructor(
    /** `http01` or `dns01`. */
    public readonly challenge: string,
    private readonly selector: AcmeSolverSelectorOptions,
    private readonly render: (scope: IConstruct) => Record<string, any>,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, index: number): Record<string, any> {
    const where = `solvers[${index}]`;
    checkObject(scope, `acme.${where}`, this.selector);
    checkList(scope, `acme.${where}.dnsZones`, this.selector.dnsZones);
    checkList(scope, `acme.${where}.dnsNames`, this.selector.dnsNames);
    for (const zone of this.selector.dnsZones ?? []) {
      check(scope, `${where}.dnsZones`, zone, hostRule(), "DNS zones look like 'example.com'.");
    }
    for (const name of this.selector.dnsNames ?? []) {
      check(scope, `${where}.dnsNames`, name, hostRule({ wildcard: true }), "Names look like 'www.example.com'.");
    }
    const selector = prune({ dnsZones: this.selector.dnsZones, dnsNames: this.selector.dnsNames });
    return prune({ selector: Object.keys(selector).length > 0 ? selector : undefined, ...this.render(scope) });
  }
}

function nameserverRule(value: string): string | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : value.split(':').length === 2 ? value.split(':') : [value, undefined];
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return 'must have a port from 1 to 65535';
  if (isIpAddress(host) || hostRule()(host) === undefined) return undefined;
  return 'must be a host name or IP address, optionally with :port';
}

/** Options of {@link IssuerConfig.acme}. */
export interface AcmeIssuerOptions {
  /** The ACME directory. @default AcmeServer.LETS_ENCRYPT_STAGING (switch to production once issuance works) */
  readonly server?: AcmeServer;
  /** Contact email for the ACME account. @default - no contact */
  readonly email?: string;
  /**
   * The Secret cert-manager stores the ACME account key in (created if missing).
   * @default - `<issuer name>-account-key`
   */
  readonly accountKeySecretName?: string;
  /** How names are validated; cert-manager picks the most specific matching solver. */
  readonly solvers: AcmeSolver[];
}

/** Options of {@link IssuerConfig.ca}. */
export interface CaIssuerOptions {
  /**
   * The Secret holding the CA's `tls.crt` and `tls.key`: in the Issuer's namespace, or the
   * cluster resource namespace (`cert-manager` by default) for a ClusterIssuer.
   */
  readonly secretName: string;
}

/** What the issuer is known to sign (used to reject impossible combinations early). */
export interface IssuerTraits {
  /** The issuer is ACME. @default false */
  readonly acme?: boolean;
  /** The issuer is ACME and every solver is HTTP-01: wildcard names cannot be validated. @default false */
  readonly http01Only?: boolean;
  /** The issuer is ACME with an HTTP-01 solver (the gateway must serve port 80 to the solver). @default false */
  readonly http01?: boolean;
}

/**
 * How an Issuer or ClusterIssuer signs certificates: ACME, self-signed, or a CA from a secret.
 *
 * @see https://cert-manager.io/docs/configuration/
 */
export class IssuerConfig {
  /** An ACME issuer (Let's Encrypt by default) with HTTP-01 and/or DNS-01 solvers. */
  public static acme(options: AcmeIssuerOptions): IssuerConfig {
    checkObject('IssuerConfig.acme(options)', 'options', options, true);
    // The traits are read when the issuer is used; what is wrong with the solvers is reported by the issuer.
    const solvers: unknown[] = Array.isArray(options.solvers) ? options.solvers : [];
    const http01 = solvers.filter((s) => s instanceof AcmeSolver && s.challenge === 'http01').length;
    return new IssuerConfig('acme', (scope, name) => {
      checkList(scope, 'acme.solvers', options.solvers);
      check(scope, 'acme.solvers', options.solvers, (s) => (s === undefined || s.length === 0 ? 'must have at least one solver' : undefined),
        'Add AcmeSolver.http01() or a DNS-01 solver such as AcmeSolver.dns01Cloudflare(...).');
      options.solvers.forEach((s, i) => checkInstance(scope, `acme.solvers[${i}]`, s, AcmeSolver,
        'Use AcmeSolver.http01() or a DNS-01 solver such as AcmeSolver.dns01Cloudflare(...).'));
      checkInstance(scope, 'acme.server', options.server, AcmeServer, "Use AcmeServer.LETS_ENCRYPT, AcmeServer.LETS_ENCRYPT_STAGING or AcmeServer.custom('https://...').");
      if (options.email !== undefined) {
        check(scope, 'acme.email', options.email, (e) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? undefined : 'must be an email address'),
          "Use an address such as 'ops@example.com'.");
      }
      // The derived name is cut (with a digest) for issuer names too long to take the suffix.
      const accountKey = options.accountKeySecretName ?? fitName(`${name}-account-key`, name, MAX_OBJECT_NAME);
      check(scope, 'acme.accountKeySecretName', accountKey, dnsSubdomainRule, "Secret names look like 'letsencrypt-account-key'.");
      return {
        acme: prune({
          server: (options.server ?? AcmeServer.LETS_ENCRYPT_STAGING).url,
          email: options.email,
          privateKeySecretRef: { name: accountKey },
          solvers: options.solvers.map((s, i) => s._render(scope, i)),
        }),
      };
    }, { acme: true, http01: http01 > 0, http01Only: http01 > 0 && http01 === solvers.length });
  }

  /** Signs each certificate with its own key: for bootstrapping a CA (see CaChain), not for serving. */
  public static selfSigned(): IssuerConfig {
    return new IssuerConfig('selfSigned', () => ({ selfSigned: {} }), {});
  }

  /** Signs with a CA whose certificate and key are in a Secret. */
  public static ca(options: CaIssuerOptions): IssuerConfig {
    checkObject('IssuerConfig.ca(options)', 'options', options, true);
    return new IssuerConfig('ca', (scope) => {
      check(scope, 'ca.secretName', options.secretName, dnsSubdomainRule, "Secret names look like 'internal-root-ca'.");
      return { ca: { secretName: options.secretName } };
    }, {});
  }

  private constructor(
    /** `acme`, `selfSigned` or `ca`. */
    public readonly type: string,
    private readonly render: (scope: IConstruct, name: string) => Record<string, any>,
    /** What this configuration can sign. */
    public readonly traits: IssuerTraits,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, issuerName: string): Record<string, any> {
    return this.render(scope, issuerName);
  }
}
