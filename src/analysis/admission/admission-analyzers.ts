import { admit, AdmissionProblem } from './validator';
import { AnalysisCheck } from '../analysis-check';
import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';

const FIX: Record<AdmissionProblem['code'], string> = {
  CIS1000: 'This is a gap in cdk8s-istio, not in your object: please report it; the API server would evaluate the rule.',
  CIS1001: 'Correct the field as the CRD schema requires; the API server would reject the object or drop the field.',
  CIS1002: 'Correct the object so that it satisfies the CRD rule; the API server would reject it.',
};

/** Admission problems of every object, computed once and shared by both analyzers. */
function problems(ctx: AnalysisContext): Array<[Resource, AdmissionProblem]> {
  return ctx.cached('admission', () => {
    const out: Array<[Resource, AdmissionProblem]> = [];
    for (const r of ctx.resources) {
      for (const p of admit(r.obj) ?? []) out.push([r, p]);
    }
    return out;
  });
}

function reporter(name: string, codes: ReadonlyArray<AdmissionProblem['code']>): Analyzer {
  return {
    name,
    check: AnalysisCheck.ADMISSION,
    analyze: (ctx) => {
      for (const [r, p] of problems(ctx)) {
        if (codes.includes(p.code)) ctx.report(name, p.code, FindingLevel.ERROR, r, p.message, FIX[p.code]);
      }
    },
  };
}

/** The CRD's structural schema: types, enums, required fields, ranges, patterns, lengths, unknown fields. */
export const schemaValidator = reporter('admission.SchemaValidator', ['CIS1001']);

/** The CRD's `x-kubernetes-validations` CEL rules; a rule we cannot evaluate is reported, never passed. */
export const celValidator = reporter('admission.CelValidator', ['CIS1002', 'CIS1000']);
