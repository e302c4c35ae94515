import { IConstruct, Node } from 'constructs';
import { perApp, rootOf } from '../core/per-app';
import { recordWarning } from '../core/warnings';

/**
 * What the security constructs of one app know about each other. Several checks need the
 * whole app: a policy naming source principals is only meaningful where mTLS is STRICT, a
 * RequestAuthentication is only a gate when some policy requires a request principal, an L7
 * policy in an ambient namespace needs that namespace's waypoint. Constructs register here
 * when they are created and read the registry at synth (in validations and lazy specs), so
 * declaration order does not matter.
 *
 * Internal: not part of the jsii API.
 */

/** A namespace declared by an MtlsNamespace. */
export interface NamespaceRecord {
  readonly name: string;
  readonly path: string;
  readonly ambient: boolean;
  /** Wire value of the namespace-wide PeerAuthentication mode. */
  readonly mtlsMode: string;
  /** The waypoint the namespace uses, when it is in this namespace. */
  waypointName?: string;
  /** Whether the namespace uses a waypoint (here or in another namespace): its L7 routes are HTTPRoutes. */
  readonly usesWaypoint?: boolean;
}

/** What cross-construct checks read of an AuthorizationPolicy (the policy itself is registered). */
export interface PolicyRecord {
  readonly node: Node;
  readonly namespace: string;
  /** Mesh-wide policies have kind 'mesh'; namespace-wide ones (no selector, no targetRefs) 'namespace'. */
  readonly target: { readonly _kind: string };
  readonly action: string;
  /** The rendered wire rules. */
  readonly _wireRules: ReadonlyArray<Record<string, any>>;
}

/** A RequestAuthentication. */
export interface JwtRecord {
  readonly path: string;
  readonly namespace: string;
  readonly meshWide: boolean;
}


export class SecurityRegistry {
  /** The registry of `scope`'s app. */
  public static of(scope: IConstruct): SecurityRegistry {
    return perApp(scope, 'security-registry', () => new SecurityRegistry(rootOf(scope)));
  }

  public readonly namespaces = new Map<string, NamespaceRecord>();
  public readonly policies: PolicyRecord[] = [];
  /** The DENY policies among `policies` (few): ALLOW policies look for a deny-all among them, not among all policies. */
  public readonly denyPolicies: PolicyRecord[] = [];
  public readonly jwts: JwtRecord[] = [];
  /** The mesh-wide PeerAuthentication mode, when the app declares one. */
  public meshMtls?: { readonly mode: string; readonly rootNamespace: string; readonly path: string };
  private readonly findings = new Set<string>();

  private constructor(private readonly root: IConstruct) {}

  /** Registers a policy (and indexes it when it is a DENY policy). */
  public addPolicy(record: PolicyRecord): void {
    this.policies.push(record);
    if (record.action === 'DENY') this.denyPolicies.push(record);
  }

  /**
   * Records a warning and prints it once. cdk8s has no warning channel (validations can only
   * fail synth), so warnings go to stderr at synth time; `warnings` keeps them for tests and
   * tools.
   */
  public warn(message: string): void {
    if (this.findings.has(message)) return;
    this.findings.add(message);
    recordWarning(this.root, message);
  }

  /** Every warning found so far (after synth: every warning of the app). */
  public get warnings(): string[] {
    return [...this.findings];
  }

  /**
   * The mTLS mode that applies to a namespace according to this app: the namespace's own
   * PeerAuthentication, else the mesh-wide one, else undefined (the app does not say; the
   * cluster may).
   *
   * @param rootNamespace the mesh's root namespace (MeshConfig): a namespace-wide
   * PeerAuthentication there, such as an MtlsNamespace's, applies mesh-wide
   */
  public effectiveMtls(namespace: string, rootNamespace: string): string | undefined {
    return this.namespaces.get(namespace)?.mtlsMode ?? this.meshWideMtls(rootNamespace);
  }

  /** The mesh-wide mTLS mode: MeshMtls, or the PeerAuthentication of an MtlsNamespace on the root namespace. */
  public meshWideMtls(rootNamespace: string): string | undefined {
    return this.meshMtls?.mode ?? this.namespaces.get(this.meshMtls?.rootNamespace ?? rootNamespace)?.mtlsMode;
  }
}
