// Istio's "Install Multi-Primary on different networks" with two clusters: one mesh (mesh1),
// cluster-a on network1 and cluster-b on network2, each with its own istiod, east-west gateway
// (AUTO_PASSTHROUGH on 15443) and network label, and one root CA for both. Output: one file per
// cluster (dist/cluster-a.k8s.yaml, dist/cluster-b.k8s.yaml) and each cluster's istiod values,
// which also list the `istioctl create-remote-secret` commands (credentials are never generated).
import { App } from 'cdk8s';
import { MeshCa, MeshCaRoot, MeshCluster, MeshMulticluster } from '../src';

export function build(app: App): void {
  const a = new MeshCluster(app, 'cluster-a', { network: 'network1', gatewayAddress: '203.0.113.10' });
  const b = new MeshCluster(app, 'cluster-b', { network: 'network2', gatewayAddress: '203.0.113.20' });
  const ca = new MeshCa(a, 'mesh-ca', { root: MeshCaRoot.selfSigned({ commonName: 'Example Mesh Root CA' }) });
  ca.addCluster(b);
  new MeshMulticluster(app, 'mesh1', { clusters: [a, b] });
}
