// The CLI benchmark's input: the YAML of a mesh as a GitOps repository or `helm template` holds it,
// written directly as text (synthesizing 20,000 services first would dominate the benchmark).
// Per service: a Service, its Deployment, a VirtualService (a header-matched route and a default
// route with timeout and retries), a DestinationRule (subset, connection pool, outlier detection)
// and an ALLOW AuthorizationPolicy for the previous service's account: 5 objects. Per namespace of
// 50 services: an injection-enabled Namespace with STRICT mTLS. The mesh analyzes clean.
'use strict';
const fs = require('fs');

const SERVICES_PER_NAMESPACE = 50;

function namespaceDocs(namespace) {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:
    istio-injection: enabled
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: ${namespace}
spec:
  mtls:
    mode: STRICT
`;
}

function serviceDocs(i, namespace) {
  const name = `svc-${i}`;
  const host = `${name}.${namespace}.svc.cluster.local`;
  const client = `svc-${i % SERVICES_PER_NAMESPACE === 0 ? i + 1 : i - 1}`;
  const route = `      route:
        - destination:
            host: ${host}
            port:
              number: 8080
            subset: v1
      timeout: 10s
      retries:
        attempts: 3
        perTryTimeout: 2s
        retryOn: gateway-error,connect-failure`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - name: http
      port: 8080
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-v1
  namespace: ${namespace}
  labels:
    app: ${name}
    version: v1
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
      version: v1
  template:
    metadata:
      labels:
        app: ${name}
        version: v1
    spec:
      serviceAccountName: ${name}
      containers:
        - name: app
          image: registry.example.com/${name}:1.4.2
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  hosts:
    - ${host}
  http:
    - match:
        - headers:
            x-canary:
              exact: "true"
${route}
    -
${route}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  host: ${host}
  subsets:
    - name: v1
      labels:
        version: v1
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 1000
        connectTimeout: 5s
      http:
        http1MaxPendingRequests: 1000
        http2MaxRequests: 1000
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
      maxEjectionPercent: 50
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}-allow
  namespace: ${namespace}
spec:
  action: ALLOW
  selector:
    matchLabels:
      app: ${name}
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/${namespace}/sa/${client}
`;
}

/**
 * Writes a mesh of about `objects` objects (5 per service, 2 more per namespace of 50 services)
 * to `file` as one multi-document YAML file, piece by piece; returns the number of objects.
 */
function writeCliMesh(file, objects) {
  const services = Math.max(1, Math.round(objects / 5));
  const fd = fs.openSync(file, 'w');
  let count = 0;
  try {
    for (let i = 0; i < services; i++) {
      const namespace = `mesh-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
      let text = i === 0 ? '' : '---\n';
      if (i % SERVICES_PER_NAMESPACE === 0) {
        text += `${namespaceDocs(namespace)}---\n`;
        count += 2;
      }
      text += serviceDocs(i, namespace);
      count += 5;
      fs.writeSync(fd, text);
    }
  } finally {
    fs.closeSync(fd);
  }
  return count;
}

module.exports = { writeCliMesh };

if (require.main === module) {
  const [file, objects] = process.argv.slice(2);
  console.log(writeCliMesh(file, Number(objects)));
}
