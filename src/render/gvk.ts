import { GroupVersionKind } from 'cdk8s';

/**
 * The kinds we emit, with the API version of each: the one its CRD serves in the bundles we
 * target (Istio 1.30.3, cert-manager v1.21.1, Gateway API v1.6.1 standard, Prometheus Operator
 * v0.93.0). test/render/gvk.test.ts checks every entry against those CRDs.
 */
export const GVK = {
  VirtualService: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
  DestinationRule: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' },
  Gateway: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' },
  ServiceEntry: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry' },
  Sidecar: { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar' },
  WorkloadEntry: { apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry' },
  PeerAuthentication: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' },
  AuthorizationPolicy: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' },
  RequestAuthentication: { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication' },
  Telemetry: { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry' },
  Certificate: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
  Issuer: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer' },
  ClusterIssuer: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' },
  KubernetesGateway: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' },
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  GRPCRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute' },
  TLSRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute' },
  // Istio reads TCPRoute v1 from 1.31 (1.30 only v1alpha2, which the v1.6.1 CRDs no longer serve).
  TCPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TCPRoute' },
  // v1 is served from Gateway API 1.5; Istio reads the same stored objects.
  ReferenceGrant: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ReferenceGrant' },
  Service: { apiVersion: 'v1', kind: 'Service' },
  Namespace: { apiVersion: 'v1', kind: 'Namespace' },
  // Prometheus Operator (no generated L1: the monitors are plain wire objects, checked against their CRD by the tests).
  PodMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
  ServiceMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
} satisfies Record<string, GroupVersionKind>;
