import { validateAuthorizationPolicy } from './authorization-policy';
import { validateDestinationRule } from './destination-rule';
import { validateGateway } from './gateway';
import { validatePeerAuthentication } from './peer-authentication';
import { Issues } from './primitives';
import { validateRequestAuthentication } from './request-authentication';
import { validateServiceEntry } from './service-entry';
import { validateSidecar } from './sidecar';
import { validateVirtualService } from './virtual-service';
import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';

type Validate = (name: string, namespace: string, spec: any, labels: Record<string, string>) => Issues;

/** Kinds istiod's validating webhook checks, with the function that validates each. */
const VALIDATORS: ReadonlyArray<[string, string, Validate]> = [
  ['networking.istio.io', 'Gateway', validateGateway],
  ['networking.istio.io', 'VirtualService', validateVirtualService],
  ['networking.istio.io', 'DestinationRule', validateDestinationRule],
  ['networking.istio.io', 'ServiceEntry', validateServiceEntry],
  ['networking.istio.io', 'Sidecar', validateSidecar],
  ['security.istio.io', 'PeerAuthentication', validatePeerAuthentication],
  ['security.istio.io', 'AuthorizationPolicy', validateAuthorizationPolicy],
  ['security.istio.io', 'RequestAuthentication', validateRequestAuthentication],
];

const FIX = 'istiod rejects this object (kubectl apply fails); see https://istio.io/latest/docs/reference/config/';

/** Runs istiod's validation of one object and reports it as `istioctl analyze` does. */
export function reportIstiodValidation(ctx: AnalysisContext, analyzer: string, r: Resource, validate: Validate): void {
  // istioctl hands the validator only name, namespace and spec; labels feed the webhook-only rules.
  const issues = validate(r.name, r.namespace, r.spec, r.labels);
  for (const e of issues.errors) ctx.report(analyzer, 'IST0106', FindingLevel.ERROR, r, `Schema validation error: ${e}`, FIX);
  for (const w of issues.warnings) ctx.report(analyzer, 'IST0133', FindingLevel.WARNING, r, `Schema validation warning: ${w}`);
}

/** `schema.ValidationAnalyzer.<Kind>`: istiod's validating webhook, one analyzer per kind. */
export const ISTIOD_VALIDATION_ANALYZERS: readonly Analyzer[] = VALIDATORS.map(([group, kind, validate]) => ({
  name: `schema.ValidationAnalyzer.${kind}`,
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all(kind)) {
      if (r.group !== group) continue;
      reportIstiodValidation(ctx, this.name, r, validate);
    }
  },
}));
