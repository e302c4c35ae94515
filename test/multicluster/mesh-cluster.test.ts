import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, CanaryRelease, EastWestGateway, MeshAnalysis, MeshCluster, MeshConfig, MeshFederation, MeshService, PolicyTarget,
  ReleaseVersion, TrustAnchor, WorkloadIdentity,
} from '../../src';
import { findOne, synth } from '../helpers';
import { ROOT_A } from './fixtures';

describe('MeshCluster', () => {
  test('each cluster goes to its own file, with its own istiod values', () => {
    // Given two clusters of one app
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusters-'));
    const app = new App({ outdir });
    for (const id of ['cluster-a', 'cluster-b']) {
      const cluster = new MeshCluster(app, id, { clusterDomain: `${id}.local` });
      new EastWestGateway(cluster, 'east-west');
      void cluster.meshConfig;
    }
    // When it is synthesized
    app.synth();
    // Then each cluster has its manifests and values
    expect(fs.readdirSync(outdir).sort()).toEqual(['cluster-a.istiod-values.yaml', 'cluster-a.k8s.yaml', 'cluster-b.istiod-values.yaml', 'cluster-b.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'cluster-b.k8s.yaml'), 'utf8')).toContain('"*.cluster-b.local"');
    expect(fs.readFileSync(path.join(outdir, 'cluster-b.istiod-values.yaml'), 'utf8')).toMatch(/clusterDomain: cluster-b.local[\s\S]*trustDomain: cluster-b.local/);
  });

  test('routes, object names and the MeshConfig are per cluster', () => {
    // Given the same service routed the same way in two clusters (one host, one object name each)
    const app = Testing.app();
    const clusters = ['cluster-a', 'cluster-b'].map((id) => new MeshCluster(app, id));
    for (const cluster of clusters) {
      new CanaryRelease(cluster, 'reviews', {
        service: MeshService.fromName('reviews', 'bookinfo', { port: 9080 }),
        versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
        canaryWeight: 10,
      });
      new MeshConfig(cluster, 'mesh');
    }
    // Then each cluster renders its own VirtualService, with no conflict between them
    for (const cluster of clusters) {
      expect(findOne(synth(cluster), 'VirtualService', 'reviews', 'bookinfo').spec.hosts).toEqual(['reviews.bookinfo.svc.cluster.local']);
      expect(MeshConfig.of(cluster)!.node.scope).toBe(cluster);
    }
    expect(clusters[0].meshConfig).not.toBe(clusters[1].meshConfig);
    // (Analyzed as one cluster, the two VirtualServices for one host would conflict.)
    const together = clusters.flatMap((c) => Testing.synth(c));
    expect(MeshAnalysis.analyze(together).map((f) => f.code)).toContain('IST0109');
  });

  test('the analysis and the overlap checks see one cluster at a time', () => {
    // Given the same east-west Gateway in two clusters: separate clusters, no conflict
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const b = new MeshCluster(app, 'cluster-b');
    new EastWestGateway(a, 'east-west');
    new EastWestGateway(b, 'east-west');
    expect(synth(a)).toHaveLength(1);
    // When a second one is in the same cluster, they overlap (istioctl IST0145)
    new EastWestGateway(b, 'another', { name: 'another' });
    expect(() => Testing.synth(b)).toThrow(/cluster-b\/east-west: hosts overlap with gateway 'cluster-b\/another' on the same workload \(istio=eastwestgateway\) and port 15443/);
  });

  test('defaults: name from the id, cluster.local, trust domain = cluster domain, port 15443', () => {
    const cluster = new MeshCluster(Testing.app(), 'Cluster_A');
    expect(cluster.clusterName).toBe('cluster-a');
    expect([cluster.clusterDomain, cluster.trustDomain, cluster.gatewayPort]).toEqual(['cluster.local', 'cluster.local', 15443]);
  });

  test('fails for a cluster inside a cluster, or two clusters of one name', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    expect(() => new MeshCluster(a, 'inner')).toThrow("cluster-a/inner: scope must not be inside another MeshCluster ('cluster-a'), got 'cluster-a'.");
    expect(() => new MeshCluster(app, 'other', { clusterName: 'cluster-a' })).toThrow(
      "other: clusterName must be unique in the app, but 'cluster-a' is also cluster 'cluster-a', got 'cluster-a'.");
  });

  test('fails for bad names, network, domains, gateway address and metadata endpoint', () => {
    const app = Testing.app();
    expect(() => new MeshCluster(app, 'a', { clusterName: 'Cluster A' })).toThrow(/a: clusterName must be a DNS label/);
    expect(() => new MeshCluster(app, 'b', { network: 'net 1' })).toThrow(/b: network must consist of letters, digits/);
    expect(() => new MeshCluster(app, 'c', { clusterDomain: 'Cluster.Local' })).toThrow(/c: clusterDomain must be lowercase/);
    expect(() => new MeshCluster(app, 'd', { trustDomain: 'td_1' })).toThrow(/d: trustDomain has an invalid label 'td_1'/);
    expect(() => new MeshCluster(app, 'e', { gatewayAddress: 'gw_1.example.com' })).toThrow(/e: gatewayAddress has an invalid label 'gw_1'/);
    expect(() => new MeshCluster(app, 'f', { gatewayPort: 70000 })).toThrow(/f: gatewayPort must be a whole number from 1 to 65535, got 70000/);
    expect(() => new MeshCluster(app, 'g', { metadataEndpoint: 'http://istio.example.com/metadata/' })).toThrow(/g: metadataEndpoint must be an https URL/);
    expect(() => new MeshCluster(app, 'h', { metadataEndpoint: 'https://istio.example.com:8443/metadata/' })).toThrow(/h: metadataEndpoint must use only letters.*no port or query/);
  });

  test('fails for a MeshConfig whose trust domain is not the cluster\'s', () => {
    const cluster = new MeshCluster(Testing.app(), 'cluster-a', { trustDomain: 'a.example.org' });
    expect(() => new MeshConfig(cluster, 'mesh', { trustDomain: 'cluster.local' })).toThrow(
      "cluster-a/mesh: trustDomain must be the trust domain of cluster 'cluster-a' ('a.example.org'), got 'cluster.local'.");
  });

  test('fails when a policy names a trust domain the cluster does not trust', () => {
    // Given a policy in cluster b allowing a principal of cluster a, without federation
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a', { clusterDomain: 'cluster-a.local', rootCertificate: TrustAnchor.fromPem(ROOT_A) });
    const b = new MeshCluster(app, 'cluster-b', { clusterDomain: 'cluster-b.local' });
    AuthorizationPolicy.allowOnlyFrom(b, 'from-a', { target: PolicyTarget.selector('bookinfo', { app: 'reviews' }) },
      [WorkloadIdentity.fromName('productpage', 'bookinfo', { trustDomain: a.trustDomain })]);
    // Then synth fails naming the policy, the principal and the fix
    expect(() => Testing.synth(b)).toThrow(
      "cluster-b/from-a: rules[0].from[0].source.principals names trust domain 'cluster-a.local', which cluster 'cluster-b' does not trust, got 'cluster-a.local/ns/bookinfo/sa/productpage'. "
      + "Its trust domains: cluster-b.local; federate with the cluster of 'cluster-a.local' (MeshFederation.trust) or correct the principal.");
    // When b trusts a, the principal is fine
    new MeshFederation(app, 'federation').trust(b, a);
    expect(Testing.synth(b).length).toBeGreaterThan(0);
  });
});

describe("MeshCluster's meshConfig prop", () => {
  test('an error of the MeshConfig made from it names the prop of the cluster the user wrote', () => {
    // Given two clusters whose meshConfig props name the same values file
    const app = Testing.app();
    new MeshCluster(app, 'a', { meshConfig: { valuesFile: 'x.yaml' } }).meshConfig;
    const b = new MeshCluster(app, 'b', { meshConfig: { valuesFile: 'x.yaml' } });
    // Then the second fails at the cluster's meshConfig.valuesFile, naming the first
    expect(() => b.meshConfig).toThrow(/^b: meshConfig\.valuesFile must differ from the values file of 'a\/mesh-config', got 'x\.yaml'\./);
  });
});
