import { App, Chart, ChartProps, Testing } from 'cdk8s';
import { assertSchemaValid } from './schema';

export { schemaErrors, assertSchemaValid } from './schema';

/** A fresh app and chart, as most construct tests start. */
export function newChart(props: ChartProps = {}): Chart {
  return new Chart(Testing.app(), 'test', props);
}

/**
 * Synthesizes a chart (running every construct's validations, as `cdk8s synth` does) and
 * checks every object against its CRD schema.
 */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  assertSchemaValid(manifests);
  return manifests;
}

/** Synthesizes every chart of an app, in order, with the same checks. */
export function synthApp(app: App): any[] {
  const manifests = app.charts.flatMap((chart) => Testing.synth(chart));
  assertSchemaValid(manifests);
  return manifests;
}

/** Every object of a kind (optionally with a name), in output order. */
export function findAll(manifests: readonly any[], kind: string, name?: string): any[] {
  return manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
}

/** The one object of this kind and name (and namespace); fails listing what exists otherwise. */
export function findOne(manifests: readonly any[], kind: string, name: string, namespace?: string): any {
  const found = findAll(manifests, kind, name).filter((m) => namespace === undefined || m.metadata?.namespace === namespace);
  if (found.length !== 1) {
    const present = manifests.map((m) => `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`).join(', ');
    throw new Error(`expected exactly one ${kind} '${name}'${namespace ? ` in ${namespace}` : ''}, found ${found.length}; objects: ${present}`);
  }
  return found[0];
}
