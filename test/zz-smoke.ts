import { Chart, Testing, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { CanaryRelease, CircuitBreaker, CircuitBreakerPreset, MeshService, ReleaseVersion, RoutingApi, RoutingDefaults, SecureGateway, GatewayCertificate, StringMatch } from '../src';
const app = Testing.app();
new RoutingDefaults(app, 'routing', { api: RoutingApi.GATEWAY_API });
const chart = new Chart(app, 'c', { namespace: 'bookinfo' });
const reviews = MeshService.fromName('reviews', 'bookinfo', { port: 9080 });
new CanaryRelease(chart, 'reviews', { service: reviews, versions: ['v1','v2','v3'].map((v) => ReleaseVersion.fromLabels(v)), weights: { v1: 90, v2: 10 },
  matchRoutes: [{ matches: [{ headers: { 'end-user': StringMatch.exact('jason') } }], version: 'v2' }], timeout: Duration.seconds(1.5), mirror: { version: 'v3', percentage: 10 } });
new CircuitBreaker(chart, 'cb', { service: reviews, preset: CircuitBreakerPreset.BALANCED });
const gw = new SecureGateway(chart, 'bookinfo-gateway', { hosts: ['bookinfo.example.com'], certificate: GatewayCertificate.fromSecret('bookinfo-tls') });
const productpage = MeshService.fromName('productpage', 'bookinfo', { port: 9080 });
gw.addRoute({ service: productpage, path: StringMatch.pathPrefix('/static') });
gw.addRoute({ service: productpage, pathPrefix: '/api/' });
gw.addRoute({ service: MeshService.fromName('web', 'bookinfo', { port: 80 }) });
console.log(YAML.stringify(Testing.synth(chart)));
