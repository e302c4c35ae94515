/**
 * Defects the property-based harness (test/fuzz) found, each reproduced as the user wrote it.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AuthorizationAction, AuthorizationPolicy, CanaryRelease, ClusterIssuer, Dataplane, EgressGateway, ExportTo, ExternalService, IssuerConfig, MeshCa,
  FindingLevel, Issuer, MeshAnalysis, MeshCaRoot, MeshCluster, MeshFederation, MeshService, MtlsMode, MtlsNamespace, PolicyTarget,
  PrometheusMonitors, Protocol,
  ReleaseVersion,
} from '../src';

process.env.CDK8S_ISTIO_SILENT = '1';

function chart(namespace?: string): { app: App; c0: Chart } {
  const app = Testing.app();
  return { app, c0: new Chart(app, 'c0', namespace === undefined ? {} : { namespace }) };
}

describe('versions deployed outside the app', () => {
  test('a subset selecting no pod in the files synthesizes when its version comes from labels', () => {
    // Given a canary whose v1 is a Deployment of the app and v2 is deployed elsewhere
    const { app, c0 } = chart();
    const d = new kplus.Deployment(c0, 'deploy', { metadata: { name: 'reviews' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    const svc = new kplus.Service(c0, 'svc', { metadata: { name: 'reviews' }, ports: [{ port: 9080, targetPort: 8080 }], selector: d });
    new CanaryRelease(c0, 'rel', {
      service: MeshService.fromService(svc), versions: [ReleaseVersion.fromDeployment('v1', d), ReleaseVersion.fromLabels('v2')], canaryWeight: 10,
    });

    // When it is synthesized, Then the DestinationRule keeps both subsets
    const dr = app.synth() === undefined && Testing.synth(c0).find((o) => o.kind === 'DestinationRule');
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
  });

  test('fails at the release when a version deployment lives in another namespace than the service', () => {
    const { app, c0 } = chart();
    const d = new kplus.Deployment(c0, 'deploy', { metadata: { name: 'reviews', namespace: 'shop' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    new CanaryRelease(c0, 'rel', {
      service: MeshService.fromName('reviews', 'default'), versions: [ReleaseVersion.fromDeployment('v1', d), ReleaseVersion.fromLabels('v2')], canaryWeight: 10,
    });
    expect(() => app.synth()).toThrow(/c0\/rel: versions\['v1'\] deployment 'c0\/deploy' must run in the service's namespace 'default', got 'shop'\. Deploy the version next to the service/);
  });

  test("fails at the egress gateway when its service selects the app's pods, not the gateway's", () => {
    const { app, c0 } = chart();
    const d = new kplus.Deployment(c0, 'deploy', { metadata: { name: 'reviews' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    const svc = new kplus.Service(c0, 'svc', { metadata: { name: 'reviews' }, ports: [{ port: 9080, targetPort: 8080 }], selector: d });
    const egress = new EgressGateway(c0, 'egress', { service: MeshService.fromService(svc) });
    new ExternalService(c0, 'ext', { hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressGateway: egress });
    expect(() => app.synth()).toThrow(/c0\/egress: service selects the pods of 'c0\/deploy', which lack the gateway's selector labels \{"istio":"egressgateway"\}/);
  });
});

describe('mTLS of the root namespace is mesh-wide', () => {
  test('a DENY policy on peer identity under a PERMISSIVE root namespace fails at the policy', () => {
    const { app, c0 } = chart();
    new MtlsNamespace(c0, 'a', { name: 'istio-system', mtls: MtlsMode.PERMISSIVE });
    new AuthorizationPolicy(c0, 'p', { target: PolicyTarget.namespace('default'), action: AuthorizationAction.DENY, rules: [{ from: [{ namespaces: ['shop'] }] }] });
    expect(() => app.synth()).toThrow(/c0\/p: rules use namespaces, which only exist with mutual TLS, but the mesh \(root namespace 'istio-system'\) is PERMISSIVE, got \["namespaces"\]/);
  });
});

describe('ExportTo.NO_NAMESPACE with TLS origination', () => {
  test('the DestinationRule is exported as the ServiceEntry is, in a form istiod accepts', () => {
    const { c0 } = chart();
    new ExternalService(c0, 'a', { exportTo: [ExportTo.NO_NAMESPACE], hosts: ['api.example.com'], ports: [{ number: 8080, protocol: Protocol.HTTP }], tlsOrigination: { port: 8080 } });
    const out = Testing.synth(c0);
    expect(out.find((o) => o.kind === 'ServiceEntry').spec.exportTo).toEqual(['~']);
    expect(out.find((o) => o.kind === 'DestinationRule').spec.exportTo).toEqual(['.']);
  });
});

describe('namespaces taken from charts and cdk8s-plus objects', () => {
  test('PolicyTarget.workload in a chart with an invalid namespace fails at the policy', () => {
    const { app, c0 } = chart('Shop');
    expect(() => {
      new AuthorizationPolicy(c0, 'p', { target: PolicyTarget.workload(new kplus.Deployment(c0, 'd', { containers: [{ image: 'nginx' }] })) });
      app.synth();
    }).toThrow(/^c0\/p: target\.namespace must be a DNS label .*, got 'Shop'\. It comes from the namespace of chart 'c0', where 'c0\/d' is defined/);
  });
});

describe('errors of the children a construct creates are reported at the construct', () => {
  test('MeshCa: a root name another issuer of the app produces', () => {
    const { c0 } = chart();
    new ClusterIssuer(c0, 'issuer', { name: 'a', config: IssuerConfig.ca({ secretName: 'internal-ca' }) });
    expect(() => new MeshCa(c0, 'mesh-ca', { name: 'a' })).toThrow(/^c0\/mesh-ca: name makes the ClusterIssuer 'a', which 'c0\/issuer' also produces/);
  });

  test("MeshCa.addCluster: an intermediate's duration names the option", () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    const ca = new MeshCa(new Chart(app, 'c0'), 'mesh-ca');
    expect(() => ca.addCluster(a, { duration: Duration.minutes(30) })).toThrow(/^c0\/mesh-ca: addCluster options\.duration must be at least 1h/);
  });

  test('MeshCa: a second CA in one cluster names the scope', () => {
    const { c0 } = chart();
    new MeshCa(c0, 'one');
    expect(() => new MeshCa(c0, 'two')).toThrow(/^c0\/two: scope already has its Istio CA: Certificate 'istio-system\/cacerts' is produced by 'c0\/one'/);
  });

  test('MeshFederation.publishName names the argument', () => {
    const app = Testing.app();
    const a = new MeshCluster(app, 'cluster-a');
    expect(() => new MeshFederation(app, 'fed').publishName(a, 'shop', 'Cart')).toThrow(/^fed: publishName name must be a DNS label/);
  });
});

describe('MtlsNamespace next to a cdk8s-plus Namespace of the same name', () => {
  test('fails at the MtlsNamespace instead of rendering the namespace twice', () => {
    const { app, c0 } = chart();
    new kplus.Namespace(c0, 'kns', { metadata: { name: 'shop' } });
    new MtlsNamespace(c0, 'ns', { name: 'shop', dataplane: Dataplane.AMBIENT, waypoint: {} });
    expect(() => app.synth()).toThrow(/c0\/ns: name is the Namespace 'c0\/kns' of the app defines as well, got 'shop'\. Pass that Namespace/);
  });

  test('a Namespace added after a synth is seen by the next synth (the objects are indexed once per validation pass)', () => {
    // Given an app that synthesizes
    const { app, c0 } = chart();
    new MtlsNamespace(c0, 'ns', { name: 'shop' });
    new MtlsNamespace(c0, 'other', { name: 'other' });
    expect(() => Testing.synth(c0)).not.toThrow();
    // When a Namespace of the same name is added and the app synthesized again (same tick)
    new kplus.Namespace(c0, 'kns', { metadata: { name: 'shop' } });
    // Then the duplicate is found, by a chart synth and by the construct's own validation
    expect(() => Testing.synth(c0)).toThrow(/c0\/ns: name is the Namespace 'c0\/kns' of the app defines as well/);
    expect(c0.node.findChild('ns').node.validate()).toEqual([expect.stringMatching(/is the Namespace 'c0\/kns'/)]);
    expect(() => app.synth()).toThrow(/c0\/ns: name is the Namespace 'c0\/kns'/);
  });
});

describe('PrometheusMonitors istioNamespace', () => {
  test("narrows the istiod ServiceMonitor to istiod's namespace", () => {
    const { c0 } = chart();
    new PrometheusMonitors(c0, 'mon', { istioNamespace: 'mesh' });
    const monitor = Testing.synth(c0).find((o) => o.kind === 'ServiceMonitor');
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['mesh'] });
  });
});

describe('CIS2002 agrees with the construct on DENY policies that only exclude identities', () => {
  test('a DENY on notNamespaces under PERMISSIVE mTLS is a warning of both, not an analysis error', () => {
    // Given a DENY policy matching requests from outside 'shop', in a PERMISSIVE namespace
    const { c0 } = chart();
    new MtlsNamespace(c0, 'ns', { name: 'default', mtls: MtlsMode.PERMISSIVE });
    new AuthorizationPolicy(c0, 'p', { target: PolicyTarget.namespace('default'), action: AuthorizationAction.DENY, rules: [{ from: [{ notNamespaces: ['shop'] }] }] });

    // When it is synthesized and analyzed
    const findings = MeshAnalysis.analyze(Testing.synth(c0)).filter((f) => f.code === 'CIS2002');

    // Then plaintext requests are denied (they match notNamespaces): a warning, not a bypass
    expect(findings.map((f) => [f.level, f.message])).toEqual([[FindingLevel.WARNING,
      'The policy matches on peer identity (notNamespaces) but mTLS is PERMISSIVE here; plaintext requests carry no identity and are rejected.']]);
  });
});

describe('MeshCa with a namespaced Issuer as root', () => {
  test('names the root, not the certificate the construct makes of it', () => {
    const { c0 } = chart();
    const issuer = new Issuer(c0, 'issuer', { namespace: 'shop', config: IssuerConfig.ca({ secretName: 'internal-ca' }) });
    expect(() => new MeshCa(c0, 'mesh-ca', { root: MeshCaRoot.fromIssuer(issuer) }))
      .toThrow(/^c0\/mesh-ca: root is a namespaced Issuer in 'shop', but the certificate is in 'istio-system'/);
  });
});
