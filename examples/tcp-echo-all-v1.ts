// Istio's TCP traffic-shifting task, first step: all tcp-echo traffic to v1 (100/0).
import { App, Chart } from 'cdk8s';
import { CanaryRelease, MeshGateway, MeshService, Protocol, ReleaseVersion } from '../src';

export function build(app: App): void {
  const chart = new Chart(app, 'tcp-echo-all-v1', { namespace: 'istio-io-tcp-traffic-shifting' });
  new CanaryRelease(chart, 'tcp-echo', {
    service: MeshService.fromName('tcp-echo', 'istio-io-tcp-traffic-shifting', { port: 9000 }),
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    protocol: Protocol.TCP,
    weights: { v1: 100, v2: 0 },
    gateway: MeshGateway.fromName('tcp-echo-gateway', 'istio-io-tcp-traffic-shifting', { hosts: ['*'] }),
    gatewayHosts: ['*'],
    gatewayPort: 31400,
    meshRouting: false,
  });
}
