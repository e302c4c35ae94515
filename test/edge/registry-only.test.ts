// ExternalService with MtlsNamespace's REGISTRY_ONLY outbound policy: only declared external
// services are reachable, and an egress host without a visible ServiceEntry is reported.
import { Testing, Chart } from 'cdk8s';
import { ExternalService, MeshAnalysis, MtlsNamespace, OutboundTrafficPolicy, Protocol } from '../../src';
import { findOne } from '../helpers';

function app(exportToShop: boolean) {
  const chart = new Chart(Testing.app(), 'payments');
  const ns = new MtlsNamespace(chart, 'shop', { egress: { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY } });
  ns.allowEgressTo('*/api.stripe.com');
  new ExternalService(chart, 'stripe', {
    namespace: exportToShop ? 'shop' : 'egress',
    hosts: ['api.stripe.com'],
    ports: [{ number: 443, protocol: Protocol.TLS }],
  });
  return chart;
}

test('a declared external service exported to the namespace is reachable: no finding', () => {
  const manifests = Testing.synth(app(true));
  expect(findOne(manifests, 'Sidecar', 'default', 'shop').spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
  expect(findOne(manifests, 'ServiceEntry', 'stripe', 'shop').spec.exportTo).toEqual(['.']);
  expect(MeshAnalysis.analyze(manifests).filter((f) => f.code === 'CIS2006')).toEqual([]);
});

test('an external service hidden in another namespace is reported for the REGISTRY_ONLY namespace', () => {
  const manifests = Testing.synth(app(false));
  expect(MeshAnalysis.analyze(manifests).filter((f) => f.code === 'CIS2006').map((f) => f.message)).toEqual([
    'Namespace shop allows only registered destinations (REGISTRY_ONLY) and lists egress host */api.stripe.com, but no ServiceEntry for api.stripe.com '
    + 'is visible to it here; calls to it will fail with 502 (BlackHoleCluster).',
  ]);
});
