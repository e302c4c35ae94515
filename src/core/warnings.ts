import { IConstruct } from 'constructs';
import { perApp, rootOf } from './per-app';


/**
 * Records a warning for the app `scope` belongs to and prints it once. Warnings describe
 * output that is valid but probably not what the user meant (a retry budget longer than the
 * route timeout, session affinity across weighted subsets).
 */
export function addWarning(scope: IConstruct, message: string): void {
  recordWarning(scope, `${scope.node.path}: ${message}`);
}

/**
 * Records a warning whose text already says where it applies, and prints it once (unless
 * `print` is false). Constructs and the synth-time analysis alike warn through here: one list
 * (MeshWarnings.of), one channel, one prefix.
 */
export function recordWarning(scope: IConstruct, text: string, print = true): void {
  // One list for the whole app, clusters included: MeshWarnings.of(app) reads them all.
  const list = perApp<string[]>(rootOf(scope), 'warnings', () => []);
  if (list.includes(text)) return;
  list.push(text);
  if (print) printWarning(text);
}

/** The prefix of every warning the library prints. */
const WARNING_PREFIX = '[cdk8s-istio] warning: ';

/** Prints a warning on the library's one warning channel (stderr, through console.warn), unless CDK8S_ISTIO_SILENT is set. */
export function printWarning(text: string): void {
  if (!process.env.CDK8S_ISTIO_SILENT) console.warn(`${WARNING_PREFIX}${text}`);
}

/** The warnings recorded so far for the app `scope` belongs to. */
export function warningsOf(scope: IConstruct): readonly string[] {
  return perApp<string[]>(rootOf(scope), 'warnings', () => []);
}

/**
 * Warnings about an app's mesh configuration: valid output that is probably not what was meant
 * (retries that cannot finish within the route timeout, session affinity across a weighted
 * split, an ALLOW policy that can match nothing...). They are printed once as they are found
 * (set CDK8S_ISTIO_SILENT to hide them); this class reads them, e.g. to fail a test or a build.
 */
export class MeshWarnings {
  /** Every warning recorded so far for the app `scope` belongs to (after synth: all of them). */
  public static of(scope: IConstruct): string[] {
    return [...warningsOf(scope)];
  }

  private constructor() {}
}
