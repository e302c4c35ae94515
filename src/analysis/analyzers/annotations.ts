import { ALWAYS_IGNORED, ANNOTATIONS, CNI_DEFAULT_ANNOTATIONS, isIstioAnnotation } from './annotation-catalog';
import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr } from '../util';

const KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'];

/** Unknown, misplaced, deprecated and invalid Istio annotations (istioctl's annotations.K8sAnalyzer). */
export const k8sAnnotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  analyze(ctx: AnalysisContext) {
    const name = this.name;
    for (const kind of KINDS) {
      for (const r of ctx.all(kind)) {
        for (const [ann, value] of Object.entries(r.annotations)) {
          if (!isIstioAnnotation(ann)) continue;
          const info = ANNOTATIONS[ann];
          if (!info) {
            ctx.report(name, 'IST0108', FindingLevel.WARNING, r, `Unknown Istio annotation '${ann}'.`, 'Check the spelling against https://istio.io/latest/docs/reference/config/annotations/.');
            continue;
          }
          if (info.deprecated && !(ann === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in r.labels)) {
            const extra = ann === 'sidecar.istio.io/inject' ? ' in favor of the "sidecar.istio.io/inject" label' : '';
            ctx.report(name, 'IST0135', FindingLevel.INFO, r, `Annotation '${ann}' is deprecated${extra} and may stop working in a future Istio release.`);
          }
          if (info.resources.includes('Any')) continue;
          if (!info.resources.includes(kind)) {
            const where = kind === 'Deployment' && info.resources.includes('Pod') ? ' (put it on spec.template.metadata.annotations)' : '';
            ctx.report(name, 'IST0107', FindingLevel.WARNING, r, `Annotation '${ann}' only applies to ${info.resources.join(', ')}, not to a ${kind}.`, `Move it to the right object${where}.`);
            continue;
          }
          const problem = info.validate?.(String(value));
          if (problem) {
            ctx.report(name, 'IST0125', FindingLevel.WARNING, r, `Invalid value of annotation '${ann}': ${problem}.`);
          }
        }
      }
    }
  },
};

function cniPod(r: Resource): boolean {
  return !arr(r.spec.initContainers).some((c: any) => c?.name === 'istio-init');
}

/** Alpha-phase Istio annotations (istioctl's annotations.AlphaAnalyzer; istioctl does not run it by default). */
export const alphaAnnotationsAnalyzer: Analyzer = {
  name: 'annotations.AlphaAnalyzer',
  analyze(ctx: AnalysisContext) {
    for (const kind of KINDS) {
      for (const r of ctx.all(kind)) {
        const skipDefaults = kind === 'Pod' && cniPod(r);
        for (const ann of Object.keys(r.annotations)) {
          if (!isIstioAnnotation(ann)) continue;
          const info = ANNOTATIONS[ann];
          if (!info?.alpha || ALWAYS_IGNORED.has(ann)) continue;
          if (skipDefaults && CNI_DEFAULT_ANNOTATIONS.has(ann)) continue;
          ctx.report(this.name, 'IST0136', FindingLevel.INFO, r, `Annotation '${ann}' belongs to an alpha-phase feature and may be incompletely supported.`);
        }
      }
    }
  },
};
