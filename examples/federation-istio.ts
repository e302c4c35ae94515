// Two independent meshes federated with plain Istio: cluster-b publishes `reviews`, cluster-a
// publishes `productpage`, and they trust each other. Each cluster gets an east-west gateway for
// its own domain; each consumer gets a ServiceEntry (reviews.bookinfo.svc.cluster-b.local, the
// remote ports, endpoints at the remote gateway on 15443) and an ISTIO_MUTUAL DestinationRule per
// remote service, and istiod values that trust the remote root for the remote trust domain.
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AuthorizationPolicy, MeshCluster, MeshFederation, PolicyTarget, TrustAnchor, WorkloadIdentity } from '../src';

/** Placeholders for each cluster's root: read them from istio-ca-root-cert once the CAs exist. */
const ROOT_A = '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIQY2x1c3Rlci1hLXJvb3QtY2EwCgYIKoZIzj0EAwIwFjEU\n-----END CERTIFICATE-----\n';
const ROOT_B = '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIQY2x1c3Rlci1iLXJvb3QtY2EwCgYIKoZIzj0EAwIwFjEU\n-----END CERTIFICATE-----\n';

export function build(app: App): void {
  const a = new MeshCluster(app, 'cluster-a', { clusterDomain: 'cluster-a.local', gatewayAddress: '203.0.113.10', rootCertificate: TrustAnchor.fromPem(ROOT_A) });
  const b = new MeshCluster(app, 'cluster-b', { clusterDomain: 'cluster-b.local', gatewayAddress: '203.0.113.20', rootCertificate: TrustAnchor.fromPem(ROOT_B) });
  const productpage = new kplus.Service(a, 'productpage', { metadata: { name: 'productpage', namespace: 'bookinfo' }, ports: [{ name: 'http', port: 9080 }] });
  const reviews = new kplus.Service(b, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ name: 'http', port: 9080 }] });

  const federation = new MeshFederation(app, 'federation');
  federation.publish(productpage);
  federation.publish(reviews);
  federation.trustEachOther(a, b);

  // In cluster-b, only cluster-a's productpage may call reviews.
  AuthorizationPolicy.allowOnlyFrom(b, 'reviews-from-cluster-a', { target: PolicyTarget.selector('bookinfo', { app: 'reviews' }) },
    [WorkloadIdentity.fromName('bookinfo-productpage', 'bookinfo', { trustDomain: a.trustDomain })]);
}
