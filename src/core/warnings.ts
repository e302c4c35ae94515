import { IConstruct } from 'constructs';
import { perApp } from './per-app';


/**
 * Records a warning for the app `scope` belongs to and prints it once. Warnings describe
 * output that is valid but probably not what the user meant (a retry budget longer than the
 * route timeout, session affinity across weighted subsets).
 */
export function addWarning(scope: IConstruct, message: string): void {
  recordWarning(scope, `${scope.node.path}: ${message}`);
}

/** Records a warning whose text already says where it applies. */
export function recordWarning(scope: IConstruct, text: string): void {
  const list = perApp<string[]>(scope, 'warnings', () => []);
  if (list.includes(text)) return;
  list.push(text);
  if (!process.env.CDK8S_ISTIO_SILENT) {
    console.warn(`[cdk8s-istio] warning: ${text}`);
  }
}

/** The warnings recorded so far for the app `scope` belongs to. */
export function warningsOf(scope: IConstruct): readonly string[] {
  return perApp<string[]>(scope, 'warnings', () => []);
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
