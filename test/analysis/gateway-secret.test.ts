import { TEST_CERT, TEST_KEY } from './tls-fixture';
import { MeshAnalysis } from '../../src';

const codes = (manifests: any[]) => MeshAnalysis.analyze(manifests)
  .filter((f) => f.analyzer === 'gateway.SecretAnalyzer')
  .map((f) => `${f.code} ${f.resource.namespace ?? ''}/${f.resource.name}`);

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ingress = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ingress', namespace: 'edge' }, spec: { template: { metadata: { labels: { istio: 'ingress' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } };
const gateway = (name: string, credentialName: string, selector: any = { istio: 'ingress' }) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'shop' },
  spec: { selector, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName } }] },
});
const secret = (name: string, data: Record<string, string>, ns = 'edge') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'kubernetes.io/tls', data });
const good = secret('good', { 'tls.crt': b64(TEST_CERT), 'tls.key': b64(TEST_KEY) });

test('credentials are looked up in the namespace of the gateway workload', () => {
  const wrongNs = secret('elsewhere', { 'tls.crt': b64(TEST_CERT), 'tls.key': b64(TEST_KEY) }, 'shop');
  const issued = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'edge' }, spec: { secretName: 'issued' } };
  expect(codes([ingress, good, wrongNs, issued, gateway('ok', 'good'), gateway('issued', 'issued'), gateway('missing', 'elsewhere'), gateway('no-workload', 'good', { istio: 'none' })])).toEqual([
    'IST0101 shop/missing',
    'IST0101 shop/no-workload',
  ]);
});

test('credentials without both keys, with unparsable PEM, or expired certificates (IST0161)', () => {
  const manifests = [
    ingress, good,
    secret('generic', { cert: b64(TEST_CERT), key: b64(TEST_KEY) }),
    secret('no-key', { 'tls.crt': b64(TEST_CERT) }),
    secret('garbage', { 'tls.crt': b64('not a certificate'), 'tls.key': b64(TEST_KEY) }),
    secret('bad-key', { 'tls.crt': b64(TEST_CERT), 'tls.key': b64('not a key') }),
    gateway('good', 'good'), gateway('generic', 'generic'), gateway('no-key', 'no-key'), gateway('garbage', 'garbage'), gateway('bad-key', 'bad-key'),
  ];
  expect(codes(manifests)).toEqual(['IST0161 shop/no-key', 'IST0161 shop/garbage', 'IST0161 shop/bad-key']);
  // When the clock passes the certificate's expiry, the same Secret is reported.
  jest.useFakeTimers().setSystemTime(new Date('2300-01-01T00:00:00Z'));
  try {
    expect(codes([ingress, good, gateway('good', 'good')])).toEqual(['IST0161 shop/good']);
  } finally {
    jest.useRealTimers();
  }
});

test('is silent without workloads or Secrets in the files', () => {
  expect(codes([gateway('a', 'missing')])).toEqual([]);
  expect(codes([ingress, gateway('a', 'missing')])).toEqual([]);
});

test("istioctl's placeholder ingress gateway locates the credentials of Gateways selecting it", () => {
  const defaultIngress = { istio: 'ingressgateway' };
  const inIstioSystem = secret('no-key', { 'tls.crt': b64(TEST_CERT) }, 'istio-system');
  // A Secret beside the placeholder is checked (no workload in the files), and a missing one is
  // reported when the files keep credentials in istio-system
  expect(codes([inIstioSystem, gateway('broken', 'no-key', defaultIngress), gateway('missing', 'nowhere', defaultIngress)]))
    .toEqual(['IST0161 shop/broken', 'IST0101 shop/missing']);
  // With credentials only elsewhere, the real gateway may well run there: nothing is claimed missing
  expect(codes([good, gateway('missing', 'good', defaultIngress)])).toEqual([]);
  // Without the placeholders the Gateway selects nothing and, no workload being in the files, the check is silent
  expect(MeshAnalysis.analyze([inIstioSystem, gateway('broken', 'no-key', defaultIngress)], { defaultResources: false })
    .filter((f) => f.analyzer === 'gateway.SecretAnalyzer')).toEqual([]);
});
