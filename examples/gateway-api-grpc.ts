// A gRPC service through the Gateway API: GRPCRoutes at the ingress Gateway and in the mesh,
// 90/10 between two versions, and SayHello calls of testers (x-canary: true) to v2.
import { App, Chart } from 'cdk8s';
import { CanaryRelease, GatewayCertificate, MeshService, Protocol, ReleaseVersion, RoutingApi, SecureGateway, StringMatch } from '../src';
import { useApi } from './lib/gateway-api';

export function build(app: App): void {
  buildWith(app, RoutingApi.GATEWAY_API);
}

export function buildWith(app: App, api: RoutingApi): void {
  useApi(app, api);
  const chart = new Chart(app, 'gateway-api-grpc', { namespace: 'grpc' });
  const gateway = new SecureGateway(chart, 'grpc-gateway', {
    namespace: 'grpc',
    hosts: ['grpc.example.com'],
    certificate: GatewayCertificate.fromSecret('grpc-credential'),
  });
  new CanaryRelease(chart, 'greeter', {
    service: MeshService.fromName('greeter', 'grpc', { port: 50051 }),
    protocol: Protocol.GRPC,
    versions: [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')],
    canaryWeight: 10,
    matchRoutes: [{
      matches: [{ uri: StringMatch.exact('/helloworld.Greeter/SayHello'), headers: { 'x-canary': StringMatch.exact('true') } }],
      version: 'v2',
    }],
    gateway,
  });
}
