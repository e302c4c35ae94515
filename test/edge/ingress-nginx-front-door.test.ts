import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as fc from 'fast-check';
import {
  Dataplane, IngressNginxFrontDoor, IngressNginxFrontDoorProps, IngressNginxIngressOptions, IngressNginxPathType, MeshConfig, MeshService,
} from '../../src';
import { ValidationError } from '../../src/core/validation-error';
import { warningsOf } from '../../src/core/warnings';
import { findAll, findOne, newChart, synth } from '../helpers';

const SERVICE_UPSTREAM = 'nginx.ingress.kubernetes.io/service-upstream';
const UPSTREAM_VHOST = 'nginx.ingress.kubernetes.io/upstream-vhost';
const productpage = MeshService.fromName('productpage', 'bookinfo', { port: 9080 });
const SIDECAR: IngressNginxFrontDoorProps = { serviceCidrs: ['10.96.0.0/12'] };
const BOOKINFO: IngressNginxIngressOptions = { service: productpage, hosts: ['bookinfo.example.com'] };

function frontDoor(chart: Chart = newChart(), props: IngressNginxFrontDoorProps = SIDECAR): IngressNginxFrontDoor {
  return new IngressNginxFrontDoor(chart, 'ingress-nginx', props);
}

describe('IngressNginxFrontDoor', () => {
  test('defaults: a sidecar controller, one Ingress to the service with service-upstream and upstream-vhost', () => {
    const chart = newChart();
    frontDoor(chart).addIngress('productpage', BOOKINFO);
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const ingress = findOne(manifests, 'Ingress', 'productpage', 'bookinfo');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({
      [SERVICE_UPSTREAM]: 'true',
      [UPSTREAM_VHOST]: 'productpage.bookinfo.svc.cluster.local',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{
        host: 'bookinfo.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'productpage', port: { number: 9080 } } } }] },
      }],
    });
  });

  test('the controller pod template: inject label, no inbound capture, outbound capture of the Service CIDR only', () => {
    const door = frontDoor();
    expect(door.controllerPodLabels).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(door.controllerPodAnnotations).toEqual({
      'traffic.sidecar.istio.io/includeInboundPorts': '',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.96.0.0/12',
    });
    expect(door.controllerNamespaceLabels).toEqual({});
    expect(door.toValues()).toEqual({ controller: { podLabels: door.controllerPodLabels, podAnnotations: door.controllerPodAnnotations } });
  });

  test('dual-stack Service CIDRs are all captured, comma-separated as Istio reads them', () => {
    const door = frontDoor(newChart(), { serviceCidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] });
    expect(door.controllerPodAnnotations['traffic.sidecar.istio.io/includeOutboundIPRanges']).toBe('10.96.0.0/12,fd00:10:96::/112');
  });

  test('upstream-vhost is derived from the backend: a kplus Service, its namespace, its cluster domain and its only port', () => {
    // Given a Service defined in the app, in the chart's namespace, in a cluster with its own DNS domain
    const chart = newChart({ namespace: 'shop' });
    const web = new kplus.Service(chart, 'web', { metadata: { name: 'web' }, ports: [{ port: 8080 }] });
    // When it is exposed through the front door
    frontDoor(chart).addIngress('web', { service: MeshService.fromService(web, { clusterDomain: 'cluster-b.local' }), hosts: ['shop.example.com'] });
    // Then the Ingress is in the Service's namespace, with the Service's fully-qualified host and port
    const ingress = findOne(synth(chart), 'Ingress', 'web', 'shop');
    expect(ingress.metadata.annotations[UPSTREAM_VHOST]).toBe('web.shop.svc.cluster-b.local');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web', port: { number: 8080 } } });
  });

  test('hosts, paths, TLS secret, ingress class and name as given', () => {
    const chart = newChart();
    frontDoor(chart, { ...SIDECAR, ingressClassName: 'nginx-mesh' }).addIngress('productpage', {
      service: productpage,
      hosts: ['bookinfo.example.com', '*.bookinfo.example.com'],
      paths: [{ path: '/productpage', pathType: IngressNginxPathType.EXACT }, { path: '/static' }],
      tlsSecretName: 'bookinfo-tls',
      name: 'bookinfo-front',
    });
    const ingress = findOne(synth(chart), 'Ingress', 'bookinfo-front', 'bookinfo');
    expect(ingress.spec.ingressClassName).toBe('nginx-mesh');
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['bookinfo.example.com', '*.bookinfo.example.com']);
    for (const rule of ingress.spec.rules) {
      expect(rule.http.paths.map((p: any) => [p.path, p.pathType])).toEqual([['/productpage', 'Exact'], ['/static', 'Prefix']]);
    }
    expect(ingress.spec.tls).toEqual([{ hosts: ['bookinfo.example.com', '*.bookinfo.example.com'], secretName: 'bookinfo-tls' }]);
    // Ingress is built in (no CRD to check against): its typed L1 mapper keeps only the fields Kubernetes knows.
    expect(k8s.toJson_IngressSpec(ingress.spec)).toEqual(ingress.spec);
  });

  test('several services: one Ingress each, so each carries its own upstream-vhost', () => {
    const chart = newChart();
    const door = frontDoor(chart);
    door.addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/productpage' }] });
    door.addIngress('reviews', { service: MeshService.fromName('reviews', 'bookinfo', { port: 9080 }), hosts: ['bookinfo.example.com'], paths: [{ path: '/reviews' }] });
    const manifests = synth(chart);
    expect(findAll(manifests, 'Ingress').map((i) => i.metadata.annotations[UPSTREAM_VHOST]))
      .toEqual(['productpage.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local']);
  });

  test('ambient: enrolled by label with inbound capture bypassed, the namespace labelled, Host left alone', () => {
    // Given the controller's namespace in this app
    const chart = newChart();
    const namespace = new kplus.Namespace(chart, 'ns', { metadata: { name: 'ingress-nginx' } });
    // When the front door runs in ambient mode
    const door = frontDoor(chart, { dataplane: Dataplane.AMBIENT, controllerNamespace: namespace });
    door.addIngress('productpage', BOOKINFO);
    // Then the pods bypass inbound capture, the namespace is ambient, and the Ingress keeps service-upstream only
    expect(door.controllerPodLabels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(door.controllerPodAnnotations).toEqual({ 'ambient.istio.io/bypass-inbound-capture': 'true' });
    expect(door.controllerNamespaceLabels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    const manifests = synth(chart);
    expect(findOne(manifests, 'Namespace', 'ingress-nginx').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(findOne(manifests, 'Ingress', 'productpage').metadata.annotations).toEqual({ [SERVICE_UPSTREAM]: 'true' });
  });

  test('a revision: the pods carry istio.io/rev instead of the inject label', () => {
    const door = frontDoor(newChart(), { ...SIDECAR, dataplane: Dataplane.revision('canary') });
    expect(door.controllerPodLabels).toEqual({ 'istio.io/rev': 'canary' });
  });

  test('a sidecar namespace of the app is checked, not labelled', () => {
    const chart = newChart();
    const namespace = new kplus.Namespace(chart, 'ns', { metadata: { name: 'ingress-nginx' } });
    frontDoor(chart, { ...SIDECAR, controllerNamespace: namespace });
    expect(findOne(synth(chart), 'Namespace', 'ingress-nginx').metadata.labels).toBeUndefined();
  });

  test('warns that ingress-nginx is retired upstream and points to the Gateway API', () => {
    const chart = newChart();
    frontDoor(chart);
    expect(warningsOf(chart)).toEqual([expect.stringMatching(/^test\/ingress-nginx: ingress-nginx is retired upstream .*Kubernetes Gateway API/)]);
  });

  test('app.synth() writes the Helm values beside the manifests, deterministically', () => {
    // Given an app whose front door has two Service CIDRs
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingress-nginx-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'edge');
    frontDoor(chart, { serviceCidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] }).addIngress('productpage', BOOKINFO);
    // When the app is synthesized twice
    app.synth();
    const first = fs.readFileSync(path.join(outdir, 'ingress-nginx-values.yaml'), 'utf8');
    app.synth();
    // Then the file is the chart's values, with the empty string and "true" kept as strings
    expect(fs.readFileSync(path.join(outdir, 'ingress-nginx-values.yaml'), 'utf8')).toBe(first);
    expect(first).toContain([
      'controller:',
      '  podAnnotations:',
      '    traffic.sidecar.istio.io/includeInboundPorts: ""',
      '    traffic.sidecar.istio.io/includeOutboundIPRanges: 10.96.0.0/12,fd00:10:96::/112',
      '  podLabels:',
      '    sidecar.istio.io/inject: "true"',
    ].join('\n'));
    expect(first).toMatch(/^# ingress-nginx Helm values written by cdk8s-istio \(IngressNginxFrontDoor 'edge\/ingress-nginx'\)/);
    expect(first).toContain('helm upgrade --install ingress-nginx ingress-nginx/ingress-nginx -n ingress-nginx -f ingress-nginx-values.yaml');
    expect(fs.readdirSync(outdir).sort()).toEqual(['edge.k8s.yaml', 'ingress-nginx-values.yaml']);
  });

  test('Testing.synth writes no values file', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingress-nginx-'));
    const chart = new Chart(Testing.app({ outdir }), 'edge');
    frontDoor(chart);
    Testing.synth(chart);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('escape hatch: the returned Ingress takes JSON patches', () => {
    const chart = newChart();
    const ingress = frontDoor(chart).addIngress('productpage', BOOKINFO);
    ingress.addJsonPatch(JsonPatch.add('/metadata/annotations/cert-manager.io~1cluster-issuer', 'letsencrypt'));
    expect(ApiObject.of(ingress.node.scope!)).toBe(ingress);
    expect(findOne(synth(chart), 'Ingress', 'productpage').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
  });

  describe('fails', () => {
    test('without Service CIDRs in sidecar mode', () => {
      expect(() => frontDoor(newChart(), {})).toThrow(
        "test/ingress-nginx: serviceCidrs is required with the sidecar data plane, got nothing. Give the cluster's Service CIDRs (kube-apiserver --service-cluster-ip-range), e.g. ['10.96.0.0/12']: the sidecar captures outbound traffic to them only.");
    });

    test('on Service CIDRs in ambient mode', () => {
      expect(() => frontDoor(newChart(), { dataplane: Dataplane.AMBIENT, serviceCidrs: ['10.96.0.0/12'] })).toThrow(
        'test/ingress-nginx: serviceCidrs is not used in ambient mode, got ["10.96.0.0/12"]. ztunnel captures the traffic of enrolled pods whatever its destination; remove serviceCidrs, or use the sidecar data plane.');
    });

    test('on an empty list of Service CIDRs', () => {
      expect(() => frontDoor(newChart(), { serviceCidrs: [] })).toThrow('test/ingress-nginx: serviceCidrs must list at least one CIDR block, got [].');
    });

    test.each([
      ['10.96.0.1', 'must be a CIDR block with a prefix length, such as 10.96.0.0/12'],
      ['10.96.0.0/33', 'must have a prefix length from 0 to 32'],
      ['10.96.0.0/012', 'must have a prefix length without leading zeros'],
      ['fd00::/129', 'must have a prefix length from 0 to 128'],
      ['service-cidr', 'must be a CIDR block with a prefix length, such as 10.96.0.0/12'],
      ['*', 'must be a CIDR block with a prefix length, such as 10.96.0.0/12'],
    ])('on the Service CIDR %s', (cidr, rule) => {
      expect(() => frontDoor(newChart(), { serviceCidrs: [cidr] })).toThrow(
        `test/ingress-nginx: serviceCidrs[0] ${rule}, got '${cidr}'. Use the Service CIDR as kube-apiserver's --service-cluster-ip-range gives it, e.g. '10.96.0.0/12'.`);
    });

    test('on a repeated Service CIDR', () => {
      expect(() => frontDoor(newChart(), { serviceCidrs: ['10.96.0.0/12', '10.96.0.0/12'] })).toThrow(
        "test/ingress-nginx: serviceCidrs[1] must not repeat a CIDR block, got '10.96.0.0/12'. List each block once.");
    });

    test('on an invalid ingress class name', () => {
      expect(() => frontDoor(newChart(), { ...SIDECAR, ingressClassName: 'Nginx' })).toThrow(
        "test/ingress-nginx: ingressClassName must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Nginx'.");
    });

    test('on a second front door for one ingress class', () => {
      const chart = newChart();
      frontDoor(chart);
      expect(() => new IngressNginxFrontDoor(chart, 'other', { ...SIDECAR, valuesFile: 'other.yaml' })).toThrow(
        "test/other: ingressClassName is already served by front door 'test/ingress-nginx', got 'nginx'. Add the Ingresses to that front door (addIngress), or give this controller its own IngressClass.");
    });

    test.each(['ingress.k8s.yaml', 'values.json', '../values.yaml'])('on the values file name %s', (valuesFile) => {
      expect(() => frontDoor(newChart(), { ...SIDECAR, valuesFile })).toThrow(
        `test/ingress-nginx: valuesFile must be a file name ending in .yaml (not .k8s.yaml, the manifests' suffix), got '${valuesFile}'.`);
    });

    test('on a values file name another front door writes', () => {
      const chart = newChart();
      frontDoor(chart);
      expect(() => new IngressNginxFrontDoor(chart, 'other', { ...SIDECAR, ingressClassName: 'other' })).toThrow(
        "test/other: valuesFile must differ from the values file of 'test/ingress-nginx', got 'ingress-nginx-values.yaml'. Give one of them another file name; both are written into the same output directory.");
    });

    test("on the MeshConfig's values file name", () => {
      const chart = newChart();
      new MeshConfig(chart, 'mesh');
      expect(() => frontDoor(chart, { ...SIDECAR, valuesFile: 'istiod-values.yaml' })).toThrow(
        "test/ingress-nginx: valuesFile must differ from the values file of 'test/mesh', got 'istiod-values.yaml'. Give one of them another file name");
    });

    test('on an empty or repeated addIngress id', () => {
      const door = frontDoor();
      expect(() => door.addIngress('', BOOKINFO)).toThrow("test/ingress-nginx: addIngress id must not be empty, got ''.");
      door.addIngress('productpage', BOOKINFO);
      expect(() => door.addIngress('productpage', { ...BOOKINFO, hosts: ['other.example.com'] })).toThrow(
        "test/ingress-nginx: addIngress id must be unique within the front door, got 'productpage'. Give each Ingress its own id.");
    });

    test('on an invalid Ingress name', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, name: 'Product_Page' })).toThrow(
        "test/ingress-nginx/productpage: name must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Product_Page'.");
    });

    test('on a backend without a port', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, service: MeshService.fromName('productpage', 'bookinfo') })).toThrow(
        "test/ingress-nginx/productpage: port is required, since MeshService 'productpage' has no port, got nothing. An Ingress backend names a service port");
    });

    test('on an invalid port', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, port: 70000 })).toThrow(
        'test/ingress-nginx/productpage: port must be a whole number from 1 to 65535, got 70000. Use the service port number, e.g. 9080.');
    });

    test("on a port the app's Service does not expose", () => {
      const chart = newChart();
      const web = new kplus.Service(chart, 'web', { metadata: { name: 'web' }, ports: [{ port: 8080 }] });
      expect(() => frontDoor(chart).addIngress('web', { service: MeshService.fromService(web), hosts: ['shop.example.com'], port: 80 })).toThrow(
        "test/ingress-nginx/web: port is not a port of service 'web' (its ports: 8080), got 80. Pick one of the ports the Service exposes.");
    });

    test('on a headless Service', () => {
      const chart = newChart();
      const db = new kplus.Service(chart, 'web', { metadata: { name: 'web' }, clusterIP: 'None', ports: [{ port: 8080 }] });
      expect(() => frontDoor(chart).addIngress('web', { service: MeshService.fromService(db), hosts: ['shop.example.com'] })).toThrow(
        "test/ingress-nginx/web: service must have a cluster IP, but it is headless (clusterIP: None), got 'web'. service-upstream sends traffic to the Service's cluster IP");
    });

    test('on an ExternalName Service', () => {
      const chart = newChart();
      const external = new kplus.Service(chart, 'ext', {
        metadata: { name: 'ext' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'api.example.com', ports: [{ port: 443 }],
      });
      expect(() => frontDoor(chart).addIngress('ext', { service: MeshService.fromService(external), hosts: ['shop.example.com'] })).toThrow(
        "test/ingress-nginx/ext: service must not be an ExternalName Service (it has no cluster IP for service-upstream, and no mesh workloads), got 'ext'.");
    });

    test('without hosts', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, hosts: [] })).toThrow(
        "test/ingress-nginx/productpage: hosts must list at least one host, got []. List the external names, e.g. ['bookinfo.example.com'].");
    });

    test.each([
      ['10.0.0.1', 'must be a host name, not an IP address'],
      ['productpage', "must be a fully-qualified name (short names such as 'reviews' are not allowed here)"],
      ['*', "must not be '*' (it matches every host); name the hosts you mean"],
      ['Bookinfo.example.com', 'must be lowercase (DNS names are case-insensitive; Kubernetes names are lowercase)'],
      ['*foo.example.com', "must not use a partial wildcard ('*foo'); use a whole first label such as '*.example.com'"],
    ])('on the host %s', (host, rule) => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, hosts: [host] })).toThrow(
        `test/ingress-nginx/productpage: hosts ${rule}, got '${host}'. Ingress hosts are fully-qualified names such as 'bookinfo.example.com' or '*.example.com'.`);
    });

    test('on a repeated host', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, hosts: ['a.example.com', 'a.example.com'] })).toThrow(
        "test/ingress-nginx/productpage: hosts must not list a host twice, got 'a.example.com'. Remove the duplicate.");
    });

    test('on an empty list of paths', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, paths: [] })).toThrow(
        'test/ingress-nginx/productpage: paths must list at least one path, got [].');
    });

    test.each([
      ['static', "must start with '/'"],
      ['/v1.0', "may only contain letters, digits, '/', '_' and '-' (ingress-nginx refuses other characters in Prefix and Exact paths)"],
      ['/api(/|$)(.*)', "may only contain letters, digits, '/', '_' and '-' (ingress-nginx refuses other characters in Prefix and Exact paths)"],
      ['/api//v1', "must not contain '//' (the API server refuses it)"],
    ])('on the path %s', (p, rule) => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/ok' }, { path: p }] })).toThrow(
        `test/ingress-nginx/productpage: paths[1].path ${rule}, got '${p}'. Use a path such as '/api' or '/static/images'.`);
    });

    test('on an unknown path type (from JavaScript)', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/api', pathType: 'ImplementationSpecific' as IngressNginxPathType }] })).toThrow(
        "test/ingress-nginx/productpage: paths[0].pathType must be one of Prefix, Exact, got 'ImplementationSpecific'. Use IngressNginxPathType, e.g. IngressNginxPathType.PREFIX.");
    });

    test('on a repeated path, a trailing slash included', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/api' }, { path: '/api/' }] })).toThrow(
        "test/ingress-nginx/productpage: paths[1].path must not repeat the Prefix path '/api' (a trailing '/' matches the same requests), got '/api/'. List each path once.");
      // An exact path and a prefix of the same text are different rules.
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/api' }, { path: '/api', pathType: IngressNginxPathType.EXACT }] })).not.toThrow();
    });

    test('on an invalid TLS secret name', () => {
      expect(() => frontDoor().addIngress('productpage', { ...BOOKINFO, tlsSecretName: 'Bookinfo_TLS' })).toThrow(
        "test/ingress-nginx/productpage: tlsSecretName must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got 'Bookinfo_TLS'. Secret names look like 'bookinfo-tls'; the Secret must be in the service's namespace ('bookinfo').");
    });

    test('on a host and path another Ingress already routes', () => {
      const door = frontDoor();
      door.addIngress('productpage', BOOKINFO);
      const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
      expect(() => door.addIngress('reviews', { service: reviews, hosts: ['bookinfo.example.com'] })).toThrow(
        "test/ingress-nginx/reviews: paths must not route host 'bookinfo.example.com' Prefix path '/' again: Ingress 'test/ingress-nginx/productpage' already routes it, got '/'. ingress-nginx's admission webhook rejects a host and path defined in two Ingresses; route it from one of them.");
      // Another path of the host is fine.
      expect(() => door.addIngress('reviews-api', { service: reviews, hosts: ['bookinfo.example.com'], paths: [{ path: '/reviews' }] })).not.toThrow();
    });

    test('on a host served with two certificates', () => {
      const door = frontDoor();
      door.addIngress('productpage', { ...BOOKINFO, paths: [{ path: '/productpage' }], tlsSecretName: 'bookinfo-tls' });
      const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
      expect(() => door.addIngress('reviews', { service: reviews, hosts: ['bookinfo.example.com'], paths: [{ path: '/reviews' }], tlsSecretName: 'other-tls' })).toThrow(
        "test/ingress-nginx/reviews: tlsSecretName must be the Secret that already serves host 'bookinfo.example.com' ('bookinfo/bookinfo-tls', from Ingress 'test/ingress-nginx/productpage'), got 'bookinfo/other-tls'.");
      // Leaving it out keeps the host's certificate.
      expect(() => door.addIngress('reviews-plain', { service: reviews, hosts: ['bookinfo.example.com'], paths: [{ path: '/reviews' }] })).not.toThrow();
    });

    describe("on controller namespace labels that override the controller's", () => {
      function withNamespace(labels: Record<string, string>, props: IngressNginxFrontDoorProps): () => unknown {
        const chart = newChart();
        const namespace = new kplus.Namespace(chart, 'ns', { metadata: { name: 'ingress-nginx', labels } });
        new IngressNginxFrontDoor(chart, 'ingress-nginx', { ...props, controllerNamespace: namespace });
        return () => synth(chart);
      }

      test('ambient in a namespace with sidecar injection', () => {
        expect(withNamespace({ 'istio-injection': 'enabled' }, { dataplane: Dataplane.AMBIENT })).toThrow(
          "test/ingress-nginx: controllerNamespace has the label istio-injection=enabled, so the controller pods would get a sidecar (it takes precedence over ambient) without the front-door settings, got 'ingress-nginx'.");
        expect(withNamespace({ 'istio.io/rev': 'canary' }, { dataplane: Dataplane.AMBIENT })).toThrow(
          'test/ingress-nginx: controllerNamespace has the label istio.io/rev=canary, so the controller pods would get a sidecar');
      });

      test('a sidecar in a namespace with injection disabled', () => {
        expect(withNamespace({ 'istio-injection': 'disabled' }, SIDECAR)).toThrow(
          "test/ingress-nginx: controllerNamespace has the label istio-injection=disabled, which overrides the controller pods' sidecar.istio.io/inject=true label, got 'ingress-nginx'. Remove the label from the namespace (the pod label alone enrols the controller), or enable injection.");
        // Injection enabled for the namespace injects the controller too.
        expect(withNamespace({ 'istio-injection': 'enabled' }, SIDECAR)).not.toThrow();
      });

      test('a revision in a namespace with another injection label', () => {
        const canary = { ...SIDECAR, dataplane: Dataplane.revision('canary') };
        expect(withNamespace({ 'istio-injection': 'enabled' }, canary)).toThrow(
          "test/ingress-nginx: controllerNamespace has the label istio-injection=enabled, which overrides the controller pods' istio.io/rev=canary label, got 'ingress-nginx'. Remove the label from the namespace (the pod label alone enrols the controller), or use Dataplane.SIDECAR.");
        expect(withNamespace({ 'istio.io/rev': 'stable' }, canary)).toThrow(
          "test/ingress-nginx: controllerNamespace has the label istio.io/rev=stable, which overrides the controller pods' istio.io/rev=canary label, got 'ingress-nginx'. Use Dataplane.revision('stable'), or remove the label from the namespace.");
        expect(withNamespace({ 'istio.io/rev': 'canary' }, canary)).not.toThrow();
      });
    });
  });
});

describe('IngressNginxFrontDoor, generated props (hostile values included)', () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const pick = <T>(...values: T[]) => fc.constantFrom(...values);
  /** Mostly well-formed values, sometimes hostile ones, so both outcomes are exercised. */
  const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 15 }, { arbitrary: hostile, weight: 1 });
  const host = mostly(pick('a.example.com', '*.example.com', 'x.y.example.org', 'b.example.com'), fc.oneof(
    pick('', ' ', '*', 'A.example.com', '10.0.0.1', '::1', 'localhost', 'a..b', '-a.com', 'ü.example.com', 'a/b', 'x'.repeat(254)), fc.string({ maxLength: 12 })));
  const cidr = mostly(pick('10.96.0.0/12', 'fd00:10:96::/112', '0.0.0.0/0', '172.20.0.0/16'),
    fc.oneof(pick('10.96.0.1', '10.96.0.0/33', '10.96.0.0/012', '', '*', 'a/b/c'), fc.string({ maxLength: 8 })));
  const ingressPath = mostly(pick('/', '/api', '/static/', '/a_b-c/D', '/login'),
    fc.oneof(pick('', 'api', '/v1.0', '//', '/a b', '/ü', '/(.*)'), fc.string({ maxLength: 8 })));
  const pathType = mostly(pick(IngressNginxPathType.PREFIX, IngressNginxPathType.EXACT, undefined), pick('ImplementationSpecific' as IngressNginxPathType));
  const props = fc.boolean().chain((ambient) => fc.record({
    ambient: fc.constant(ambient),
    // Service CIDRs belong to the sidecar data plane: mostly given there, mostly left out in ambient mode.
    serviceCidrs: ambient
      ? mostly(fc.constant(undefined), fc.array(cidr, { maxLength: 2 }))
      : mostly(fc.array(cidr, { minLength: 1, maxLength: 3 }), fc.constantFrom<string[] | undefined>(undefined, [])),
    ingressClassName: mostly(pick(undefined, 'nginx', 'internal.nginx'), pick('', 'Nginx', 'a b')),
    hosts: mostly(fc.array(host, { minLength: 1, maxLength: 3 }), fc.constant<string[]>([])),
    paths: mostly(fc.option(fc.array(fc.record({ path: ingressPath, pathType }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      fc.constant<Array<{ path: string; pathType: IngressNginxPathType | undefined }>>([])),
    port: mostly(pick(undefined, 80, 9080, 65535), fc.oneof(fc.integer({ min: -5, max: 70000 }), pick(1.5, NaN))),
    tlsSecretName: mostly(pick(undefined, 'tls', 'a.b'), pick('', 'TLS', 'a_b')),
    name: mostly(pick(undefined, 'front', 'a.b'), pick('', 'Front', 'a_b', 'x'.repeat(254))),
  }));
  const outcomes = { errors: 0, ingresses: 0 };

  test(`a clear error at the construct, or a valid Ingress showing every prop (seed ${seed}: repeat with FUZZ_SEED=${seed})`, () => {
    fc.assert(fc.property(props, (p) => {
      const chart = newChart();
      let door: IngressNginxFrontDoor;
      try {
        door = new IngressNginxFrontDoor(chart, 'door', {
          dataplane: p.ambient ? Dataplane.AMBIENT : Dataplane.SIDECAR, serviceCidrs: p.serviceCidrs, ingressClassName: p.ingressClassName,
        });
        door.addIngress('route', {
          service: MeshService.fromName('web', 'shop', { port: 8080 }), hosts: p.hosts, paths: p.paths, port: p.port, tlsSecretName: p.tlsSecretName, name: p.name,
        });
      } catch (e) {
        // The standard message: where, which prop, the rule, the value, the fix.
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message).toMatch(/^test\/door(\/route)?: \S.*, got .*\. \S/s);
        outcomes.errors++;
        return;
      }
      outcomes.ingresses++;
      const ingress = findOne(synth(chart), 'Ingress', p.name ?? 'route', 'shop');
      expect(ingress.metadata.annotations[SERVICE_UPSTREAM]).toBe('true');
      expect(ingress.metadata.annotations[UPSTREAM_VHOST]).toBe(p.ambient ? undefined : 'web.shop.svc.cluster.local');
      expect(ingress.spec.ingressClassName).toBe(p.ingressClassName ?? 'nginx');
      expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(p.hosts);
      for (const rule of ingress.spec.rules) {
        expect(rule.http.paths.map((x: any) => x.path)).toEqual((p.paths ?? [{ path: '/' }]).map((x) => x.path));
        for (const x of rule.http.paths) {
          expect(x.path).toMatch(/^\/[A-Za-z0-9/_-]*$/);
          expect(x.backend.service.port.number).toBe(p.port ?? 8080);
        }
      }
      expect(ingress.spec.tls?.[0]?.secretName).toBe(p.tlsSecretName);
      expect(k8s.toJson_IngressSpec(ingress.spec)).toEqual(ingress.spec);
      if (!p.ambient) expect(door.controllerPodAnnotations['traffic.sidecar.istio.io/includeOutboundIPRanges']).toBe(p.serviceCidrs!.join(','));
    }), { seed, numRuns: Number(process.env.FUZZ_RUNS ?? 200) });
    // Both outcomes were exercised (the generators are weighted towards valid props).
    expect(outcomes.errors).toBeGreaterThan(0);
    expect(outcomes.ingresses).toBeGreaterThan(0);
  });
});
