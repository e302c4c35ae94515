import { MeshAnalysis } from '../../src';

const codes = (manifests: any[]) => MeshAnalysis.analyze(manifests).map((f) => `${f.code} ${f.analyzer} ${f.resource.namespace ?? ''}/${f.resource.name}`);

test('two selector-less Sidecars in a namespace conflict; a Sidecar selecting no pod is reported', () => {
  const sidecar = (name: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace: 'shop' }, spec });
  const egress = [{ hosts: ['./*'] }];
  expect(codes([sidecar('a', { egress }), sidecar('b', { egress }), sidecar('c', { egress, workloadSelector: { labels: { app: 'ghost' } } })])).toEqual([
    'IST0101 sidecar.SelectorAnalyzer shop/c',
    'IST0111 sidecar.SelectorAnalyzer shop/a',
    'IST0111 sidecar.SelectorAnalyzer shop/b',
  ]);
});

test('a Gateway whose selector matches no pod or pod template (IST0101), and one on a port the Service lacks (IST0162)', () => {
  const gateway = (name: string, selector: any, port: number) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'edge' },
    spec: { selector, servers: [{ port: { number: port, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  });
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ingress', namespace: 'edge' }, spec: { template: { metadata: { labels: { istio: 'ingress' } }, spec: { containers: [] } } } };
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ingress', namespace: 'edge' }, spec: { selector: { istio: 'ingress' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
  expect(codes([deployment, service, gateway('ok', { istio: 'ingress' }, 8080), gateway('none', { istio: 'nothing' }, 80), gateway('port', { istio: 'ingress' }, 9000)])
    .filter((c) => c.includes('IngressGatewayPort'))).toEqual([
    'IST0101 gateway.IngressGatewayPortAnalyzer edge/none',
    'IST0162 gateway.IngressGatewayPortAnalyzer edge/port',
  ]);
});
