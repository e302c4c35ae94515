import { ApiObject, JsonPatch } from 'cdk8s';
import {
  CanaryRelease, EgressGateway, ExportTo, ExternalService, GatewayTlsMode, MeshService, OriginationTlsMode, Protocol, ReleaseVersion,
  SecureGateway, ServiceResolution,
} from '../../src';
import { shortDigest } from '../../src/core/naming';
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
      .toThrow('test/es: hosts must be a single host when the service has a TCP port (5432) and DNS resolution: the proxy cannot tell the hosts apart without HTTP or SNI (istiod rejects it), got ["a.example.com","b.example.com"]. Create one ExternalService per host, or use resolution NONE');
  });
  test('fails on several hosts with a TCP port even with addresses (istiod: "multiple hosts provided with non-HTTP, non-TLS ports")', () => {
    expect(() => make({ hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 5432, protocol: Protocol.TCP }] }))
      .toThrow('test/es: hosts must be a single host when the service has a TCP port (5432) and DNS resolution');
    expect(() => make({ hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 3306, protocol: Protocol.MYSQL }], resolution: ServiceResolution.STATIC, endpoints: [{ address: '10.0.0.1' }] }))
      .toThrow('test/es: hosts must be a single host when the service has a MYSQL port (3306) and STATIC resolution');
  });
  test('accepts several hosts with a TCP port and NONE resolution (the hosts are not used to route)', () => {
    const chart = newChart();
    new ExternalService(chart, 'es', { hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.0/24'], ports: [{ number: 5432, protocol: Protocol.TCP }], resolution: ServiceResolution.NONE });
    expect(findOne(synth(chart), 'ServiceEntry', 'es').spec.hosts).toEqual(['a.example.com', 'b.example.com']);
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
    expect(() => synth(chart)).toThrow("test/egress: hosts must have at least one host routed through egress gateway 'egress' (istiod rejects a Gateway without servers), got []. "
      + 'Route an ExternalService through it (ExternalService egressGateway), or remove the EgressGateway.');
  });
});

describe('ExternalService: hosts that read the same, long hosts', () => {
  const http = [{ number: 80, protocol: Protocol.HTTP }];

  test('egress: a-b.com and a.b-com get their own VirtualService, subset and gateway server', () => {
    // Given two hosts that both read 'a-b-com' once dots become dashes
    const chart = newChart({ namespace: 'default' });
    const egress = new EgressGateway(chart, 'egress');
    // When both are routed through the egress gateway
    new ExternalService(chart, 'ext', { hosts: ['a-b.com', 'a.b-com'], ports: http, egressGateway: egress });
    const manifests = synth(chart);
    // Then the first keeps the readable names and the second carries a digest of its host
    const second = shortDigest('gateway:istio-system/egress a.b-com');
    expect(findAll(manifests, 'VirtualService').map((vs) => [vs.metadata.name, vs.spec.hosts[0]]))
      .toEqual([['a-b-com-egress', 'a-b.com'], [`a-b-com-egress-${second}`, 'a.b-com']]);
    // and each subset of the hop sends its own host as SNI, and is the one its host's route uses
    const subsets = findOne(manifests, 'DestinationRule', 'istio-egressgateway').spec.subsets;
    expect(subsets.map((s: any) => [s.name, s.trafficPolicy.portLevelSettings[0].tls.sni]))
      .toEqual([['a-b-com', 'a-b.com'], [`a-b-com-${shortDigest('a.b-com')}`, 'a.b-com']]);
    for (const vs of findAll(manifests, 'VirtualService')) {
      const subset = vs.spec.http[0].route[0].destination.subset;
      expect(subsets.find((s: any) => s.name === subset).trafficPolicy.portLevelSettings[0].tls.sni).toBe(vs.spec.hosts[0]);
    }
    // and the gateway's port names are unique (istiod rejects duplicates)
    expect(findOne(manifests, 'Gateway', 'egress').spec.servers.map((srv: any) => [srv.port.name, srv.hosts[0]]))
      .toEqual([['https-a-b-com-80', 'a-b.com'], [`https-a-b-com-80-${shortDigest('a.b-com:80')}`, 'a.b-com']]);
  });

  test('egress: two ExternalServices of one namespace with hosts that read the same do not share a subset', () => {
    const chart = newChart({ namespace: 'default' });
    const egress = new EgressGateway(chart, 'egress');
    new ExternalService(chart, 'one', { hosts: ['a-b.com'], ports: http, egressGateway: egress });
    new ExternalService(chart, 'two', { hosts: ['a.b-com'], ports: http, egressGateway: egress });
    const subsets = findOne(synth(chart), 'DestinationRule', 'istio-egressgateway').spec.subsets;
    expect(subsets.map((s: any) => s.trafficPolicy.portLevelSettings[0].tls.sni)).toEqual(['a-b.com', 'a.b-com']);
    expect(new Set(subsets.map((s: any) => s.name)).size).toBe(2);
  });

  test('TLS origination: a-b.com and a.b-com get their own DestinationRule', () => {
    const chart = newChart();
    new ExternalService(chart, 'ext', { hosts: ['a-b.com', 'a.b-com'], ports: http, tlsOrigination: { port: 80 } });
    const rules = findAll(synth(chart), 'DestinationRule');
    expect(rules.map((dr) => [dr.metadata.name, dr.spec.host, dr.spec.trafficPolicy.portLevelSettings[0].tls.sni]))
      .toEqual([['a-b-com', 'a-b.com', 'a-b.com'], [`a-b-com-${shortDigest('a.b-com')}`, 'a.b-com', 'a.b-com']]);
  });

  test('TLS origination in two ExternalServices with hosts that read the same', () => {
    const chart = newChart();
    new ExternalService(chart, 'one', { hosts: ['a-b.com'], ports: http, tlsOrigination: { port: 80 } });
    new ExternalService(chart, 'two', { hosts: ['a.b-com'], ports: http, tlsOrigination: { port: 80 } });
    expect(findAll(synth(chart), 'DestinationRule').map((dr) => dr.spec.host)).toEqual(['a-b.com', 'a.b-com']);
  });

  test('a 253-character host through the egress gateway: every derived name fits its limit', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(host).toHaveLength(253);
    const chart = newChart();
    new ExternalService(chart, 'ext', { hosts: [host], ports: http, egressGateway: new EgressGateway(chart, 'egress'), tlsOrigination: { port: 80 } });
    const manifests = synth(chart); // schema-checked: names are DNS subdomains of at most 253
    const vs = findAll(manifests, 'VirtualService')[0];
    expect(vs.metadata.name).toHaveLength(253);
    expect(vs.metadata.name.endsWith(`-${shortDigest(`gateway:istio-system/egress ${host}`)}`)).toBe(true);
    const subset = findOne(manifests, 'DestinationRule', 'istio-egressgateway').spec.subsets[0].name;
    expect(subset).toMatch(/^[a-z0-9-]{1,63}$/);
    expect(findOne(manifests, 'DestinationRule', host.replace(/\./g, '-')).spec.host).toBe(host);
  });
});

describe('ExternalService: user settings are kept', () => {
  test('ports[].targetPort of the originated port is where TLS is sent (not replaced by 443)', () => {
    const chart = newChart();
    new ExternalService(chart, 'api', { hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP, targetPort: 8443 }], tlsOrigination: { port: 80 } });
    expect(findOne(synth(chart), 'ServiceEntry', 'api').spec.ports).toEqual([{ number: 80, protocol: 'HTTP', name: 'http-80', targetPort: 8443 }]);
  });

  test('the same TLS port in ports[].targetPort and tlsOrigination.targetPort is fine', () => {
    const chart = newChart();
    new ExternalService(chart, 'api', { hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP, targetPort: 8443 }], tlsOrigination: { port: 80, targetPort: 8443 } });
    expect(findOne(synth(chart), 'ServiceEntry', 'api').spec.ports[0].targetPort).toBe(8443);
  });

  test('fails when ports[].targetPort and tlsOrigination.targetPort disagree', () => {
    expect(() => new ExternalService(newChart(), 'api', {
      hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP, targetPort: 8080 }], tlsOrigination: { port: 80, targetPort: 443 },
    })).toThrow('test/api: tlsOrigination.targetPort must match ports[0].targetPort (8080): both say where TLS for port 80 is sent, got 443. '
      + 'Set the TLS port once, in ports[0].targetPort or in tlsOrigination.targetPort.');
  });

  test('at the egress gateway, ports[].targetPort of the originated port is the port the gateway sends TLS to', () => {
    const chart = newChart();
    new ExternalService(chart, 'api', {
      hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP, targetPort: 8443 }], tlsOrigination: { port: 80 }, egressGateway: new EgressGateway(chart, 'egress'),
    });
    const manifests = synth(chart);
    expect(findOne(manifests, 'ServiceEntry', 'api').spec.ports).toEqual([
      { number: 80, protocol: 'HTTP', name: 'http-80', targetPort: 8443 },
      { number: 8443, protocol: 'HTTPS', name: 'https-8443' },
    ]);
    expect(findOne(manifests, 'VirtualService', 'api-example-com-egress').spec.http[1].route[0].destination.port).toEqual({ number: 8443 });
    expect(findOne(manifests, 'DestinationRule', 'api-example-com').spec.trafficPolicy.portLevelSettings[0].port).toEqual({ number: 8443 });
  });
});

describe('ExternalService validation: istiod and schema rules', () => {
  const tls = [{ number: 443, protocol: Protocol.TLS }];
  const make = (props: any) => new ExternalService(newChart(), 'es', { hosts: ['api.example.com'], ports: tls, ...props });

  test('fails on a host longer than 253 characters', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.com`;
    expect(() => make({ hosts: [host] })).toThrow(`test/es: hosts must be at most 253 characters, DNS's limit (has 255), got '${host}'.`);
  });

  test('fails on a port name that the egress gateway needs for TLS origination', () => {
    const chart = newChart();
    expect(() => new ExternalService(chart, 'es', {
      hosts: ['api.example.com'],
      ports: [{ number: 80, protocol: Protocol.HTTP }, { number: 8443, protocol: Protocol.HTTPS, name: 'https-443' }],
      tlsOrigination: { port: 80 },
      egressGateway: new EgressGateway(chart, 'egress'),
    })).toThrow("test/es: ports[1].name must not be 'https-443': the egress gateway originates TLS to port 443, which this service declares under that name, got 'https-443'. "
      + "Rename port 8443, or declare port 443 yourself, e.g. { number: 443, protocol: Protocol.HTTPS, name: 'tls-origination' }.");
  });

  test('fails on several ports routed through an egress gateway (one server per host on its port 443)', () => {
    const chart = newChart();
    expect(() => new ExternalService(chart, 'es', {
      hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }, { number: 443, protocol: Protocol.TLS }], egressGateway: new EgressGateway(chart, 'egress'),
    })).toThrow('test/es: ports must have one port when routed through an egress gateway (each host reaches the gateway on its port 443 with the host as SNI), got [80,443].');
  });

  test('fails on a TCP port routed through an egress gateway', () => {
    const chart = newChart();
    expect(() => new ExternalService(chart, 'es', {
      hosts: ['db.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 5432, protocol: Protocol.TCP }], egressGateway: new EgressGateway(chart, 'egress'),
    })).toThrow('test/es: egressGateway does not route TCP ports yet, got 5432.');
  });

  test('fails on one host routed through one egress gateway by two ExternalServices', () => {
    const chart = newChart();
    const egress = new EgressGateway(chart, 'egress');
    new ExternalService(chart, 'one', { hosts: ['api.example.com'], ports: tls, egressGateway: egress });
    expect(() => new ExternalService(chart, 'two', { hosts: ['api.example.com'], ports: tls, egressGateway: egress }))
      .toThrow("test/two: egressGateway must receive each host once, but 'test/one' already routes it through egress gateway 'egress' (port 443), got 'api.example.com'. "
        + 'Route each host through the egress gateway from one ExternalService, on one port.');
  });

  test('fails on more hosts than the ServiceEntry schema allows', () => {
    const hosts = Array.from({ length: 257 }, (_, i) => `h${i}.example.com`);
    expect(() => make({ hosts })).toThrow("test/es: hosts must have at most 256 entries (the ServiceEntry schema's limit), got 257. Split the hosts over several ExternalServices.");
  });

  test('fails on more ports than the ServiceEntry schema allows', () => {
    const ports = Array.from({ length: 257 }, (_, i) => ({ number: 1000 + i, protocol: Protocol.TLS }));
    expect(() => make({ ports })).toThrow("test/es: ports must have at most 256 entries (the ServiceEntry schema's limit), got 257.");
  });

  test('fails on more addresses than the ServiceEntry schema allows', () => {
    const addresses = Array.from({ length: 257 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
    expect(() => make({ addresses })).toThrow("test/es: addresses must have at most 256 entries (the ServiceEntry schema's limit), got 257.");
  });

  test('fails on more endpoints than the ServiceEntry schema allows', () => {
    const endpoints = Array.from({ length: 4097 }, (_, i) => ({ address: `10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}` }));
    expect(() => make({ endpoints, resolution: ServiceResolution.STATIC })).toThrow("test/es: endpoints must have at most 4096 entries (the ServiceEntry schema's limit), got 4097.");
  });

  test('fails on an endpoint port override keyed by a 63-character port name (the CRD allows at most 62 there)', () => {
    const name = `p${'o'.repeat(62)}`;
    expect(() => make({ ports: [{ number: 443, protocol: Protocol.TLS, name }], endpoints: [{ address: 'a.example.com', ports: { [name]: 8443 } }] }))
      .toThrow(`test/es: endpoints[0].ports must use port names shorter than 63 characters (the API server rejects longer keys here), got '${name}'.`);
  });

  test('fails on an empty SAN to verify the originated TLS against', () => {
    expect(() => make({ ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: { port: 80, subjectAltNames: ['api.example.com', ''] } }))
      .toThrow("test/es: tlsOrigination.subjectAltNames must be a non-empty SAN without spaces, got ''. Use the names on the server's certificate, e.g. 'api.example.com'.");
  });

  test('fails on one host routed for the mesh from two namespaces (IST0109)', () => {
    const chart = newChart();
    const proxy = { target: MeshService.fromName('proxy', 'egress', { port: 443 }) };
    new ExternalService(chart, 'one', { hosts: ['api.example.com'], ports: tls, sniRouting: proxy, namespace: 'a' });
    expect(() => new ExternalService(chart, 'two', { hosts: ['api.example.com'], ports: tls, sniRouting: proxy, namespace: 'b' }))
      .toThrow("test/two: hosts would bind a second VirtualService for 'api.example.com' to the mesh (the mesh in namespace 'b'), but 'test/one' routes it for the mesh in namespace 'a'; "
        + "sidecars use only one of them (istioctl IST0109), got 'api.example.com'. Route each host in one place");
  });

  test('fails on one host routed through an egress gateway and through an SNI proxy (IST0109)', () => {
    const chart = newChart();
    new ExternalService(chart, 'one', { hosts: ['api.example.com'], ports: tls, egressGateway: new EgressGateway(chart, 'egress') });
    expect(() => new ExternalService(chart, 'two', { hosts: ['api.example.com'], ports: tls, sniRouting: { target: MeshService.fromName('proxy', 'egress', { port: 443 }) } }))
      .toThrow("test/two: hosts would bind a second VirtualService for 'api.example.com' to the mesh (the mesh in namespace 'default'), "
        + "but 'test/one' routes it for gateway 'istio-system/egress' and the mesh in namespace 'default'");
  });

  test('fails on a CanaryRelease for a service host an ExternalService already routes for the mesh (IST0109), at the release', () => {
    const chart = newChart();
    new ExternalService(chart, 'es', { hosts: ['reviews.default.svc.cluster.local'], ports: tls, egressGateway: new EgressGateway(chart, 'egress') });
    expect(() => new CanaryRelease(chart, 'reviews', { service: MeshService.fromName('reviews', 'default', { port: 443 }), versions: [ReleaseVersion.fromLabels('v1')] }))
      .toThrow("test/reviews: service would bind a second VirtualService for 'reviews.default.svc.cluster.local' to the mesh (the mesh in namespace 'default'), "
        + "but 'test/es' routes it for gateway 'istio-system/egress' and the mesh in namespace 'default'; sidecars use only one of them (istioctl IST0109)");
  });

  test('fails at synth on an egress gateway and a SecureGateway on one workload serving one host (IST0145)', () => {
    const chart = newChart();
    new ExternalService(chart, 'es', { hosts: ['api.example.com'], ports: tls, egressGateway: new EgressGateway(chart, 'egress') });
    new SecureGateway(chart, 'gw', { hosts: ['*.example.com'], tlsMode: GatewayTlsMode.ISTIO_MUTUAL, selector: { istio: 'egressgateway' } });
    expect(() => synth(chart)).toThrow("test/egress: hosts overlap with gateway 'test/gw' on the same workload (istio=egressgateway) and port 443, got 'api.example.com'. "
      + 'Istio keeps only one of the two servers (istioctl IST0145); route each host through one egress gateway, or give the gateways different workloads (selector).');
  });

  test('fails on an id that makes no object name, naming the id', () => {
    expect(() => new ExternalService(newChart(), '!!!', { hosts: ['api.example.com'], ports: tls }))
      .toThrow("test/!!!: id must make a valid object name, but '' (the id as a DNS label) must not be empty, got '!!!'. Use an id with letters or digits and at most 253 characters, or set name explicitly.");
  });
});
