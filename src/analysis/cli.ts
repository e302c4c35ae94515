import * as fs from 'fs';
import * as path from 'path';
import { AnalysisCheck } from './analysis-check';
import { analyzeManifests, isListObject } from './analyze';
import { isRecord, Manifest } from './context';
import { Finding, FindingLevel } from './finding';
import { messageWithFix } from './finding-text';
import { decodeText, parseYamlStream, parseYamlValue, readTextFile, YamlInputError } from './yaml-input';
import type * as GraphCliModule from '../graph/cli';

const USAGE = `usage: cdk8s-istio analyze [--output text|json] [--mesh-config FILE] [--mesh-networks FILE] [--checks LIST]
                           [--no-default-resources] FILE|DIR...
       cdk8s-istio graph [--output svg|mermaid|dot] [--layers LIST] FILE|DIR...   (options: cdk8s-istio graph --help)
       cdk8s-istio help

Analyzes Kubernetes/Istio manifests (YAML or JSON; directories are read recursively for
*.yaml, *.yml and *.json; '-' reads stdin) without a cluster, with the checks of
'istioctl analyze' and more.
--mesh-config and --mesh-networks take the MeshConfig and MeshNetworks (bare, or the istio ConfigMap; --mesh-config also istiod Helm values with meshConfig:).
--checks selects groups of checks, comma-separated (default: all):
  admission  the CRD schemas and CEL rules, as the API server admits objects
  istioctl   the cross-resource checks of 'istioctl analyze'
Like 'istioctl analyze --use-kube=false', the analysis assumes Istio's default ingress gateway:
a Pod labelled istio=ingressgateway and its Service istio-ingressgateway (ports 80, 443, 31400,
15443) in istio-system. Objects of the files with those names replace them; --no-default-resources
(or ingressControllerMode: OFF in the mesh config) leaves them out.
Exit status: 0 no errors, 1 errors found (or unreadable input), 2 usage error.`;

class UsageError extends Error {}

/** Asked for the usage text: printed on stdout, exit status 0. */
class HelpRequest extends Error {}

interface Options {
  readonly output: 'text' | 'json';
  readonly meshConfig?: string;
  readonly meshNetworks?: string;
  readonly checks?: AnalysisCheck[];
  readonly defaultResources: boolean;
  readonly paths: string[];
}

const HELP = ['-h', '--help', 'help'];

function parseArgs(argv: readonly string[]): Options {
  if (argv.length === 0) throw new UsageError('missing command');
  if (HELP.includes(argv[0])) throw new HelpRequest();
  if (argv[0] !== 'analyze') throw new UsageError(`unknown command '${argv[0]}'`);
  let output: 'text' | 'json' = 'text';
  let meshConfig: string | undefined;
  let meshNetworks: string | undefined;
  let checks: AnalysisCheck[] | undefined;
  let defaultResources = true;
  const paths: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (a === '-o' || a === '--output' || a.startsWith('--output=')) {
      const v = value('--output');
      if (v !== 'text' && v !== 'json') throw new UsageError(`--output must be 'text' or 'json', got '${v}'`);
      output = v;
    } else if (a === '--mesh-config' || a.startsWith('--mesh-config=')) {
      meshConfig = value('--mesh-config');
    } else if (a === '--mesh-networks' || a.startsWith('--mesh-networks=')) {
      meshNetworks = value('--mesh-networks');
    } else if (a === '--checks' || a.startsWith('--checks=')) {
      const known = Object.values(AnalysisCheck) as string[];
      const v = value('--checks').split(',').map((c) => c.trim()).filter((c) => c);
      const bad = v.filter((c) => c !== 'all' && !known.includes(c));
      if (bad.length > 0 || v.length === 0) throw new UsageError(`--checks takes a comma-separated list of ${[...known, 'all'].join(', ')}, got '${v.join(',')}'`);
      checks = v.includes('all') ? undefined : (v as AnalysisCheck[]);
    } else if (a === '--no-default-resources') {
      defaultResources = false;
    } else if (a === '-h' || a === '--help') {
      throw new HelpRequest();
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length === 0) throw new UsageError('no FILE or DIR to analyze');
  return { output, meshConfig, meshNetworks, checks, defaultResources, paths };
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

/** Problems with the input itself (not findings): printed on stderr, they make the exit status 1. */
interface InputProblem {
  readonly fatal: boolean;
  readonly text: string;
}

/** The objects of one file: documents in order, the items of a `kind: List` in its place. */
interface ParsedFile {
  readonly objects: Manifest[];
  /** `file:line` of each object. */
  readonly sources: string[];
}

/** Reads a file's text; binary content is a problem, not a string to parse. */
function readText(file: string, problems: InputProblem[]): string | undefined {
  let text: string | undefined;
  try {
    text = file === '-' ? decodeText(fs.readFileSync(0)) : readTextFile(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file (${(e as Error).message})`);
  }
  if (text === undefined) problems.push({ fatal: true, text: `${file}: not a YAML or JSON file (binary content)` });
  return text;
}

function parseDocuments(file: string, text: string, problems: InputProblem[]): ParsedFile {
  const objects: Manifest[] = [];
  const sources: string[] = [];
  const stream = parseYamlStream(text);
  for (const p of stream.problems) problems.push({ fatal: true, text: `${file}${p.line ? `:${p.line}` : ''}: ${p.message}` });
  for (const doc of stream.documents) {
    const value = doc.value;
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      problems.push({ fatal: true, text: `${file}:${doc.line}: a document is not a Kubernetes object (got ${Array.isArray(value) ? 'a list' : typeof value})` });
      continue;
    }
    if (!isListObject(value)) {
      objects.push(value);
      sources.push(`${file}:${doc.line}`);
      continue;
    }
    // A List is a wrapper (kubectl get -o yaml): its items are the objects.
    (Array.isArray(value.items) ? value.items : []).forEach((item: unknown, i: number) => {
      const where = `${file}:${doc.itemLines?.[i] ?? doc.line}`;
      if (isRecord(item)) {
        objects.push(item);
        sources.push(where);
      } else if (item !== null && item !== undefined) {
        problems.push({ fatal: true, text: `${where}: items[${i}] of the ${String(value.kind)} is not a Kubernetes object` });
      }
    });
  }
  return { objects, sources };
}

const KNOWN_GROUPS = new Set([
  '', 'v1', 'apps', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'autoscaling', 'apiextensions.k8s.io',
  'admissionregistration.k8s.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io',
  'install.istio.io', 'cert-manager.io', 'acme.cert-manager.io', 'gateway.networking.k8s.io', 'gateway.networking.x-k8s.io',
  'discovery.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'certificates.k8s.io', 'node.k8s.io',
  'monitoring.coreos.com',
]);

function checkKinds(manifests: readonly Manifest[], sources: readonly string[], problems: InputProblem[]): void {
  const unknown = new Map<string, string[]>();
  manifests.forEach((m, i) => {
    if (!m.apiVersion && !m.kind && isRecord(m.meshConfig)) {
      // MeshConfig writes istiod's Helm values beside the manifests: not an object, but the mesh config.
      problems.push({ fatal: false, text: `note: ${sources[i]} holds Helm values (meshConfig), not an object; pass the file with --mesh-config to check against it` });
      return;
    }
    if (!m.apiVersion || !m.kind) {
      problems.push({ fatal: true, text: `${sources[i]}: object '${m.metadata?.name ?? '?'}' has no ${m.kind ? 'apiVersion' : 'kind'}` });
      return;
    }
    const v = String(m.apiVersion);
    const group = v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
    if (!KNOWN_GROUPS.has(group)) {
      const k = `${m.kind} (${v})`;
      unknown.set(k, [...(unknown.get(k) ?? []), String(m.metadata?.name ?? '?')]);
    }
  });
  for (const [k, names] of unknown) {
    problems.push({ fatal: false, text: `note: not analyzing ${names.length} object(s) of unknown kind ${k}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}` });
  }
}

/** Reads a mesh document: bare, or the `key` entry of the istio ConfigMap. */
function readMeshDocument(flag: string, key: string, file: string, problems: InputProblem[]): Manifest {
  let text: string | undefined;
  try {
    text = readText(file, problems);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(`${flag} ${e.message}`) : e;
  }
  if (text === undefined) return {};
  const doc = parseDocuments(file, text, problems).objects[0] ?? {};
  // Accept istiod's Helm values (`meshConfig:`, as MeshConfig writes them) for the mesh config.
  if (key === 'mesh' && doc.kind === undefined && isRecord(doc.meshConfig)) return doc.meshConfig;
  // Accept the istio ConfigMap as well as the bare document.
  if (doc.kind === 'ConfigMap' && typeof doc.data?.[key] === 'string') {
    try {
      const value = parseYamlValue(doc.data[key]);
      return isRecord(value) ? value : {};
    } catch (e) {
      if (!(e instanceof YamlInputError)) throw e;
      problems.push({ fatal: true, text: `${file}: data.${key}: ${e.message}` });
      return {};
    }
  }
  return doc;
}

function formatText(findings: readonly Finding[], objects: number): string {
  if (findings.length === 0) return `\u2714 No validation issues found when analyzing ${objects} objects.`;
  const lines: string[] = [];
  for (const f of findings) {
    const ns = f.resource.namespace ? `${f.resource.namespace}/` : '';
    lines.push(`${f.level} [${f.code}] (${f.resource.kind} ${ns}${f.resource.name}) ${messageWithFix(f)} [${f.analyzer}]`);
  }
  const count = (l: FindingLevel) => findings.filter((f) => f.level === l).length;
  lines.push(`${count(FindingLevel.ERROR)} error(s), ${count(FindingLevel.WARNING)} warning(s), ${count(FindingLevel.INFO)} info in ${objects} objects.`);
  return lines.join('\n');
}

/** Runs the CLI; returns the exit status. Never throws for bad input. */
export function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): number | Promise<number> {
  if (argv[0] === 'graph') {
    // Loaded for this command only: analyzing never pays for the graph code (nor graph for the analysis it skips).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../graph/cli') as typeof GraphCliModule).main(argv.slice(1), out, err);
  }
  try {
    const opts = parseArgs(argv);
    const problems: InputProblem[] = [];
    const meshConfig = opts.meshConfig ? readMeshDocument('--mesh-config', 'mesh', opts.meshConfig, problems) : undefined;
    const meshNetworks = opts.meshNetworks ? readMeshDocument('--mesh-networks', 'meshNetworks', opts.meshNetworks, problems) : undefined;
    const manifests: Manifest[] = [];
    const sources: string[] = [];
    for (const p of opts.paths) {
      for (const file of p === '-' ? ['-'] : listFiles(p)) {
        const text = readText(file, problems);
        if (text === undefined) continue;
        // File by file: only one file's text is held at a time, beside the objects read so far.
        const parsed = parseDocuments(file, text, problems);
        // (a loop: spreading 100,000 objects into push() exceeds the call stack)
        for (let i = 0; i < parsed.objects.length; i++) {
          manifests.push(parsed.objects[i]);
          sources.push(parsed.sources[i]);
        }
      }
    }
    checkKinds(manifests, sources, problems);
    const findings = analyzeManifests({ manifests, meshConfig, meshNetworks, sources, checks: opts.checks, defaultResources: opts.defaultResources });
    for (const p of problems) err(`${p.text}\n`);
    const unreadable = problems.some((p) => p.fatal);
    if (opts.output === 'json') {
      out(`${JSON.stringify(findings, undefined, 2)}\n`);
    } else if (findings.length > 0 || !unreadable) {
      // "No validation issues" would be false when some input could not be read: then only the problems are printed.
      out(`${formatText(findings, manifests.length)}\n`);
    }
    return unreadable || findings.some((f) => f.level === FindingLevel.ERROR) ? 1 : 0;
  } catch (e) {
    if (e instanceof HelpRequest) {
      out(`${USAGE}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    err(`internal error in cdk8s-istio analyze: ${(e as Error)?.message ?? e}\nPlease report it with the input that caused it.\n`);
    return 2;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((status) => { process.exitCode = status; });
}
