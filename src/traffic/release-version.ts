import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { dnsLabelRule } from '../core/hosts';
import { checkLabels, labelsAreValid } from '../core/labels';
import { brokenRule, check, fail } from '../core/validation-error';
import { checkApiObject } from '../core/value-types';

/** The label Istio's subsets, telemetry and Kiali use to tell versions apart. */
export const VERSION_LABEL = 'version';

/**
 * One version of a service in a release: a subset of its endpoints, selected by labels.
 */
export class ReleaseVersion {
  /**
   * A cdk8s-plus Deployment running this version. The library adds `version: <name>` to its
   * pod template, so the subset selects exactly its pods.
   */
  public static fromDeployment(name: string, deployment: kplus.Deployment): ReleaseVersion {
    // The release labels the Deployment's pods: without one there is nothing to label.
    checkApiObject(`ReleaseVersion.fromDeployment('${name}', deployment)`, 'deployment', deployment,
      "Pass the version's cdk8s-plus Deployment, or use ReleaseVersion.fromLabels('v1') for pods labelled elsewhere.");
    return new ReleaseVersion(name, { [VERSION_LABEL]: name }, deployment);
  }

  /**
   * Pods already labelled `version: <name>` (or with the given labels), deployed elsewhere.
   *
   * @param labels the subset's labels; default `{ version: <name> }`
   */
  public static fromLabels(name: string, labels?: Record<string, string>): ReleaseVersion {
    return new ReleaseVersion(name, labels ?? { [VERSION_LABEL]: name });
  }

  private constructor(
    /** The version name, also the subset name (a DNS label such as `v2`). */
    public readonly name: string,
    /** The subset labels. */
    public readonly labels: Record<string, string>,
    /** The Deployment of this version, when the app defines it. */
    public readonly deployment?: kplus.Deployment,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, index: number): void {
    // The common case, valid, without building property names (every release checks its versions).
    if (typeof this.name === 'string' && dnsLabelRule(this.name) === undefined && labelsAreValid(this.labels) && VERSION_LABEL in this.labels) return;
    const property = `versions[${index}]`;
    const nameError = brokenRule(this.name, dnsLabelRule);
    if (nameError !== undefined) fail(scope, `${property}.name`, nameError, this.name, "Version names become subset names: use DNS labels such as 'v1' or 'canary'.");
    checkLabels(scope, `${property}.labels`, this.labels);
    if (!(VERSION_LABEL in this.labels)) {
      check(scope, `${property}.labels`, this.labels, () => `must include the '${VERSION_LABEL}' label`,
        `Without it Istio cannot tell versions apart in telemetry or Kiali; add ${VERSION_LABEL}: '${this.name}'.`);
    }
  }
}
