/**
 * An independent check of synthesized objects against the CRD schemas in ../shared/crds, with
 * ajv. Independent of our own code on purpose: it reads the CRD bundles as the API server does,
 * not our generated L1 classes.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

const CRD_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'crds');

/** Kinds with no CRD: checked by the API server's built-in types, which cdk8s-plus produces. */
const BUILT_IN_API_VERSIONS = new Set(['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1']);

const VALUE_KEYWORDS = ['enum', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'format', 'default'];

/** Kubernetes structural schema -> JSON schema, making pruned (unknown) fields an error. */
function toJsonSchema(schema: any, branch = false): any {
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const keyword of VALUE_KEYWORDS) {
    if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  }
  if (schema['x-kubernetes-int-or-string']) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  } else if (schema.type) {
    out.type = schema.nullable ? [schema.type, 'null'] : schema.type;
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    if (schema[combinator]) {
      // Branches constrain values of fields the enclosing schema declares: no pruning of their own
      // (the API server prunes by the structural schema, not by oneOf branches).
      const converted = schema[combinator].map((s: any) => toJsonSchema(s, true));
      out[combinator] = out[combinator] ? [...out[combinator], ...converted] : converted;
    }
  }
  if (schema.not) out.not = toJsonSchema(schema.not);
  if (schema.items) out.items = toJsonSchema(schema.items);
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toJsonSchema(v)]));
  }
  if (schema.additionalProperties !== undefined) {
    out.additionalProperties = typeof schema.additionalProperties === 'object'
      ? toJsonSchema(schema.additionalProperties) : schema.additionalProperties;
  } else if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && !branch) {
    out.additionalProperties = false;
  }
  return out;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

let validators: Map<string, { schema: any; compiled?: ValidateFunction }> | undefined;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });

function loadValidators() {
  if (validators) return validators;
  validators = new Map();
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = toJsonSchema(version.schema.openAPIV3Schema);
        schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, { schema });
      }
    }
  }
  return validators;
}

function metadataErrors(obj: any): string[] {
  const errors: string[] = [];
  const meta = obj.metadata ?? {};
  if (typeof meta.name !== 'string' || meta.name.length > 253 || !DNS_SUBDOMAIN.test(meta.name)) {
    errors.push(`metadata.name '${meta.name}' is not a DNS subdomain`);
  }
  if (meta.namespace !== undefined && !DNS_LABEL.test(meta.namespace)) {
    errors.push(`metadata.namespace '${meta.namespace}' is not a DNS label`);
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`label ${key}=${value} is invalid`);
  }
  return errors;
}

/** The schema violations of one object, as readable lines; empty when it is valid. */
export function schemaErrors(obj: any): string[] {
  const where = `${obj?.kind}/${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name}`;
  if (!obj || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [`${where}: apiVersion and kind are required`];
  }
  const errors = metadataErrors(obj);
  if (!BUILT_IN_API_VERSIONS.has(obj.apiVersion)) {
    const entry = loadValidators().get(`${obj.apiVersion}/${obj.kind}`);
    if (!entry) return [`${where}: no CRD schema for ${obj.apiVersion} ${obj.kind} in ${CRD_DIR}`];
    entry.compiled ??= ajv.compile(entry.schema);
    if (!entry.compiled(obj)) {
      for (const error of entry.compiled.errors ?? []) {
        errors.push(`${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
      }
    }
  }
  return errors.map((e) => `${where}: ${e}`);
}

/** Throws with every violation when any object fails its CRD schema. */
export function assertSchemaValid(manifests: readonly any[]): void {
  const errors = manifests.flatMap(schemaErrors);
  if (errors.length > 0) {
    throw new Error(`objects fail their CRD schema:\n  ${errors.join('\n  ')}`);
  }
}
