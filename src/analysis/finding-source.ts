import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Finding } from './finding';
import type * as VirtualServiceRules from './istiod/virtual-service';
import { claimantOf } from '../core/naming';
import { pathOf } from '../core/validation-error';
import { HttpRouteIntent, RouteTable, StreamRouteIntent } from '../model/mesh-model';
import { modelSourceOf } from '../render/model-renderers';

/**
 * Names, for a finding of the synth-time analysis, the constructs that rendered the object and,
 * where it can be traced, the prop: `chart/reviews (matchRoutes[1])`.
 *
 * Nothing is recorded for this at synth: constructs already register every object they render
 * (the object-name registry, the traffic model's route and policy owners), and this module loads
 * and looks them up only when there is a finding to report.
 */
export class FindingSources {
  private byObject?: Map<string, number>;

  constructor(private readonly objects: readonly ApiObject[], private readonly manifests: readonly any[]) {}

  /** `<construct path>[ (<prop>, ...)][, <construct path>...]`, or undefined for objects the app did not render. */
  public label(finding: Finding): string | undefined {
    const index = this.indexOf(finding);
    if (index === undefined) return undefined;
    const obj = this.objects[index];
    const source = modelSourceOf(obj);
    if (source instanceof RouteTable) {
      const routes = tracedRoutes(source, this.manifests[index], finding);
      if (routes) return describeRoutes(routes);
      return paths(source.owners.length > 0 ? source.owners : [source.firstOwner]);
    }
    if (source) return paths(source.owners);
    const claimant = claimantOf(obj, obj.apiVersion, obj.kind, obj.metadata.namespace, obj.name);
    if (claimant) return pathOf(claimant);
    // An object the app created itself: its construct (cdk8s names the primary object 'Resource').
    return pathOf(obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj);
  }

  private indexOf(finding: Finding): number | undefined {
    if (!this.byObject) {
      this.byObject = new Map();
      this.manifests.forEach((m, i) => this.byObject!.set(objectKey(m?.kind, m?.metadata?.namespace, m?.metadata?.name), i));
    }
    return this.byObject.get(objectKey(finding.resource.kind, finding.resource.namespace, finding.resource.name));
  }
}

function objectKey(kind: unknown, namespace: unknown, name: unknown): string {
  return `${kind}|${namespace ?? ''}|${name}`;
}

function paths(constructs: readonly IConstruct[]): string {
  return [...new Set(constructs.map(pathOf))].join(', ');
}

type RouteIntent = HttpRouteIntent | StreamRouteIntent;

/** `chart/a (matchRoutes[0], matchRoutes[2]), chart/b`: routes grouped by owner, in order. */
function describeRoutes(routes: readonly RouteIntent[]): string {
  const byOwner = new Map<string, Set<string>>();
  for (const route of routes) {
    const props = byOwner.get(pathOf(route.owner)) ?? new Set<string>();
    if (route.property) props.add(route.property);
    byOwner.set(pathOf(route.owner), props);
  }
  return [...byOwner].map(([path, props]) => (props.size > 0 ? `${path} (${[...props].join(', ')})` : path)).join(', ');
}

let virtualServiceRules: typeof VirtualServiceRules | undefined;

/**
 * The routes an istiod finding (IST0106/IST0133) on a VirtualService comes from: those that
 * reproduce it when validated alone in the object. Undefined when it is not about particular
 * routes (every route, or none, reproduces it).
 */
function tracedRoutes(table: RouteTable, manifest: any, finding: Finding): RouteIntent[] | undefined {
  if (finding.code !== 'IST0106' && finding.code !== 'IST0133') return undefined;
  const message = finding.message.replace(/^Schema validation (error|warning): /, '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  virtualServiceRules ??= require('./istiod/virtual-service') as typeof VirtualServiceRules;
  const spec = manifest?.spec ?? {};
  const traced: RouteIntent[] = [];
  let total = 0;
  const kinds: Array<['http' | 'tcp' | 'tls', readonly RouteIntent[]]> = [['http', table.http], ['tcp', table.tcp], ['tls', table.tls]];
  for (const [field, intents] of kinds) {
    // The renderer writes each kind's routes in the table's documented order.
    const ordered = table.ordered(intents);
    const rendered: unknown[] = Array.isArray(spec[field]) ? spec[field] : [];
    rendered.forEach((route, i) => {
      total++;
      const alone = { ...spec, http: undefined, tcp: undefined, tls: undefined, [field]: [route] };
      const issues = virtualServiceRules!.validateVirtualService(manifest.metadata?.name, manifest.metadata?.namespace, alone);
      if (ordered[i] && (issues.errors.includes(message) || issues.warnings.includes(message))) traced.push(ordered[i]);
    });
  }
  return traced.length > 0 && (traced.length < total || total === 1) ? traced : undefined;
}
