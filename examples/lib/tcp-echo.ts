// The Gateway of Istio's TCP traffic-shifting task: the ingress gateway's port 31400, any host.
// SecureGateway terminates TLS and the library has no construct for a plain TCP Gateway, so the
// examples write the task's object as it is and bind their routes to it by reference.
import { ApiObject, Chart } from 'cdk8s';
import { IMeshGateway, MeshGateway } from '../../src';

export const NAMESPACE = 'istio-io-tcp-traffic-shifting';

export function tcpEchoGateway(chart: Chart): IMeshGateway {
  new ApiObject(chart, 'tcp-echo-gateway', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'tcp-echo-gateway', namespace: NAMESPACE },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }],
    },
  });
  return MeshGateway.fromName('tcp-echo-gateway', NAMESPACE, { hosts: ['*'] });
}
