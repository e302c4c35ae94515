import { Manifest, Resource } from './context';

/**
 * `istioctl analyze --use-kube=false` assumes the control plane's ingress gateway exists: before
 * analysing files it adds a placeholder gateway Pod and its Service (`AddDefaultResources`). Gateways
 * selecting `istio: ingressgateway` then find a workload, and their server ports are checked
 * against that Service. We add the same two objects unless switched off.
 */

/** Where the placeholder objects come from (their `Resource.source`). */
export const DEFAULT_RESOURCES_SOURCE = '<default ingress gateway>';

/** The namespace istioctl assumes for the control plane (its `--istioNamespace` default). */
const ISTIO_NAMESPACE = 'istio-system';
/** MeshConfig `ingressService` default. */
const DEFAULT_INGRESS_SERVICE = 'istio-ingressgateway';
/** The label the placeholder Pod carries and its Service selects, whatever `ingressService` says. */
const INGRESS_LABELS = { istio: 'ingressgateway' };

/** Ports of the placeholder Service, as istioctl declares them. */
const INGRESS_PORTS = [
  { name: 'http2', nodePort: 31380, port: 80, protocol: 'TCP', targetPort: 80 },
  { name: 'https', nodePort: 31390, port: 443, protocol: 'TCP', targetPort: 443 },
  { name: 'tcp', nodePort: 31400, port: 31400, protocol: 'TCP', targetPort: 31400 },
  { name: 'tls', nodePort: 31447, port: 15443, protocol: 'TCP', targetPort: 15443 },
];

/**
 * The objects istioctl adds for the mesh config given: none when `ingressControllerMode` is `OFF`,
 * else a Pod `<ingressService>-dummypod` and a Service `<ingressService>` in `istio-system`.
 */
export function defaultResources(meshConfig: Manifest): Manifest[] {
  if (String(meshConfig.ingressControllerMode ?? '').toUpperCase() === 'OFF') return [];
  const service = typeof meshConfig.ingressService === 'string' && meshConfig.ingressService !== ''
    ? meshConfig.ingressService : DEFAULT_INGRESS_SERVICE;
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${service}-dummypod`, namespace: ISTIO_NAMESPACE, labels: { ...INGRESS_LABELS } },
      spec: { containers: [{ name: 'istio-proxy' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace: ISTIO_NAMESPACE },
      spec: { ports: INGRESS_PORTS.map((p) => ({ ...p })), selector: { ...INGRESS_LABELS } },
    },
  ];
}

/** True for the placeholders, which checks that look for state "in the files" must not count. */
export function isDefaultResource(r: Resource): boolean {
  return r.source === DEFAULT_RESOURCES_SOURCE;
}
