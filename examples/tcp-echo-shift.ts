// Istio's TCP traffic-shifting task: tcp-echo v1 and v2 behind the ingress gateway on port
// 31400, first 100/0, here the second step: 80/20.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, MeshService, Protocol, ReleaseVersion } from '../src';
import { NAMESPACE, tcpEchoGateway } from './lib/tcp-echo';

export function build(app: App): void {
  const chart = new Chart(app, 'tcp-echo-shift', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'tcp-echo', {
    service: MeshService.fromName('tcp-echo', NAMESPACE, { port: 9000 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    protocol: Protocol.TCP,
    canaryWeight: 20,
    gateway: tcpEchoGateway(chart),
    gatewayHosts: ['*'],
    gatewayPort: 31400,
    meshRouting: false,
  });
}
