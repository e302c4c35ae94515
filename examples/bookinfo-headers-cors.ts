// Header operations and CORS on a route: requests to details get a tracing tag set and the
// internal debug header stripped; its responses lose the Server header; the storefront at
// https://shop.example.com may call it from the browser (GET and POST, preflight cached 10 minutes).
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, CorsPolicy, HeaderOperations, HttpMethod } from '../src';
import { details, NAMESPACE, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-headers-cors', { namespace: NAMESPACE });
  const requestHeaders: HeaderOperations = { set: { 'x-route': 'details-v1' }, remove: ['x-debug'] };
  const responseHeaders: HeaderOperations = { remove: ['server'] };
  const cors: CorsPolicy = {
    allowOrigins: ['https://shop.example.com'],
    allowMethods: [HttpMethod.GET, HttpMethod.POST],
    allowHeaders: ['content-type'],
    maxAge: Duration.minutes(10),
  };
  new CanaryRelease(chart, 'details', { service: details, versions: versions('v1'), requestHeaders, responseHeaders, cors });
}
