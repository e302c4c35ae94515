import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import {
  CanaryRelease, GatewayCertificate, MeshService, Protocol, ReleaseVersion, RoutingApi, RoutingDefaults, SecureGateway, TcpGateway,
} from '../../src';
import { assertSchemaValid, findAll, findOne, newChart, synth } from '../helpers';

const NS = 'istio-io-tcp-traffic-shifting';
const tcpEcho = MeshService.fromName('tcp-echo', NS, { port: 9000 });
const versions = [ReleaseVersion.fromLabels('v1'), ReleaseVersion.fromLabels('v2')];

describe('TcpGateway', () => {
  test('renders one Istio Gateway with a TCP server per port, hosts *', () => {
    const chart = newChart();
    const gw = new TcpGateway(chart, 'tcp-echo-gateway', { namespace: NS, ports: [{ port: 31400, name: 'tcp' }, { port: 15443 }] });
    const manifests = synth(chart);
    assertSchemaValid(manifests);
    const gateway = findOne(manifests, 'Gateway', 'tcp-echo-gateway', NS);
    expect(gateway.apiVersion).toBe('networking.istio.io/v1');
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] },
        { port: { number: 15443, name: 'tcp-15443', protocol: 'TCP' }, hosts: ['*'] },
      ],
    });
    expect(gw.hosts).toEqual(['*']);
    expect(gw.ports).toEqual([31400, 15443]);
    expect(gw.gatewayName).toBe('tcp-echo-gateway');
  });

  test('defaults: istio-system, name from the id, selector istio=ingressgateway', () => {
    const chart = newChart();
    new TcpGateway(chart, 'Tcp', { ports: [{ port: 31400 }], selector: undefined });
    const gateway = findOne(synth(chart), 'Gateway', 'tcp', 'istio-system');
    expect(gateway.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gateway.spec.servers[0].port.name).toBe('tcp-31400');
  });

  test('a CanaryRelease TCP route binds to it: VirtualService tcp match on the gateway port', () => {
    // Given a TCP gateway and a TCP release routed only at it
    const chart = newChart({ namespace: NS });
    const gateway = new TcpGateway(chart, 'tcp-echo-gateway', { namespace: NS, ports: [{ port: 31400, name: 'tcp' }] });
    new CanaryRelease(chart, 'tcp-echo', { service: tcpEcho, versions, protocol: Protocol.TCP, canaryWeight: 20, gateway, gatewayPort: 31400, meshRouting: false });
    // When synthesized
    const manifests = synth(chart);
    // Then one VirtualService in the gateway namespace matches port 31400 at that gateway
    const [vs] = findAll(manifests, 'VirtualService');
    expect(findAll(manifests, 'VirtualService')).toHaveLength(1);
    expect(vs.metadata.namespace).toBe(NS);
    expect(vs.spec.hosts).toEqual(['*']);
    expect(vs.spec.gateways).toEqual([`${NS}/tcp-echo-gateway`]);
    expect(vs.spec.tcp).toEqual([{
      match: [{ port: 31400 }],
      route: [
        { destination: { host: `tcp-echo.${NS}.svc.cluster.local`, subset: 'v1', port: { number: 9000 } }, weight: 80 },
        { destination: { host: `tcp-echo.${NS}.svc.cluster.local`, subset: 'v2', port: { number: 9000 } }, weight: 20 },
      ],
    }]);
  });

  test('fails for a bound route on a port the gateway has no server for', () => {
    const chart = newChart();
    const gateway = new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] });
    new CanaryRelease(chart, 'tcp-echo', { service: tcpEcho, versions, protocol: Protocol.TCP, gateway, meshRouting: false });
    expect(() => Testing.synth(chart)).toThrow(
      "test/gw: VirtualService 'istio-system/gw-wildcard' port must be one of gateway 'istio-system/gw' TCP ports (31400), got 9000. "
      + 'Set the route\'s gatewayPort to one of 31400, or add the port to the gateway.');
  });

  test('fails for an HTTP route bound to it', () => {
    const chart = newChart();
    const gateway = new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] });
    new CanaryRelease(chart, 'web', { service: MeshService.fromName('web', 'default', { port: 80 }), versions, gateway, meshRouting: false });
    expect(() => Testing.synth(chart)).toThrow(
      "test/gw: VirtualService 'istio-system/gw-wildcard' must route TCP at TCP gateway 'istio-system/gw', got HTTP routes. ");
  });

  test('fails when it overlaps another gateway on the same workload and port', () => {
    const chart = newChart();
    new TcpGateway(chart, 'a', { ports: [{ port: 31400 }] });
    new TcpGateway(chart, 'b', { ports: [{ port: 31400 }] });
    expect(() => Testing.synth(chart)).toThrow(
      "test/a: hosts overlap with gateway 'test/b' on the same workload (istio=ingressgateway) and port 31400, got '*'.");
  });

  test('a SecureGateway on other ports of the same workload does not overlap', () => {
    const chart = newChart();
    new TcpGateway(chart, 'tcp', { ports: [{ port: 31400 }] });
    new SecureGateway(chart, 'web', { hosts: ['a.example.com'], certificate: GatewayCertificate.fromSecret('a-tls') });
    expect(findAll(synth(chart), 'Gateway')).toHaveLength(2);
  });

  test('escape hatch: ApiObject.of finds the Gateway', () => {
    const chart = newChart();
    const gw = new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] });
    ApiObject.of(gw).addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'edge' }));
    expect(findOne(synth(chart), 'Gateway', 'gw').metadata.labels).toEqual({ team: 'edge' });
  });

  describe('validation', () => {
    const make = (props: any, id = 'gw') => new TcpGateway(newChart(), id, props);

    test('fails without ports', () => {
      expect(() => make({ ports: [] })).toThrow('test/gw: ports must list at least one port, got []. List the TCP ports, e.g. [{ port: 31400 }].');
      expect(() => make({})).toThrow(/^test\/gw: ports/);
    });

    test('fails for a bad port', () => {
      expect(() => make({ ports: [{ port: 70000 }] })).toThrow(/^test\/gw: ports\[0\]\.port must be .*, got 70000\. Use the port the gateway Service exposes for TCP, e.g\. 31400\.$/);
    });

    test('fails for a duplicate port', () => {
      expect(() => make({ ports: [{ port: 31400 }, { port: 31400, name: 'other' }] }))
        .toThrow('test/gw: ports[1].port must not list a port twice, got 31400. Remove the duplicate.');
    });

    test('fails for a duplicate name', () => {
      expect(() => make({ ports: [{ port: 31400, name: 'tcp' }, { port: 31401, name: 'tcp' }] }))
        .toThrow("test/gw: ports[1].name must be unique in the gateway, got 'tcp'. Give port 31401 another name, e.g. 'tcp-31401'.");
    });

    test('fails for a name that is not a DNS label', () => {
      expect(() => make({ ports: [{ port: 31400, name: 'TCP_echo' }] }))
        .toThrow("test/gw: ports[0].name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'TCP_echo'. Use a name such as 'tcp' or 'tcp-31400'.");
    });

    test('fails for a bad selector', () => {
      expect(() => make({ ports: [{ port: 31400 }], selector: { 'bad key!': 'x' } })).toThrow(/^test\/gw: selector /);
    });

    test('fails for a repeated id', () => {
      const chart = newChart();
      new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] });
      expect(() => new TcpGateway(chart, 'gw', { ports: [{ port: 31401 }] }))
        .toThrow("test/gw: id must be unique within 'test', but 'test/gw' already uses it, got 'gw'. Give this construct another id.");
    });

    test('fails with the Gateway API, naming the way out', () => {
      expect(() => make({ ports: [{ port: 31400 }], api: RoutingApi.GATEWAY_API })).toThrow(
        /^test\/gw: api cannot be the Gateway API: TCP listeners take TCPRoutes, which Istio 1\.30 does not read .*, got 'gateway-api'\. Set api: RoutingApi\.ISTIO on this gateway/);
    });

    test('fails with the Gateway API on Istio 1.31 too: gateway TCPRoutes are not rendered yet', () => {
      const chart = newChart();
      new RoutingDefaults(chart, 'routing', { api: RoutingApi.GATEWAY_API, istioVersion: '1.31' });
      expect(() => new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] })).toThrow(
        "test/gw: api cannot be the Gateway API (the app's RoutingDefaults): TCP listeners take TCPRoutes attached by port, which this library does not render for gateways yet, "
        + "got 'gateway-api'. Set api: RoutingApi.ISTIO on this gateway (an Istio Gateway and VirtualServices).");
    });

    test('fails when the app routes through the Gateway API; api: RoutingApi.ISTIO is the way out', () => {
      const chart = newChart();
      new RoutingDefaults(chart, 'routing', { api: RoutingApi.GATEWAY_API });
      expect(() => new TcpGateway(chart, 'gw', { ports: [{ port: 31400 }] })).toThrow(/^test\/gw: api cannot be the Gateway API \(the app's RoutingDefaults\)/);
      const gw = new TcpGateway(chart, 'gw2', { ports: [{ port: 31400 }], api: RoutingApi.ISTIO });
      expect(gw.routingApi).toBe(RoutingApi.ISTIO);
      expect(findOne(synth(chart), 'Gateway', 'gw2').apiVersion).toBe('networking.istio.io/v1');
    });
  });
});
