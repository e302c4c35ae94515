import { AnalysisCheck } from '../analysis-check';
import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { YamlReading, yamlReadingsOf } from '../yaml-input';

type Path = ReadonlyArray<string | number>;

/** Kinds whose `spec.template` is a Pod template. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/**
 * Calls `visit` for every value of the object that Kubernetes types as a string but is not one
 * (nulls aside, which the API server reads as empty): label and annotation values (of the object
 * and of Pod templates), label selectors, ConfigMap and Secret entries, and the command, arguments
 * and environment values of containers, all of which manifests often write unquoted. `what` names
 * the field for messages. Runs for every object at synth too: it allocates nothing for strings.
 */
function forEachNonString(r: Resource, visit: (path: Path, value: unknown, what: string) => void): void {
  const entries = (map: unknown, path: Path, what: string) => {
    if (!isRecord(map)) return;
    for (const key in map) {
      const v = map[key];
      if (typeof v !== 'string' && v !== null && v !== undefined) visit([...path, key], v, what);
    }
  };
  const items = (list: unknown, path: Path, what: string) => {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v !== 'string' && v !== null && v !== undefined) visit([...path, i], v, what);
    }
  };
  const metadata = (md: unknown, path: Path) => {
    if (!isRecord(md)) return;
    if (md.labels) entries(md.labels, path === METADATA ? LABELS : [...path, 'labels'], 'label values');
    if (md.annotations) entries(md.annotations, path === METADATA ? ANNOTATIONS : [...path, 'annotations'], 'annotation values');
  };
  const podSpec = (spec: unknown, path: Path) => {
    if (!isRecord(spec)) return;
    entries(spec.nodeSelector, [...path, 'nodeSelector'], 'node selector values');
    for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
      if (!Array.isArray(spec[field])) continue;
      spec[field].forEach((c: unknown, i: number) => {
        if (!isRecord(c)) return;
        const at = [...path, field, i];
        items(c.command, [...at, 'command'], 'command items');
        items(c.args, [...at, 'args'], 'arguments');
        if (Array.isArray(c.env)) {
          c.env.forEach((e: unknown, j: number) => {
            const v = isRecord(e) ? e.value : undefined;
            if (typeof v !== 'string' && v !== null && v !== undefined) visit([...at, 'env', j, 'value'], v, 'environment variable values');
          });
        }
      });
    }
  };
  const template = (t: unknown, path: Path) => {
    if (!isRecord(t)) return;
    metadata(t.metadata, [...path, 'metadata']);
    podSpec(t.spec, [...path, 'spec']);
  };
  const obj = r.obj;
  metadata(obj.metadata, METADATA);
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  switch (r.kind) {
    case 'ConfigMap':
      entries(obj.data, ['data'], 'ConfigMap data values');
      entries(obj.binaryData, ['binaryData'], 'ConfigMap binaryData values');
      break;
    case 'Secret':
      entries(obj.data, ['data'], 'Secret data values');
      entries(obj.stringData, ['stringData'], 'Secret stringData values');
      break;
    case 'Service':
      entries(spec?.selector, ['spec', 'selector'], 'Service selector values');
      break;
    case 'Pod':
      podSpec(spec, ['spec']);
      break;
    case 'CronJob': {
      const job = isRecord(spec?.jobTemplate) ? spec!.jobTemplate : undefined;
      metadata(job?.metadata, ['spec', 'jobTemplate', 'metadata']);
      template(isRecord(job?.spec) ? job!.spec.template : undefined, ['spec', 'jobTemplate', 'spec', 'template']);
      break;
    }
    default:
      if (!TEMPLATE_KINDS.has(r.kind) || !spec) break;
      template(spec.template, ['spec', 'template']);
      if (r.kind === 'ReplicationController') entries(spec.selector, ['spec', 'selector'], 'selector values');
      else if (isRecord(spec.selector)) entries(spec.selector.matchLabels, ['spec', 'selector', 'matchLabels'], 'selector values');
  }
}

const METADATA: Path = ['metadata'];
const LABELS: Path = ['metadata', 'labels'];
const ANNOTATIONS: Path = ['metadata', 'annotations'];

/** `metadata.labels[app.kubernetes.io/name]`, `spec.template.spec.containers[0].args[1]`. */
export function formatPath(path: Path): string {
  return path.map((s, i) => {
    if (typeof s === 'number') return `[${s}]`;
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) return i === 0 ? s : `.${s}`;
    return `[${s}]`;
  }).join('');
}

function show(value: unknown): string {
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value);
}

/** The value as a YAML 1.2 reader shows it. */
function showYaml12(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value);
}

/** A number written so that YAML 1.1 and 1.2 read it alike (0o644 for an octal mode). */
function portableNumber(text: string, value: number): string {
  return /^0[0-7]+$/.test(text.replace(/_/g, '')) ? `0o${value.toString(8)}` : String(value);
}

const NAME = 'admission.YamlDecodingAnalyzer';

/**
 * CIS1003: YAML that the Kubernetes API server reads differently from what it looks like.
 *
 * The API server (and kubectl) decode YAML with go-yaml v2, which follows YAML 1.1 for plain
 * scalars: `on`, `yes`, `y` are booleans, `0644` is octal. The analysis reads files the same way;
 * where a value ends up a boolean or number in a field Kubernetes types as a string (a label
 * value `on`, a ConfigMap entry `yes`, an argument `8080`), the API server rejects the object:
 * an Error. Where a plain scalar is read differently by YAML 1.2 tools (linters, yq, most YAML
 * libraries) but is accepted, a Warning (booleans, renamed keys) or an Info (numbers).
 */
export const yamlDecodingAnalyzer: Analyzer = {
  name: NAME,
  check: AnalysisCheck.ADMISSION,
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.resources) {
      const readings = yamlReadingsOf(r.obj);
      const where = (reading: YamlReading) => (r.source ? `${r.source.replace(/:\d+$/, '')}:${reading.line}` : `line ${reading.line}`);
      // Values in string fields: what the API server rejects (with the scalar as written, when it came from YAML).
      let rejected: Set<string> | undefined;
      forEachNonString(r, (path, value, what) => {
        const at = formatPath(path);
        (rejected ??= new Set()).add(at);
        const reading = readings?.find((x) => !x.isKey && formatPath(x.path) === at);
        if (reading) {
          ctx.report(NAME, 'CIS1003', FindingLevel.ERROR, r,
            `${at}: the API server reads the unquoted ${reading.text} (${where(reading)}) as ${show(value)} (YAML 1.1), and ${what} must be strings: it rejects the object.`,
            `Quote it: ${JSON.stringify(reading.text)}.`);
        } else {
          ctx.report(NAME, 'CIS1003', FindingLevel.ERROR, r,
            `${at} is ${show(value)}, and ${what} must be strings: the API server rejects the object.`,
            'Write the value as a string (in YAML, quote it).');
        }
      });
      // Plain scalars the two YAML versions read differently, where the value itself is accepted.
      for (const reading of readings ?? []) {
        const at = formatPath(reading.path);
        if (reading.isKey) {
          ctx.report(NAME, 'CIS1003', FindingLevel.WARNING, r,
            `${at}: the unquoted key ${reading.text} (${where(reading)}) becomes "${String(reading.value)}" for the API server (YAML 1.1), but stays ${JSON.stringify(reading.text)} for YAML 1.2 tools.`,
            `Quote the key: ${JSON.stringify(reading.text)}.`);
        } else if (rejected?.has(at)) {
          continue;
        } else if (typeof reading.value === 'boolean') {
          ctx.report(NAME, 'CIS1003', FindingLevel.WARNING, r,
            `${at}: the unquoted ${reading.text} (${where(reading)}) is the boolean ${reading.value} for the API server (YAML 1.1), but ${showYaml12(reading.yaml12)} for YAML 1.2 tools.`,
            `Write ${reading.value} if a boolean is meant, or quote it (${JSON.stringify(reading.text)}) for the string.`);
        } else if (typeof reading.value === 'number') {
          ctx.report(NAME, 'CIS1003', FindingLevel.INFO, r,
            `${at}: the unquoted ${reading.text} (${where(reading)}) is ${reading.value} for the API server (YAML 1.1), but ${showYaml12(reading.yaml12)} for YAML 1.2 tools.`,
            `Write ${portableNumber(reading.text, reading.value)}, which both read alike.`);
        }
      }
    }
  },
};
