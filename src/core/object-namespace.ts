import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { deferCheck } from './deferred-checks';
import { dnsLabelRule } from './hosts';
import { check } from './validation-error';

/** A cdk8s or cdk8s-plus object of the app: its metadata holds an explicit namespace, if any. */
export interface NamespacedObject extends IConstruct {
  readonly metadata: { readonly namespace?: string };
}

/**
 * The namespace a cdk8s(-plus) object of the app is deployed to, as cdk8s renders it: its
 * metadata's, else its chart's, else 'default'. Neither cdk8s nor cdk8s-plus checks it, and
 * our objects that follow it (a policy on the workload, a subset of its pods) would carry it
 * into their own metadata: every construct reads it here and checks it with
 * `checkObjectNamespace` or `deferObjectNamespaceCheck`, so the message names where it came from.
 */
export function objectNamespace(obj: NamespacedObject): string {
  return obj.metadata.namespace ?? Chart.of(obj).namespace ?? 'default';
}

/** Where an object's namespace came from, and how to fix it. */
function namespaceHint(obj: NamespacedObject): string {
  const chart = Chart.of(obj);
  // cdk8s-plus copies the chart's namespace into the metadata: only a different one was written on the object.
  const source = obj.metadata.namespace !== undefined && obj.metadata.namespace !== chart.namespace
    ? `the metadata.namespace of '${obj.node.path}'`
    : `the namespace of chart '${chart.node.path}', where '${obj.node.path}' is defined`;
  return `It comes from ${source}: use a DNS label such as 'shop'.`;
}

/** The object's namespace, checked against `scope`'s prop `property`. */
export function checkObjectNamespace(scope: IConstruct | string, property: string, obj: NamespacedObject): string {
  return check(scope, property, objectNamespace(obj), dnsLabelRule, namespaceHint(obj));
}

/** The object's namespace, its check kept for the construct `owner` is given to (see core/deferred-checks). */
export function deferObjectNamespaceCheck(owner: object, field: string, obj: NamespacedObject): string {
  const namespace = objectNamespace(obj);
  deferCheck(owner, field, namespace, dnsLabelRule, namespaceHint(obj));
  return namespace;
}
