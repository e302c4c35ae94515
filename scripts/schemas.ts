/**
 * Regenerates src/analysis/admission/schemas.json from the CRD bundles in ../shared/crds.
 *
 * The admission layer of the mesh analysis checks objects as the API server does: against the
 * structural schema of their CRD version and its `x-kubernetes-validations` CEL rules. The
 * bundles are megabytes of YAML, mostly descriptions; we keep only what validation reads, for
 * the API versions we emit, with sorted keys so the output only changes when a CRD does.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { encodeParsedRule } from '../src/analysis/admission/cel';

const REPO = path.resolve(__dirname, '..');
const CRD_DIR = path.resolve(REPO, '..', 'shared', 'crds');
const OUT = path.join(REPO, 'src', 'analysis', 'admission', 'schemas.json');

/** group -> the one version we emit, its bundle and, where a group holds kinds we never emit, the kinds to keep. */
const EMITTED: ReadonlyArray<{ group: string; version: string; bundle: string; kinds?: string[] }> = [
  { group: 'networking.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  { group: 'security.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  { group: 'telemetry.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  { group: 'cert-manager.io', version: 'v1', bundle: 'cert-manager-v1.21.1.yaml', kinds: ['Certificate', 'ClusterIssuer', 'Issuer'] },
  { group: 'gateway.networking.k8s.io', version: 'v1', bundle: 'gateway-api-v1.6.1-standard.yaml' },
  { group: 'deckhouse.io', version: 'v1alpha1', bundle: 'deckhouse-istio-v1alpha1.yaml', kinds: ['IstioFederation', 'IstioMulticluster'] },
  { group: 'monitoring.coreos.com', version: 'v1', bundle: 'prometheus-operator-v0.93.0-monitors.yaml', kinds: ['PodMonitor', 'ServiceMonitor'] },
];

/** The schema keywords validation reads; descriptions, titles and examples are dropped. */
const KEPT = new Set([
  'type', 'format', 'enum', 'default', 'nullable', 'required',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
]);
const RULE_FIELDS = ['rule', 'message', 'messageExpression', 'reason', 'fieldPath', 'optionalOldSelf'];

function compact(schema: any): any {
  const out: Record<string, any> = {};
  for (const key of Object.keys(schema).sort()) {
    const v = schema[key];
    if (KEPT.has(key)) {
      out[key] = v;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.keys(v).sort().map((k) => [k, compact(v[k])]));
    } else if (key === 'items' || key === 'not') {
      out[key] = compact(v);
    } else if (key === 'additionalProperties') {
      out[key] = typeof v === 'object' ? compact(v) : v;
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = v.map(compact);
    } else if (key === 'x-kubernetes-validations') {
      // `parsed`: the rule's parsed expression, so the analysis decodes instead of parsing.
      out[key] = v.map((r: any) => ({
        ...Object.fromEntries(RULE_FIELDS.filter((f) => r[f] !== undefined).map((f) => [f, r[f]])),
        parsed: encodeParsedRule(r.rule),
      }));
    }
  }
  return out;
}

/** The compact schemas of every kind we emit, keyed `group/version/Kind`, keys sorted. */
export function buildSchemas(): Record<string, any> {
  const schemas: Record<string, any> = {};
  for (const { group, version, bundle, kinds } of EMITTED) {
    const file = path.join(CRD_DIR, bundle);
    if (!fs.existsSync(file)) throw new Error(`CRD bundle ${file} not found: run this task from a checkout with ../shared beside it`);
    let found = 0;
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition' || crd.spec.group !== group) continue;
      if (kinds && !kinds.includes(crd.spec.names.kind)) continue;
      const v = crd.spec.versions.find((x: any) => x.name === version);
      if (!v) continue;
      // status is written by controllers, never by the manifests we analyze.
      const { status, ...properties } = v.schema.openAPIV3Schema.properties ?? {};
      void status;
      schemas[`${group}/${version}/${crd.spec.names.kind}`] = {
        scope: crd.spec.scope,
        schema: compact({ ...v.schema.openAPIV3Schema, properties }),
      };
      found++;
    }
    if (found === 0) throw new Error(`no CRD of ${group}/${version} in ${bundle}`);
  }
  return Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
}

/** The file's exact content; test/analysis/admission.test.ts checks the committed file against it. */
export function renderSchemas(): string {
  return `${JSON.stringify(buildSchemas())}\n`;
}

if (require.main === module) {
  fs.writeFileSync(OUT, renderSchemas());
  console.log(`${OUT}: ${Object.keys(buildSchemas()).length} kinds, ${fs.statSync(OUT).size} bytes`);
}
