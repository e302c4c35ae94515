/**
 * How serious a finding is; the values are the ones `istioctl analyze` prints.
 */
export enum FindingLevel {
  /** The configuration is broken or will be rejected; fails `cdk8s synth` by default. */
  ERROR = 'Error',
  /** The configuration works but likely not as intended. */
  WARNING = 'Warning',
  /** Worth knowing; never fails anything. */
  INFO = 'Info',
}

/** The object a finding is about. */
export interface FindingResource {
  /** Kubernetes kind, e.g. `VirtualService`. */
  readonly kind: string;
  /**
   * Namespace as written in the manifest.
   *
   * @default - the object declares no namespace (cluster-scoped, or left to `kubectl -n`)
   */
  readonly namespace?: string;
  /** metadata.name */
  readonly name: string;
}

/**
 * One problem found by the mesh analysis.
 *
 * The JSON form (`cdk8s-istio analyze --output json`) is this structure, field for field.
 */
export interface Finding {
  /** Message code: istioctl's `ISTxxxx` for the checks it shares, `CIxxxx` for ours. */
  readonly code: string;
  /** Severity. */
  readonly level: FindingLevel;
  /** Name of the analyzer that reported it (istioctl's analyzer name where one exists). */
  readonly analyzer: string;
  /** The object at fault. */
  readonly resource: FindingResource;
  /** What is wrong. */
  readonly message: string;
  /**
   * How to fix it.
   *
   * @default - no suggestion
   */
  readonly fix?: string;
}
