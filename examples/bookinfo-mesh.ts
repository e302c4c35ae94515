// Bookinfo end to end (the picture in the README is drawn from it): HTTPS at the ingress gateway
// with a Let's Encrypt certificate; reviews v3 released to 10% of users while jason stays on v2;
// a timeout with typed retries on ratings; and the namespace locked down: STRICT mTLS, nothing
// allowed but the calls bookinfo makes (gateway -> productpage -> details, reviews -> ratings),
// by the service accounts of Istio's bookinfo manifests.
import { App, Chart, Duration } from 'cdk8s';
import {
  AcmeServer, AcmeSolver, AuthorizationPolicy, CanaryRelease, ClusterIssuer, GatewayCertificate, IssuerConfig, MtlsNamespace,
  PolicyTarget, RetryOn, SecureGateway, StringMatch, WorkloadIdentity,
} from '../src';
import { NAMESPACE, productpage, ratings, reviews, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-mesh', { namespace: NAMESPACE });
  new MtlsNamespace(chart, NAMESPACE);

  const letsencrypt = new ClusterIssuer(chart, 'letsencrypt-prod', {
    config: IssuerConfig.acme({ server: AcmeServer.LETS_ENCRYPT, email: 'ops@example.com', solvers: [AcmeSolver.http01()] }),
  });
  const gateway = new SecureGateway(chart, 'bookinfo-gateway', { hosts: ['bookinfo.example.com'], certificate: GatewayCertificate.fromIssuer(letsencrypt) });
  gateway.addRoute({ service: productpage });

  new CanaryRelease(chart, 'reviews', {
    service: reviews,
    versions: versions('v1', 'v2', 'v3'),
    weights: { v1: 90, v3: 10 },
    matchRoutes: [{ matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' }],
  });
  new CanaryRelease(chart, 'ratings', {
    service: ratings,
    versions: versions('v1'),
    timeout: Duration.seconds(3),
    retries: { attempts: 2, perTryTimeout: Duration.seconds(1), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
  });

  const app_ = (name: string) => PolicyTarget.selector(NAMESPACE, { app: name });
  const account = (name: string) => WorkloadIdentity.fromName(`bookinfo-${name}`, NAMESPACE);
  AuthorizationPolicy.allowNothing(chart, 'allow-nothing', { target: PolicyTarget.namespace(NAMESPACE) });
  AuthorizationPolicy.allowOnlyFromIngressGateway(chart, 'productpage-from-gateway', { target: app_('productpage') });
  AuthorizationPolicy.allowOnlyFrom(chart, 'details-from-productpage', { target: app_('details') }, [account('productpage')]);
  AuthorizationPolicy.allowOnlyFrom(chart, 'reviews-from-productpage', { target: app_('reviews') }, [account('productpage')]);
  AuthorizationPolicy.allowOnlyFrom(chart, 'ratings-from-reviews', { target: app_('ratings') }, [account('reviews')]);
}
