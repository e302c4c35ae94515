/*
 * `cdk8s-istio graph`: draws the traffic a set of manifests intends, as SVG, Mermaid or DOT.
 * Dispatched from the package's command line (src/analysis/cli.ts); loaded only for this command.
 */
import { GraphLayer, MeshGraph } from './mesh-graph';
import { InputProblem, isFlag, listFiles, parseDocuments, readArguments, readChoice, readList, readText, usageStatus } from '../analysis/cli-input';
import { Manifest } from '../analysis/context';

export const GRAPH_USAGE = `usage: cdk8s-istio graph [--output svg|mermaid|dot] [--layers routes,security,egress] [--no-findings]
                         [--root-namespace NS] FILE|DIR...

Draws the traffic the manifests intend (YAML or JSON; directories are read recursively for
*.yaml, *.yml and *.json; '-' reads stdin) on stdout: gateways with their hosts and TLS modes,
services and their subsets, hosts outside the mesh, grouped by namespace with its mTLS mode;
routes labelled with match, weight, mirror, fault, timeout and retries; who may call whom.
Errors and warnings of the analysis ('cdk8s-istio analyze') are marked on their nodes.
--output   svg (default; laid out by Graphviz, compiled to WebAssembly), mermaid (a flowchart
           for Markdown) or dot (Graphviz source)
--layers   comma-separated (default: all):
  routes    gateways, services, subsets and the routes between them
  security  AuthorizationPolicies (who may call whom), JWT and workload mTLS settings
  egress    ServiceEntries, egress gateways, routes leaving the mesh, REGISTRY_ONLY namespaces
--no-findings      draw without running the analysis
--root-namespace   the mesh's root namespace, whose PeerAuthentication is mesh-wide (default istio-system)
Exit status: 0 drawn, 1 some input could not be read (the rest is drawn), 2 usage error.`;

const OUTPUTS = ['svg', 'mermaid', 'dot'] as const;
type Output = typeof OUTPUTS[number];

interface GraphOptions {
  readonly output: Output;
  readonly layers?: GraphLayer[];
  readonly findings: boolean;
  readonly rootNamespace?: string;
  readonly paths: string[];
}

function parseArgs(argv: readonly string[]): GraphOptions {
  let output: Output = 'svg';
  let layers: GraphLayer[] | undefined;
  let findings = true;
  let rootNamespace: string | undefined;
  const paths = readArguments(argv, 'draw', (a, value) => {
    if (a === '-o' || isFlag(a, '--output')) output = readChoice('--output', value('--output'), OUTPUTS);
    else if (isFlag(a, '--layers')) layers = readList('--layers', value('--layers'), Object.values(GraphLayer));
    else if (a === '--no-findings') findings = false;
    else if (isFlag(a, '--root-namespace')) rootNamespace = value('--root-namespace');
    else return false;
    return true;
  });
  return { output, layers, findings, rootNamespace, paths };
}

/** Runs `cdk8s-istio graph` (the arguments after `graph`); resolves to the exit status. Never rejects for bad input. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const opts = parseArgs(argv);
    const problems: InputProblem[] = [];
    const manifests: Manifest[] = [];
    for (const p of opts.paths) {
      for (const file of p === '-' ? ['-'] : listFiles(p)) {
        const text = readText(file, problems);
        // (a loop: spreading 100,000 objects into push() exceeds the call stack)
        if (text !== undefined) for (const object of parseDocuments(file, text, problems).objects) manifests.push(object);
      }
    }
    for (const p of problems) err(`${p.text}\n`);
    const graph = MeshGraph.fromManifests(manifests, { layers: opts.layers, findings: opts.findings, rootNamespace: opts.rootNamespace });
    const text = opts.output === 'svg' ? await graph.toSvg() : opts.output === 'mermaid' ? graph.toMermaid() : graph.toDot();
    out(text.endsWith('\n') ? text : `${text}\n`);
    return problems.length > 0 ? 1 : 0;
  } catch (e) {
    const status = usageStatus(e, GRAPH_USAGE, out, err);
    if (status !== undefined) return status;
    if ((e as Error)?.message?.startsWith('MeshGraph: ')) {
      err(`error: ${(e as Error).message.slice('MeshGraph: '.length)}\n`);
      return 2;
    }
    err(`internal error in cdk8s-istio graph: ${(e as Error)?.message ?? e}\nPlease report it with the input that caused it.\n`);
    return 2;
  }
}
