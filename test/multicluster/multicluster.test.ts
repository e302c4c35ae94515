import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { MeshCa, MeshCluster, MeshFlavour, MeshMulticluster, MeshWarnings, TrustAnchor } from '../../src';
import { findAll, findOne, synth } from '../helpers';
import { ROOT_A, ROOT_B } from './fixtures';

/** Istio 1.30.3 `samples/multicluster/expose-services.yaml`. */
const EXPOSE_SERVICES = YAML.parse(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: cross-network-gateway
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
  servers:
    - port:
        number: 15443
        name: tls
        protocol: TLS
      tls:
        mode: AUTO_PASSTHROUGH
      hosts:
        - "*.local"
`);

function twoClusters(propsA = {}, propsB = {}) {
  const app = Testing.app();
  const a = new MeshCluster(app, 'cluster-a', { network: 'network1', ...propsA });
  const b = new MeshCluster(app, 'cluster-b', { network: 'network2', ...propsB });
  return { app, a, b };
}

describe('MeshMulticluster (plain Istio, multi-primary)', () => {
  test('multi-network: istiod values, east-west gateway and network label in each cluster', () => {
    // Given two clusters on two networks under one MeshCa
    const { app, a, b } = twoClusters();
    new MeshCa(a, 'mesh-ca').addCluster(b);
    new MeshMulticluster(app, 'mesh1', { clusters: [a, b] });
    // Then each cluster's istiod gets the mesh, its name and its network
    expect(a.meshConfig.toValues().global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: 'cluster-a' }, network: 'network1' });
    expect(b.meshConfig.toValues().global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: 'cluster-b' }, network: 'network2' });
    expect(a.meshConfig.toValuesYaml()).toContain(
      '#   istioctl create-remote-secret --context=<cluster-b context> --name=cluster-b | kubectl apply -f - --context=<cluster-a context>');
    for (const [cluster, network] of [[a, 'network1'], [b, 'network2']] as const) {
      const manifests = synth(cluster);
      // ...the east-west gateway equal in meaning to Istio's sample (`*.local` covers cluster.local)...
      const gateway = findOne(manifests, 'Gateway', 'cross-network-gateway', 'istio-system');
      expect(gateway.spec.selector).toEqual(EXPOSE_SERVICES.spec.selector);
      expect(gateway.spec.servers).toEqual([{ ...EXPOSE_SERVICES.spec.servers[0], hosts: ['*.cluster.local'] }]);
      // ...and the network label istiod reads on its own namespace.
      expect(findOne(manifests, 'Namespace', 'istio-system').metadata.labels).toEqual({ 'topology.istio.io/network': network });
    }
  });

  test('one network: no east-west gateway; meshNetworks when asked for', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a', { rootCertificate: TrustAnchor.fromPem(ROOT_A) });
    const b = new MeshCluster(app, 'cluster-b', { rootCertificate: TrustAnchor.fromPem(ROOT_A) });
    new MeshMulticluster(app, 'mesh', { clusters: [a, b] });
    expect(findAll(synth(a), 'Gateway')).toHaveLength(0);

    const { app: app2, a: a2, b: b2 } = twoClusters({ gatewayAddress: '203.0.113.10' }, { gatewayAddress: 'gw.b.example.com', gatewayPort: 443 });
    new MeshCa(a2, 'mesh-ca').addCluster(b2);
    new MeshMulticluster(app2, 'mesh', { clusters: [a2, b2], meshNetworks: true });
    expect(a2.meshConfig.toValues().global.meshNetworks).toEqual({
      network1: { endpoints: [{ fromRegistry: 'cluster-a' }], gateways: [{ address: '203.0.113.10', port: 15443 }] },
      network2: { endpoints: [{ fromRegistry: 'cluster-b' }], gateways: [{ address: 'gw.b.example.com', port: 443 }] },
    });
  });

  test('fails when only some clusters declare a network', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a', { network: 'network1' });
    const b = new MeshCluster(app, 'cluster-b');
    expect(() => new MeshMulticluster(app, 'mesh', { clusters: [a, b] })).toThrow(
      "mesh: clusters must all declare their network, but cluster 'cluster-b' declares none while 'cluster-a' is on 'network1', got 'cluster-b'.");
  });

  test('fails for meshNetworks without gateway addresses', () => {
    const { app, a, b } = twoClusters({ gatewayAddress: '203.0.113.10' });
    expect(() => new MeshMulticluster(app, 'mesh', { clusters: [a, b], meshNetworks: true })).toThrow(
      /mesh: meshNetworks needs every cluster's gatewayAddress, but cluster 'cluster-b' declares none, got true/);
  });

  test('fails without one root for all clusters', () => {
    // No known root for cluster-b
    const { app, a, b } = twoClusters();
    new MeshCa(a, 'mesh-ca');
    new MeshMulticluster(app, 'mesh', { clusters: [a, b] });
    expect(() => Testing.synth(a)).toThrow(
      "mesh: clusters must share one root CA, but cluster 'cluster-b' has no known root, got cluster-a: MeshCa 'cluster-a/mesh-ca', cluster-b: unknown. "
      + 'Issue every cluster\'s intermediate from one MeshCa (meshCa.addCluster(cluster-b)), or declare the shared rootCertificate on each MeshCluster.');
    // Two different roots
    const other = twoClusters({ rootCertificate: TrustAnchor.fromPem(ROOT_A) }, { rootCertificate: TrustAnchor.fromPem(ROOT_B) });
    new MeshMulticluster(other.app, 'mesh', { clusters: [other.a, other.b] });
    expect(() => Testing.synth(other.a)).toThrow(/mesh: clusters must share one root CA, but 'cluster-a' and 'cluster-b' have different roots/);
  });

  test('fails for fewer than two clusters, a cluster twice, or a cluster in two meshes', () => {
    const { app, a, b } = twoClusters();
    expect(() => new MeshMulticluster(app, 'one', { clusters: [a] })).toThrow('one: clusters must list at least two MeshClusters, got ["cluster-a"].');
    expect(() => new MeshMulticluster(app, 'twice', { clusters: [a, a] })).toThrow("twice: clusters[1] must not list a cluster twice, got 'cluster-a'.");
    new MeshMulticluster(app, 'mesh1', { clusters: [a, b] });
    const c = new MeshCluster(app, 'cluster-c', { network: 'network3' });
    expect(() => new MeshMulticluster(app, 'mesh2', { clusters: [c, a] })).toThrow("mesh2: clusters[1] is already part of the multicluster mesh 'mesh1', got 'cluster-a'.");
  });

  test('warns about different trust domains', () => {
    const { app, a, b } = twoClusters({ trustDomain: 'a.example.org' });
    new MeshCa(a, 'mesh-ca').addCluster(b);
    new MeshMulticluster(app, 'mesh', { clusters: [a, b] });
    expect(MeshWarnings.of(app).join('\n')).toMatch(/mesh: the clusters have different trust domains \(a.example.org, cluster.local\)/);
  });
});

describe('MeshMulticluster (Deckhouse)', () => {
  test('an IstioMulticluster per other cluster', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a', { metadataEndpoint: 'https://istio.k8s-a.example.com/metadata/' });
    const b = new MeshCluster(app, 'cluster-b', { metadataEndpoint: 'https://istio.k8s-b.example.com/metadata/' });
    new MeshMulticluster(app, 'mesh', { clusters: [a, b], flavour: MeshFlavour.DECKHOUSE });
    const inA = synth(a);
    expect(inA).toEqual([{ apiVersion: 'deckhouse.io/v1alpha1', kind: 'IstioMulticluster', metadata: { name: 'cluster-b' }, spec: { metadataEndpoint: 'https://istio.k8s-b.example.com/metadata/' } }]);
    expect(findOne(synth(b), 'IstioMulticluster', 'cluster-a').spec.metadataEndpoint).toBe('https://istio.k8s-a.example.com/metadata/');
  });

  test('fails without the other cluster\'s metadata endpoint, or with meshNetworks', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a', { metadataEndpoint: 'https://istio.k8s-a.example.com/metadata/' });
    const b = new MeshCluster(app, 'cluster-b');
    expect(() => new MeshMulticluster(app, 'mesh', { clusters: [a, b], flavour: MeshFlavour.DECKHOUSE })).toThrow(
      "mesh: clusters needs the metadataEndpoint of cluster 'cluster-b' for Deckhouse, got 'cluster-b'.");
    const c = new MeshCluster(app, 'cluster-c', { metadataEndpoint: 'https://istio.k8s-c.example.com/metadata/' });
    expect(() => new MeshMulticluster(app, 'mesh2', { clusters: [a, c], flavour: MeshFlavour.DECKHOUSE, meshNetworks: true })).toThrow(
      /mesh2: meshNetworks is only written for plain Istio, got true/);
  });
});
