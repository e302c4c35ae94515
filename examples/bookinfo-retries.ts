// Retries, typed: reads of ratings are retried on gateway errors, refused streams, failed
// connections and 503s, at most 3 times with 2s per try within the route's 10s; writes (POST,
// not idempotent) are never retried.
import { App, Chart, Duration } from 'cdk8s';
import { CanaryRelease, HttpMethod, RequestMatch, RetryOn, RetryPolicy, StringMatch } from '../src';
import { NAMESPACE, ratings, versions } from './lib/bookinfo';

export function build(app: App): void {
  const chart = new Chart(app, 'bookinfo-retries', { namespace: NAMESPACE });
  const reads: RetryPolicy = {
    attempts: 3,
    perTryTimeout: Duration.seconds(2),
    retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.RETRIABLE_STATUS_CODES],
    retryOnStatusCodes: [503],
  };
  const writes: RequestMatch[] = [{ method: HttpMethod.POST, uri: StringMatch.prefix('/ratings') }];
  new CanaryRelease(chart, 'ratings', {
    service: ratings,
    versions: versions('v1'),
    matchRoutes: [{ matches: writes, version: 'v1', retries: { attempts: 0 } }],
    timeout: Duration.seconds(10),
    retries: reads,
  });
}
