import { IConstruct } from 'constructs';
import { check, fail, Rule } from './validation-error';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes label keys: optional DNS-subdomain prefix, `/`, and a name of at most 63 characters. */
export const labelKeyRule: Rule<string> = (key) => {
  if (typeof key !== 'string' || key.length === 0) return 'must not be an empty label key';
  if (key.includes('*')) return 'must not contain a wildcard (selectors match exact labels)';
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return `has an invalid prefix '${prefix}' (a lowercase DNS subdomain)`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return "has an invalid name part (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
  }
  return undefined;
};

/** Kubernetes label values: empty, or up to 63 characters of letters, digits, `-`, `_`, `.`. */
export const labelValueRule: Rule<string> = (value) => {
  if (typeof value !== 'string') return 'must be a string';
  if (value.includes('*')) return 'must not contain a wildcard (selectors match exact labels)';
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (value.length > 0 && !NAME.test(value)) {
    return "must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
};

/** True when checkLabels would accept the map (no allocation: for the common, valid case). */
export function labelsAreValid(labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  let any = false;
  for (const key in labels) {
    if (labelKeyRule(key) !== undefined || labelValueRule(labels[key]) !== undefined) return false;
    any = true;
  }
  return any;
}

/**
 * Validates a label map used as a workload selector or subset labels. An empty map is an error:
 * as a selector it would match every workload in the namespace, which is never what a construct
 * that asks for labels means.
 */
export function checkLabels(scope: IConstruct | string, property: string, labels: Record<string, string>): Record<string, string> {
  if (labels !== undefined && (labels === null || typeof labels !== 'object' || Array.isArray(labels))) {
    fail(scope, property, 'must be a map of label keys to values', labels, "Give labels as an object, e.g. { app: 'reviews' }.");
  }
  const keys = Object.keys(labels ?? {});
  check(scope, property, keys, (k) => (k.length === 0 ? 'must have at least one label' : undefined),
    "Give at least one label, e.g. { app: 'reviews' }.");
  for (const key of keys) {
    // The property names are built only for an error: this runs for every label of every version and selector.
    const keyError = labelKeyRule(key);
    if (keyError !== undefined) fail(scope, `${property} key`, keyError, key, "Label keys look like 'app' or 'example.com/tier'.");
    const valueError = labelValueRule(labels[key]);
    if (valueError !== undefined) fail(scope, `${property}['${key}']`, valueError, labels[key], "Label values look like 'v1' or 'reviews'.");
  }
  return labels;
}
