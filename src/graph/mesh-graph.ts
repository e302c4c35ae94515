import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type * as DotModule from './dot';
import type * as BuildModule from './from-manifests';
import type * as GraphDataModule from './graph-data';
import type * as GraphvizModule from './graphviz';
import type * as MermaidModule from './mermaid';
import type * as AnalyzeModule from '../analysis/analyze';
import { FindingLevel } from '../analysis/finding';
import { clusterScopeOf } from '../core/per-app';
import { checkEnumList, checkObject } from '../core/value-types';

/**
 * The levels of the automatic synth-time analysis (MeshAnalysis): objects referenced but defined
 * elsewhere (a Service, a Gateway, a route's parent or backend) are no finding in an app's picture.
 */
const AUTOMATIC_LEVELS: Record<string, FindingLevel> = {
  IST0101: FindingLevel.INFO, IST0173: FindingLevel.INFO, IST0174: FindingLevel.INFO, CIS4001: FindingLevel.INFO, CIS4002: FindingLevel.INFO,
};

/** A layer of the mesh picture. */
export enum GraphLayer {
  /** Gateways, services and their subsets, and the routes between them (VirtualServices, Gateway API routes, DestinationRules). */
  ROUTES = 'routes',
  /** Who may call whom (AuthorizationPolicies), JWT and workload mTLS settings, namespaces' allow-nothing defaults. */
  SECURITY = 'security',
  /** Hosts outside the mesh (ServiceEntries), egress gateways, the routes to them, TLS origination, REGISTRY_ONLY namespaces. */
  EGRESS = 'egress',
}

/** Options for {@link MeshGraph}. */
export interface MeshGraphOptions {
  /**
   * The layers to draw. Namespaces (with their mTLS mode) and Services are always drawn.
   *
   * @default - every layer
   */
  readonly layers?: GraphLayer[];

  /**
   * Mark the mesh analysis's errors and warnings on the node of the object they concern.
   *
   * @default true
   */
  readonly findings?: boolean;

  /**
   * The mesh's root namespace (MeshConfig `rootNamespace`): its PeerAuthentication is the
   * mesh-wide mTLS mode and its policies apply to every workload.
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}

/**
 * A picture of the traffic the manifests intend: gateways (hosts, TLS mode), services and their
 * subsets, hosts outside the mesh and egress gateways, grouped by namespace with its mTLS mode;
 * routes labelled with their match (`end-user = jason`), weight (`90%`), mirror, fault, timeout
 * and retries; who may call whom (AuthorizationPolicies); findings of the mesh analysis marked on
 * the node they concern.
 *
 * Read from the manifests alone (ours, Helm output, hand-written), as `cdk8s-istio graph` does.
 * DOT and Mermaid are text; SVG is laid out by Graphviz compiled to WebAssembly, in Node.
 *
 * @example
 * const app = new App();
 * // ... charts ...
 * const graph = MeshGraph.of(app, { layers: [GraphLayer.ROUTES] });
 * fs.writeFileSync('mesh.mmd', graph.toMermaid());
 * fs.writeFileSync('mesh.svg', await graph.toSvg());
 *
 * @see https://graphviz.org/doc/info/lang.html
 */
export class MeshGraph {
  /**
   * The graph of every object in `scope` (an App, or one Chart). References to objects the app
   * does not define (a Service deployed elsewhere) are not marked, as in the automatic analysis.
   */
  public static of(scope: IConstruct, options: MeshGraphOptions = {}): MeshGraph {
    const objects = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    // An app of several clusters (MeshCluster) is drawn cluster by cluster, each analyzed on its own.
    const clusters = objects.map((o) => clusterScopeOf(o)?.clusterName);
    return new MeshGraph(objects.map((o) => o.toJson()), options, AUTOMATIC_LEVELS,
      clusters.some((c) => c !== undefined) ? clusters.map((c) => c ?? 'outside the clusters') : undefined);
  }

  /** The graph of any list of objects (parsed YAML, `Testing.synth` output), analyzed as `cdk8s-istio analyze` would. */
  public static fromManifests(manifests: any[], options: MeshGraphOptions = {}): MeshGraph {
    return new MeshGraph(manifests, options, {});
  }

  private view?: GraphDataModule.GraphView;

  private constructor(
    private readonly manifests: any[],
    private readonly options: MeshGraphOptions,
    private readonly levels: Record<string, FindingLevel>,
    /** The cluster of each manifest, in an app of several clusters. */
    private readonly clusters?: string[],
  ) {
    checkObject('MeshGraph', 'options', options);
    checkEnumList('MeshGraph', 'layers', options.layers, GraphLayer, 'GraphLayer');
  }

  /** The graph in Graphviz's DOT language. */
  public toDot(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./dot') as typeof DotModule).toDot(this.graphView());
  }

  /** The graph as a Mermaid flowchart, for Markdown. */
  public toMermaid(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./mermaid') as typeof MermaidModule).toMermaid(this.graphView());
  }

  /** The graph laid out by Graphviz as an SVG document. */
  public async toSvg(): Promise<string> {
    const dot = this.toDot();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const graphviz = require('./graphviz') as typeof GraphvizModule;
    try {
      return await graphviz.renderSvg(dot);
    } catch (e) {
      if ((e as { code?: string })?.code !== 'MODULE_NOT_FOUND') throw e;
      throw new Error(`MeshGraph: SVG output needs Graphviz (@viz-js/viz), which could not be loaded (${(e as Error).message.split('\n')[0]}). `
        + 'Use toDot() or toMermaid() instead.');
    }
  }

  private graphView(): GraphDataModule.GraphView {
    if (this.view) return this.view;
    const layers = new Set<GraphDataModule.Layer>((this.options.layers ?? Object.values(GraphLayer)) as GraphDataModule.Layer[]);
    if (!this.clusters) return this.view = this.clusterView(this.manifests, layers);
    const names = [...new Set(this.clusters)];
    const parts = names.map((cluster) => {
      const manifests = this.manifests.filter((_, i) => this.clusters![i] === cluster);
      return { cluster, view: this.clusterView(manifests, layers) };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return this.view = (require('./graph-data') as typeof GraphDataModule).combineViews(parts);
  }

  private clusterView(manifests: any[], layers: ReadonlySet<GraphDataModule.Layer>): GraphDataModule.GraphView {
    let findings;
    let analysisFailure: string | undefined;
    if (this.options.findings ?? true) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const analyze = require('../analysis/analyze') as typeof AnalyzeModule;
      const meshConfig = this.options.rootNamespace ? { rootNamespace: this.options.rootNamespace } : undefined;
      try {
        findings = analyze.analyzeManifests({ manifests, meshConfig })
          .map((f) => (this.levels[f.code] ? { ...f, level: this.levels[f.code] } : f));
      } catch (e) {
        // The picture is still worth having: drawn without findings, saying why.
        analysisFailure = (e as Error)?.message ?? String(e);
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require('./from-manifests') as typeof BuildModule;
    return build.buildGraph({ manifests, findings, analysisFailure, rootNamespace: this.options.rootNamespace }).view(layers);
  }
}
