// Istio's TCP traffic-shifting task, first step: all tcp-echo traffic through the ingress
// gateway's port 31400 to v1 (100/0).
import { App, Chart } from 'cdk8s';
import { CanaryRelease, MeshService, Protocol, ReleaseVersion } from '../src';
import { NAMESPACE, tcpEchoGateway } from './lib/tcp-echo';

export function build(app: App): void {
  const chart = new Chart(app, 'tcp-echo-all-v1', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'tcp-echo', {
    service: MeshService.fromName('tcp-echo', NAMESPACE, { port: 9000 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    protocol: Protocol.TCP,
    weights: { v1: 100, v2: 0 },
    gateway: tcpEchoGateway(chart),
    gatewayHosts: ['*'],
    gatewayPort: 31400,
    meshRouting: false,
  });
}
