import { Construct } from 'constructs';
import { MtlsMode } from './mtls-namespace';
import { SecurityRegistry } from './security-registry';
import { uniqueChildId } from '../core/construct-id';
import { dnsLabelRule } from '../core/hosts';
import { check, fail } from '../core/validation-error';
import { checkEnum, checkObject } from '../core/value-types';
import { wireObject } from '../render/api-object';
import { GVK } from '../render/gvk';

/** Properties of a {@link MeshMtls}. */
export interface MeshMtlsProps {
  /**
   * The mesh-wide mode.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;
  /**
   * The mesh's root namespace (MeshConfig `rootNamespace`).
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}

/**
 * The mesh-wide mTLS default: a PeerAuthentication named `default` in the root namespace.
 * Namespaces without their own PeerAuthentication inherit it; an {@link MtlsNamespace} always
 * sets its own.
 *
 * @example
 * new MeshMtls(chart, 'mesh-mtls'); // STRICT everywhere
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MeshMtls extends Construct {
  /** The mesh-wide mode. */
  public readonly mode: MtlsMode;
  /** The root namespace the policy lives in. */
  public readonly rootNamespace: string;

  constructor(scope: Construct, id: string, props: MeshMtlsProps = {}) {
    super(scope, uniqueChildId(scope, id));
    checkObject(this, 'props', props);
    this.mode = checkEnum(this, 'mode', props.mode ?? MtlsMode.STRICT, MtlsMode, 'MtlsMode');
    this.rootNamespace = check(this, 'rootNamespace', props.rootNamespace ?? 'istio-system', dnsLabelRule,
      "Use the mesh's root namespace, usually 'istio-system'.");
    const registry = SecurityRegistry.of(this);
    if (registry.meshMtls) {
      fail(this, 'mode', `is already set mesh-wide by '${registry.meshMtls.path}'`, this.mode, 'Declare one MeshMtls per app.');
    }
    const rootAsNamespace = registry.namespaces.get(this.rootNamespace);
    if (rootAsNamespace) {
      fail(this, 'rootNamespace', `is declared by MtlsNamespace '${rootAsNamespace.path}', which declares the PeerAuthentication 'default' there too`, this.rootNamespace,
        "In the root namespace that PeerAuthentication is the mesh-wide one: set the mode with MeshMtls only, and don't declare the root namespace as an MtlsNamespace.");
    }
    registry.meshMtls = { mode: this.mode, rootNamespace: this.rootNamespace, path: this.node.path };
    wireObject(this, 'Resource', GVK.PeerAuthentication, { name: 'default', namespace: this.rootNamespace },
      () => ({ mtls: { mode: this.mode } }));
  }
}
