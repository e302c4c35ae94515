import { IConstruct } from 'constructs';
import { perApp } from './per-app';


/**
 * Records a warning for the app `scope` belongs to and prints it once. Warnings describe
 * output that is valid but probably not what the user meant (a retry budget longer than the
 * route timeout, session affinity across weighted subsets).
 */
export function addWarning(scope: IConstruct, message: string): void {
  const list = perApp<string[]>(scope, 'warnings', () => []);
  const text = `${scope.node.path}: ${message}`;
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
