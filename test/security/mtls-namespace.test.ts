import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Dataplane, MeshMtls, MtlsMode, MtlsNamespace, OutboundTrafficPolicy, Waypoint } from '../../src';
import { findAll, findOne, newChart, synth } from '../helpers';

describe('MtlsNamespace', () => {
  test('defaults: sidecar-injected namespace with STRICT mTLS', () => {
    const chart = newChart();
    new MtlsNamespace(chart, 'shop');
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(findOne(manifests, 'PeerAuthentication', 'default', 'shop').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(findAll(manifests, 'Sidecar')).toHaveLength(0);
  });

  test('the Namespace is cluster-scoped even in a chart with a namespace', () => {
    const chart = newChart({ namespace: 'other' });
    new MtlsNamespace(chart, 'shop');
    expect(findOne(synth(chart), 'Namespace', 'shop').metadata.namespace).toBeUndefined();
  });

  test('a revision label replaces istio-injection', () => {
    const chart = newChart();
    new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.revision('1-30-3') });
    expect(findOne(synth(chart), 'Namespace', 'shop').metadata.labels).toEqual({ 'istio.io/rev': '1-30-3' });
  });

  test('ambient with a waypoint: dataplane label, use-waypoint label and the waypoint Gateway', () => {
    const chart = newChart();
    const ns = new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {} });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Namespace', 'shop').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    const gateway = findOne(manifests, 'Gateway', 'waypoint', 'shop');
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gateway.spec).toEqual({ gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    expect(ns.waypoint?.waypointName).toBe('waypoint');
  });

  test('an existing waypoint of another namespace adds use-waypoint-namespace', () => {
    const chart = newChart();
    new MtlsNamespace(chart, 'shop', { dataplane: Dataplane.AMBIENT, useWaypoint: Waypoint.fromName('shared', 'infra') });
    expect(findOne(synth(chart), 'Namespace', 'shop').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'shared',
      'istio.io/use-waypoint-namespace': 'infra',
    });
  });

  test('createNamespace false emits only the policies', () => {
    const chart = newChart();
    new MtlsNamespace(chart, 'legacy', { createNamespace: false, mtls: MtlsMode.PERMISSIVE });
    const manifests = synth(chart);
    expect(findAll(manifests, 'Namespace')).toHaveLength(0);
    expect(findOne(manifests, 'PeerAuthentication', 'default', 'legacy').spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('a kplus Namespace gets the labels instead of a second Namespace', () => {
    const chart = newChart();
    const ns = new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop' } });
    new MtlsNamespace(chart, 'mesh', { namespace: ns });
    const manifests = synth(chart);
    expect(findAll(manifests, 'Namespace')).toHaveLength(1);
    expect(findOne(manifests, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(findOne(manifests, 'PeerAuthentication', 'default', 'shop')).toBeDefined();
  });

  test('egress scoping: default hosts, added hosts and REGISTRY_ONLY', () => {
    const chart = newChart();
    const ns = new MtlsNamespace(chart, 'shop', { egress: { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY } });
    ns.allowEgressTo('payments/*', '*/api.stripe.com');
    expect(findOne(synth(chart), 'Sidecar', 'default', 'shop').spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*', 'payments/*', '*/api.stripe.com'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
  });

  test('workload override with port-level mTLS takes the selector from the workload', () => {
    const chart = newChart({ namespace: 'shop' });
    const ns = new MtlsNamespace(chart, 'shop');
    const legacy = new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'legacy', portNumber: 8080 }] });
    legacy.select(kplus.LabelSelector.of({ labels: { app: 'legacy' } }));
    ns.addWorkloadMtls('legacy-metrics', { workload: legacy, ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] });
    const pa = findOne(synth(chart), 'PeerAuthentication', 'legacy-metrics', 'shop');
    expect(pa.spec.selector.matchLabels.app).toBe('legacy');
    expect(pa.spec.portLevelMtls).toEqual({ 9090: { mode: 'PERMISSIVE' } });
    expect(pa.spec.mtls).toBeUndefined();
  });

  test('workload override by selector with a mode', () => {
    const chart = newChart();
    const ns = new MtlsNamespace(chart, 'shop');
    ns.addWorkloadMtls('db', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE });
    expect(findOne(synth(chart), 'PeerAuthentication', 'db', 'shop').spec).toEqual({
      selector: { matchLabels: { app: 'db' } }, mtls: { mode: 'PERMISSIVE' },
    });
  });

  test('escape hatch: the Namespace is the Resource child', () => {
    const chart = newChart();
    const ns = new MtlsNamespace(chart, 'shop');
    ApiObject.of(ns).addJsonPatch(JsonPatch.add('/metadata/labels/team', 'payments'));
    expect(findOne(synth(chart), 'Namespace', 'shop').metadata.labels.team).toBe('payments');
  });

  describe('fails', () => {
    test('DISABLE in an ambient namespace', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT, mtls: MtlsMode.DISABLE })).toThrow(
        "test/shop: mtls cannot be DISABLE in an ambient namespace, got 'DISABLE'. ztunnel ignores DISABLE and keeps using mTLS (HBONE); use PERMISSIVE to also accept plaintext, or the sidecar data plane.");
    });
    test('egress in an ambient namespace', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT, egress: {} })).toThrow(
        'test/shop: egress cannot be used in an ambient namespace, got {}. A Sidecar resource has no effect on ztunnel or waypoints; remove egress, or use Dataplane.SIDECAR.');
    });
    test('a waypoint in a sidecar namespace', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { waypoint: {} })).toThrow(
        'test/shop: waypoint needs the ambient data plane, got {}. Waypoints serve ambient namespaces; set dataplane: Dataplane.AMBIENT, or drop the waypoint (sidecars enforce L7 themselves).');
    });
    test('waypoint and useWaypoint together', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT, waypoint: {}, useWaypoint: Waypoint.fromName('w', 'x') })).toThrow(
        'test/shop: waypoint cannot be combined with useWaypoint, got {}. Either create a waypoint for the namespace (waypoint) or use an existing one (useWaypoint).');
    });
    test('a second injection label on a kplus Namespace', () => {
      const chart = newChart();
      const ns = new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
      expect(() => new MtlsNamespace(chart, 'mesh', { namespace: ns, dataplane: Dataplane.revision('canary') })).toThrow(
        "test/mesh: namespace already has the label istio-injection=enabled, which conflicts with istio.io/rev=canary, got 'shop'. A namespace takes exactly one enrolment label (istioctl IST0123); remove the other label or pick the matching dataplane.");
    });
    test('createNamespace false with a kplus Namespace', () => {
      const chart = newChart();
      const ns = new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop' } });
      expect(() => new MtlsNamespace(chart, 'mesh', { namespace: ns, createNamespace: false })).toThrow(
        'test/mesh: createNamespace cannot be false when a kplus Namespace is passed, got false. The Namespace is part of this app; drop createNamespace, or pass only name for a namespace that exists already.');
    });
    test('a name that differs from the kplus Namespace', () => {
      const chart = newChart();
      const ns = new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop' } });
      expect(() => new MtlsNamespace(chart, 'mesh', { namespace: ns, name: 'store' })).toThrow(
        "test/mesh: name must match the name of the kplus Namespace ('shop'), got 'store'. Leave name out; it is taken from the Namespace.");
    });
    test('an invalid name', () => {
      expect(() => new MtlsNamespace(newChart(), 'x', { name: 'Shop.prod' })).toThrow(
        "test/x: name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Shop.prod'. Use a name such as 'public-gateway' (no dots, at most 63 characters).");
    });
    test('the same namespace declared twice', () => {
      const chart = newChart();
      new MtlsNamespace(chart, 'shop', { createNamespace: false });
      expect(() => new MtlsNamespace(chart, 'again', { name: 'shop', createNamespace: false })).toThrow(
        "test/again: name is already declared by 'test/shop', got 'shop'. Declare each namespace once and reuse the construct.");
    });
    test('an invalid revision, at the namespace that uses it', () => {
      const dataplane = Dataplane.revision('1.30/x');
      expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane })).toThrow(
        "test/shop: dataplane.revision must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got '1.30/x'. Use the revision name istiod was installed with, e.g. '1-30-3' or 'canary'.");
    });
    test('an egress host without a namespace', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { egress: { hosts: ['api.example.com'] } })).toThrow(
        "test/shop: egress.hosts must have the form 'namespace/dnsName', got 'api.example.com'. Use 'namespace/dnsName', e.g. './*', 'istio-system/*' or '*/api.example.com'.");
    });
    test('an egress host with a bad DNS name', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { egress: { hosts: ['*/Api.example.com'] } })).toThrow(
        "test/shop: egress.hosts has a host that must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase), got '*/Api.example.com'.");
    });
    test('a repeated egress host', () => {
      const ns = new MtlsNamespace(newChart(), 'shop', { egress: {} });
      expect(() => ns.allowEgressTo('./*')).toThrow("test/shop: egress.hosts must not repeat a host, got './*'. List each host once.");
    });
    test('an empty egress host list (istiod rejects a listener without hosts)', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { egress: { hosts: [] } })).toThrow(
        "test/shop: egress.hosts must not be an empty list, got []. List the hosts the sidecars may reach, e.g. ['./*', 'istio-system/*'] (the default when hosts is left out); istiod rejects an egress listener without hosts.");
    });
    test("a host repeated as '.' and the namespace's name", () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { egress: { hosts: ['./*', 'shop/*'] } })).toThrow(
        "test/shop: egress.hosts must not repeat a host ('./*' is the same host in namespace 'shop'), got 'shop/*'. List each host once.");
    });
    test('a host a wildcard host already selects (istiod warns)', () => {
      const ns = new MtlsNamespace(newChart(), 'shop', { egress: {} });
      expect(() => ns.allowEgressTo('istio-system/istiod.istio-system.svc.cluster.local')).toThrow(
        "test/shop: egress.hosts must not list 'istio-system/istiod.istio-system.svc.cluster.local' together with 'istio-system/*', which already selects it, got 'istio-system/istiod.istio-system.svc.cluster.local'. Drop 'istio-system/istiod.istio-system.svc.cluster.local' ('istio-system/*' is one of the default hosts).");
    });
    test('a host a wildcard host the user listed already selects', () => {
      const ns = new MtlsNamespace(newChart(), 'shop', { egress: { hosts: ['./*'] } });
      expect(() => ns.allowEgressTo('shop/db.shop.svc.cluster.local')).toThrow(
        "test/shop: egress.hosts must not list 'shop/db.shop.svc.cluster.local' together with './*', which already selects it, got 'shop/db.shop.svc.cluster.local'. Drop 'shop/db.shop.svc.cluster.local'.");
    });
    test('a wildcard host after a host it selects', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { egress: { hosts: ['payments/api.payments.svc.cluster.local', 'payments/*'] } })).toThrow(
        "test/shop: egress.hosts must not list 'payments/api.payments.svc.cluster.local' together with 'payments/*', which already selects it, got 'payments/*'. Drop 'payments/api.payments.svc.cluster.local'.");
    });
    test('an invalid waypoint name names the prop of the namespace', () => {
      expect(() => new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT, waypoint: { name: 'My.Waypoint' } })).toThrow(
        "test/shop: waypoint.name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'My.Waypoint'. Waypoint names are DNS labels such as 'waypoint'.");
    });
    test('the root namespace of MeshMtls', () => {
      const chart = newChart();
      new MeshMtls(chart, 'mesh');
      expect(() => new MtlsNamespace(chart, 'istio-system')).toThrow(
        "test/istio-system: name is the mesh's root namespace, where MeshMtls 'test/mesh' declares the PeerAuthentication 'default', got 'istio-system'. In the root namespace that PeerAuthentication is the mesh-wide one: set the mode with MeshMtls only, and don't declare the root namespace as an MtlsNamespace.");
    });
    test('an empty workload override id', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('', { selector: { app: 'x' }, mode: MtlsMode.PERMISSIVE })).toThrow(
        "test/shop: addWorkloadMtls id must not be empty, got ''. Pass an id such as 'metrics'; it names the workload's PeerAuthentication.");
    });
    test('a repeated workload override id', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      ns.addWorkloadMtls('db', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE });
      expect(() => ns.addWorkloadMtls('db', { selector: { app: 'db' }, mode: MtlsMode.STRICT })).toThrow(
        "test/shop: addWorkloadMtls id must be unique, got 'db'. Give each workload override its own id, or combine the overrides of one workload in one call.");
    });
    test('two workload override ids that give one name', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      ns.addWorkloadMtls('db.main', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE });
      expect(() => ns.addWorkloadMtls('db-main', { selector: { app: 'db' }, mode: MtlsMode.STRICT })).toThrow(
        "test/shop: addWorkloadMtls id must be unique, but it gives the name 'db-main' like id 'db.main', got 'db-main'.");
    });
    test("a workload override id that gives the name 'default'", () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('Default', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE })).toThrow(
        "test/shop: addWorkloadMtls id must not give the name 'default', got 'Default'. The namespace-wide PeerAuthentication is named 'default'; name the override after the workload, e.g. 'metrics'.");
    });
    test('a workload override id without letters or digits', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('--', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE })).toThrow(
        "test/shop: addWorkloadMtls id must give a valid object name (it becomes '': lowercase letters, digits and '-', at most 253 characters), got '--'.");
    });
    test('a workload override id that is the id of another child', () => {
      const ns = new MtlsNamespace(newChart(), 'shop', { egress: {} });
      expect(() => ns.addWorkloadMtls('Sidecar', { selector: { app: 'db' }, mode: MtlsMode.PERMISSIVE })).toThrow(
        "test/shop: addWorkloadMtls id must not be the id of another child of this namespace, got 'Sidecar'. Use the workload's name, e.g. 'metrics'.");
    });
    test('a workload override for a workload without pod labels (at synth)', () => {
      const chart = newChart({ namespace: 'shop' });
      const ns = new MtlsNamespace(chart, 'shop');
      const app = new kplus.Deployment(chart, 'app', { containers: [{ image: 'x' }], select: false });
      ns.addWorkloadMtls('m', { workload: app, ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] });
      expect(() => synth(chart)).toThrow(
        `test/shop/m: workload must have pod selector labels, got 'shop/${app.name}'. Without labels the PeerAuthentication would apply to the whole namespace (istiod rejects port-level modes then); give the workload a selector (workload.select(...)), or pass selector.`);
      expect(ns.node.findChild('m').node.validate()).toEqual([
        `test/shop/m: workload must have pod selector labels, got 'shop/${app.name}'. Without labels the PeerAuthentication would apply to the whole namespace (istiod rejects port-level modes then); give the workload a selector (workload.select(...)), or pass selector.`,
      ]);
    });
    test('egress hosts without egress', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.allowEgressTo('./*')).toThrow(
        "test/shop: egress must be configured before egress hosts are added, got [\"./*\"]. Pass egress: {} to the MtlsNamespace (it starts from ['./*', 'istio-system/*']).");
    });
    test("'*/*' mixed with other hosts", () => {
      const chart = newChart();
      new MtlsNamespace(chart, 'shop', { egress: { hosts: ['*/*', './*'] } });
      expect(() => synth(chart)).toThrow(
        'test/shop: egress.hosts must not combine \'*/*\' with other hosts, got ["*/*","./*"]. \'*/*\' already selects every host; drop it to scope egress.');
    });
    test('a workload override without selector or workload', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('m', { ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] })).toThrow(
        "test/shop/m: workload or selector must be given (exactly one), got 'neither'. A workload-level PeerAuthentication needs a selector: pass the kplus workload, or its pod labels.");
    });
    test('a workload override without mode or ports', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('m', { selector: { app: 'x' } })).toThrow(
        "test/shop/m: mode or ports must be given, got {}. Set the workload's mode, or port-level modes, e.g. ports: [{ port: 9090, mode: MtlsMode.PERMISSIVE }].");
    });
    test('a workload override with an empty selector', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('m', { selector: {}, mode: MtlsMode.STRICT })).toThrow(
        "test/shop/m: selector must have at least one label, got []. Give at least one label, e.g. { app: 'reviews' }.");
    });
    test('a workload override for a workload of another namespace', () => {
      const chart = newChart({ namespace: 'other' });
      const ns = new MtlsNamespace(chart, 'shop');
      const app = new kplus.Deployment(chart, 'app', { containers: [{ image: 'x' }] });
      expect(() => ns.addWorkloadMtls('m', { workload: app, mode: MtlsMode.STRICT })).toThrow(
        `test/shop/m: workload must be in namespace 'shop', got 'other/${app.name}'. Add the override to the MtlsNamespace of the workload's namespace.`);
    });
    test('DISABLE for a port in an ambient namespace', () => {
      const ns = new MtlsNamespace(newChart(), 'shop', { dataplane: Dataplane.AMBIENT });
      expect(() => ns.addWorkloadMtls('m', { selector: { app: 'x' }, ports: [{ port: 9090, mode: MtlsMode.DISABLE }] })).toThrow(
        "test/shop/m: ports cannot use DISABLE in an ambient namespace, got 'DISABLE'. ztunnel ignores DISABLE and keeps using mTLS; use PERMISSIVE to also accept plaintext.");
    });
    test('an invalid port', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('m', { selector: { app: 'x' }, ports: [{ port: 0, mode: MtlsMode.STRICT }] })).toThrow(
        'test/shop/m: ports[0].port must be a whole number from 1 to 65535, got 0. Use the container port number, e.g. 9090.');
    });
    test('a repeated port', () => {
      const ns = new MtlsNamespace(newChart(), 'shop');
      expect(() => ns.addWorkloadMtls('m', { selector: { app: 'x' }, ports: [{ port: 9090, mode: MtlsMode.STRICT }, { port: 9090, mode: MtlsMode.PERMISSIVE }] })).toThrow(
        'test/shop/m: ports must not repeat a port, got 9090. Give each port one mode.');
    });
  });
});

describe('MeshMtls', () => {
  test('defaults: STRICT in istio-system', () => {
    const chart = newChart();
    new MeshMtls(chart, 'mesh');
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(findOne(manifests, 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('escape hatch', () => {
    const chart = newChart();
    const mesh = new MeshMtls(chart, 'mesh', { mode: MtlsMode.PERMISSIVE, rootNamespace: 'mesh-root' });
    ApiObject.of(mesh).addJsonPatch(JsonPatch.add('/metadata/labels', { owner: 'platform' }));
    const pa = findOne(synth(chart), 'PeerAuthentication', 'default', 'mesh-root');
    expect(pa.metadata.labels).toEqual({ owner: 'platform' });
    expect(pa.spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('fails when declared twice', () => {
    const chart = newChart();
    new MeshMtls(chart, 'a');
    expect(() => new MeshMtls(chart, 'b')).toThrow("test/b: mode is already set mesh-wide by 'test/a', got 'STRICT'. Declare one MeshMtls per app.");
  });

  test('fails on the root namespace of an MtlsNamespace', () => {
    const chart = newChart();
    new MtlsNamespace(chart, 'root', { name: 'istio-system', createNamespace: false });
    expect(() => new MeshMtls(chart, 'mesh')).toThrow(
      "test/mesh: rootNamespace is declared by MtlsNamespace 'test/root', which declares the PeerAuthentication 'default' there too, got 'istio-system'. In the root namespace that PeerAuthentication is the mesh-wide one: set the mode with MeshMtls only, and don't declare the root namespace as an MtlsNamespace.");
  });

  test('fails on an invalid root namespace', () => {
    expect(() => new MeshMtls(newChart(), 'a', { rootNamespace: 'Istio' })).toThrow(
      "test/a: rootNamespace must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit), got 'Istio'. Use the mesh's root namespace, usually 'istio-system'.");
  });
});
