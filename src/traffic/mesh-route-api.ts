import { IConstruct } from 'constructs';
import { perApp } from '../core/per-app';
import { RoutingApi } from '../core/routing-api';
import { routingSettings } from '../core/routing-settings';
import { pathOf, ValidationError } from '../core/validation-error';
import { addWarning } from '../core/warnings';
import { RouteApi } from '../model/mesh-model';
import { SecurityRegistry } from '../security/security-registry';

/*
 * Which API a service's mesh routes render with. Internal: not part of the jsii API.
 */

/** The API a host's mesh routes use, and why (for messages). */
export interface MeshRouteApi {
  readonly api: RouteApi;
  readonly reason?: string;
}

/**
 * The API of the mesh routes of a service in `namespace`: the construct's own choice, else the
 * Gateway API in an ambient namespace with a waypoint (VirtualServices at waypoints are alpha,
 * and the two APIs must not route one host), else the app default.
 */
export function meshRouteApi(scope: IConstruct, namespace: string, explicit: RoutingApi | undefined): MeshRouteApi {
  const record = SecurityRegistry.of(scope).namespaces.get(namespace);
  const waypoint = record !== undefined && record.ambient && record.usesWaypoint === true;
  if (explicit) {
    if (waypoint && explicit === RoutingApi.ISTIO) {
      addWarning(scope, `routes of namespace '${namespace}' render as a VirtualService (api: RoutingApi.ISTIO), but the namespace is ambient with a waypoint, `
        + 'where VirtualServices are alpha; leave api unset to render HTTPRoutes.');
    }
    return explicit === RoutingApi.ISTIO ? EXPLICIT_ISTIO : EXPLICIT_GATEWAY_API;
  }
  if (waypoint) return { api: 'gateway-api', reason: `namespace '${namespace}' is ambient with a waypoint` };
  rememberDecision(scope, namespace);
  // One answer per app (10,000-service apps ask for every release).
  return perApp(scope, 'routing-default-choice', () => {
    const settings = routingSettings(scope);
    return { api: settings.api, reason: settings.declaredBy ? `the default of '${pathOf(settings.declaredBy)}'` : undefined };
  });
}

const EXPLICIT_ISTIO: MeshRouteApi = { api: 'istio', reason: 'api: RoutingApi.ISTIO' };
const EXPLICIT_GATEWAY_API: MeshRouteApi = { api: 'gateway-api', reason: 'api: RoutingApi.GATEWAY_API' };

/**
 * Namespaces whose routes took the app default; an MtlsNamespace declared later that makes one
 * ambient with a waypoint would have changed the decision, which a synth-time check reports.
 */
function rememberDecision(scope: IConstruct, namespace: string): void {
  const decided = perApp(scope, 'routing-decisions', () => {
    const set = new Map<string, IConstruct>();
    scope.node.addValidation({ validate: () => lateWaypointErrors(scope, set) });
    return set;
  });
  if (!decided.has(namespace)) decided.set(namespace, scope);
}

function lateWaypointErrors(scope: IConstruct, decided: Map<string, IConstruct>): string[] {
  const registry = SecurityRegistry.of(scope);
  const errors: string[] = [];
  for (const [namespace, first] of decided) {
    const record = registry.namespaces.get(namespace);
    if (record?.ambient && record.usesWaypoint && routingSettings(scope).api !== 'gateway-api') {
      errors.push(new ValidationError(pathOf(first), 'service', `is routed with Istio's APIs in namespace '${namespace}', but MtlsNamespace '${record.path}', created after it, makes that namespace ambient with a waypoint (whose routes must be HTTPRoutes)`,
        namespace, 'Create the MtlsNamespace before the constructs that route its services.').message);
    }
  }
  return errors;
}
