import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  AcmeSolver, ClusterIssuer, IngressNginxFrontDoor, IssuerConfig, MeshCa, MeshCaMode, MeshCaRoot, MeshCluster, MeshConfig, MeshWarnings,
  PrivateKeyAlgorithm,
} from '../../src';
import { findAll, findOne, newChart, synth } from '../helpers';

/**
 * Follows a Certificate's issuerRef to the Certificate that holds its CA issuer's key pair, up to a
 * self-signed issuer: the chain cert-manager builds. Returns the Certificates from the given one up.
 */
function chainOf(manifests: any[], certificate: any): any[] {
  const chain = [certificate];
  for (let current = certificate; ;) {
    const ref = current.spec.issuerRef;
    const issuer = findAll(manifests, ref.kind, ref.name)[0];
    expect(issuer).toBeDefined();
    if (issuer.spec.selfSigned) return chain;
    expect(issuer.spec.ca).toBeDefined();
    current = findAll(manifests, 'Certificate').find((c) => c.spec.secretName === issuer.spec.ca.secretName);
    expect(current).toBeDefined();
    chain.push(current);
  }
}

describe('MeshCa (plug-in CA)', () => {
  test('defaults: a self-signed root and the intermediate in istio-system/cacerts', () => {
    const chart = newChart();
    new MeshCa(chart, 'mesh-ca');
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
  });

  test('the cacerts Secret gets tls.crt, tls.key and ca.crt by construction', () => {
    // Given the plug-in CA of Istio's task
    const chart = newChart();
    new MeshCa(chart, 'mesh-ca', { root: MeshCaRoot.selfSigned({ commonName: 'Example Mesh Root CA' }) });
    const manifests = synth(chart);
    // When the chain is read from the intermediate up
    const intermediate = findOne(manifests, 'Certificate', 'cacerts', 'istio-system');
    const chain = chainOf(manifests, intermediate);
    // Then the intermediate is a CA certificate written to cacerts in istio-system...
    expect(intermediate.spec).toMatchObject({ isCA: true, secretName: 'cacerts', usages: ['cert sign', 'crl sign', 'digital signature', 'key encipherment'] });
    // ...signed by a CA issuer whose key pair is a self-signed root: cert-manager then writes
    // tls.crt (the intermediate), tls.key and ca.crt (the root), the kubernetes.io/tls form istiod reads.
    expect(chain).toHaveLength(2);
    expect(chain[1].spec).toMatchObject({ isCA: true, commonName: 'Example Mesh Root CA', secretName: 'mesh-ca-root' });
    const caIssuer = findOne(manifests, intermediate.spec.issuerRef.kind, intermediate.spec.issuerRef.name);
    expect(caIssuer.spec.ca.secretName).toBe(chain[1].spec.secretName);
    expect(findAll(manifests, 'Certificate').filter((c) => c.spec.secretName === 'cacerts')).toHaveLength(1);
  });

  test('intermediate key, validity and renewal; trust domain as organization', () => {
    const chart = newChart();
    new MeshConfig(chart, 'mesh', { trustDomain: 'example.org' });
    new MeshCa(chart, 'mesh-ca', {
      intermediate: { commonName: 'Example intermediate', duration: Duration.days(730), renewBefore: Duration.days(60), privateKey: { algorithm: PrivateKeyAlgorithm.ECDSA, size: 384 } },
    });
    const spec = findOne(synth(chart), 'Certificate', 'cacerts').spec;
    expect(spec).toMatchObject({ commonName: 'Example intermediate', duration: '17520h', renewBefore: '1440h', privateKey: { algorithm: 'ECDSA', size: 384 } });
    expect(spec.subject).toEqual({ organizations: ['example.org'] });
  });

  test('short intermediates leave renewal to cert-manager (a third)', () => {
    const chart = newChart();
    new MeshCa(chart, 'mesh-ca', { intermediate: { duration: Duration.days(30) } });
    const spec = findOne(synth(chart), 'Certificate', 'cacerts').spec;
    expect(spec.duration).toBe('720h');
    expect(spec.renewBefore).toBeUndefined();
  });

  test('warns that istiod must be restarted once cacerts exists', () => {
    const chart = newChart();
    new MeshCa(chart, 'mesh-ca');
    synth(chart);
    expect(MeshWarnings.of(chart).join('\n')).toMatch(/istiod reads its plug-in CA \(Secret istio-system\/cacerts\) only when it starts.*kubectl rollout restart deployment\/istiod -n istio-system/);
  });

  test('a root from an existing issuer or a Secret', () => {
    const chart = newChart();
    new MeshCa(chart, 'vault', { root: MeshCaRoot.fromIssuer(ClusterIssuer.fromName('vault-pki')) });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Certificate', 'cacerts').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'vault-pki' });
    expect(findAll(manifests, 'ClusterIssuer')).toHaveLength(0);

    const other = newChart();
    new MeshCa(other, 'mesh-ca', { root: MeshCaRoot.fromSecret('my-root-ca') });
    const fromSecret = synth(other);
    expect(findOne(fromSecret, 'ClusterIssuer', 'mesh-ca').spec).toEqual({ ca: { secretName: 'my-root-ca' } });
    expect(findOne(fromSecret, 'Certificate', 'cacerts').spec.issuerRef.name).toBe('mesh-ca');
  });

  test('fails for an ACME issuer as root', () => {
    const chart = newChart();
    const acme = new ClusterIssuer(chart, 'letsencrypt', { config: IssuerConfig.acme({ solvers: [AcmeSolver.http01()] }) });
    // Reported by the MeshCa that uses the root, against its prop.
    expect(() => new MeshCa(chart, 'ca', { root: MeshCaRoot.fromIssuer(acme) })).toThrow(
      "test/ca: root.issuer must be able to sign CA certificates, but ACME issuers (Let's Encrypt...) only issue leaf certificates, got 'letsencrypt'.");
  });

  test('fails for a bad Secret name, common name, duration or istio-csr settings outside istio-csr mode', () => {
    expect(() => new MeshCa(newChart(), 'ca', { root: MeshCaRoot.fromSecret('Root_CA') })).toThrow(/^test\/ca: root\.secretName must be a DNS subdomain/);
    expect(() => new MeshCa(newChart(), 'ca', { intermediate: { commonName: 'x'.repeat(65) } })).toThrow(/intermediate.commonName must be 1 to 64 characters/);
    expect(() => new MeshCa(newChart(), 'ca', { intermediate: { duration: Duration.minutes(30) } })).toThrow(/intermediate.duration must be at least 1h, got '1800000ms'/);
    expect(() => new MeshCa(newChart(), 'ca', { istioCsr: { ambient: true } })).toThrow(/test\/ca: istioCsr is only read in the istio-csr mode/);
  });

  test('one intermediate per cluster: a second MeshCa for the same namespace fails', () => {
    const chart = newChart();
    new MeshCa(chart, 'one');
    expect(() => new MeshCa(chart, 'two')).toThrow(
      "test/two: scope already has its Istio CA: Certificate 'istio-system/cacerts' is produced by 'test/one', got 'test'. Istio reads one CA per cluster");
  });
});

describe('MeshCa across clusters', () => {
  test('each cluster gets its intermediate under the one root; the root Secret must be copied', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    const ca = new MeshCa(a, 'mesh-ca');
    ca.addCluster(b);
    const inA = synth(a);
    const inB = synth(b);
    expect(findOne(inA, 'Certificate', 'cacerts').spec.commonName).toBe('Istio intermediate CA cluster-a');
    expect(findOne(inB, 'Certificate', 'cacerts').spec.commonName).toBe('Istio intermediate CA cluster-b');
    // cluster-b signs with the same root key pair, through its own CA issuer of the same name.
    expect(findOne(inB, 'ClusterIssuer', 'mesh-ca').spec).toEqual(findOne(inA, 'ClusterIssuer', 'mesh-ca').spec);
    expect(findAll(inB, 'Certificate', 'mesh-ca-root')).toHaveLength(0);
    expect(MeshWarnings.of(app).join('\n')).toMatch(/Secret 'mesh-ca-root'.*must be copied to cluster 'cluster-b'/);
    expect(() => ca.addCluster(b)).toThrow(/cluster already has an intermediate of this MeshCa, got 'cluster-b'/);
  });

  test('a cluster takes its CA from one MeshCa only', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    new MeshCa(a, 'one');
    const two = new MeshCa(b, 'two');
    expect(() => two.addCluster(a)).toThrow(/two: addCluster cluster already has its CA from 'cluster-a\/one', got 'cluster-a'/);
  });
});

describe('MeshCa.addCluster fails', () => {
  test('when the id of the cluster\'s intermediate is taken in that cluster', () => {
    // Given cluster-b holding a construct of the id addCluster would give the intermediate
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    new Construct(b, 'mesh-ca-intermediate');
    const ca = new MeshCa(a, 'mesh-ca');
    // Then addCluster fails at the MeshCa, in our format, before the constructs library would
    expect(() => ca.addCluster(b)).toThrow(
      "cluster-a/mesh-ca: addCluster cluster must leave the id 'mesh-ca-intermediate' free for this MeshCa's intermediate, "
      + "but 'cluster-b/mesh-ca-intermediate' uses it, got 'cluster-b'. Give this MeshCa or the other construct another id.");
  });

  test('when another MeshCa of the same id already issued the cluster\'s CA', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    const c = new MeshCluster(app, 'cluster-c');
    new MeshCa(a, 'mesh-ca').addCluster(b);
    const other = new MeshCa(c, 'mesh-ca');
    expect(() => other.addCluster(b)).toThrow(
      "cluster-c/mesh-ca: addCluster cluster already has its CA from 'cluster-a/mesh-ca', got 'cluster-b'. Issue each cluster's CA from one MeshCa.");
  });

  test('when one istio-csr values file is named for several clusters', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    const ca = new MeshCa(a, 'mesh-ca', { mode: MeshCaMode.ISTIO_CSR, istioCsr: { valuesFile: 'csr.yaml' } });
    expect(() => ca.addCluster(b)).toThrow(
      'cluster-a/mesh-ca: istioCsr.valuesFile must be left out when the MeshCa issues intermediates for several clusters, each of which needs its own istio-csr values, '
      + "got 'csr.yaml'. Leave it out: each cluster's file is then '<cluster>.istio-csr-values.yaml'.");
  });
});

describe('MeshCa in the istio-csr mode', () => {
  test('the istio-ca Issuer, istiod values and istio-csr values with the mesh trust domain', () => {
    // Given a cluster with its own trust domain, in istio-csr mode, for ambient
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-csr-'));
    const app = new App({ outdir });
    const a = new MeshCluster(app, 'cluster-a', { trustDomain: 'a.example.org' });
    new MeshCa(a, 'mesh-ca', { mode: MeshCaMode.ISTIO_CSR, istioCsr: { ambient: true } });
    // When the app is synthesized
    app.synth();
    const manifests = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, 'cluster-a.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    // Then the intermediate backs the Issuer istio-csr uses...
    expect(findOne(manifests, 'Certificate', 'istio-ca', 'istio-system').spec).toMatchObject({ isCA: true, secretName: 'istio-ca' });
    expect(findOne(manifests, 'Issuer', 'istio-ca', 'istio-system').spec).toEqual({ ca: { secretName: 'istio-ca' } });
    expect(findAll(manifests, 'Certificate', 'cacerts')).toHaveLength(0);
    // ...istiod's CA is off and workloads go to istio-csr...
    const istiod = YAML.parse(fs.readFileSync(path.join(outdir, 'cluster-a.istiod-values.yaml'), 'utf8'));
    expect(istiod.global.caAddress).toBe('cert-manager-istio-csr.cert-manager.svc:443');
    expect(istiod.pilot.env.ENABLE_CA_SERVER).toBe('false');
    // ...and istio-csr signs in the mesh's trust domain.
    const csr = YAML.parse(fs.readFileSync(path.join(outdir, 'cluster-a.istio-csr-values.yaml'), 'utf8'));
    expect(csr.app.tls.trustDomain).toBe(istiod.meshConfig.trustDomain);
    expect(csr.app.tls.trustDomain).toBe('a.example.org');
    expect(csr.app.certmanager.issuer).toEqual({ enabled: true, name: 'istio-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(csr.app.server).toEqual({ clusterID: 'Kubernetes', maxCertificateDuration: '1h', caTrustedNodeAccounts: 'istio-system/ztunnel' });
    expect(MeshWarnings.of(app).join('\n')).toMatch(/istio-csr must be installed before istiod in cluster 'cluster-a'/);
  });

  test('fails outside every MeshCluster of an app of MeshClusters (at synth, at the MeshCa)', () => {
    // Given a MeshCa in a plain chart (its MeshConfig created for it), and a cluster added after it
    const app = Testing.app();
    const shared = new Chart(app, 'shared');
    new MeshCa(shared, 'mesh-ca', { mode: MeshCaMode.ISTIO_CSR });
    new MeshCluster(app, 'cluster-a');
    // Then synth names the MeshCa, not the MeshConfig the user never wrote
    let message = '';
    try {
      synth(shared);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain(
      "shared/mesh-ca: scope must be a MeshCluster (or a construct inside one) in the istio-csr mode: this app has MeshClusters ('cluster-a'), "
      + "and istiod's istio-csr values go to the MeshConfig of the MeshCa's cluster, got 'shared'. "
      + 'Create the MeshCa inside the MeshCluster whose CA it runs, and give it the other clusters with addCluster.');
    expect(message).not.toContain('shared/mesh-config:');
  });

  test('fails at the MeshCa when the MeshConfig it creates cannot be (its values file taken)', () => {
    const chart = newChart();
    new IngressNginxFrontDoor(chart, 'front-door', { valuesFile: 'istiod-values.yaml', serviceCidrs: ['10.96.0.0/12'] });
    expect(() => new MeshCa(chart, 'mesh-ca', { mode: MeshCaMode.ISTIO_CSR })).toThrow(
      "test/mesh-ca: mode needs a MeshConfig for istiod's istio-csr values, but the one it creates at 'test/mesh-config' fails: "
      + "valuesFile must differ from the values file of 'test/front-door', got 'istiod-values.yaml'. Declare the MeshConfig yourself before this MeshCa");
  });

  test('outside a MeshCluster the app MeshConfig gets the istiod values', () => {
    const chart = new Chart(Testing.app(), 'test');
    new MeshConfig(chart, 'mesh', { trustDomain: 'example.org' });
    new MeshCa(chart, 'mesh-ca', { mode: MeshCaMode.ISTIO_CSR });
    expect(MeshConfig.of(chart)!.toValues()).toMatchObject({ global: { caAddress: 'cert-manager-istio-csr.cert-manager.svc:443' }, pilot: { env: { ENABLE_CA_SERVER: 'false' } } });
    synth(chart);
  });
});

describe('MeshCa in the plug-in CA mode outside every MeshCluster', () => {
  test('fails at synth in an app of MeshClusters (its cacerts reach no cluster)', () => {
    // Given a plug-in CA MeshCa in a plain chart, and a MeshCluster created after it
    const app = Testing.app();
    const shared = new Chart(app, 'shared');
    new MeshCa(shared, 'mesh-ca');
    new MeshCluster(app, 'cluster-a');
    // Then synth names the MeshCa and the fix
    expect(() => app.synth()).toThrow(
      "shared/mesh-ca: scope must be a MeshCluster (or a construct inside one) in the plug-in CA mode: this app has MeshClusters ('cluster-a'), "
      + "and each cluster's istiod reads its intermediate from istio-system/cacerts in its own cluster's manifests, got 'shared'. "
      + 'Create the MeshCa inside the MeshCluster whose CA it runs');
  });

  test('is fine in an app without MeshClusters', () => {
    const chart = new Chart(Testing.app(), 'shared');
    new MeshCa(chart, 'mesh-ca');
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
