// Istio's TCP traffic-shifting task, 80/20, with the Gateway owned by another chart: the
// platform's chart applies the tcp-echo TcpGateway, the service team's chart binds its routes
// to it by reference (MeshGateway.fromName), as a team does for a Gateway it does not own.
// A TCP server's hosts are '*', so the reference's are too.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, MeshGateway, MeshService, Protocol, ReleaseVersion } from '../src';
import { NAMESPACE, tcpEchoGateway } from './lib/tcp-echo';

export function build(app: App): void {
  tcpEchoGateway(new Chart(app, 'tcp-echo-platform', { namespace: NAMESPACE }));
  const chart = new Chart(app, 'tcp-echo-team', { namespace: NAMESPACE });
  new CanaryRelease(chart, 'tcp-echo', {
    service: MeshService.fromName('tcp-echo', NAMESPACE, { port: 9000 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    protocol: Protocol.TCP,
    canaryWeight: 20,
    gateway: MeshGateway.fromName('tcp-echo-gateway', NAMESPACE, { hosts: ['*'] }),
    gatewayPort: 31400,
    meshRouting: false,
  });
}
