/**
 * The Istio annotations users set on Kubernetes objects: where each applies, whether it is
 * deprecated or alpha, and how its value is checked (as the sidecar injector checks it).
 */
export interface AnnotationInfo {
  /** Kinds it applies to; `Any` for all. */
  readonly resources: readonly string[];
  readonly deprecated?: boolean;
  readonly alpha?: boolean;
  readonly validate?: (value: string) => string | undefined;
}

const uint32 = (v: string) => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? undefined : `'${v}' is not a non-negative integer`);
const bool = (v: string) => (/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(v) ? undefined : `'${v}' is not a boolean`);
const port = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : `'${v}' is not a port number from 1 to 65535`);
const statusPort = (v: string) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : `'${v}' is not a port number from 0 to 65535`);
/** A comma-separated list whose every item passes `check`. */
const listOf = (check: (item: string) => string | undefined) => (v: string) => {
  for (const item of v.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const e = check(item);
    if (e) return e;
  }
  return undefined;
};
const portList = listOf(port);
const portListWild = (v: string) => (v.trim() === '*' ? undefined : portList(v));
const cidrList = listOf((c) => (/^([0-9a-fA-F:.]+)\/(\d{1,3})$/.test(c) ? undefined : `'${c}' is not a CIDR block`));
const cidrListWild = (v: string) => (v.trim() === '*' ? undefined : cidrList(v));
const interception = (v: string) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `'${v}' is not one of REDIRECT, TPROXY, NONE`);
const json = (v: string) => {
  try {
    JSON.parse(v);
    return undefined;
  } catch {
    return /^\s*[{[]/.test(v) ? `'${v}' is not valid JSON` : undefined;
  }
};

const pod = (extra: Partial<AnnotationInfo> = {}): AnnotationInfo => ({ resources: ['Pod'], alpha: true, ...extra });

export const ANNOTATIONS: Record<string, AnnotationInfo> = {
  'alpha.istio.io/canonical-serviceaccounts': { resources: ['Service'], alpha: true, deprecated: true },
  'alpha.istio.io/identity': { resources: ['Pod'], alpha: true, deprecated: true },
  'alpha.istio.io/kubernetes-serviceaccounts': { resources: ['Service'], alpha: true, deprecated: true },
  'ambient.istio.io/bypass-inbound-capture': pod(),
  'ambient.istio.io/dns-capture': pod(),
  'ambient.istio.io/redirection': pod(),
  'ambient.istio.io/skip-inbound-capture': pod(),
  'galley.istio.io/analyze-suppress': { resources: ['Any'], alpha: true },
  'gateway.istio.io/controller-version': { resources: ['Any'] },
  'gateway.istio.io/service-account': { resources: ['Any'] },
  'gateway.istio.io/name-override': { resources: ['Any'] },
  'inject.istio.io/templates': pod(),
  'install.operator.istio.io/chart-owner': { resources: ['Any'], alpha: true },
  'install.operator.istio.io/owner-generation': { resources: ['Any'], alpha: true },
  'install.operator.istio.io/version': { resources: ['Any'], alpha: true },
  'istio.io/dry-run': { resources: ['AuthorizationPolicy'], alpha: true },
  'istio.io/rev': { resources: ['Any'] },
  'istio.io/use-waypoint': { resources: ['Any'] },
  'istio.io/use-waypoint-namespace': { resources: ['Any'] },
  'istio.io/ingress-use-waypoint': { resources: ['Any'] },
  'istio.io/dataplane-mode': { resources: ['Any'] },
  'istio.io/waypoint-for': { resources: ['Any'] },
  'kubernetes.io/ingress.class': { resources: ['Ingress'] },
  'networking.istio.io/exportTo': { resources: ['Service'], alpha: true },
  'networking.istio.io/traffic-distribution': { resources: ['Service'] },
  'networking.istio.io/address-type': { resources: ['Any'] },
  'networking.istio.io/service-type': { resources: ['Any'] },
  'prometheus.istio.io/merge-metrics': pod({ validate: bool }),
  'proxy.istio.io/config': { resources: ['Pod'], validate: json },
  'proxy.istio.io/overrides': pod(),
  'readiness.status.sidecar.istio.io/applicationPorts': pod({ validate: portList }),
  'readiness.status.sidecar.istio.io/failureThreshold': pod({ validate: uint32 }),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': pod({ validate: uint32 }),
  'readiness.status.sidecar.istio.io/periodSeconds': pod({ validate: uint32 }),
  'security.istio.io/tlsMode': { resources: ['Any'] },
  'sidecar.istio.io/agentLogLevel': pod(),
  'sidecar.istio.io/bootstrapOverride': pod(),
  'sidecar.istio.io/componentLogLevel': pod(),
  'sidecar.istio.io/controlPlaneAuthPolicy': pod({ deprecated: true }),
  'sidecar.istio.io/discoveryAddress': pod({ deprecated: true }),
  'sidecar.istio.io/enableCoreDump': pod({ validate: bool }),
  'sidecar.istio.io/extraStatTags': pod({ deprecated: true }),
  'sidecar.istio.io/inject': { resources: ['Pod'], deprecated: true, validate: bool },
  'sidecar.istio.io/interceptionMode': pod({ validate: interception }),
  'sidecar.istio.io/logLevel': pod(),
  'sidecar.istio.io/nativeSidecar': pod(),
  'sidecar.istio.io/proxyCPU': pod(),
  'sidecar.istio.io/proxyCPULimit': pod(),
  'sidecar.istio.io/proxyImage': pod(),
  'sidecar.istio.io/proxyImageType': pod(),
  'sidecar.istio.io/proxyMemory': pod(),
  'sidecar.istio.io/proxyMemoryLimit': pod(),
  'sidecar.istio.io/rewriteAppHTTPProbers': pod({ validate: bool }),
  'sidecar.istio.io/statsCompression': pod(),
  'sidecar.istio.io/statsFlushInterval': pod(),
  'sidecar.istio.io/statsHistogramBuckets': pod(),
  'sidecar.istio.io/statsInclusionPrefixes': pod({ deprecated: true }),
  'sidecar.istio.io/statsInclusionRegexps': pod({ deprecated: true }),
  'sidecar.istio.io/statsInclusionSuffixes': pod({ deprecated: true }),
  'sidecar.istio.io/status': pod(),
  'sidecar.istio.io/userVolume': pod({ validate: json }),
  'sidecar.istio.io/userVolumeMount': pod({ validate: json }),
  'status.sidecar.istio.io/port': pod({ validate: statusPort }),
  'topology.istio.io/controlPlaneClusters': { resources: ['Any'] },
  'traffic.istio.io/nodeSelector': { resources: ['Service'] },
  'traffic.sidecar.istio.io/excludeInboundPorts': pod({ validate: portList }),
  'traffic.sidecar.istio.io/excludeInterfaces': pod(),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': pod({ validate: cidrList }),
  'traffic.sidecar.istio.io/excludeOutboundPorts': pod({ validate: portList }),
  'traffic.sidecar.istio.io/includeInboundPorts': pod({ validate: portListWild }),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': pod({ validate: cidrListWild }),
  'traffic.sidecar.istio.io/includeOutboundPorts': pod({ validate: portList }),
  'traffic.sidecar.istio.io/kubevirtInterfaces': pod(),
};

/** Annotations the sidecar injector sets on CNI pods; not the user's choice, so not reported as alpha. */
export const CNI_DEFAULT_ANNOTATIONS = new Set([
  'sidecar.istio.io/interceptionMode',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

/** Annotations Istio writes itself. */
export const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'istio.io/rev', 'ambient.istio.io/redirection']);

/** `*istio.io/*` annotations and the one Kubernetes annotation Istio documents. */
export function isIstioAnnotation(name: string): boolean {
  if (name === 'kubernetes.io/ingress.class') return true;
  return name.split('/')[0].endsWith('istio.io');
}
