import { AnalysisCheck } from './analysis-check';
import { analyzeManifests } from './analyze';
import { HelpRequest, InputProblem, isFlag, listFiles, parseDocuments, readArguments, readChoice, readList, readText, usageStatus, UsageError } from './cli-input';
import { isRecord, Manifest } from './context';
import { Finding, FindingLevel } from './finding';
import { messageWithFix } from './finding-text';
import { parseYamlValue, YamlInputError } from './yaml-input';
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
  const paths = readArguments(argv.slice(1), 'analyze', (a, value) => {
    if (a === '-o' || isFlag(a, '--output')) output = readChoice('--output', value('--output'), ['text', 'json']);
    else if (isFlag(a, '--mesh-config')) meshConfig = value('--mesh-config');
    else if (isFlag(a, '--mesh-networks')) meshNetworks = value('--mesh-networks');
    else if (isFlag(a, '--checks')) checks = readList('--checks', value('--checks'), Object.values(AnalysisCheck));
    else if (a === '--no-default-resources') defaultResources = false;
    else return false;
    return true;
  });
  return { output, meshConfig, meshNetworks, checks, defaultResources, paths };
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
    const status = usageStatus(e, USAGE, out, err);
    if (status !== undefined) return status;
    err(`internal error in cdk8s-istio analyze: ${(e as Error)?.message ?? e}\nPlease report it with the input that caused it.\n`);
    return 2;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((status) => { process.exitCode = status; });
}
