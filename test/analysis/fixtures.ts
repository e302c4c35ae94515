/** Small manifests for the analysis tests (our own, written for these tests). */
export const svc = (name: string, ns: string, ports: any[], extra: any = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, ...(extra.metadata ?? {}) },
  spec: { selector: { app: name }, ports, ...(extra.spec ?? {}) },
});

export const vs = (name: string, ns: string, spec: any) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns }, spec,
});

export const dr = (name: string, ns: string, spec: any) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns }, spec,
});

export const gw = (name: string, ns: string, spec: any) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: ns }, spec,
});

export const deployment = (name: string, ns: string, podSpec: any, labels: any = { app: name }, templateAnnotations: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations: templateAnnotations }, spec: podSpec } },
});

export const http = (name: string, port: number) => ({ name, port, targetPort: port });
