import { ApiObject } from 'cdk8s';
import { Construct, IValidation } from 'constructs';
import { resolveAttachment } from './attachment';
import {
  conditionKeyInfo, conditionKeyRule, ipBlockRule, methodRule, operationHostRule, pathRule, principalRule,
  requestPrincipalRule, sourceNamespaceRule,
} from './authz-rules';
import { MtlsMode } from './mtls-namespace';
import { PolicyTarget } from './policy-target';
import { SecurityRegistry } from './security-registry';
import { WorkloadIdentity } from './workload-identity';
import { childPath, uniqueChildId } from '../core/construct-id';
import { checkObjectName, toDnsLabel } from '../core/naming';
import { portRule } from '../core/numbers';
import { isEmpty, prune } from '../core/plain-objects';
import { check, fail, Rule, ValidationError } from '../core/validation-error';
import { checkEnum, checkInstance, checkList, checkObject, checkRequiredInstance } from '../core/value-types';
import { MeshConfig } from '../mesh/mesh-config';
import { providerNameError } from '../mesh/provider-resolution';
import { DeferredSpec, renderWire } from '../render/api-object';
import { GVK } from '../render/gvk';


/** What a matching request gets (AuthorizationPolicy `action`). */
export enum AuthorizationAction {
  /** Allow matching requests; once any ALLOW policy applies to a workload, everything else is denied. */
  ALLOW = 'ALLOW',
  /** Deny matching requests (evaluated before ALLOW). */
  DENY = 'DENY',
  /** Log matching requests for audit (needs an audit-capable telemetry provider); does not allow or deny. */
  AUDIT = 'AUDIT',
  /** Delegate matching requests to an external authorizer (an `extensionProviders` entry of MeshConfig). */
  CUSTOM = 'CUSTOM',
}

/**
 * Who sends the request. Fields are ANDed; values within a field are ORed. `not*` fields
 * exclude. Identities, principals and namespaces come from the peer's mTLS certificate: they
 * only exist for mutual-TLS traffic.
 */
export interface RequestSource {
  /** Workload identities (rendered as principals). @default - any */
  readonly identities?: WorkloadIdentity[];
  /** Workload identities excluded. @default - none excluded */
  readonly notIdentities?: WorkloadIdentity[];
  /** Principals such as `cluster.local/ns/default/sa/sleep` (prefer `identities`). @default - any */
  readonly principals?: string[];
  /** Principals excluded. @default - none excluded */
  readonly notPrincipals?: string[];
  /** Source namespaces (from the peer certificate). @default - any */
  readonly namespaces?: string[];
  /** Source namespaces excluded. @default - none excluded */
  readonly notNamespaces?: string[];
  /** Source IPs or CIDR blocks (the connection's peer address). @default - any */
  readonly ipBlocks?: string[];
  /** Source IPs or CIDR blocks excluded. @default - none excluded */
  readonly notIpBlocks?: string[];
  /** Original client IPs (from X-Forwarded-For / PROXY protocol, per the gateway's numTrustedProxies). @default - any */
  readonly remoteIpBlocks?: string[];
  /** Original client IPs excluded. @default - none excluded */
  readonly notRemoteIpBlocks?: string[];
  /** JWT principals `<issuer>/<subject>` validated by a RequestAuthentication; `*` = any valid token. @default - any */
  readonly requestPrincipals?: string[];
  /** JWT principals excluded; `['*']` matches requests without a valid token. @default - none excluded */
  readonly notRequestPrincipals?: string[];
}

/** What the request does. Fields are ANDed; values within a field are ORed. */
export interface RequestOperation {
  /** Hosts (the `Host`/`:authority` header), exact or with a leading/trailing `*`. @default - any */
  readonly hosts?: string[];
  /** Hosts excluded. @default - none excluded */
  readonly notHosts?: string[];
  /** Destination ports (of the workload). @default - any */
  readonly ports?: number[];
  /** Destination ports excluded. @default - none excluded */
  readonly notPorts?: number[];
  /** HTTP methods, uppercase (gRPC requests are always POST). @default - any */
  readonly methods?: string[];
  /** HTTP methods excluded. @default - none excluded */
  readonly notMethods?: string[];
  /** Paths: exact, `/prefix/*`, `*.suffix`, or templates with `{*}` / `{**}`. @default - any */
  readonly paths?: string[];
  /** Paths excluded. @default - none excluded */
  readonly notPaths?: string[];
}

/** A `when` condition on a request attribute (see {@link ConditionKey}). */
export interface Condition {
  /** The attribute, e.g. `request.auth.claims[groups]` or `source.ip`. */
  readonly key: string;
  /** Values that match. @default - `notValues` must be given */
  readonly values?: string[];
  /** Values that do not match. @default - no exclusions */
  readonly notValues?: string[];
}

/**
 * One rule: a request matches when it matches any `from`, any `to` and every `when`.
 *
 * An ALLOW or DENY rule sets at least one of the three: an empty rule matches every request,
 * which Istio reads as "allow everything" (or "deny everything"). Say so on purpose with
 * `AuthorizationPolicy.allowAll` or `AuthorizationPolicy.denyAll`.
 */
export interface AuthorizationRule {
  /** Sources; any may match. @default - every source */
  readonly from?: RequestSource[];
  /** Operations; any may match. @default - every operation */
  readonly to?: RequestOperation[];
  /** Conditions; all must match. @default - no conditions */
  readonly when?: Condition[];
}

/** The attribute keys of `when` conditions. */
export class ConditionKey {
  /** The peer's IP (`source.ip`). */
  public static readonly SOURCE_IP = 'source.ip';
  /** The original client IP (`remote.ip`). */
  public static readonly REMOTE_IP = 'remote.ip';
  /** The peer's namespace (`source.namespace`, mTLS only). */
  public static readonly SOURCE_NAMESPACE = 'source.namespace';
  /** The peer's principal (`source.principal`, mTLS only). */
  public static readonly SOURCE_PRINCIPAL = 'source.principal';
  /** The JWT principal (`request.auth.principal`). */
  public static readonly REQUEST_PRINCIPAL = 'request.auth.principal';
  /** The JWT audiences (`request.auth.audiences`). */
  public static readonly AUDIENCES = 'request.auth.audiences';
  /** The JWT authorized presenter (`request.auth.presenter`). */
  public static readonly PRESENTER = 'request.auth.presenter';
  /** The destination IP (`destination.ip`). */
  public static readonly DESTINATION_IP = 'destination.ip';
  /** The destination port (`destination.port`). */
  public static readonly DESTINATION_PORT = 'destination.port';
  /** The TLS SNI (`connection.sni`). */
  public static readonly SNI = 'connection.sni';

  /** A request header, e.g. `request.headers[x-tenant]`. */
  public static requestHeader(name: string): string {
    return `request.headers[${name}]`;
  }

  /** A JWT claim, e.g. `request.auth.claims[groups]`; nested claims as `claim('a', 'b')`. */
  public static claim(name: string, ...nested: string[]): string {
    return `request.auth.claims[${[name, ...nested].join('][')}]`;
  }

  private constructor() {}
}

/** Options for the single-purpose presets of {@link AuthorizationPolicy}. */
export interface AuthorizationPresetOptions {
  /** What the policy applies to. */
  readonly target: PolicyTarget;
  /** The policy's name. @default - the construct id */
  readonly name?: string;
}

/** Properties of an {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps {
  /** What the policy applies to. */
  readonly target: PolicyTarget;
  /**
   * What matching requests get.
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;
  /**
   * The external authorizer for CUSTOM (a MeshConfig `extensionProviders` name).
   * @default - none; required with CUSTOM
   */
  readonly provider?: string;
  /**
   * The rules; more can be added with `addRule`. An ALLOW policy without rules allows nothing.
   * @default - no rules
   */
  readonly rules?: AuthorizationRule[];
  /**
   * The policy's name.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * An Istio AuthorizationPolicy: who may do what to a workload, namespace or the whole mesh.
 *
 * Evaluation order at each proxy: CUSTOM policies first (deny if the authorizer denies), then
 * DENY (deny if any matches), then ALLOW: if no ALLOW policy applies, the request is allowed;
 * if any applies, the request must match one of them, so adding the first ALLOW policy to a
 * workload denies everything it does not name. AUDIT only logs.
 *
 * Checked at synth against the rest of the app: source principals and namespaces need STRICT
 * mTLS in the policy's namespace (plaintext requests carry none); in ambient namespaces, policies
 * with HTTP attributes are attached to the waypoint with `targetRefs` or rejected, since ztunnel
 * would drop their HTTP parts; combinations that allow nothing are reported as warnings
 * (printed at synth).
 *
 * @example
 * new AuthorizationPolicy(chart, 'httpbin-from-sleep', {
 *   target: PolicyTarget.selector('foo', { app: 'httpbin' }),
 *   rules: [{
 *     from: [{ identities: [WorkloadIdentity.fromName('sleep', 'foo')] }],
 *     to: [{ methods: ['GET'] }],
 *   }],
 * });
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * @see https://istio.io/latest/docs/ambient/usage/l7-features/
 */
export class AuthorizationPolicy extends ApiObject {
  /**
   * Allow nothing: an ALLOW policy without rules (`spec: {}`), so every request is denied
   * unless another ALLOW policy matches it. The usual base of a locked-down namespace.
   */
  public static allowNothing(scope: Construct, id: string, options: AuthorizationPresetOptions): AuthorizationPolicy {
    return new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options) });
  }

  /**
   * Allow everything: an ALLOW policy with one empty rule, which matches every request. Use it
   * on purpose, e.g. for a public workload in a namespace locked down with `allowNothing`
   * (once any ALLOW policy applies, requests must match one). DENY policies still apply.
   */
  public static allowAll(scope: Construct, id: string, options: AuthorizationPresetOptions): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options) });
    policy.matchEveryRequest();
    return policy;
  }

  /**
   * Deny everything, overriding every ALLOW policy (DENY with one empty rule). For emergencies;
   * to lock a namespace down and then allow some traffic, use `allowNothing`.
   */
  public static denyAll(scope: Construct, id: string, options: AuthorizationPresetOptions): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options), action: AuthorizationAction.DENY });
    policy.matchEveryRequest();
    return policy;
  }

  /** Allow only requests from these workload identities (service accounts). */
  public static allowOnlyFrom(
    scope: Construct, id: string, options: AuthorizationPresetOptions, identities: WorkloadIdentity[],
  ): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options) });
    // Checked here, so errors name the argument the caller passed rather than the rule built from it.
    nonEmptyList(policy, 'identities', identities, "Name at least one identity, e.g. [WorkloadIdentity.fromName('sleep', 'foo')]; AuthorizationPolicy.allowNothing allows none.");
    identities.forEach((identity, i) => checkRequiredInstance(policy, `identities[${i}]`, identity, WorkloadIdentity, IDENTITY_HINT));
    policy.addRule({ from: [{ identities }] });
    return policy;
  }

  /** Allow only requests from workloads in these namespaces. */
  public static allowOnlyFromNamespaces(
    scope: Construct, id: string, options: AuthorizationPresetOptions, namespaces: string[],
  ): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options) });
    nonEmptyList(policy, 'namespaces', namespaces, "Name at least one namespace, e.g. ['foo']; AuthorizationPolicy.allowNothing allows none.");
    values(policy, '', 'namespaces', namespaces, sourceNamespaceRule, "Use namespace names such as 'foo', or 'prod-*'.");
    policy.addRule({ from: [{ namespaces }] });
    return policy;
  }

  /** Allow only requests coming through the ingress gateway (by its identity). */
  public static allowOnlyFromIngressGateway(
    scope: Construct, id: string, options: AuthorizationPresetOptions, gateway?: WorkloadIdentity,
  ): AuthorizationPolicy {
    checkInstance(childPath(scope, id), 'gateway', gateway, WorkloadIdentity, IDENTITY_HINT);
    const identities = [gateway ?? WorkloadIdentity.ingressGateway()];
    return new AuthorizationPolicy(scope, id, { ...presetProps(scope, id, options), rules: [{ from: [{ identities }] }] });
  }

  /** The namespace the policy lives in. */
  public readonly namespace: string;
  /** The action. */
  public readonly action: AuthorizationAction;
  /** What the policy applies to. */
  public readonly target: PolicyTarget;
  /**
   * The rules in wire format (read by the app-wide checks of other security constructs).
   * @internal
   */
  public _wireRules: ReadonlyArray<Record<string, any>> = [];
  /**
   * The construct that made this policy for its own target and reports the target's errors
   * against its own props (JwtAuthentication's companion policy): this policy then does not
   * report them a second time, at a child path the user never wrote.
   * @internal
   */
  public _targetOwner?: Construct;
  private readonly provider?: string;
  private readonly spec: DeferredSpec<AuthorizationPolicy>;
  /** What validation and rendering derive from the rules, computed once per change of the rules. */
  private derived?: DerivedFacts;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    const spec = new DeferredSpec<AuthorizationPolicy>(renderPolicySpec);
    super(scope, uniqueChildId(scope, id), {
      apiVersion: GVK.AuthorizationPolicy.apiVersion,
      kind: GVK.AuthorizationPolicy.kind,
      metadata: { name: props?.name ?? toDnsLabel(id), namespace: targetOf(scope, id, props).targetNamespace },
      spec: spec.value,
    });
    checkObjectName(this, 'name', this.name);
    this.target = props.target;
    this.namespace = props.target.targetNamespace;
    this.action = checkEnum(this, 'action', props.action ?? AuthorizationAction.ALLOW, AuthorizationAction, 'AuthorizationAction');
    checkList(this, 'rules', props.rules);
    if (this.action === AuthorizationAction.CUSTOM) {
      this.provider = check(this, 'provider', props.provider ?? '', (p) => (p.length === 0 ? 'must be set for CUSTOM' : undefined),
        "Name the ext-authz provider from MeshConfig extensionProviders, e.g. provider: 'my-ext-authz'.");
    } else if (props.provider !== undefined) {
      fail(this, 'provider', 'is only used with AuthorizationAction.CUSTOM', props.provider,
        `Remove provider, or set action: AuthorizationAction.CUSTOM (the action is ${this.action}).`);
    }
    for (const rule of props.rules ?? []) this.addRule(rule);

    SecurityRegistry.of(this).addPolicy(this);
    this.spec = spec;
    spec.bind(this);
    this.node.addValidation(new PolicyValidation(this));
  }

  /** Renders the policy to Kubernetes JSON. */
  public toJson(): any {
    return renderWire(this, this.spec, () => super.toJson());
  }

  /**
   * Adds a rule (rules are ORed). An ALLOW or DENY rule must set from, to or when; see
   * `allowAll` and `denyAll` for policies that match every request.
   */
  public addRule(rule: AuthorizationRule): void {
    const index = this._wireRules.length;
    const where = `rules[${index}]`;
    if (index >= MAX_RULES) {
      fail(this, 'rules', `must have at most ${MAX_RULES} rules (the CRD's limit)`, index + 1,
        'Merge rules that share sources or operations (values within a field are ORed), or split the policy.');
    }
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      fail(this, where, 'must be a rule object', rule, 'Pass { from, to, when } with at least one of them set.');
    }
    if (rule.from === undefined && rule.to === undefined && rule.when === undefined) this.failMatchEverything(where, rule);
    const wire: Record<string, any> = {};
    if (rule.from !== undefined) {
      nonEmptyList(this, `${where}.from`, rule.from, 'Leave from out to match every source.');
      if (rule.from.length > MAX_SOURCES) {
        fail(this, `${where}.from`, `must have at most ${MAX_SOURCES} sources (the CRD's limit)`, rule.from.length,
          'Merge sources (values within a field are ORed), or split the rule.');
      }
      wire.from = rule.from.map((source, i) => ({ source: this.renderSource(`${where}.from[${i}]`, source) }));
    }
    if (rule.to !== undefined) {
      nonEmptyList(this, `${where}.to`, rule.to, 'Leave to out to match every operation.');
      wire.to = rule.to.map((operation, i) => ({ operation: this.renderOperation(`${where}.to[${i}]`, operation) }));
    }
    if (rule.when !== undefined) {
      nonEmptyList(this, `${where}.when`, rule.when, 'Leave when out for no conditions.');
      wire.when = rule.when.map((c, i) => this.renderCondition(`${where}.when[${i}]`, c));
    }
    this._wireRules = this._wireRules.concat([wire]); // exact size: a pushed-to array reserves 17 entries
    this.derived = undefined;
  }

  /**
   * An empty rule matches every request: for ALLOW that allows everything, for DENY it denies
   * everything. Both are too sweeping to come from a forgotten field, so they take a preset.
   * AUDIT and CUSTOM rules neither grant nor refuse access by themselves, so empty ones pass.
   */
  private failMatchEverything(where: string, rule: AuthorizationRule): void {
    if (this.action === AuthorizationAction.ALLOW) {
      fail(this, where, 'must set from, to or when (an empty rule matches every request, so the policy allows everything)', rule,
        'To allow every request on purpose, use AuthorizationPolicy.allowAll; otherwise say whom (from), what (to) or when the rule allows.');
    }
    if (this.action === AuthorizationAction.DENY) {
      fail(this, where, 'must set from, to or when (an empty rule matches every request, so the policy denies everything)', rule,
        'To deny every request on purpose, use AuthorizationPolicy.denyAll; otherwise say whom (from), what (to) or when the rule denies.');
    }
  }

  /** The one rule of allowAll and denyAll: empty, so it matches every request. */
  private matchEveryRequest(): void {
    this._wireRules = this._wireRules.concat([{}]);
    this.derived = undefined;
  }

  private renderSource(where: string, s: RequestSource): Record<string, any> {
    checkObject(this, where, s);
    const principals = (ids: WorkloadIdentity[] | undefined, raw: string[] | undefined, field: string) => {
      if (ids === undefined && raw === undefined) return undefined;
      if (ids) {
        const idsField = `${where}.${field === 'principals' ? 'identities' : 'notIdentities'}`;
        nonEmptyList(this, idsField, ids, 'Leave the field out instead.');
        ids.forEach((identity, i) => checkRequiredInstance(this, `${idsField}[${i}]`, identity, WorkloadIdentity, IDENTITY_HINT));
      }
      if (raw) values(this, where, field, raw, principalRule, "Use WorkloadIdentity, or 'cluster.local/ns/<namespace>/sa/<account>'.");
      if (!raw) return ids!.map((id) => id.principal);
      return [...(ids ?? []).map((id) => id.principal), ...raw];
    };
    const source: Record<string, string[] | undefined> = prune({
      principals: principals(s.identities, s.principals, 'principals'),
      notPrincipals: principals(s.notIdentities, s.notPrincipals, 'notPrincipals'),
      namespaces: values(this, where, 'namespaces', s.namespaces, sourceNamespaceRule, "Use namespace names such as 'foo', or 'prod-*'."),
      notNamespaces: values(this, where, 'notNamespaces', s.notNamespaces, sourceNamespaceRule, "Use namespace names such as 'foo', or 'prod-*'."),
      ipBlocks: values(this, where, 'ipBlocks', s.ipBlocks, ipBlockRule, 'Use IPs or CIDR blocks such as 10.0.0.0/16.'),
      notIpBlocks: values(this, where, 'notIpBlocks', s.notIpBlocks, ipBlockRule, 'Use IPs or CIDR blocks such as 10.0.0.0/16.'),
      remoteIpBlocks: values(this, where, 'remoteIpBlocks', s.remoteIpBlocks, ipBlockRule, 'Use IPs or CIDR blocks such as 203.0.113.0/24.'),
      notRemoteIpBlocks: values(this, where, 'notRemoteIpBlocks', s.notRemoteIpBlocks, ipBlockRule, 'Use IPs or CIDR blocks such as 203.0.113.0/24.'),
      requestPrincipals: values(this, where, 'requestPrincipals', s.requestPrincipals, requestPrincipalRule,
        "Use '<issuer>/<subject>', e.g. 'https://issuer.example.com/*', or '*' for any valid token."),
      notRequestPrincipals: values(this, where, 'notRequestPrincipals', s.notRequestPrincipals, requestPrincipalRule,
        "Use '<issuer>/<subject>', or '*' to match requests without a valid token."),
    });
    if (isEmpty(source)) {
      fail(this, where, 'must set at least one field', s, 'An empty source is rejected by istiod; leave from out to match every source.');
    }
    if (this.action === AuthorizationAction.CUSTOM) {
      for (const field of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'requestPrincipals', 'notRequestPrincipals']) {
        if (source[field]) {
          fail(this, `${where}.${field}`, 'is not supported with AuthorizationAction.CUSTOM', source[field],
            'The external authorizer runs before identities are checked; match on IPs, hosts, paths or methods, and check identities in a DENY or ALLOW policy.');
        }
      }
    }
    return source;
  }

  private renderOperation(where: string, o: RequestOperation): Record<string, any> {
    checkObject(this, where, o);
    const ports = (field: string, list?: number[]) => {
      if (list === undefined) return undefined;
      nonEmptyList(this, `${where}.${field}`, list, 'Leave the field out instead.');
      return list.map((p) => String(check(this, `${where}.${field}`, p, portRule, 'Use the workload port number, e.g. 8080.')));
    };
    const operation = prune({
      hosts: values(this, where, 'hosts', o.hosts, operationHostRule, "Use hosts such as 'api.example.com' or '*.example.com'."),
      notHosts: values(this, where, 'notHosts', o.notHosts, operationHostRule, "Use hosts such as 'api.example.com' or '*.example.com'."),
      ports: ports('ports', o.ports),
      notPorts: ports('notPorts', o.notPorts),
      methods: values(this, where, 'methods', o.methods, methodRule, 'gRPC calls are POST.'),
      notMethods: values(this, where, 'notMethods', o.notMethods, methodRule, 'gRPC calls are POST.'),
      paths: values(this, where, 'paths', o.paths, pathRule, "Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'."),
      notPaths: values(this, where, 'notPaths', o.notPaths, pathRule, "Use '/exact', '/prefix/*', '*.suffix' or a template such as '/users/{*}/orders'."),
    });
    if (isEmpty(operation)) {
      fail(this, where, 'must set at least one field', o, 'An empty operation is rejected by istiod; leave to out to match every operation.');
    }
    return operation;
  }

  private renderCondition(where: string, c: Condition): Record<string, any> {
    checkObject(this, where, c);
    check(this, `${where}.key`, c.key, conditionKeyRule, "Build keys with ConditionKey, e.g. ConditionKey.claim('groups').");
    if (c.values === undefined && c.notValues === undefined) {
      fail(this, where, 'must set values or notValues', c, `Say which values of ${c.key} match, e.g. values: ['admin'].`);
    }
    const ruleForKey: Rule<string> = ['source.ip', 'remote.ip', 'destination.ip'].includes(c.key) ? ipBlockRule
      : c.key === 'destination.port' ? (v) => portRule(Number(v)) : (v) => (typeof v !== 'string' || v.length === 0 ? 'must not be empty' : undefined);
    if (this.action === AuthorizationAction.CUSTOM && (conditionKeyInfo(c.key)?.identity || conditionKeyInfo(c.key)?.custom)) {
      fail(this, `${where}.key`, 'is not supported with AuthorizationAction.CUSTOM', c.key,
        'The external authorizer runs before identities and JWTs are checked; use a DENY or ALLOW policy for this condition.');
    }
    return prune({
      key: c.key,
      values: values(this, where, 'values', c.values, ruleForKey, `Give values ${c.key} may take.`),
      notValues: values(this, where, 'notValues', c.notValues, ruleForKey, `Give values ${c.key} may take.`),
    });
  }

  /** @internal */
  public _renderSpec(): Record<string, any> {
    const attachment = this.attachment();
    if ('error' in attachment) throw this.targetError(attachment.error);
    return prune({
      ...attachment,
      action: this.action,
      provider: this.provider ? { name: this.provider } : undefined,
      rules: this._wireRules.length > 0 ? this._wireRules : undefined,
    });
  }

  /** Derived once per change of the rules: rendering and both validation passes of a synth need them. */
  private facts(): DerivedFacts {
    // Field lists, not the reason sentences: those are only needed for an error or an ambient
    // namespace, and apps keep one set of facts per policy.
    return this.derived ??= {
      l7Fields: this.l7FieldsUsed(),
      identityFields: this.identityFieldsUsed(),
      matchesNothing: this._wireRules.every(contradictory),
      needsJwt: this._wireRules.every((r) => (r.from ?? []).length > 0 && r.from.every((f: any) => f.source.requestPrincipals)),
    };
  }

  /** How the policy attaches in this app (see resolveAttachment), with the reasons it may need. */
  private attachment(): ReturnType<typeof resolveAttachment> {
    const facts = this.facts();
    const needsL7 = facts.l7Fields.length > 0 || this.action === AuthorizationAction.CUSTOM || this.action === AuthorizationAction.AUDIT;
    return resolveAttachment(this, this.target,
      needsL7 ? () => this.l7Reason(facts.l7Fields) : undefined,
      facts.identityFields.length > 0 ? () => identityReason(facts.identityFields) : undefined);
  }

  /** The HTTP attributes the rules use (ztunnel cannot enforce them). */
  private l7FieldsUsed(): string[] {
    const l7Fields = new Set<string>();
    for (const rule of this._wireRules) {
      for (const f of rule.from ?? []) {
        for (const field of ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks']) if (f.source[field]) l7Fields.add(field);
      }
      for (const t of rule.to ?? []) {
        for (const field of ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths']) if (t.operation[field]) l7Fields.add(field);
      }
      for (const w of rule.when ?? []) if (!conditionKeyInfo(w.key)?.l4) l7Fields.add(w.key);
    }
    return [...l7Fields];
  }

  /** Why the policy needs L7 enforcement (for ambient namespaces). */
  private l7Reason(l7Fields: string[]): string {
    if (this.action === AuthorizationAction.CUSTOM || this.action === AuthorizationAction.AUDIT) {
      return `uses action ${this.action}, which ztunnel does not support`;
    }
    const effect = this.action === AuthorizationAction.ALLOW
      ? 'ztunnel would drop those rules, so they never match and the policy denies what it should allow'
      : 'ztunnel would drop those parts, so the rules match more than intended';
    return `uses HTTP attributes (${l7Fields.join(', ')}); ${effect}`;
  }

  private targetError([rule, hint]: [string, string]): ValidationError {
    return new ValidationError((this._targetOwner ?? this).node.path, 'target', rule, this.namespace, hint);
  }

  /** @internal */
  public _validatePolicy(): string[] {
    const errors: string[] = [];
    const registry = SecurityRegistry.of(this);
    if (this._wireRules.length === 0 && this.action !== AuthorizationAction.ALLOW) {
      errors.push(new ValidationError(this.node.path, 'rules', `must not be empty for action ${this.action}`, [],
        `A ${this.action} policy without rules never matches (istiod rejects it); add a rule, or use AuthorizationPolicy.denyAll to match every request.`).message);
    }
    // The authorizer must be an ext-authz provider of the app's MeshConfig: istiod cannot build the ext_authz filter for any other name.
    const unknownProvider = this.provider === undefined ? undefined : providerNameError(this, 'provider', this.provider, 'authorization');
    if (unknownProvider) errors.push(unknownProvider);
    const facts = this.facts();
    const attachment = this.attachment();
    if ('error' in attachment && this._targetOwner === undefined) errors.push(this.targetError(attachment.error).message);

    const rootNamespace = MeshConfig.of(this)?.rootNamespace ?? 'istio-system';
    const mode = this.target._kind === 'mesh' ? registry.meshWideMtls(rootNamespace) : registry.effectiveMtls(this.namespace, rootNamespace);
    const identityFields = facts.identityFields;
    if (mode !== undefined && mode !== MtlsMode.STRICT && identityFields.length > 0) {
      const ownMode = this.target._kind === 'mesh' ? undefined : registry.namespaces.get(this.namespace)?.mtlsMode;
      const where = ownMode !== undefined ? `namespace '${this.namespace}'` : `the mesh (root namespace '${registry.meshMtls?.rootNamespace ?? rootNamespace}')`;
      if (this.action === AuthorizationAction.DENY && identityFields.some((f) => !f.startsWith('not'))) {
        errors.push(new ValidationError(this.node.path, 'rules', `use ${identityFields.join(', ')}, which only exist with mutual TLS, but ${where} is ${mode}`,
          identityFields, 'Plaintext requests carry no identity, so they would bypass this DENY policy; make mTLS STRICT, or deny by IP block.').message);
      } else {
        registry.warn(`${this.node.path}: uses ${identityFields.join(', ')}, which only exist with mutual TLS, but ${where} is ${mode}; `
          + `plaintext requests carry no identity${mode === MtlsMode.DISABLE ? ', so this policy matches no request' : ' and never match'}. Make mTLS STRICT.`);
      }
    }
    if (this.action === AuthorizationAction.ALLOW && this._wireRules.length > 0) this.warnIfAllowsNothing(registry);
    return errors;
  }

  private identityFieldsUsed(): string[] {
    const used = new Set<string>();
    for (const rule of this._wireRules) {
      for (const f of rule.from ?? []) {
        for (const field of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']) if (f.source[field]) used.add(field);
      }
      for (const w of rule.when ?? []) if (conditionKeyInfo(w.key)?.identity) used.add(w.key);
    }
    return [...used];
  }

  private warnIfAllowsNothing(registry: SecurityRegistry): void {
    // A rule whose positive and negative lists share a value can never match.
    const facts = this.facts();
    if (facts.matchesNothing) {
      registry.warn(`${this.node.path}: every rule lists a value both as required and as excluded, so this ALLOW policy matches no request and denies everything it applies to.`);
    }
    // A DENY policy with an empty rule in the same scope denies everything before ALLOW policies are looked at.
    const denyAll = registry.denyPolicies.find((p) => p !== this
      && p._wireRules.some(isEmpty)
      && (p.target._kind === 'mesh' || (p.namespace === this.namespace && p.target._kind === 'namespace')));
    if (denyAll) {
      registry.warn(`${this.node.path}: '${denyAll.node.path}' denies every request before ALLOW policies are evaluated, so this policy never allows anything. `
        + 'Use AuthorizationPolicy.allowNothing as the base of a locked-down namespace.');
    }
    // Request principals only exist where a RequestAuthentication validated a token.
    if (facts.needsJwt && !registry.jwts.some((j) => j.meshWide || j.namespace === this.namespace)) {
      registry.warn(`${this.node.path}: every rule requires a request principal, but no JwtAuthentication of this app covers namespace '${this.namespace}'; `
        + 'without a RequestAuthentication no request has one, so this policy allows nothing.');
    }
  }
}

const renderPolicySpec = (policy: AuthorizationPolicy) => policy._renderSpec();

const IDENTITY_HINT = "Use WorkloadIdentity.fromName('sleep', 'foo') or another WorkloadIdentity factory.";
const TARGET_HINT = "Use PolicyTarget.namespace('shop'), PolicyTarget.workload(deployment), PolicyTarget.selector(...) or another PolicyTarget factory.";

/**
 * The props' target, checked before the policy exists (the base constructor needs its
 * namespace): errors name the path the policy would have.
 */
function targetOf(scope: Construct, id: string, props: AuthorizationPolicyProps): PolicyTarget {
  const where = childPath(scope, id);
  checkObject(where, 'props', props, true);
  return checkInstance(where, 'target', props.target, PolicyTarget, TARGET_HINT);
}

/** The props of a preset's policy, from the preset's options. */
function presetProps(scope: Construct, id: string, options: AuthorizationPresetOptions): { target: PolicyTarget; name?: string } {
  checkObject(childPath(scope, id), 'options', options, true);
  return { target: options.target, name: options.name };
}

/** The policy's checks at synth (an object, not a closure: apps have thousands of policies). */
class PolicyValidation implements IValidation {
  constructor(private readonly policy: AuthorizationPolicy) {}

  public validate(): string[] {
    return this.policy._validatePolicy();
  }
}

/** Why a policy must sit on a waypoint when the namespace has one (ztunnel then sees the waypoint's identity). */
function identityReason(identityFields: string[]): string {
  return `matches source identities (${identityFields.join(', ')}), and behind a waypoint ztunnel sees the waypoint's identity instead of the client's`;
}

interface DerivedFacts {
  /** HTTP attributes the rules use. */
  readonly l7Fields: string[];
  /** Peer-identity attributes the rules use. */
  readonly identityFields: string[];
  /** Every rule lists a value both as required and as excluded. */
  readonly matchesNothing: boolean;
  /** Every rule requires a request principal (a validated JWT). */
  readonly needsJwt: boolean;
}

function contradictory(rule: Record<string, any>): boolean {
  const clash = (obj: Record<string, any>, field: string) => {
    const not = obj[`not${field[0].toUpperCase()}${field.slice(1)}`];
    return Array.isArray(obj[field]) && Array.isArray(not) && obj[field].every((v: string) => not.includes(v));
  };
  const sources = (rule.from ?? []).map((f: any) => f.source);
  const operations = (rule.to ?? []).map((t: any) => t.operation);
  const sourceDead = sources.length > 0 && sources.every((s: any) =>
    ['principals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'requestPrincipals'].some((f) => clash(s, f)));
  const operationDead = operations.length > 0 && operations.every((o: any) =>
    ['hosts', 'ports', 'methods', 'paths'].some((f) => clash(o, f)));
  const whenDead = (rule.when ?? []).some((w: any) => Array.isArray(w.values) && Array.isArray(w.notValues)
    && w.values.every((v: string) => w.notValues.includes(v)));
  return sourceDead || operationDead || whenDead;
}

function nonEmptyList<T>(scope: Construct, property: string, list: T[], hint: string): T[] {
  return check(scope, property, list, (l) => {
    if (!Array.isArray(l)) return 'must be a list';
    return l.length === 0 ? 'must not be an empty list (istiod drops it, which changes what the rule matches)' : undefined;
  }, hint);
}

/**
 * A list of values of `<where>.<field>` (just `<field>` when `where` is empty), checked (the
 * property name is only built for an error).
 */
function values(scope: Construct, where: string, field: string, list: string[] | undefined, rule: Rule<string>, hint: string): string[] | undefined {
  if (list === undefined) return undefined;
  const property = () => (where ? `${where}.${field}` : field);
  if (!Array.isArray(list) || list.length === 0) nonEmptyList(scope, property(), list, 'Leave the field out instead.');
  for (const value of list) {
    if (rule(value) !== undefined) check(scope, property(), value, rule, hint);
  }
  if (list.length > 1 && new Set(list).size !== list.length) fail(scope, property(), 'must not repeat a value', list, 'List each value once.');
  return [...list];
}

/** The CRD's `maxItems` for `rules` and for each rule's `from`. */
const MAX_RULES = 512;
const MAX_SOURCES = 512;
