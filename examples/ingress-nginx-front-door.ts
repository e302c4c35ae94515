// Bookinfo behind an ingress-nginx controller that stays in front of the mesh. The namespace
// requires STRICT mTLS, so nginx must reach productpage through its own sidecar: the Ingress
// sends to the Service's cluster IP with the in-mesh Host (service-upstream, upstream-vhost),
// and the controller's sidecar captures only outbound traffic to the Service CIDR. The
// controller's pod labels and annotations are written to ingress-nginx-values.yaml for its
// Helm chart. The paths are those of Istio's bookinfo-gateway.
import { App, Chart } from 'cdk8s';
import { IngressNginxFrontDoor, IngressNginxPathType, MtlsNamespace } from '../src';
import { productpage } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'ingress-nginx-front-door');
  new MtlsNamespace(chart, 'bookinfo');
  const frontDoor = new IngressNginxFrontDoor(chart, 'ingress-nginx', { serviceCidrs: ['10.96.0.0/12'] });
  frontDoor.addIngress('productpage', {
    service: productpage,
    hosts: ['bookinfo.example.com'],
    paths: [
      { path: '/productpage', pathType: IngressNginxPathType.EXACT },
      { path: '/static' },
      { path: '/login', pathType: IngressNginxPathType.EXACT },
      { path: '/logout', pathType: IngressNginxPathType.EXACT },
      { path: '/api/v1/products' },
    ],
    tlsSecretName: 'bookinfo-tls',
  });
}
