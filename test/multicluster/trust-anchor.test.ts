import { Testing } from 'cdk8s';
import { MeshCluster, MeshConfig, TrustAnchor } from '../../src';
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

  // The factories postpone their checks: the call does not throw, the construct receiving the root does, naming its prop.
  test('a PEM that is not one certificate fails the MeshCluster it is the rootCertificate of', () => {
    const root = TrustAnchor.fromPem('MIIB...');
    expect(() => new MeshCluster(Testing.app(), 'cluster-b', { rootCertificate: root })).toThrow(
      "cluster-b: rootCertificate.pem must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----), got 'MIIB...'. "
      + "Paste the cluster's root certificate, e.g. the 'root-cert.pem' of its istio-ca-root-cert ConfigMap.");
  });

  test('a plain http bundle URL fails the MeshConfig listing it in caCertificates', () => {
    const root = TrustAnchor.fromSpiffeBundleUrl('http://spire.example.com/bundle');
    expect(() => new MeshConfig(newChart(), 'mesh', { caCertificates: [TrustAnchor.fromPem(ROOT_A), root] })).toThrow(
      "test/mesh: caCertificates[1].spiffeBundleUrl must be an https URL (istiod fetches trust bundles over TLS only), got 'http://spire.example.com/bundle'. "
      + "Serve the bundle over https, e.g. 'https://spire.example.com/bundle'.");
  });

  test('a bundle URL that is not a URL fails addCaCertificate', () => {
    const root = TrustAnchor.fromSpiffeBundleUrl('spire.example.com/bundle');
    const config = new MeshConfig(newChart(), 'mesh');
    expect(() => config.addCaCertificate(root)).toThrow(
      "test/mesh: addCaCertificate anchor.spiffeBundleUrl must be an http(s) URL, got 'spire.example.com/bundle'. Use the bundle endpoint's https URL, e.g. 'https://spire.example.com/bundle'.");
  });

  test('an empty trustDomains list fails the construct receiving the root', () => {
    const root = TrustAnchor.fromPem(ROOT_A, { trustDomains: [] });
    expect(() => new MeshConfig(newChart(), 'mesh', { caCertificates: [root] })).toThrow(
      'test/mesh: caCertificates[0].trustDomains must not be empty, got []. Leave trustDomains out to trust the root for every trust domain.');
  });

  test('trustDomains that are not a list fail the construct receiving the root', () => {
    const root = TrustAnchor.fromPem(ROOT_A, { trustDomains: 'cluster-a.local' as any });
    expect(() => new MeshCluster(Testing.app(), 'cluster-b', { rootCertificate: root })).toThrow(
      "cluster-b: rootCertificate.trustDomains must be a list, got 'cluster-a.local'. Put the value in a list: ['cluster-a.local'].");
  });

  test('scopedTo a bad trust domain fails the construct receiving the scoped root, not the call', () => {
    const scoped = TrustAnchor.fromPem(ROOT_A).scopedTo(['Cluster.Local']);
    expect(() => new MeshConfig(newChart(), 'mesh').addCaCertificate(scoped)).toThrow(
      /^test\/mesh: addCaCertificate anchor.trustDomains\[0\] must be lowercase.*, got 'Cluster.Local'. Trust domains look like 'cluster.local' or 'cluster-b.local'.$/);
  });

  test('scopedTo keeps the problems of the root and replaces those of the trust domains it had', () => {
    const badRoot = TrustAnchor.fromPem('MIIB...').scopedTo(['cluster-a.local']);
    expect(() => new MeshCluster(Testing.app(), 'cluster-b', { rootCertificate: badRoot })).toThrow(/^cluster-b: rootCertificate.pem must be one PEM certificate/);
    const rescoped = TrustAnchor.fromPem(ROOT_A, { trustDomains: [] }).scopedTo(['cluster-a.local']);
    const config = new MeshConfig(newChart(), 'mesh', { caCertificates: [rescoped] });
    expect(config.toValues().meshConfig.caCertificates).toEqual([{ pem: ROOT_A, trustDomains: ['cluster-a.local'] }]);
  });

  test('options that are not an object fail at the call: there is nothing to read from them', () => {
    expect(() => TrustAnchor.fromPem(ROOT_A, 'cluster-a.local' as any)).toThrow(
      "TrustAnchor.fromPem(pem, options): options must be an object, got 'cluster-a.local'. Pass an object literal such as { ... } with the documented fields.");
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
