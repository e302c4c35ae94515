import { ApiObject, JsonPatch } from 'cdk8s';
import {
  EgressGateway, ExportTo, ExternalService, MeshService, OriginationTlsMode, Protocol, ServiceResolution,
} from '../../src';
import { findAll, findOne, newChart, synth } from '../helpers';

describe('ExternalService', () => {
  test('defaults: DNS, MESH_EXTERNAL, this namespace only', () => {
    const chart = newChart({ namespace: 'shop' });
    new ExternalService(chart, 'stripe', { hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: Protocol.TLS }] });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'ServiceEntry', 'stripe', 'shop').spec).toEqual({
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      exportTo: ['.'],
    });
  });

  test('TCP with addresses (external Postgres), STATIC endpoints with labels and locality', () => {
    const chart = newChart({ namespace: 'payments' });
    new ExternalService(chart, 'se-postgres', {
      hosts: ['postgres.db.example.com'],
      addresses: ['10.20.0.15'],
      ports: [{ number: 5432, protocol: Protocol.TCP, name: 'tcp-postgres' }],
      endpoints: [{ address: '10.20.0.15', labels: { role: 'primary' }, locality: 'eu-west1/eu-west1-b', weight: 1 }],
    });
    const se = findOne(synth(chart), 'ServiceEntry', 'se-postgres');
    expect(se.spec.resolution).toBe('STATIC');
    expect(se.spec.addresses).toEqual(['10.20.0.15']);
    expect(se.spec.endpoints).toEqual([{ address: '10.20.0.15', labels: { role: 'primary' }, locality: 'eu-west1/eu-west1-b', weight: 1 }]);
  });

  test('TCP without addresses works when the mesh allocates addresses', () => {
    const chart = newChart();
    new ExternalService(chart, 'se-postgres', {
      hosts: ['postgres.db.example.com'], ports: [{ number: 5432, protocol: Protocol.TCP }], addressAutoAllocation: true,
    });
    expect(findOne(synth(chart), 'ServiceEntry', 'se-postgres').spec.addresses).toBeUndefined();
  });

  test('TLS origination: HTTP port mapped to 443, DestinationRule originates SIMPLE TLS with SNI', () => {
    const chart = newChart();
    new ExternalService(chart, 'httpbin-org', { hosts: ['httpbin.org'], ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80 } });
    const manifests = synth(chart);
    expect(findOne(manifests, 'ServiceEntry', 'httpbin-org').spec.ports).toEqual([{ number: 80, protocol: 'HTTP', name: 'http-80', targetPort: 443 }]);
    expect(findOne(manifests, 'DestinationRule', 'httpbin-org').spec).toEqual({
      host: 'httpbin.org',
      trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'httpbin.org', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }] },
      exportTo: ['.'],
    });
  });

  test('MUTUAL TLS origination with a credential secret', () => {
    const chart = newChart();
    new ExternalService(chart, 'partner', {
      hosts: ['api.partner.example'],
      ports: [{ number: 80, protocol: Protocol.HTTP }],
      tlsOrigination: { port: 80, mode: OriginationTlsMode.MUTUAL, credentialName: 'partner-client' },
    });
    const dr = findOne(synth(chart), 'DestinationRule', 'api-partner-example');
    expect(dr.spec.trafficPolicy.portLevelSettings[0].tls).toEqual({ mode: 'MUTUAL', sni: 'api.partner.example', credentialName: 'partner-client' });
  });

  test('SNI routing: wildcard TLS hosts to an internal proxy, resolution NONE', () => {
    const chart = newChart();
    new ExternalService(chart, 'wikipedia', {
      hosts: ['*.wikipedia.org'],
      ports: [{ number: 443, protocol: Protocol.TLS }],
      sniRouting: { target: MeshService.fromName('sni-proxy', 'egress', { port: 8443 }) },
    });
    const manifests = synth(chart);
    expect(findOne(manifests, 'ServiceEntry', 'wikipedia').spec.resolution).toBe('NONE');
    const vs = findOne(manifests, 'VirtualService', 'wildcard-wikipedia-org');
    expect(vs.spec).toEqual({
      hosts: ['*.wikipedia.org'],
      tls: [{ match: [{ port: 443, sniHosts: ['*.wikipedia.org'] }], route: [{ destination: { host: 'sni-proxy.egress.svc.cluster.local', port: { number: 8443 } } }] }],
    });
  });

  test('egress gateway, HTTP: two hops with ISTIO_MUTUAL to the gateway', () => {
    const chart = newChart({ namespace: 'default' });
    const egress = new EgressGateway(chart, 'egress');
    new ExternalService(chart, 'cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressGateway: egress });
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'ServiceEntry', 'cnn').spec.exportTo).toEqual(['.', 'istio-system']);
    expect(findOne(manifests, 'Gateway', 'egress', 'istio-system').spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [{ port: { number: 443, name: 'https-edition-cnn-com-80', protocol: 'HTTPS' }, hosts: ['edition.cnn.com'], tls: { mode: 'ISTIO_MUTUAL' } }],
    });
    const vs = findOne(manifests, 'VirtualService', 'edition-cnn-com-egress');
    expect(vs.spec.gateways).toEqual(['istio-system/egress', 'mesh']);
    expect(vs.spec.http).toEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'edition-cnn-com', port: { number: 443 } } }] },
      { match: [{ gateways: ['istio-system/egress'], port: 443 }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }] },
    ]);
    const dr = findOne(manifests, 'DestinationRule', 'istio-egressgateway');
    expect(dr.spec.subsets[0].trafficPolicy.portLevelSettings[0].tls).toEqual({ mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' });
  });

  test('egress gateway with TLS origination at the gateway, and TLS passthrough', () => {
    const chart = newChart();
    const egress = new EgressGateway(chart, 'egress');
    new ExternalService(chart, 'cnn', {
      hosts: ['edition.cnn.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressGateway: egress, tlsOrigination: { port: 80 },
    });
    new ExternalService(chart, 'wiki', { hosts: ['en.wikipedia.org'], ports: [{ number: 443, protocol: Protocol.TLS }], egressGateway: egress });
    const manifests = synth(chart);
    expect(findOne(manifests, 'ServiceEntry', 'cnn').spec.ports.map((p: any) => p.number)).toEqual([80, 443]);
    expect(findOne(manifests, 'DestinationRule', 'edition-cnn-com').spec.trafficPolicy.portLevelSettings)
      .toEqual([{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'edition.cnn.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }]);
    expect(findOne(manifests, 'VirtualService', 'edition-cnn-com-egress').spec.http[1].route[0].destination.port).toEqual({ number: 443 });
    const wiki = findOne(manifests, 'VirtualService', 'en-wikipedia-org-egress');
    expect(wiki.spec.tls.map((r: any) => r.match[0])).toEqual([
      { gateways: ['mesh'], port: 443, sniHosts: ['en.wikipedia.org'] },
      { gateways: ['istio-system/egress'], port: 443, sniHosts: ['en.wikipedia.org'] },
    ]);
    expect(findAll(manifests, 'Gateway')[0].spec.servers).toHaveLength(2);
  });

  test('escape hatch', () => {
    const chart = newChart();
    const es = new ExternalService(chart, 'x', { hosts: ['x.example.com'], ports: [{ number: 443, protocol: Protocol.TLS }] });
    ApiObject.of(es).addJsonPatch(JsonPatch.add('/spec/exportTo', ['*']));
    expect(findOne(synth(chart), 'ServiceEntry', 'x').spec.exportTo).toEqual(['*']);
  });
});

describe('ExternalService validation', () => {
  const tls = [{ number: 443, protocol: Protocol.TLS }];
  const make = (props: any) => new ExternalService(newChart(), 'es', { hosts: ['api.example.com'], ports: tls, ...props });

  test('fails on a TCP port without addresses (IST0134)', () => {
    expect(() => make({ ports: [{ number: 5432, protocol: Protocol.TCP }] }))
      .toThrow("test/es: addresses are required for the TCP port 5432 ('tcp-5432') when the mesh does not allocate addresses (istioctl IST0134), got [].");
  });
  test('fails on TCP without addresses with NONE resolution even when allocation is on', () => {
    expect(() => make({ ports: [{ number: 5432, protocol: Protocol.TCP }], resolution: ServiceResolution.NONE, addressAutoAllocation: true }))
      .toThrow('test/es: addresses are required for the TCP port 5432');
  });
  test('TLS origination with a custom CA bundle and subject alt names', () => {
    const chart = newChart();
    new ExternalService(chart, 'api', {
      hosts: ['api.example.com'],
      ports: [{ number: 80, protocol: Protocol.HTTP }],
      tlsOrigination: { port: 80, caCertificates: '/etc/custom/ca.pem', subjectAltNames: ['api.example.com', 'spiffe://example.com/api'] },
    });
    expect(findOne(synth(chart), 'DestinationRule', 'api-example-com').spec.trafficPolicy.portLevelSettings[0].tls)
      .toEqual({ mode: 'SIMPLE', sni: 'api.example.com', caCertificates: '/etc/custom/ca.pem', subjectAltNames: ['api.example.com', 'spiffe://example.com/api'] });
  });
  test('fails on a relative CA bundle path', () => {
    expect(() => make({ ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80, caCertificates: 'ca.pem' } }))
      .toThrow("test/es: tlsOrigination.caCertificates must be an absolute path in the proxy container, got 'ca.pem'.");
  });
  test('fails on a CA bundle with a credential', () => {
    expect(() => make({
      ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80, mode: OriginationTlsMode.MUTUAL, credentialName: 'client', caCertificates: '/ca.pem' },
    })).toThrow("test/es: tlsOrigination.caCertificates cannot be combined with credentialName (istiod rejects both), got '/ca.pem'.");
  });
  test('fails on no hosts', () => {
    expect(() => make({ hosts: [] })).toThrow("test/es: hosts must list at least one host, got []. List the names applications call, e.g. ['api.example.com'].");
  });
  test('fails on * as a host', () => {
    expect(() => make({ hosts: ['*'] })).toThrow("test/es: hosts must not be '*' (it matches every host); name the hosts you mean, got '*'.");
  });
  test('fails on a partial wildcard', () => {
    expect(() => make({ hosts: ['*api.example.com'] })).toThrow("test/es: hosts must not use a partial wildcard ('*api')");
  });
  test('fails on no ports', () => {
    expect(() => make({ ports: [] })).toThrow('test/es: ports must list at least one port, got [].');
  });
  test('fails on duplicate port numbers', () => {
    expect(() => make({ ports: [...tls, { number: 443, protocol: Protocol.HTTPS }] })).toThrow('test/es: ports[1].number must be unique, got 443. Declare each port number once.');
  });
  test('fails on duplicate port names', () => {
    expect(() => make({ ports: [{ number: 443, protocol: Protocol.TLS, name: 'tls' }, { number: 8443, protocol: Protocol.TLS, name: 'tls' }] }))
      .toThrow("test/es: ports[1].name must be unique, got 'tls'. Give each port its own name.");
  });
  test('fails on an invalid port name', () => {
    expect(() => make({ ports: [{ number: 443, protocol: Protocol.TLS, name: 'TLS_Port' }] })).toThrow('test/es: ports[0].name must be a DNS label');
  });
  test('fails on DNS resolution of a wildcard host', () => {
    expect(() => make({ hosts: ['*.example.com'], resolution: ServiceResolution.DNS }))
      .toThrow("test/es: resolution cannot be DNS for the wildcard host '*.example.com' without endpoints (there is no name to resolve), got 'DNS'.");
  });
  test('fails on NONE with endpoints', () => {
    expect(() => make({ resolution: ServiceResolution.NONE, endpoints: [{ address: '10.0.0.1' }] })).toThrow('test/es: endpoints must be empty with NONE resolution, got ["10.0.0.1"].');
  });
  test('fails on STATIC without endpoints', () => {
    expect(() => make({ resolution: ServiceResolution.STATIC })).toThrow('test/es: endpoints must list at least one endpoint with STATIC resolution, got [].');
  });
  test('fails on a STATIC endpoint that is a name', () => {
    expect(() => make({ resolution: ServiceResolution.STATIC, endpoints: [{ address: 'db.example.com' }] }))
      .toThrow("test/es: endpoints[0].address must be an IP address with STATIC resolution, got 'db.example.com'.");
  });
  test('fails on DNS_ROUND_ROBIN with several endpoints', () => {
    expect(() => make({ resolution: ServiceResolution.DNS_ROUND_ROBIN, endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }))
      .toThrow('test/es: endpoints must have at most one endpoint with DNS_ROUND_ROBIN resolution');
  });
  test('fails on CIDR addresses with DNS resolution', () => {
    expect(() => make({ addresses: ['10.0.0.0/24'] })).toThrow("test/es: addresses may use CIDR blocks only with NONE or STATIC resolution, not DNS, got '10.0.0.0/24'.");
  });
  test('fails on an invalid address', () => {
    expect(() => make({ addresses: ['10.0.0.300'] })).toThrow("test/es: addresses must be an IP address or CIDR block such as 10.0.0.0/16, got '10.0.0.300'.");
  });
  test('fails on an endpoint port that names no service port', () => {
    expect(() => make({ endpoints: [{ address: 'a.example.com', ports: { https: 8443 } }] }))
      .toThrow("test/es: endpoints[0].ports must name ports of the service (tls-443), got 'https'.");
  });
  test('fails on several hosts with a TCP port', () => {
    expect(() => make({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 5432, protocol: Protocol.TCP }], addressAutoAllocation: true }))
      .toThrow('test/es: hosts must be a single host for the TCP port (the proxy cannot tell the hosts apart without HTTP or SNI)');
  });
  test('fails on a duplicate exportTo', () => {
    expect(() => make({ exportTo: [ExportTo.THIS_NAMESPACE, ExportTo.namespace('default')] })).toThrow('test/es: exportTo must not list a namespace twice');
  });
  test('fails on TLS origination of a non-HTTP port', () => {
    expect(() => make({ tlsOrigination: { port: 443 } })).toThrow('test/es: tlsOrigination.port must be an HTTP port of the service, got 443.');
  });
  test('fails on MUTUAL origination without a credential', () => {
    expect(() => make({ ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80, mode: OriginationTlsMode.MUTUAL } }))
      .toThrow('test/es: tlsOrigination.credentialName is required for MUTUAL TLS, got nothing.');
  });
  test('fails on TLS origination for wildcard hosts', () => {
    expect(() => make({ hosts: ['*.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80 } }))
      .toThrow("test/es: tlsOrigination needs exact hosts (the certificate is verified against the host name), got '*.example.com'.");
  });
  test('fails on SNI routing without a TLS port', () => {
    expect(() => make({ ports: [{ number: 80, protocol: Protocol.HTTP }], sniRouting: { target: MeshService.fromName('proxy', 'egress', { port: 443 }) } }))
      .toThrow('test/es: sniRouting needs a TLS or HTTPS port (SNI is only seen in TLS), got [80].');
  });
  test('fails on an exportTo that hides the service from its egress gateway', () => {
    const chart = newChart();
    const egress = new EgressGateway(chart, 'egress');
    expect(() => new ExternalService(chart, 'es', { hosts: ['a.example.com'], ports: tls, egressGateway: egress, exportTo: [ExportTo.THIS_NAMESPACE] }))
      .toThrow("test/es: exportTo must include the egress gateway's namespace 'istio-system', got [\".\"].");
  });
  test('fails on an egress gateway without external services', () => {
    const chart = newChart();
    new EgressGateway(chart, 'egress');
    expect(() => synth(chart)).toThrow("test/egress: egress gateway 'egress' has no external services, got nothing.");
  });
});
