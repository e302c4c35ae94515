import { Testing } from 'cdk8s';
import { MeshConfig, TrustAnchor } from '../../src';
import { newChart } from '../helpers';
import { ROOT_A } from './fixtures';

describe('TrustAnchor and MeshConfig caCertificates', () => {
  test('PEM and SPIFFE bundle roots, scoped or not, each kept once', () => {
    const config = new MeshConfig(newChart(), 'mesh', { caCertificates: [TrustAnchor.fromPem(ROOT_A, { trustDomains: ['cluster-a.local'] })] });
    config.addCaCertificate(TrustAnchor.fromSpiffeBundleUrl('https://spire.example.com/bundle'));
    config.addCaCertificate(TrustAnchor.fromPem(ROOT_A).scopedTo(['cluster-a.local']));
    expect(config.toValues().meshConfig.caCertificates).toEqual([
      { pem: ROOT_A, trustDomains: ['cluster-a.local'] },
      { spiffeBundleUrl: 'https://spire.example.com/bundle' },
    ]);
  });

  test('fails for text that is not one PEM certificate, plain http bundles and bad trust domains', () => {
    expect(() => TrustAnchor.fromPem('MIIB...')).toThrow(/TrustAnchor.fromPem: pem must be one PEM certificate \(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----\), got 'MIIB...'/);
    expect(() => TrustAnchor.fromSpiffeBundleUrl('http://spire.example.com/bundle')).toThrow(
      "TrustAnchor.fromSpiffeBundleUrl: url must be an https URL (istiod fetches trust bundles over TLS only), got 'http://spire.example.com/bundle'.");
    expect(() => TrustAnchor.fromPem(ROOT_A, { trustDomains: [] })).toThrow('TrustAnchor.fromPem: trustDomains must not be empty, got [].');
    expect(() => TrustAnchor.fromPem(ROOT_A).scopedTo(['Cluster.Local'])).toThrow(/TrustAnchor.scopedTo: trustDomains\[0\] must be lowercase/);
  });

  test('MeshConfig values other constructs set conflict with a clear message', () => {
    const chart = newChart();
    const config = new MeshConfig(chart, 'mesh');
    config._setValue('global.network', 'network1', chart, 'the first reason');
    config._setValue('global.network', 'network1', chart, 'the same value again');
    expect(() => config._setValue('global.network', 'network2', Testing.chart(), 'another reason')).toThrow(
      /global.network is already set to "network1" by 'test' \(the first reason\), got 'network2'/);
    expect(config.toValues().global).toEqual({ network: 'network1' });
  });
});
