import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { perApp, rootOf } from './per-app';
import { fail, Rule } from './validation-error';

const VALUES_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/;

/**
 * The name of a Helm values file written beside an app's manifests: a plain file name ending in
 * `.yaml` or `.yml`, never `.k8s.yaml` (cdk8s' suffix for manifests, which tools apply).
 */
export const valuesFileRule: Rule<string> = (value) => {
  if (typeof value !== 'string' || !VALUES_FILE.test(value) || value.endsWith('.k8s.yaml')) {
    return "must be a file name ending in .yaml (not .k8s.yaml, the manifests' suffix)";
  }
  return undefined;
};

/**
 * Reserves a values file name for `owner` within its app: two constructs writing one file would
 * leave only the last one's values, so the second fails, naming the first.
 */
export function claimValuesFile(owner: IConstruct, property: string, fileName: string): void {
  // Keyed by the root: every chart of an app writes into the same output directory.
  const claimed = perApp(rootOf(owner), 'values-files', () => new Map<string, IConstruct>());
  const other = claimed.get(fileName);
  if (other !== undefined && other !== owner) {
    fail(owner, property, `must differ from the values file of '${other.node.path}'`, fileName,
      'Give one of them another file name; both are written into the same output directory.');
  }
  claimed.set(fileName, owner);
}

/**
 * Makes `app.synth()` write a file into the output directory after the manifests. cdk8s has no
 * hook for files other than manifests; the app's own `synth` is wrapped, so the file is written
 * exactly when the manifests are (not by `Testing.synth` or a chart's `toJson`).
 */
export function writeBesideManifests(scope: IConstruct, fileName: string, content: () => string): void {
  const app = rootOf(scope);
  if (!(app instanceof App)) return;
  const synth = app.synth.bind(app);
  app.synth = () => {
    synth();
    fs.mkdirSync(app.outdir, { recursive: true });
    fs.writeFileSync(path.join(app.outdir, fileName), content());
  };
}

/** Helm values as deterministic YAML: object keys sorted at every level, lists in their order. */
export function valuesYaml(values: unknown): string {
  return Yaml.stringify(sortKeys(values));
}

/** A copy with object keys sorted at every level (lists keep their order). */
export function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, any> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}
