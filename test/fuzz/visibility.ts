/**
 * Visibility oracles: every scalar setting the generator made must appear in the synthesized
 * output, where Istio (or cert-manager) reads it.
 */
import { AppRecipe, BuiltApp } from './recipe';

export interface VisibilityProblem {
  /** Construct type, e.g. `CircuitBreaker`. */
  readonly construct: string;
  /** Construct path. */
  readonly path: string;
  /** The prop as the user wrote it, e.g. `connectionPool.maxRequests`. */
  readonly prop: string;
  /** `is missing` or `is replaced`. */
  readonly problem: string;
  readonly expected: unknown;
  readonly found: unknown;
}

export function visibilityProblems(_recipe: AppRecipe, _built: BuiltApp, _manifests: any[]): VisibilityProblem[] {
  return [];
}
