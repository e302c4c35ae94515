import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { resolveAttachment } from './attachment';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationRule, ConditionKey, RequestOperation } from './authorization-policy';
import { pathRule, requestPrincipalRule } from './authz-rules';
import { PolicyTarget } from './policy-target';
import { SecurityRegistry } from './security-registry';
import { uniqueChildId } from '../core/construct-id';
import { istioDuration } from '../core/durations';
import { checkObjectName, toDnsLabel } from '../core/naming';
import { portRule } from '../core/numbers';
import { prune } from '../core/plain-objects';
import { httpUrlRule } from '../core/urls';
import { brokenRule, check, fail, Rule, ValidationError } from '../core/validation-error';
import { checkBoolean, checkInstance, checkList, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';


/** A header the token is read from. */
export interface JwtHeader {
  /** The header name, e.g. `authorization` or `x-jwt-assertion`. */
  readonly name: string;
  /** A prefix stripped before the token, e.g. `Bearer ` (with its space). @default - no prefix */
  readonly prefix?: string;
}

/** Copies a claim of a validated token into a request header. */
export interface ClaimToHeader {
  /** The claim, e.g. `sub` or `groups`. */
  readonly claim: string;
  /** The header, e.g. `x-user`. */
  readonly header: string;
}

/**
 * A claim the token must carry with one of these values: named by `claim`, or by `claimPath`
 * when a claim's name contains dots.
 */
export interface ClaimRequirement {
  /**
   * The claim, e.g. `groups` or `scope` (space-delimited `scope` values are split by Istio).
   * Dots separate nested claims: `realm_access.roles` is the `roles` claim inside
   * `realm_access`. A claim whose own name has dots (a URL such as
   * `https://example.com/roles`, as Auth0 and Okta namespace custom claims) cannot be written
   * here: use `claimPath`.
   * @default - `claimPath` must be given
   */
  readonly claim?: string;
  /**
   * The claim as a path of claim names, outermost first, taken literally (dots included):
   * `['https://example.com/roles']` for a top-level claim with dots in its name,
   * `['realm_access', 'roles']` for a nested claim. Exclusive with `claim`.
   * @default - `claim` must be given
   */
  readonly claimPath?: string[];
  /** Accepted values; the request is allowed when the claim has any of them. */
  readonly values: string[];
}

/** Properties of a {@link JwtAuthentication}. */
export interface JwtAuthenticationProps {
  /** Where tokens are checked: usually the ingress gateway or the API's workload or service. */
  readonly target: PolicyTarget;
  /** The token issuer (`iss` claim), e.g. `https://accounts.example.com`. */
  readonly issuer: string;
  /**
   * The URL of the issuer's public keys.
   * @default - discovered from `<issuer>/.well-known/openid-configuration` (unless `jwks` is given)
   */
  readonly jwksUri?: string;
  /**
   * The public keys inline, as a JWKS JSON document. Exclusive with `jwksUri`.
   * @default - fetched from `jwksUri`
   */
  readonly jwks?: string;
  /**
   * Accepted audiences (`aud` claim); checked when the token is validated.
   * @default - any audience
   */
  readonly audiences?: string[];
  /**
   * Headers the token is read from.
   * @default - `Authorization: Bearer <token>`
   */
  readonly fromHeaders?: JwtHeader[];
  /**
   * Query parameters the token is read from.
   * @default - `access_token` (Istio's default, together with the Authorization header)
   */
  readonly fromParams?: string[];
  /**
   * Cookies the token is read from.
   * @default - none
   */
  readonly fromCookies?: string[];
  /**
   * Keep the token in the request forwarded to the workload.
   * @default false (Istio removes it)
   */
  readonly forwardOriginalToken?: boolean;
  /**
   * Put the validated payload (base64) into this header.
   * @default - not forwarded
   */
  readonly outputPayloadToHeader?: string;
  /**
   * Copy claims into headers (e.g. `sub` into `x-user`).
   * @default - none
   */
  readonly outputClaimToHeaders?: ClaimToHeader[];
  /**
   * Timeout for fetching the keys.
   * @default 5s (Istio's default)
   */
  readonly timeout?: Duration;
  /**
   * Reject requests without a valid token (the companion DENY policy). A RequestAuthentication
   * alone only rejects invalid tokens and lets token-less requests through.
   * @default true
   */
  readonly requireToken?: boolean;
  /**
   * Require the token only on these paths (e.g. `/api/*`); others stay public.
   * @default - every path
   */
  readonly requireTokenPaths?: string[];
  /**
   * The workload ports (container ports, e.g. 8080/8443 on Istio's ingress gateway) that carry
   * HTTP. A DENY rule with only HTTP attributes also denies every TCP connection to the
   * workload (istiod warns: IST0133); naming the HTTP ports keeps other TCP ports working.
   * @default - every port (you get a warning if the workload may serve TCP too)
   */
  readonly requireTokenPorts?: number[];
  /**
   * Accept only tokens of these subjects (`sub` claim) of the issuer.
   * @default - any subject of a valid token
   */
  readonly subjects?: string[];
  /**
   * Claims the token must carry (scopes, groups, roles).
   * @default - no claim checks
   */
  readonly requiredClaims?: ClaimRequirement[];
  /**
   * The RequestAuthentication's name (the companion policy adds `-require-jwt`).
   * @default - the construct id
   */
  readonly name?: string;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The RequestAuthentication CRD's pattern for `outputClaimToHeaders[].header` (stricter than HTTP's). */
const CLAIM_HEADER_NAME = /^[-_A-Za-z0-9]+$/;
const PRIVATE_JWK_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** The members a public JWK of each key type must have (RFC 7518 section 6, RFC 8037). */
const JWK_PUBLIC_MEMBERS = new Map<string, string[]>([['RSA', ['n', 'e']], ['EC', ['crv', 'x', 'y']], ['OKP', ['crv', 'x']], ['oct', ['k']]]);
/** The RequestAuthentication CRD's `maxLength` of `jwksUri`. */
const MAX_JWKS_URI_LENGTH = 2048;
const JWKS_URI_RULE = httpUrlRule({ maxLength: MAX_JWKS_URI_LENGTH });
/** The companion policy's name suffix. */
const REQUIRE_JWT_SUFFIX = '-require-jwt';
/** The AuthorizationPolicy CRD's `maxItems` of `rules`: one rule for the token, one per required claim. */
const MAX_POLICY_RULES = 512;

/** A nested claim is written with dots (`realm_access.roles`) and rendered as `claims[realm_access][roles]`. */
const claimNameRule: Rule<string> = (claim) => {
  if (typeof claim !== 'string' || claim.length === 0) return 'must not be empty';
  if (/[[\]]/.test(claim)) return "must not contain '[' or ']'";
  if (claim.split('.').some((part) => part.length === 0)) return "must not have an empty part (nested claims are written 'a.b')";
  // 'https://example.com/roles' would be read as claim 'https://example' holding 'com/roles'.
  if (claim.includes('.') && /[/:]/.test(claim)) {
    return "must not be a name with dots and '/' or ':' (a URL-like claim): its dots would be read as nested claims";
  }
  return undefined;
};

/** One name of a claimPath: taken literally inside `claims[...]`, where only brackets cannot appear. */
const claimPathPartRule: Rule<string> = (part) => {
  if (typeof part !== 'string' || part.length === 0) return 'must not contain an empty claim name';
  if (/[[\]]/.test(part)) return "must not contain '[' or ']' (Istio's claim keys are bracketed)";
  return undefined;
};

/** A subject (`sub` claim) the companion policy accepts: exact, or a prefix ending in `*`. */
const subjectRule: Rule<string> = (subject) => {
  if (typeof subject !== 'string' || subject.length === 0) return 'must not contain an empty subject';
  if (subject.slice(0, -1).includes('*')) return "may use '*' only at the end (a prefix match)";
  return undefined;
};

/**
 * JWT authentication that actually rejects unauthenticated requests: a RequestAuthentication
 * (issuer, keys, audiences, token locations, claim forwarding) plus its companion
 * AuthorizationPolicy.
 *
 * A RequestAuthentication alone rejects requests with an *invalid* token but accepts requests
 * with *no* token. The companion is a DENY policy (`<name>-require-jwt`) matching requests
 * without a request principal (optionally only on some paths), and requests whose claims are
 * not among the required ones. DENY rather than ALLOW, so adding authentication does not turn
 * the workload into "deny everything not explicitly allowed".
 *
 * In ambient namespaces both objects attach to the namespace's waypoint (ztunnel does not see
 * HTTP and cannot validate tokens); without a waypoint the construct is rejected at synth.
 *
 * @example
 * new JwtAuthentication(chart, 'api-jwt', {
 *   target: PolicyTarget.ingressGateway(),
 *   issuer: 'https://accounts.example.com',
 *   jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
 *   audiences: ['api.example.com'],
 *   requiredClaims: [{ claim: 'scope', values: ['orders:read'] }],
 * });
 * @see https://istio.io/latest/docs/reference/config/security/request_authentication/
 * @see https://istio.io/latest/docs/tasks/security/authorization/authz-jwt/
 */
export class JwtAuthentication extends Construct {
  /** The RequestAuthentication's name. */
  public readonly name: string;
  /** The namespace both objects live in. */
  public readonly namespace: string;
  /** The issuer. */
  public readonly issuer: string;
  /** The companion policy that rejects requests without a valid token, unless `requireToken` is false and no claims are required. */
  public readonly requirement?: AuthorizationPolicy;
  private readonly target: PolicyTarget;

  constructor(scope: Construct, id: string, props: JwtAuthenticationProps) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props, true);
    this.name = checkObjectName(this, 'name', props.name ?? toDnsLabel(id));
    this.target = checkInstance(this, 'target', props.target, PolicyTarget,
      'Use PolicyTarget.ingressGateway(), PolicyTarget.workload(deployment), PolicyTarget.selector(...) or another PolicyTarget factory.');
    checkBoolean(this, 'forwardOriginalToken', props.forwardOriginalToken);
    checkBoolean(this, 'requireToken', props.requireToken);
    for (const list of ['audiences', 'fromHeaders', 'fromParams', 'fromCookies', 'outputClaimToHeaders', 'requireTokenPaths', 'requireTokenPorts', 'subjects', 'requiredClaims'] as const) {
      checkList(this, list, props[list] as unknown[] | undefined);
    }
    this.namespace = props.target.targetNamespace;
    this.issuer = check(this, 'issuer', props.issuer, (v) => (typeof v !== 'string' || v.trim().length === 0 ? 'must not be empty' : undefined),
      "Use the token's iss claim, e.g. 'https://accounts.example.com'.");
    const jwtRule = this.renderJwtRule(props);

    SecurityRegistry.of(this).jwts.push({ path: this.node.path, namespace: this.namespace, meshWide: props.target._kind === 'mesh' });
    wireObject(this, 'Resource', GVK.RequestAuthentication, { name: this.name, namespace: this.namespace }, () => {
      const attachment = resolveAttachment(this, this.target, JWT_L7);
      if ('error' in attachment) throw this.targetError(attachment.error);
      return prune({ ...attachment, jwtRules: [jwtRule] });
    });

    const requireToken = props.requireToken ?? true;
    if (!requireToken && props.requireTokenPaths) {
      fail(this, 'requireTokenPaths', 'needs requireToken', props.requireTokenPaths, 'Remove requireTokenPaths, or keep requireToken (the default).');
    }
    if (!requireToken && props.subjects) {
      fail(this, 'subjects', 'needs requireToken', props.subjects, 'Remove subjects, or keep requireToken (the default).');
    }
    if (!requireToken && props.requireTokenPorts) {
      fail(this, 'requireTokenPorts', 'needs requireToken', props.requireTokenPorts, 'Remove requireTokenPorts, or keep requireToken (the default).');
    }
    // Every value that reaches the companion policy is checked here, against the property the
    // user wrote: the policy would otherwise report its own rules (`RequireJwt: rules[1]...`).
    if (props.requireTokenPaths !== undefined) {
      this.checkList('requireTokenPaths', props.requireTokenPaths, pathRule,
        "Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'.", 'Leave requireTokenPaths out to require the token on every path.');
    }
    if (props.requireTokenPorts !== undefined) {
      this.checkList('requireTokenPorts', props.requireTokenPorts, portRule, 'Use the workload (container) ports that serve HTTP, e.g. 8080.',
        'Leave requireTokenPorts out to require the token on every port.', false);
    }
    const operation: RequestOperation = {
      ...(props.requireTokenPaths ? { paths: props.requireTokenPaths } : {}),
      ...(props.requireTokenPorts ? { ports: props.requireTokenPorts } : {}),
    };
    const to: RequestOperation[] | undefined = Object.keys(operation).length > 0 ? [operation] : undefined;
    const rules: AuthorizationRule[] = [];
    if (requireToken) {
      if (props.subjects) {
        check(this, 'subjects', props.subjects, (s) => (!Array.isArray(s) || s.length === 0 ? 'must not be empty' : undefined), 'Leave subjects out to accept any subject.');
        this.checkList('subjects', props.subjects, subjectRule, "Use the token's sub values, e.g. 'alice' (or 'team-*' for a prefix).", 'Leave subjects out to accept any subject.');
      }
      const accepted = props.subjects ? props.subjects.map((s) => this.subjectPrincipal(s)) : ['*'];
      rules.push({ from: [{ notRequestPrincipals: accepted }], to });
    }
    const claims = props.requiredClaims ?? [];
    if (claims.length > MAX_POLICY_RULES - rules.length) {
      fail(this, 'requiredClaims', `must have at most ${MAX_POLICY_RULES - rules.length} entries (each is a rule of the companion policy, which takes ${MAX_POLICY_RULES})`,
        claims.length, 'Merge requirements on the same claim into one entry with several values.');
    }
    for (const [i, claim] of claims.entries()) {
      checkObject(this, `requiredClaims[${i}]`, claim);
      const path = this.claimPath(i, claim);
      check(this, `requiredClaims[${i}].values`, claim.values, (v) => (!Array.isArray(v) || v.length === 0 ? 'must not be empty' : undefined),
        "List the accepted values, e.g. ['admin'].");
      this.checkList(`requiredClaims[${i}].values`, claim.values, (v) => (typeof v !== 'string' || v.length === 0 ? 'must not contain an empty value' : undefined),
        "List the accepted values, e.g. ['admin'].", "List the accepted values, e.g. ['admin'].");
      rules.push({ to, when: [{ key: ConditionKey.claim(...path as [string, ...string[]]), notValues: claim.values }] });
    }
    if (rules.length > 0) {
      if (this.name.length + REQUIRE_JWT_SUFFIX.length > 253) {
        fail(this, 'name', `must be at most ${253 - REQUIRE_JWT_SUFFIX.length} characters, so that the companion policy's name '<name>${REQUIRE_JWT_SUFFIX}' fits in 253`,
          this.name, 'Use a shorter name (or construct id).');
      }
      this.requirement = new AuthorizationPolicy(this, 'RequireJwt', {
        target: props.target,
        action: AuthorizationAction.DENY,
        name: `${this.name}${REQUIRE_JWT_SUFFIX}`,
        rules,
      });
      // Its target is this construct's: errors about it are reported once, here.
      this.requirement._targetOwner = this;
    } else {
      this.node.addValidation({ validate: () => this.checkSomethingRequiresToken() });
    }
    this.node.addValidation({
      validate: () => {
        const attachment = resolveAttachment(this, this.target, JWT_L7);
        return 'error' in attachment ? [this.targetError(attachment.error).message] : [];
      },
    });
  }

  /**
   * The claim names of a requirement, outermost first: `claim` split at its dots, or
   * `claimPath` as given (names with dots in them, such as URL-like custom claims).
   */
  private claimPath(index: number, requirement: ClaimRequirement): string[] {
    const where = `requiredClaims[${index}]`;
    if ((requirement.claim === undefined) === (requirement.claimPath === undefined)) {
      fail(this, where, 'must set exactly one of claim and claimPath', requirement,
        "Use claim: 'groups' (dots for nested claims, 'realm_access.roles'), or claimPath: ['https://example.com/roles'] for a claim whose name has dots.");
    }
    if (requirement.claimPath !== undefined) {
      this.checkList(`${where}.claimPath`, requirement.claimPath, claimPathPartRule,
        "Give each claim name as it is in the token, e.g. ['https://example.com/roles'] or ['realm_access', 'roles'].",
        "Give the claim's name, e.g. ['https://example.com/roles'].", false);
      return [...requirement.claimPath];
    }
    const claim = requirement.claim!;
    const broken = brokenRule(claim, claimNameRule);
    if (broken !== undefined) {
      const urlLike = typeof claim === 'string' && claim.includes('.') && /[/:]/.test(claim);
      fail(this, `${where}.claim`, broken, claim, urlLike
        ? `Istio reads '${claim}' as the nested claims [${claim.split('.').map((p) => `'${p}'`).join(', ')}]; for a claim named '${claim}' use claimPath: ['${claim}'].`
        : "Name the claim, e.g. 'groups' (or 'realm_access.roles' for a nested claim; claimPath for a name with dots).");
    }
    return claim.split('.');
  }

  /** A list prop whose values reach the companion policy: non-empty, each value valid, (optionally) none repeated. */
  private checkList<T>(property: string, list: T[], rule: Rule<T>, hint: string, emptyHint: string, unique = true): void {
    check(this, property, list, (l) => (!Array.isArray(l) ? 'must be a list' : l.length === 0 ? 'must not be an empty list' : undefined), emptyHint);
    for (const value of list) check(this, property, value, rule, hint);
    if (unique && new Set(list).size !== list.length) fail(this, property, 'must not repeat a value', list, 'List each value once.');
  }

  /** The request principal `<issuer>/<subject>` the companion policy accepts for a subject. */
  private subjectPrincipal(subject: string): string {
    const principal = `${this.issuer}/${subject}`;
    const broken = requestPrincipalRule(principal);
    if (broken !== undefined) {
      fail(this, 'subjects', `give request principals such as '${principal}', which ${broken}`, subject,
        "Istio matches principals exactly or by one '*' at the start or end; use an issuer without '*'.");
    }
    return principal;
  }

  private renderJwtRule(props: JwtAuthenticationProps): Record<string, any> {
    if (props.jwksUri !== undefined && props.jwks !== undefined) {
      fail(this, 'jwks', 'cannot be combined with jwksUri', '<inline JWKS>', 'Give the keys inline (jwks) or by URL (jwksUri), not both.');
    }
    if (props.jwksUri !== undefined) {
      check(this, 'jwksUri', props.jwksUri, JWKS_URI_RULE,
        "Use the issuer's JWKS URL, e.g. 'https://accounts.example.com/.well-known/jwks.json'.");
      if (props.jwksUri.startsWith('http://')) {
        SecurityRegistry.of(this).warn(`${this.node.path}: jwksUri '${props.jwksUri}' uses plain http; keys fetched without TLS can be tampered with.`);
      }
    }
    if (props.jwks !== undefined) this.checkJwks(props.jwks);
    const nonEmpty = (property: string, list: string[] | undefined, hint: string) => {
      if (list === undefined) return undefined;
      check(this, property, list, (l) => (l.length === 0 ? 'must not be an empty list' : undefined), 'Leave the field out for the default.');
      for (const v of list) check(this, property, v, (s) => (typeof s !== 'string' || s.length === 0 ? 'must not contain an empty string' : undefined), hint);
      return [...list];
    };
    const header = (property: string, name: string) =>
      check(this, property, name, (h) => (HEADER_NAME.test(h ?? '') ? undefined : 'must be a valid HTTP header name'), "Use a header name such as 'x-jwt-payload'.");
    for (const [i, h] of (props.fromHeaders ?? []).entries()) header(`fromHeaders[${i}].name`, h.name);
    if (props.outputPayloadToHeader !== undefined) header('outputPayloadToHeader', props.outputPayloadToHeader);
    for (const [i, c] of (props.outputClaimToHeaders ?? []).entries()) {
      check(this, `outputClaimToHeaders[${i}].header`, c.header,
        (h) => (typeof h === 'string' && CLAIM_HEADER_NAME.test(h) ? undefined : "must be a header name of letters, digits, '-' and '_'"),
        "Use a header name such as 'x-jwt-sub' (the RequestAuthentication CRD allows no other characters).");
      check(this, `outputClaimToHeaders[${i}].claim`, c.claim, (v) => (!v ? 'must not be empty' : undefined), "Name the claim, e.g. 'sub'.");
    }
    if (props.fromHeaders) check(this, 'fromHeaders', props.fromHeaders, (l) => (l.length === 0 ? 'must not be an empty list' : undefined), 'Leave the field out for the default.');
    if (props.outputClaimToHeaders) {
      check(this, 'outputClaimToHeaders', props.outputClaimToHeaders, (l) => (l.length === 0 ? 'must not be an empty list' : undefined), 'Leave the field out.');
    }
    return prune({
      issuer: this.issuer,
      audiences: nonEmpty('audiences', props.audiences, "Use the token's aud value, e.g. 'api.example.com'."),
      jwksUri: props.jwksUri,
      jwks: props.jwks,
      fromHeaders: props.fromHeaders?.map((h) => prune({ name: h.name, prefix: h.prefix })),
      fromParams: nonEmpty('fromParams', props.fromParams, "Name the query parameter, e.g. 'token'."),
      fromCookies: nonEmpty('fromCookies', props.fromCookies, "Name the cookie, e.g. 'session'."),
      forwardOriginalToken: props.forwardOriginalToken,
      outputPayloadToHeader: props.outputPayloadToHeader,
      outputClaimToHeaders: props.outputClaimToHeaders?.map((c) => ({ header: c.header, claim: c.claim })),
      timeout: props.timeout && istioDuration(this, 'timeout', props.timeout),
    });
  }

  private checkJwks(jwks: string): void {
    let parsed: any;
    try {
      parsed = JSON.parse(jwks);
    } catch {
      fail(this, 'jwks', 'must be a JSON Web Key Set', String(jwks).slice(0, 40), 'Pass the JWKS document as JSON text: {"keys": [...]}.');
    }
    if (!parsed || !Array.isArray(parsed.keys) || parsed.keys.length === 0) {
      fail(this, 'jwks', 'must have a non-empty "keys" array', String(jwks).slice(0, 40), 'Pass the JWKS document as JSON text: {"keys": [...]}.');
    }
    for (const [i, key] of parsed.keys.entries()) {
      // As istiod parses the set: every key is an object with a known key type.
      if (key === null || typeof key !== 'object' || Array.isArray(key)) {
        fail(this, `jwks.keys[${i}]`, 'must be a JSON Web Key object', key, 'Each entry of "keys" is an object such as {"kty": "RSA", "n": "...", "e": "AQAB"}.');
      }
      // Keys are named by kid in errors, else shown (shortened): an index alone reads like a value.
      const name = typeof key.kid === 'string' ? key.kid : JSON.stringify(key).slice(0, 60);
      if (typeof key.kty !== 'string' || key.kty.length === 0) {
        fail(this, `jwks.keys[${i}]`, 'must have a "kty" (key type) member', name, 'istiod rejects the key set without it; export the JWKS from the issuer (kty is RSA, EC, OKP or oct).');
      }
      const members = JWK_PUBLIC_MEMBERS.get(key.kty);
      if (!members) {
        fail(this, `jwks.keys[${i}].kty`, `must be a known key type (${[...JWK_PUBLIC_MEMBERS.keys()].join(', ')})`, key.kty,
          "Key types are case-sensitive, e.g. 'RSA' or 'EC'.");
      }
      const secret = PRIVATE_JWK_FIELDS.filter((f) => key[f] !== undefined);
      if (secret.length > 0) {
        fail(this, `jwks.keys[${i}]`, `must not contain private key material (${secret.join(', ')})`, name,
          'Only public keys are needed to verify tokens; publishing private keys in a manifest leaks them. Export the public JWKS.');
      }
      const missing = members.filter((m) => typeof key[m] !== 'string' || key[m].length === 0);
      if (missing.length > 0) {
        fail(this, `jwks.keys[${i}]`, `must have the ${key.kty} members ${missing.join(', ')}`, name,
          'A key without them cannot verify any token; export the public JWKS from the issuer.');
      }
    }
  }

  private targetError([rule, hint]: [string, string]): ValidationError {
    return new ValidationError(this.node.path, 'target', rule, this.namespace, hint);
  }

  private checkSomethingRequiresToken(): string[] {
    const registry = SecurityRegistry.of(this);
    const requiresPrincipal = (action: string, source: Record<string, any>) =>
      (action === AuthorizationAction.ALLOW && source.requestPrincipals) || (action === AuthorizationAction.DENY && source.notRequestPrincipals);
    const requires = registry.policies.some((p) => (p.target._kind === 'mesh' || p.namespace === this.namespace)
      && p._wireRules.some((r) => (r.from ?? []).some((f: any) => requiresPrincipal(p.action, f.source))));
    if (!requires) {
      registry.warn(`${this.node.path}: requireToken is false and no AuthorizationPolicy in namespace '${this.namespace}' requires a request principal, `
        + 'so requests without a token are accepted. Keep requireToken, or add a policy with requestPrincipals.');
    }
    return [];
  }
}

const JWT_L7 = 'validates JWTs, which only a waypoint can do (ztunnel ignores RequestAuthentication)';
