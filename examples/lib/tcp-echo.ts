// The Gateway of Istio's TCP traffic-shifting task: the ingress gateway's port 31400, any host.
import { Chart } from 'cdk8s';
import { IMeshGateway, TcpGateway } from '../../src';

export const NAMESPACE = 'istio-io-tcp-traffic-shifting';

export function tcpEchoGateway(chart: Chart): IMeshGateway {
  return new TcpGateway(chart, 'tcp-echo-gateway', {
    namespace: NAMESPACE,
    ports: [{ port: 31400, name: 'tcp' }],
  });
}
