/**
 * Who turns a multicluster or federation declaration into a running configuration.
 */
export enum MeshFlavour {
  /**
   * Plain Istio: the app emits everything itself (east-west gateways, ServiceEntries and
   * DestinationRules for remote services, istiod Helm values with the trust settings).
   */
  ISTIO = 'Istio',
  /**
   * Deckhouse's istio module (Enterprise Edition): the app emits `IstioFederation` and
   * `IstioMulticluster` objects and labels published Services; Deckhouse's controllers fetch
   * the remote metadata and create the rest.
   */
  DECKHOUSE = 'Deckhouse',
}
