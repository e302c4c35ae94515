// A zero-trust namespace: STRICT mTLS, proxies that only know their own namespace and the
// control plane and reach nothing outside the registry, everything denied by default, then
// explicit allows: the ingress gateway may call the frontend, the frontend may call the API.
import { App, Chart } from 'cdk8s';
import {
  AuthorizationPolicy, MtlsNamespace, OutboundTrafficPolicy, PolicyTarget, WorkloadIdentity,
} from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'locked-down-namespace');
  const payments = new MtlsNamespace(chart, 'payments', {
    egress: { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY },
  });
  payments.allowEgressTo('*/api.stripe.com');

  // Deny by default: an ALLOW policy without rules admits nothing, and later ALLOW policies add to it.
  AuthorizationPolicy.allowNothing(chart, 'allow-nothing', { target: PolicyTarget.namespace(payments.name) });

  AuthorizationPolicy.allowOnlyFromIngressGateway(chart, 'frontend-from-gateway', {
    target: PolicyTarget.selector(payments.name, { app: 'frontend' }),
  });

  new AuthorizationPolicy(chart, 'api-from-frontend', {
    target: PolicyTarget.selector(payments.name, { app: 'payments-api' }),
    rules: [{
      from: [{ identities: [WorkloadIdentity.fromName('frontend', payments.name)] }],
      to: [{ methods: ['GET', 'POST'], paths: ['/v1/*'], ports: [8080] }],
    }],
  });
}
