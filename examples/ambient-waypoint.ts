// An ambient namespace with a waypoint. The port-only rule stays on ztunnel (selector); rules on
// identities, HTTP and JWTs attach to the waypoint (targetRefs), because behind a waypoint ztunnel
// only sees the waypoint's identity and never sees HTTP.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AuthorizationAction, AuthorizationPolicy, Dataplane, JwtAuthentication, MtlsNamespace, PolicyTarget, WorkloadIdentity } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'ambient-waypoint', { namespace: 'shop' });
  new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });

  const apiAccount = new kplus.ServiceAccount(chart, 'api-sa', { metadata: { name: 'api' } });
  const catalog = new kplus.Deployment(chart, 'catalog', {
    metadata: { name: 'catalog' },
    containers: [{ image: 'ghcr.io/example/catalog:1.0', portNumber: 8080 }],
  });
  const catalogService = catalog.exposeViaService({ name: 'catalog' });
  const postgresService = new kplus.Service(chart, 'postgres-service', {
    metadata: { name: 'postgres' }, clusterIP: 'None', ports: [{ port: 5432, name: 'tcp-postgres' }],
  });
  new kplus.StatefulSet(chart, 'postgres', {
    metadata: { name: 'postgres' },
    service: postgresService,
    podMetadata: { labels: { app: 'postgres' } },
    containers: [{ image: 'postgres:17', portNumber: 5432, securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false } }],
    securityContext: { ensureNonRoot: false },
  });

  // L4, no identities: keeps its selector, enforced by ztunnel.
  new AuthorizationPolicy(chart, 'no-debug-port', {
    target: PolicyTarget.selector('shop', { app: 'postgres' }),
    action: AuthorizationAction.DENY,
    rules: [{ to: [{ ports: [9187] }] }],
  });

  // Identity-based: attached to the postgres Service through the waypoint.
  new AuthorizationPolicy(chart, 'db-from-api', {
    target: PolicyTarget.serviceName('postgres', 'shop'),
    rules: [{ from: [{ identities: [WorkloadIdentity.fromServiceAccount(apiAccount)] }], to: [{ ports: [5432] }] }],
  });

  // L7: attached to the catalog Service through the waypoint.
  new AuthorizationPolicy(chart, 'catalog-read-only', {
    target: PolicyTarget.service(catalogService),
    rules: [{ to: [{ methods: ['GET', 'HEAD'] }] }],
  });

  // JWTs can only be checked by the waypoint: attached to the api Service.
  new JwtAuthentication(chart, 'api-jwt', {
    target: PolicyTarget.serviceName('api', 'shop'),
    issuer: 'https://accounts.example.com',
    requireTokenPorts: [8080],
  });
}
