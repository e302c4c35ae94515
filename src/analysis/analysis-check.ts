/**
 * A group of checks of the mesh analysis, to run some of them only.
 */
export enum AnalysisCheck {
  /**
   * Admission as the API server does it: every object of a CRD version we emit against the
   * structural schema and the `x-kubernetes-validations` CEL rules of its CRD (codes `CIS1000`-`CIS1002`).
   */
  ADMISSION = 'admission',
  /** The cross-resource checks of `istioctl analyze` (Istio's `IST` codes) and cdk8s-istio's own alike. */
  ISTIOCTL = 'istioctl',
}
