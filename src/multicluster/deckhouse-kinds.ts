import { GroupVersionKind } from 'cdk8s';

/**
 * Deckhouse's istio module kinds (`deckhouse.io/v1alpha1`, cluster-scoped). Not in the GVK table
 * of src/render: that table is pinned to generated L1 classes, and these kinds have none.
 */
export const DECKHOUSE_GVK = {
  IstioFederation: { apiVersion: 'deckhouse.io/v1alpha1', kind: 'IstioFederation' },
  IstioMulticluster: { apiVersion: 'deckhouse.io/v1alpha1', kind: 'IstioMulticluster' },
} satisfies Record<string, GroupVersionKind>;

/** The label that makes Deckhouse publish a Service to federated clusters. */
export const DECKHOUSE_PUBLIC_SERVICE_LABEL = 'federation.istio.deckhouse.io/public-service';
