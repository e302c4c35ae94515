// The same federation as federation-istio, the Deckhouse way: each cluster gets an IstioFederation
// for the other (its trust domain and metadata endpoint), and published Services carry the label
// federation.istio.deckhouse.io/public-service; Deckhouse's controllers create the ServiceEntries,
// gateways and trust from the remote metadata. (Needs the istio module's federation enabled.)
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MeshCluster, MeshFederation, MeshFlavour } from '../src';

export function build(app: App): void {
  const a = new MeshCluster(app, 'cluster-a', { clusterDomain: 'cluster-a.local', metadataEndpoint: 'https://istio.k8s-a.example.com/metadata/' });
  const b = new MeshCluster(app, 'cluster-b', { clusterDomain: 'cluster-b.local', metadataEndpoint: 'https://istio.k8s-b.example.com/metadata/' });
  const productpage = new kplus.Service(a, 'productpage', { metadata: { name: 'productpage', namespace: 'bookinfo' }, ports: [{ name: 'http', port: 9080 }] });
  const reviews = new kplus.Service(b, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ name: 'http', port: 9080 }] });

  const federation = new MeshFederation(app, 'federation', { flavour: MeshFlavour.DECKHOUSE });
  federation.publish(productpage);
  federation.publish(reviews);
  federation.trustEachOther(a, b);
}
