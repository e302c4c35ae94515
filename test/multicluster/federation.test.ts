import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MeshCa, MeshCluster, MeshClusterProps, MeshFederation, MeshFlavour, MeshWarnings, TrustAnchor } from '../../src';
import { findAll, findOne, synth } from '../helpers';
import { ROOT_A, ROOT_B } from './fixtures';

const A: MeshClusterProps = { clusterDomain: 'cluster-a.local', gatewayAddress: '203.0.113.10', rootCertificate: TrustAnchor.fromPem(ROOT_A) };
const B: MeshClusterProps = { clusterDomain: 'cluster-b.local', gatewayAddress: '203.0.113.20', rootCertificate: TrustAnchor.fromPem(ROOT_B) };

function clusters(propsA: MeshClusterProps = A, propsB: MeshClusterProps = B) {
  const app = Testing.app();
  return { app, a: new MeshCluster(app, 'cluster-a', propsA), b: new MeshCluster(app, 'cluster-b', propsB) };
}

/** A raw Service (as a hand-written or imported manifest would be) in `scope`. */
function service(scope: Chart, name: string, ports: Array<Record<string, unknown>>, namespace = 'ns'): ApiObject {
  return new ApiObject(scope, `${namespace}-${name}`, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports, selector: { app: name } } });
}

describe('MeshFederation (plain Istio)', () => {
  test('ServiceEntry and ISTIO_MUTUAL DestinationRule per remote service; gateway; trust in the istiod values', () => {
    // Given cluster-b publishing bar (two named ports) and the clusters trusting each other
    const { app, a, b } = clusters();
    const bar = service(b, 'bar', [{ name: 'http', port: 8080 }, { name: 'grpc-api', port: 9090, appProtocol: 'grpc' }, { name: 'metrics', port: 9100 }]);
    const federation = new MeshFederation(app, 'federation');
    federation.publish(bar);
    federation.trustEachOther(a, b);
    // Then cluster-a has bar's ServiceEntry: host in b's domain, b's ports by name, endpoints at b's gateway on 15443
    const inA = synth(a);
    const entry = findOne(inA, 'ServiceEntry', 'cluster-b-bar-ns-svc-cluster-b-local', 'istio-system');
    expect(entry.spec).toEqual({
      hosts: ['bar.ns.svc.cluster-b.local'],
      location: 'MESH_INTERNAL',
      ports: [{ name: 'http', number: 8080, protocol: 'HTTP' }, { name: 'grpc-api', number: 9090, protocol: 'GRPC' }, { name: 'metrics', number: 9100 }],
      resolution: 'STATIC',
      endpoints: [{ address: '203.0.113.20', ports: { 'http': 15443, 'grpc-api': 15443, 'metrics': 15443 } }],
    });
    expect(findOne(inA, 'DestinationRule', entry.metadata.name, 'istio-system').spec).toEqual({ host: 'bar.ns.svc.cluster-b.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    // ...cluster-b passes through connections for its own domain...
    const gateway = findOne(synth(b), 'Gateway', 'cross-network-gateway', 'istio-system');
    expect(gateway.spec.servers).toEqual([{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.cluster-b.local'] }]);
    // ...and cluster-a's istiod trusts b's root for b's trust domain, keeping its own trust domain.
    const values = a.meshConfig.toValues();
    expect(values.meshConfig.trustDomain).toBe('cluster-a.local');
    expect(values.meshConfig.caCertificates).toEqual([{ pem: ROOT_B, trustDomains: ['cluster-b.local'] }]);
    expect(values.meshConfig.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_DNS_CAPTURE: 'true' });
    expect(values.pilot.env).toEqual({ ISTIO_MULTIROOT_MESH: 'true', PILOT_SKIP_VALIDATE_TRUST_DOMAIN: 'true' });
    // cluster-b publishes nothing of a's: no ServiceEntry there.
    expect(findAll(synth(b), 'ServiceEntry')).toHaveLength(0);
  });

  test('declaration order does not matter; a DNS-named gateway resolves by DNS; publishName finds the Service', () => {
    const { app, a, b } = clusters(A, { ...B, gatewayAddress: 'eastwest.cluster-b.example.com' });
    const federation = new MeshFederation(app, 'federation');
    federation.trustEachOther(a, b);
    federation.publishName(b, 'shop', 'cart');
    new kplus.Service(b, 'cart', { metadata: { name: 'cart', namespace: 'shop' }, ports: [{ name: 'http', port: 80 }] });
    const entry = findOne(synth(a), 'ServiceEntry', 'cluster-b-cart-shop-svc-cluster-b-local');
    expect(entry.spec.resolution).toBe('DNS');
    expect(entry.spec.endpoints).toEqual([{ address: 'eastwest.cluster-b.example.com', ports: { http: 15443 } }]);
  });

  test('clusters under one MeshCa need no caCertificates', () => {
    const { app, a, b } = clusters({ ...A, rootCertificate: undefined }, { ...B, rootCertificate: undefined });
    new MeshCa(a, 'mesh-ca').addCluster(b);
    new MeshFederation(app, 'federation').trustEachOther(a, b);
    synth(a);
    expect(a.meshConfig.toValues().meshConfig.caCertificates).toBeUndefined();
  });

  test('fails for equal cluster domains or trust domains', () => {
    const same = clusters(A, { ...B, clusterDomain: 'cluster-a.local' });
    expect(() => new MeshFederation(same.app, 'f').trust(same.a, same.b)).toThrow(
      "f: trust needs distinct clusterDomains for federated clusters, but 'cluster-a' and 'cluster-b' both have 'cluster-a.local', got 'cluster-a.local'.");
    const td = clusters(A, { ...B, trustDomain: 'cluster-a.local' });
    expect(() => new MeshFederation(td.app, 'f').trust(td.a, td.b)).toThrow(
      "f: trust needs distinct trustDomains for federated clusters, but 'cluster-a' and 'cluster-b' both have 'cluster-a.local', got 'cluster-a.local'.");
  });

  test('fails for a published Service with an unnamed port, or without ports', () => {
    const { app, a, b } = clusters();
    const federation = new MeshFederation(app, 'federation');
    federation.publish(service(b, 'bar', [{ name: 'http', port: 8080 }, { port: 9090 }]));
    federation.trustEachOther(a, b);
    expect(() => Testing.synth(b)).toThrow(
      "federation: publish needs every port of Service 'ns/bar' in cluster 'cluster-b' named, but ports[1] (9090) has no name, got 9090. "
      + "Name each port of the Service (e.g. name: 'http'): federated endpoints map ports by name.");

    const other = clusters();
    const f2 = new MeshFederation(other.app, 'federation');
    f2.publish(service(other.b, 'empty', []));
    expect(() => Testing.synth(other.b)).toThrow("federation: publish needs the ports of Service 'ns/empty' in cluster 'cluster-b', but it has none, got 'empty'.");
  });

  test('fails for a published name the cluster does not define', () => {
    const { app, a, b } = clusters();
    const federation = new MeshFederation(app, 'federation');
    federation.publishName(b, 'shop', 'cart');
    federation.trustEachOther(a, b);
    expect(() => Testing.synth(a)).toThrow(
      "federation: publishName names Service 'shop/cart', which cluster 'cluster-b' does not define, got 'shop/cart'. Define the Service inside MeshCluster 'cluster-b'");
  });

  test('fails for something that is not a Service, or a Service outside any cluster', () => {
    const { app, b } = clusters();
    const federation = new MeshFederation(app, 'federation');
    const config = new ApiObject(b, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => federation.publish(config)).toThrow(/federation: publish must be given a Kubernetes Service \(cdk8s-plus Service or ApiObject of kind Service\), got 'cluster-b\/cm'/);
    expect(() => federation.publish(new Construct(b, 'nothing'))).toThrow(/federation: publish must be given a Kubernetes Service .*got 'cluster-b\/nothing'/);
    const outside = service(new Chart(app, 'plain'), 'bar', [{ name: 'http', port: 80 }]);
    expect(() => federation.publish(outside)).toThrow("federation: publish must be given a Service inside a MeshCluster, got 'plain/ns-bar'.");
    expect(() => federation.publishName(b, 'Shop', 'cart')).toThrow(/federation: publishName namespace must be a DNS label/);
    expect(() => federation.trust(b, b)).toThrow("federation: trust must name two different clusters, got 'cluster-b'.");
  });

  test('warns when trust is one-way', () => {
    const { app, a, b } = clusters();
    new MeshFederation(app, 'federation').trust(a, b);
    synth(a);
    expect(MeshWarnings.of(app).join('\n')).toMatch(
      /federation: cluster 'cluster-a' trusts 'cluster-b', but 'cluster-b' does not trust 'cluster-a': mTLS between them needs both/);
  });

  test('fails when the trusted cluster\'s root or gateway address is unknown', () => {
    const noRoot = clusters(A, { ...B, rootCertificate: undefined });
    new MeshFederation(noRoot.app, 'federation').trust(noRoot.a, noRoot.b);
    expect(() => Testing.synth(noRoot.a)).toThrow(
      "federation: trust needs the root certificate of cluster 'cluster-b' for 'cluster-a' to trust it, but it is unknown, got 'cluster-b'.");

    const noGateway = clusters(A, { ...B, gatewayAddress: undefined });
    const federation = new MeshFederation(noGateway.app, 'federation');
    federation.trust(noGateway.a, noGateway.b);
    expect(() => federation.publish(service(noGateway.b, 'bar', [{ name: 'http', port: 80 }]))).toThrow(
      "federation: trust needs the gatewayAddress of cluster 'cluster-b', which publishes 'bar.ns.svc.cluster-b.local' to 'cluster-a', got 'cluster-b'.");
  });
});

describe('MeshFederation (Deckhouse)', () => {
  const DA: MeshClusterProps = { clusterDomain: 'cluster-a.local', metadataEndpoint: 'https://istio.k8s-a.example.com/metadata/' };
  const DB: MeshClusterProps = { clusterDomain: 'cluster-b.local', metadataEndpoint: 'https://istio.k8s-b.example.com/metadata/' };

  test('an IstioFederation per trusted cluster and the public-service label', () => {
    const { app, a, b } = clusters(DA, DB);
    const federation = new MeshFederation(app, 'federation', { flavour: MeshFlavour.DECKHOUSE });
    federation.publish(service(b, 'bar', [{ name: 'http', port: 8080 }]));
    federation.publishName(a, 'ns', 'foo');
    service(a, 'foo', [{ name: 'http', port: 8080 }]);
    federation.trustEachOther(a, b);
    const inA = synth(a);
    expect(findOne(inA, 'IstioFederation', 'cluster-b')).toEqual({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'IstioFederation',
      metadata: { name: 'cluster-b' },
      spec: { trustDomain: 'cluster-b.local', metadataEndpoint: 'https://istio.k8s-b.example.com/metadata/' },
    });
    expect(findOne(inA, 'Service', 'foo').metadata.labels).toEqual({ 'federation.istio.deckhouse.io/public-service': '' });
    expect(findOne(synth(b), 'Service', 'bar').metadata.labels).toEqual({ 'federation.istio.deckhouse.io/public-service': '' });
    // Deckhouse creates ServiceEntries and gateways itself.
    expect(findAll(inA, 'ServiceEntry')).toHaveLength(0);
    expect(findAll(inA, 'Gateway')).toHaveLength(0);
  });

  test('fails without the trusted cluster\'s metadata endpoint', () => {
    const { app, a, b } = clusters(DA, { clusterDomain: 'cluster-b.local' });
    expect(() => new MeshFederation(app, 'federation', { flavour: MeshFlavour.DECKHOUSE }).trust(a, b)).toThrow(
      "federation: trust needs the metadataEndpoint of cluster 'cluster-b' for Deckhouse, got 'cluster-b'.");
  });
});
