import { AnalysisCheck } from '../analysis-check';
import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { FindingLevel } from '../finding';
import { YamlReading, yamlReadingsOf } from '../yaml-input';

type Path = ReadonlyArray<string | number>;

/** Kinds whose `spec.template` is a Pod template. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** A value where Kubernetes requires a string: its path, the value, and what the field holds (for messages). */
interface NonString {
  readonly path: Path;
  readonly value: unknown;
  readonly what: string;
}

function isNonString(v: unknown): boolean {
  return typeof v !== 'string' && v !== null && v !== undefined;
}

/** Appends the entries of a string map that are no strings. */
function mapEntries(out: NonString[], map: unknown, path: Path, what: string): void {
  if (!isRecord(map)) return;
  for (const key in map) if (isNonString(map[key])) out.push({ path: [...path, key], value: map[key], what });
}

function listItems(out: NonString[], list: unknown, path: Path, what: string): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) if (isNonString(list[i])) out.push({ path: [...path, i], value: list[i], what });
}

function metadataValues(out: NonString[], md: unknown, path: Path): void {
  if (!isRecord(md)) return;
  if (md.labels) mapEntries(out, md.labels, path === METADATA ? LABELS : [...path, 'labels'], 'label values');
  if (md.annotations) mapEntries(out, md.annotations, path === METADATA ? ANNOTATIONS : [...path, 'annotations'], 'annotation values');
}

function podSpecValues(out: NonString[], spec: unknown, path: Path): void {
  if (!isRecord(spec)) return;
  if (spec.nodeSelector) mapEntries(out, spec.nodeSelector, [...path, 'nodeSelector'], 'node selector values');
  for (const field of CONTAINER_LISTS) {
    const containers = spec[field];
    if (!Array.isArray(containers)) continue;
    for (let i = 0; i < containers.length; i++) {
      const c = containers[i];
      if (!isRecord(c)) continue;
      if (c.command) listItems(out, c.command, [...path, field, i, 'command'], 'command items');
      if (c.args) listItems(out, c.args, [...path, field, i, 'args'], 'arguments');
      if (!Array.isArray(c.env)) continue;
      for (let j = 0; j < c.env.length; j++) {
        const v = isRecord(c.env[j]) ? c.env[j].value : undefined;
        if (isNonString(v)) out.push({ path: [...path, field, i, 'env', j, 'value'], value: v, what: 'environment variable values' });
      }
    }
  }
}

function templateValues(out: NonString[], t: unknown, path: Path): void {
  if (!isRecord(t)) return;
  metadataValues(out, t.metadata, path === TEMPLATE ? TEMPLATE_METADATA : [...path, 'metadata']);
  podSpecValues(out, t.spec, path === TEMPLATE ? TEMPLATE_SPEC : [...path, 'spec']);
}

/**
 * The values of an object that Kubernetes types as strings but are not (nulls aside, which the
 * API server reads as empty): label and annotation values (of the object and of Pod templates),
 * label selectors, ConfigMap and Secret entries, and the command, arguments and environment values
 * of containers, all of which manifests often write unquoted. Runs for every object at synth too,
 * so it allocates little: paths are built for what it reports (and for container commands and
 * arguments).
 */
function nonStrings(r: Resource): NonString[] {
  const out = found;
  out.length = 0;
  const obj = r.obj;
  metadataValues(out, obj.metadata, METADATA);
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  switch (r.kind) {
    case 'ConfigMap':
      mapEntries(out, obj.data, ['data'], 'ConfigMap data values');
      mapEntries(out, obj.binaryData, ['binaryData'], 'ConfigMap binaryData values');
      break;
    case 'Secret':
      mapEntries(out, obj.data, ['data'], 'Secret data values');
      mapEntries(out, obj.stringData, ['stringData'], 'Secret stringData values');
      break;
    case 'Service':
      mapEntries(out, spec?.selector, ['spec', 'selector'], 'Service selector values');
      break;
    case 'Pod':
      podSpecValues(out, spec, ['spec']);
      break;
    case 'CronJob': {
      const job = isRecord(spec?.jobTemplate) ? spec!.jobTemplate : undefined;
      metadataValues(out, job?.metadata, ['spec', 'jobTemplate', 'metadata']);
      templateValues(out, isRecord(job?.spec) ? job!.spec.template : undefined, ['spec', 'jobTemplate', 'spec', 'template']);
      break;
    }
    default:
      if (!TEMPLATE_KINDS.has(r.kind) || !spec) break;
      templateValues(out, spec.template, TEMPLATE);
      if (r.kind === 'ReplicationController') mapEntries(out, spec.selector, ['spec', 'selector'], 'selector values');
      else if (isRecord(spec.selector)) mapEntries(out, spec.selector.matchLabels, ['spec', 'selector', 'matchLabels'], 'selector values');
  }
  return out.length > 0 ? out.splice(0) : NONE;
}

const NONE: NonString[] = [];
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];
const METADATA: Path = ['metadata'];
const LABELS: Path = ['metadata', 'labels'];
const ANNOTATIONS: Path = ['metadata', 'annotations'];
const TEMPLATE: Path = ['spec', 'template'];
const TEMPLATE_METADATA: Path = ['spec', 'template', 'metadata'];
const TEMPLATE_SPEC: Path = ['spec', 'template', 'spec'];
/** Reused by every object: most have nothing to report. */
const found: NonString[] = [];
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
      const rejected = nonStrings(r);
      if (readings || rejected.length > 0) report(ctx, r, readings ?? [], rejected);
    }
  },
};

function report(ctx: AnalysisContext, r: Resource, readings: readonly YamlReading[], rejected: readonly NonString[]): void {
  const where = (reading: YamlReading) => (r.source ? `${r.source.replace(/:\d+$/, '')}:${reading.line}` : `line ${reading.line}`);
  // Values in string fields: what the API server rejects (with the scalar as written, when it came from YAML).
  const rejectedAt = new Set<string>();
  for (const { path, value, what } of rejected) {
    const at = formatPath(path);
    rejectedAt.add(at);
    const reading = readings.find((x) => !x.isKey && formatPath(x.path) === at);
    if (reading) {
      ctx.report(NAME, 'CIS1003', FindingLevel.ERROR, r,
        `${at}: the API server reads the unquoted ${reading.text} (${where(reading)}) as ${show(value)} (YAML 1.1), and ${what} must be strings: it rejects the object.`,
        `Quote it: ${JSON.stringify(reading.text)}.`);
    } else {
      ctx.report(NAME, 'CIS1003', FindingLevel.ERROR, r,
        `${at} is ${show(value)}, and ${what} must be strings: the API server rejects the object.`,
        'Write the value as a string (in YAML, quote it).');
    }
  }
  // Plain scalars the two YAML versions read differently, where the value itself is accepted.
  for (const reading of readings) {
    const at = formatPath(reading.path);
    if (reading.isKey) {
      ctx.report(NAME, 'CIS1003', FindingLevel.WARNING, r,
        `${at}: the unquoted key ${reading.text} (${where(reading)}) becomes "${String(reading.value)}" for the API server (YAML 1.1), but stays ${JSON.stringify(reading.text)} for YAML 1.2 tools.`,
        `Quote the key: ${JSON.stringify(reading.text)}.`);
    } else if (rejectedAt.has(at)) {
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
