/**
 * Checks of synthesized objects that do not trust our own analysis layers: the value ranges the
 * cluster enforces when it decodes an object (int32/uint32 fields, integers written without an
 * exponent, Go durations, RE2 regexes, Kubernetes names), read from the CRD bundles in
 * ../shared/crds as the API server reads them.
 *
 * Our admission layer ignores `format: int32` (the API server does too, but istiod's webhook
 * decodes the object into protobuf and rejects out-of-range values), and the istiod layer has
 * no RE2 engine: these checks cover what the cluster does with such values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RE2JS } from '@bufbuild/re2';
import * as YAML from 'yaml';

export interface WireProblem {
  readonly object: string;
  readonly field: string;
  readonly problem: string;
  readonly value: unknown;
}

const CRD_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'crds');

type Schema = Record<string, any>;
let schemas: Map<string, Schema> | undefined;

function schemaOf(apiVersion: string, kind: string): Schema | undefined {
  if (!schemas) {
    schemas = new Map();
    for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          schemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema?.openAPIV3Schema ?? {});
        }
      }
    }
  }
  return schemas.get(`${apiVersion}/${kind}`);
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

/** Go's time.ParseDuration, in nanoseconds (a BigInt), or an error text. */
export function parseGoDuration(text: string): bigint | string {
  const units: Record<string, bigint> = {
    ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
  };
  if (text === '0') return 0n;
  const body = text.replace(/^[-+]/, '');
  if (body.length === 0) return 'invalid duration';
  const component = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let consumed = 0;
  while (consumed < body.length) {
    component.lastIndex = consumed;
    const m = component.exec(body);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return 'invalid duration';
    const unit = units[m[3]];
    const whole = BigInt(m[1] || '0') * unit;
    const fraction = m[2] ? (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length) : 0n;
    total += whole + fraction;
    consumed = component.lastIndex;
  }
  if (total > 2n ** 63n - 1n) return 'invalid duration (out of range: Go durations end at about 292 years)';
  return text.startsWith('-') ? -total : total;
}

/** RE2 (istiod and Envoy) accepts the expression, within istiod's 1024-character limit. */
export function re2Accepts(pattern: string): boolean {
  return re2Error(pattern) === undefined;
}

export function re2Error(pattern: string): string | undefined {
  if (pattern.length > 1024) return 'longer than 1024 characters';
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kinds whose names are DNS labels (the rest are DNS subdomains). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

/** Every wire-level problem of one synthesized object. */
export function wireProblems(obj: any): WireProblem[] {
  const out: WireProblem[] = [];
  const where = `${obj?.kind} ${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj?.metadata?.name}`;
  const report = (field: string, problem: string, value: unknown) => out.push({ object: where, field, problem, value });

  const meta = obj?.metadata ?? {};
  const nameRule = LABEL_NAMED.has(obj?.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
  const maxName = LABEL_NAMED.has(obj?.kind) ? 63 : 253;
  if (typeof meta.name !== 'string' || meta.name.length > maxName || !nameRule.test(meta.name)) report('metadata.name', 'is not a valid object name', meta.name);
  // An empty namespace is no namespace to the API server (cluster-scoped objects, or kubectl's current one).
  if (meta.namespace !== undefined && meta.namespace !== '' && (typeof meta.namespace !== 'string' || meta.namespace.length > 63 || !DNS_LABEL.test(meta.namespace))) {
    report('metadata.namespace', 'is not a namespace name', meta.namespace);
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) report(`metadata.labels['${key}']`, 'has an invalid key', key);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) report(`metadata.labels['${key}']`, 'has an invalid value', value);
  }

  const schema = typeof obj?.apiVersion === 'string' ? schemaOf(obj.apiVersion, obj.kind) : undefined;
  if (schema) walk(obj, schema, '', report);
  if (obj?.apiVersion === 'cert-manager.io/v1' && obj.kind === 'Certificate') {
    for (const field of ['duration', 'renewBefore']) checkDuration(obj.spec?.[field], `spec.${field}`, report);
  }
  if (obj?.kind === 'VirtualService') findRegexes(obj.spec, 'spec', report);
  return out;
}

function walk(value: unknown, schema: Schema, field: string, report: (field: string, problem: string, value: unknown) => void): void {
  if (value === undefined || value === null || !schema) return;
  if (typeof value === 'number') {
    if (schema.type === 'integer' || schema['x-kubernetes-int-or-string']) {
      if (!Number.isSafeInteger(value)) {
        report(field, 'is not an integer as YAML writes it (the API server reads floats and exponents as non-integers)', value);
        return;
      }
      const range = INT_RANGES[schema.format];
      if (range && (value < range[0] || value > range[1])) report(field, `is out of the ${schema.format} range of the field`, value);
    }
    return;
  }
  if (typeof value === 'string') {
    const rules: Array<{ rule?: string }> = schema['x-kubernetes-validations'] ?? [];
    if (rules.some((r) => /duration\(self\)/.test(r.rule ?? ''))) checkDuration(value, field, report);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, schema.items ?? {}, `${field}[${i}]`, report));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const child = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (child) walk(v, child, field ? `${field}.${key}` : key, report);
    }
  }
}

function checkDuration(value: unknown, field: string, report: (field: string, problem: string, value: unknown) => void): void {
  if (value === undefined) return;
  if (typeof value !== 'string') return report(field, 'is not a duration string', value);
  const parsed = parseGoDuration(value);
  if (typeof parsed === 'string') report(field, `is not a Go duration: ${parsed}`, value);
}

function findRegexes(value: unknown, field: string, report: (field: string, problem: string, value: unknown) => void): void {
  if (Array.isArray(value)) return value.forEach((v, i) => findRegexes(v, `${field}[${i}]`, report));
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'regex' && typeof v === 'string') {
      const error = re2Error(v);
      if (error) report(`${field}.regex`, `is not a regex istiod accepts (RE2: ${error})`, v);
    } else {
      findRegexes(v, `${field}.${key}`, report);
    }
  }
}
