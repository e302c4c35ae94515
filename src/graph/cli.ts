/*
 * `cdk8s-istio graph`: draws the traffic a set of manifests intends, as SVG, Mermaid or DOT.
 * Dispatched from the package's command line (src/analysis/cli.ts); loaded only for this command.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GraphLayer, MeshGraph } from './mesh-graph';
import { isRecord, Manifest } from '../analysis/context';
import { decodeText, parseYamlStream } from '../analysis/yaml-input';

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

class UsageError extends Error {}

class HelpRequest extends Error {}

type Output = 'svg' | 'mermaid' | 'dot';

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
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (a === '-o' || a === '--output' || a.startsWith('--output=')) {
      const v = value('--output');
      if (v !== 'svg' && v !== 'mermaid' && v !== 'dot') throw new UsageError(`--output must be 'svg', 'mermaid' or 'dot', got '${v}'`);
      output = v;
    } else if (a === '--layers' || a.startsWith('--layers=')) {
      const known = Object.values(GraphLayer) as string[];
      const v = value('--layers').split(',').map((l) => l.trim()).filter((l) => l);
      const bad = v.filter((l) => l !== 'all' && !known.includes(l));
      if (bad.length > 0 || v.length === 0) throw new UsageError(`--layers takes a comma-separated list of ${[...known, 'all'].join(', ')}, got '${v.join(',')}'`);
      layers = v.includes('all') ? undefined : (v as GraphLayer[]);
    } else if (a === '--no-findings') {
      findings = false;
    } else if (a === '--root-namespace' || a.startsWith('--root-namespace=')) {
      rootNamespace = value('--root-namespace');
    } else if (a === '-h' || a === '--help') {
      throw new HelpRequest();
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length === 0) throw new UsageError('no FILE or DIR to draw');
  return { output, layers, findings, rootNamespace, paths };
}

function listFiles(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UsageError(`${p}: no such file or directory`);
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p).sort()) {
    const child = path.join(p, e);
    if (fs.statSync(child).isDirectory()) out.push(...listFiles(child));
    else if (/\.(ya?ml|json)$/.test(e)) out.push(child);
  }
  return out;
}

/** The objects of a file (the items of a `kind: List` in its place); what cannot be read goes to `problems`. */
function readObjects(file: string, problems: string[]): Manifest[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file (${(e as Error).message})`);
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    problems.push(`${file}: not a YAML or JSON file (binary content)`);
    return [];
  }
  const stream = parseYamlStream(text);
  for (const p of stream.problems) problems.push(`${file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  const objects: Manifest[] = [];
  for (const doc of stream.documents) {
    if (!isRecord(doc.value)) continue;
    const items = typeof doc.value.kind === 'string' && doc.value.kind.endsWith('List') && Array.isArray(doc.value.items) ? doc.value.items : [doc.value];
    objects.push(...items.filter(isRecord));
  }
  return objects;
}

/** Runs `cdk8s-istio graph` (the arguments after `graph`); resolves to the exit status. Never rejects for bad input. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const opts = parseArgs(argv);
    const problems: string[] = [];
    const manifests: Manifest[] = [];
    for (const p of opts.paths) for (const file of p === '-' ? ['-'] : listFiles(p)) manifests.push(...readObjects(file, problems));
    for (const p of problems) err(`${p}\n`);
    const graph = MeshGraph.fromManifests(manifests, { layers: opts.layers, findings: opts.findings, rootNamespace: opts.rootNamespace });
    const text = opts.output === 'svg' ? await graph.toSvg() : opts.output === 'mermaid' ? graph.toMermaid() : graph.toDot();
    out(text.endsWith('\n') ? text : `${text}\n`);
    return problems.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof HelpRequest) {
      out(`${GRAPH_USAGE}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${GRAPH_USAGE}\n`);
      return 2;
    }
    if ((e as Error)?.message?.startsWith('MeshGraph: ')) {
      err(`error: ${(e as Error).message.slice('MeshGraph: '.length)}\n`);
      return 2;
    }
    err(`internal error in cdk8s-istio graph: ${(e as Error)?.message ?? e}\nPlease report it with the input that caused it.\n`);
    return 2;
  }
}
