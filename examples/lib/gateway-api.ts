// The routing API of the Gateway API examples: each builds with either API, so the
// equivalence test can render the same app both ways (`buildWith`), and `npm run examples`
// renders it through the Gateway API (`build`).
import { App } from 'cdk8s';
import { RoutingApi, RoutingDefaults } from '../../src';

/** Declares the app's routing API (before any construct that routes). */
export function useApi(app: App, api: RoutingApi): void {
  new RoutingDefaults(app, 'routing', { api });
}
