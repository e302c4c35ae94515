/**
 * Visibility oracles: every scalar setting the generator made (numbers, durations, hosts, names,
 * regexes, modes) must appear in the synthesized output where Istio or cert-manager reads it.
 * A setting missing from its object, or rendered with another value, is a dropped setting.
 *
 * Each oracle finds the object a construct renders (by kind, name and namespace or by host) and
 * compares one field per setting; durations are compared by value (any Go duration spelling).
 */
import { Duration } from 'cdk8s';
import { AppRecipe, BuiltApp, isConst, materialize, NewStep, pathOfStep, PresetStep, Step, Value } from './recipe';
import { parseGoDuration } from './wire';

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

type Manifest = Record<string, any>;

/** What an oracle works with: the step, its construct, the app's output, and value helpers. */
class Oracle {
  public readonly problems: VisibilityProblem[] = [];
  public readonly props: Record<string, any>;

  constructor(
    public readonly step: NewStep | PresetStep,
    public readonly instance: any,
    private readonly recipe: AppRecipe,
    private readonly built: BuiltApp,
    public readonly manifests: Manifest[],
  ) {
    this.props = (step.op === 'new' ? step.props : step.args[0]) as Record<string, any> ?? {};
  }

  /** The real value of a recipe value (a MeshService, a Duration, an enum member...). */
  public real(value: Value): any {
    return materialize(value, this.built.resolve);
  }

  /** Method calls the app made on this construct. */
  public calls(method: string): Step[] {
    if (this.built.resolve(this.step.id) !== this.instance) return [];
    return this.recipe.steps.filter((s) => s.op === 'method' && s.target === this.step.id && s.method === method);
  }

  public find(kind: string, test: (m: Manifest) => boolean): Manifest | undefined {
    return this.manifests.find((m) => m.kind === kind && test(m));
  }

  public named(kind: string, name: string, namespace?: string): Manifest | undefined {
    return this.find(kind, (m) => m.metadata?.name === name && (namespace === undefined || m.metadata?.namespace === namespace));
  }

  /** Records a problem unless `found` equals `expected` (as JSON, in any key order). */
  public expect(prop: string, expected: unknown, found: unknown): void {
    if (sameJson(found, expected)) return;
    this.problem(prop, expected, found);
  }

  /** Records a problem unless `list` contains `expected`. */
  public expectIn(prop: string, expected: unknown, list: unknown): void {
    const items = Array.isArray(list) ? list : [];
    if (items.some((i) => sameJson(i, expected))) return;
    this.problem(prop, expected, list);
  }

  /** A duration setting rendered as a string with the same length (unparseable ones are the wire checks' business). */
  public expectDuration(prop: string, value: Value | Duration, found: unknown): void {
    const duration = value instanceof Duration ? value : this.real(value) as Duration;
    const expected = duration.toMilliseconds({ integral: false });
    if (typeof found === 'string' && typeof parseGoDuration(found) === 'string') return;
    const ns = typeof found === 'string' ? parseGoDuration(found) as bigint : undefined;
    if (ns !== undefined && Number(ns) / 1e6 === expected) return;
    this.problem(prop, `${expected}ms`, found);
  }

  /** Every `key: value` of a label map present in `found`. */
  public expectLabels(prop: string, labels: Record<string, string> | undefined, found: Record<string, string> | undefined): void {
    for (const [k, v] of Object.entries(labels ?? {})) this.expect(`${prop}['${k}']`, v, found?.[k]);
  }

  /** A required object: records the prop as missing when the object is absent, and tells the caller to stop. */
  public require<T>(prop: string, expected: unknown, found: T | undefined): found is T {
    if (found === undefined) this.problem(prop, expected, undefined);
    return found !== undefined;
  }

  private problem(prop: string, expected: unknown, found: unknown): void {
    this.problems.push({
      construct: this.step.op === 'preset' ? `${this.step.type}.${this.step.method}` : this.step.type,
      path: pathOfStep(this.step, this.recipe),
      prop,
      problem: found === undefined ? 'is missing' : 'is replaced',
      expected,
      found,
    });
  }
}

/** JSON equality that ignores the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as any)[k])]));
    return v;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The arguments of a method call step. */
function argsOf(step: Step): any[] {
  return step.op === 'method' ? step.args as any[] : [];
}

type Check = (o: Oracle) => void;

/** Every setting of every construct of the app that synthesized, checked against its output. */
export function visibilityProblems(recipe: AppRecipe, built: BuiltApp, manifests: any[]): VisibilityProblem[] {
  const problems: VisibilityProblem[] = [];
  for (const step of recipe.steps) {
    if (step.op === 'method') continue;
    const check = CHECKS[step.type];
    if (!check) continue;
    const oracle = new Oracle(step, built.constructs.get(pathOfStep(step, recipe)), recipe, built, manifests);
    check(oracle);
    problems.push(...oracle.problems);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Traffic
// ---------------------------------------------------------------------------------------------

/** The DestinationRule of a service host. */
function destinationRule(o: Oracle, host: string, namespace: string): Manifest | undefined {
  return o.find('DestinationRule', (m) => m.spec?.host === host && m.metadata?.namespace === namespace);
}

/** A route's retries, fault and timeout as the user set them. */
function checkRoutePolicy(o: Oracle, prefix: string, route: Manifest, settings: { timeout?: Value; retries?: any; fault?: any }): void {
  if (settings.timeout !== undefined) o.expectDuration(`${prefix}timeout`, settings.timeout, route.timeout);
  const r = settings.retries;
  if (r) {
    o.expect(`${prefix}retries.attempts`, r.attempts, route.retries?.attempts);
    if (r.attempts > 0) {
      if (r.perTryTimeout) o.expectDuration(`${prefix}retries.perTryTimeout`, r.perTryTimeout, route.retries?.perTryTimeout);
      const conditions = String(route.retries?.retryOn ?? '').split(',');
      for (const c of r.retryOn ?? []) o.expectIn(`${prefix}retries.retryOn`, o.real(c), conditions);
      for (const code of r.retryOnStatusCodes ?? []) o.expectIn(`${prefix}retries.retryOnStatusCodes`, String(code), conditions);
      if (r.retryRemoteLocalities) o.expect(`${prefix}retries.retryRemoteLocalities`, true, route.retries?.retryRemoteLocalities);
    }
  }
  const f = settings.fault;
  if (f) {
    if (f.delay) o.expectDuration(`${prefix}fault.delay`, f.delay, route.fault?.delay?.fixedDelay);
    if (f.delayPercentage !== undefined) o.expect(`${prefix}fault.delayPercentage`, f.delayPercentage, route.fault?.delay?.percentage?.value);
    if (f.abortHttpStatus !== undefined) o.expect(`${prefix}fault.abortHttpStatus`, f.abortHttpStatus, route.fault?.abort?.httpStatus);
    if (f.abortGrpcStatus !== undefined) o.expect(`${prefix}fault.abortGrpcStatus`, o.real(f.abortGrpcStatus), route.fault?.abort?.grpcStatus);
    if (f.abortPercentage !== undefined) o.expect(`${prefix}fault.abortPercentage`, f.abortPercentage, route.fault?.abort?.percentage?.value);
  }
}

/** One RequestMatch against its rendered match. */
function checkMatch(o: Oracle, prefix: string, m: any, wire: Manifest | undefined): void {
  const stringMatch = (prop: string, v: Value, found: any) => {
    const call = v as { $call: string; args: string[] };
    o.expect(prop, call.args[0], found?.[call.$call.split('.')[1]]);
  };
  for (const [name, v] of Object.entries(m.headers ?? {})) stringMatch(`${prefix}headers['${name}']`, v as Value, wire?.headers?.[name.toLowerCase()]);
  for (const [name, v] of Object.entries(m.withoutHeaders ?? {})) stringMatch(`${prefix}withoutHeaders['${name}']`, v as Value, wire?.withoutHeaders?.[name.toLowerCase()]);
  for (const [name, v] of Object.entries(m.queryParams ?? {})) stringMatch(`${prefix}queryParams['${name}']`, v as Value, wire?.queryParams?.[name]);
  if (m.uri) stringMatch(`${prefix}uri`, m.uri, wire?.uri);
  if (m.method) o.expect(`${prefix}method`, o.real(m.method), wire?.method?.exact);
  if (m.port !== undefined) o.expect(`${prefix}port`, m.port, wire?.port);
  o.expectLabels(`${prefix}sourceLabels`, m.sourceLabels, wire?.sourceLabels);
  if (m.ignoreUriCase) o.expect(`${prefix}ignoreUriCase`, true, wire?.ignoreUriCase);
  for (const name of Object.keys(m.cookies ?? {})) {
    const regex = String(wire?.headers?.cookie?.regex ?? '');
    if (!regex.includes(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))) o.expect(`${prefix}cookies['${name}']`, name, wire?.headers?.cookie);
  }
}

const checkCanaryRelease: Check = (o) => {
  const p = o.props;
  const service = o.instance.service;
  const names: string[] = o.instance.versionNames;
  const dr = destinationRule(o, service.host, service.namespace);
  if (!o.require('service', service.host, dr)) return;
  (p.versions as Value[]).forEach((v, i) => {
    const version = o.real(v);
    const subset = (dr.spec.subsets ?? []).find((s: any) => s.name === version.name);
    if (!o.require(`versions[${i}].name`, version.name, subset)) return;
    o.expectLabels(`versions[${i}].labels`, version.labels, subset.labels);
    if (version.deployment) {
      // The version's pods carry its labels, or the subset selects nothing.
      const deployment = o.named('Deployment', version.deployment.name);
      o.expectLabels(`versions[${i}] (deployment pod labels)`, version.labels, deployment?.spec?.template?.metadata?.labels);
    }
  });
  const http = p.protocol === undefined || ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(o.real(p.protocol));
  const split: Array<[string, string, number]> = p.canaryWeight !== undefined
    ? [['canaryWeight', names[0], 100 - p.canaryWeight], ['canaryWeight', names[1], p.canaryWeight]]
    : p.weights !== undefined ? names.filter((n) => n in p.weights).map((n) => [`weights['${n}']`, n, p.weights[n]]) : [['versions[0]', names[0], 100]];
  const checkSplit = (prefix: string, destinations: any[] | undefined) => {
    for (const [prop, subset, weight] of split) {
      const d = (destinations ?? []).find((x: any) => x.destination?.subset === subset);
      if (!o.require(`${prefix}${prop}`, subset, d)) continue;
      o.expect(`${prefix}${prop}`, weight, d.weight ?? (destinations!.length === 1 ? 100 : undefined));
      if (service.port !== undefined) o.expect('service.port', service.port, d.destination.port?.number);
    }
  };
  const tables: Array<{ prop: string; vs: Manifest | undefined }> = [];
  if (p.meshRouting !== false) {
    tables.push({ prop: 'service', vs: o.find('VirtualService', (m) => m.metadata?.namespace === service.namespace && (m.spec?.hosts ?? []).includes(service.host)) });
  }
  if (p.gateway) {
    const gateway = o.real(p.gateway);
    const hosts: string[] = p.gatewayHosts ?? gateway.hosts.map((h: string) => h.split('/').pop());
    for (const h of hosts) {
      tables.push({
        prop: `gatewayHosts['${h}']`,
        vs: o.find('VirtualService', (m) => m.metadata?.namespace === gateway.gatewayNamespace && (m.spec?.hosts ?? []).includes(h)
          && (m.spec?.gateways ?? []).includes(`${gateway.gatewayNamespace}/${gateway.gatewayName}`)),
      });
    }
  }
  for (const { prop, vs } of tables) {
    if (!o.require(prop, 'a VirtualService', vs)) continue;
    if (!http) {
      const port = p.gateway && prop !== 'service' ? p.gatewayPort ?? service.port : service.port;
      const route = (vs.spec.tcp ?? []).find((r: any) => (r.match ?? []).some((x: any) => x.port === port)
        && r.route?.some((d: any) => d.destination?.host === service.host));
      if (o.require(p.gatewayPort !== undefined ? 'gatewayPort' : 'service.port', port, route)) checkSplit('', route.route);
      continue;
    }
    const routes: any[] = vs.spec.http ?? [];
    const defaultRoute = routes.find((r) => !r.match && (r.route ?? []).some((d: any) => d.destination?.host === service.host));
    if (o.require(`${prop} (default route)`, service.host, defaultRoute)) {
      checkSplit('', defaultRoute.route);
      checkRoutePolicy(o, '', defaultRoute, p);
      if (p.mirror) {
        o.expect('mirror.version', p.mirror.version, defaultRoute.mirror?.subset);
        if (p.mirror.percentage !== undefined) o.expect('mirror.percentage', p.mirror.percentage, defaultRoute.mirrorPercentage?.value);
      }
    }
    const matched = routes.filter((r) => r.match && (r.route ?? []).some((d: any) => d.destination?.host === service.host));
    (p.matchRoutes ?? []).forEach((mr: any, i: number) => {
      const route = matched[i];
      if (!o.require(`matchRoutes[${i}]`, 'a matched route', route)) return;
      if (mr.name !== undefined) o.expect(`matchRoutes[${i}].name`, mr.name, route.name);
      if (mr.version !== undefined) o.expect(`matchRoutes[${i}].version`, mr.version, route.route?.[0]?.destination?.subset);
      checkRoutePolicy(o, `matchRoutes[${i}].`, route, { timeout: mr.timeout ?? p.timeout, retries: mr.retries ?? p.retries, fault: mr.fault });
      (mr.matches as any[]).forEach((m, j) => checkMatch(o, `matchRoutes[${i}].matches[${j}].`, m, route.match?.[j]));
    });
  }
  if (p.sessionAffinity) checkLoadBalancer(o, 'sessionAffinity', p.sessionAffinity, dr.spec.trafficPolicy?.loadBalancer);
};

/** A LoadBalancer against the rendered `loadBalancer`. */
function checkLoadBalancer(o: Oracle, prop: string, value: Value, wire: any): void {
  if (isConst(value)) return o.expect(`${prop}.simple`, value.$const.split('.')[1], wire?.simple);
  const call = value as { $call: string; args: any[] };
  const hash = wire?.consistentHash;
  switch (call.$call) {
    case 'LoadBalancer.consistentHashOnHeader': return o.expect(`${prop} header`, call.args[0], hash?.httpHeaderName);
    case 'LoadBalancer.consistentHashOnQueryParameter': return o.expect(`${prop} query parameter`, call.args[0], hash?.httpQueryParameterName);
    case 'LoadBalancer.consistentHashOnSourceIp': return o.expect(`${prop} source IP`, true, hash?.useSourceIp);
    case 'LoadBalancer.consistentHashOnCookie': {
      const c = call.args[0];
      o.expect(`${prop} cookie.name`, c.name, hash?.httpCookie?.name);
      if (c.path) o.expect(`${prop} cookie.path`, c.path, hash?.httpCookie?.path);
      if (c.ttl) o.expectDuration(`${prop} cookie.ttl`, c.ttl, hash?.httpCookie?.ttl);
      return;
    }
  }
}

const POOL_FIELDS: Record<string, [string, 'count' | 'duration' | 'upgrade']> = {
  maxConnections: ['tcp.maxConnections', 'count'],
  connectTimeout: ['tcp.connectTimeout', 'duration'],
  tcpKeepaliveTime: ['tcp.tcpKeepalive.time', 'duration'],
  tcpKeepaliveInterval: ['tcp.tcpKeepalive.interval', 'duration'],
  tcpKeepaliveProbes: ['tcp.tcpKeepalive.probes', 'count'],
  maxPendingRequests: ['http.http1MaxPendingRequests', 'count'],
  maxRequests: ['http.http2MaxRequests', 'count'],
  maxRequestsPerConnection: ['http.maxRequestsPerConnection', 'count'],
  maxRetries: ['http.maxRetries', 'count'],
  idleTimeout: ['http.idleTimeout', 'duration'],
  h2Upgrade: ['http.h2UpgradePolicy', 'upgrade'],
};
const OUTLIER_DURATIONS = ['interval', 'baseEjectionTime'];

function at(obj: any, path: string): any {
  return path.split('.').reduce((v, k) => v?.[k], obj);
}

const checkCircuitBreaker: Check = (o) => {
  const p = o.props;
  const service = o.instance.service;
  const dr = destinationRule(o, service.host, service.namespace);
  if (!o.require('service', service.host, dr)) return;
  let policy: any;
  if (p.subset !== undefined) policy = (dr.spec.subsets ?? []).find((s: any) => s.name === p.subset)?.trafficPolicy;
  else if (p.port !== undefined) policy = (dr.spec.trafficPolicy?.portLevelSettings ?? []).find((s: any) => s.port?.number === p.port);
  else policy = dr.spec.trafficPolicy;
  if (!o.require(p.subset !== undefined ? 'subset' : p.port !== undefined ? 'port' : 'props', 'a traffic policy', policy)) return;
  const preset = p.preset ? o.real(p.preset) : undefined;
  const pool = { ...preset?.connectionPool, ...p.connectionPool };
  for (const [field, value] of Object.entries(pool)) {
    const [wirePath, kind] = POOL_FIELDS[field];
    const found = at(policy.connectionPool, wirePath);
    if (kind === 'duration') o.expectDuration(`connectionPool.${field}`, value as Value, found);
    else if (kind === 'upgrade') o.expect(`connectionPool.${field}`, value ? 'UPGRADE' : 'DO_NOT_UPGRADE', found);
    else o.expect(`connectionPool.${field}`, value, found);
  }
  if (preset?.outlierDetection || p.outlierDetection) {
    for (const [field, value] of Object.entries({ ...preset?.outlierDetection, ...p.outlierDetection })) {
      const found = policy.outlierDetection?.[field];
      if (OUTLIER_DURATIONS.includes(field)) o.expectDuration(`outlierDetection.${field}`, value as Value, found);
      else o.expect(`outlierDetection.${field}`, value, found);
    }
  }
  if (p.loadBalancer) checkLoadBalancer(o, 'loadBalancer', p.loadBalancer, policy.loadBalancer);
  (p.localityFailover ?? []).forEach((f: any, i: number) => {
    const wire = policy.loadBalancer?.localityLbSetting?.failover?.[i];
    o.expect(`localityFailover[${i}].from`, f.from, wire?.from);
    o.expect(`localityFailover[${i}].to`, f.to, wire?.to);
  });
  for (const [from, to] of Object.entries(p.localityDistribute ?? {})) {
    const wire = (policy.loadBalancer?.localityLbSetting?.distribute ?? []).find((d: any) => d.from === from);
    for (const [locality, weight] of Object.entries(to as Record<string, number>)) {
      o.expect(`localityDistribute['${from}']['${locality}']`, weight, wire?.to?.[locality]);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Edge
// ---------------------------------------------------------------------------------------------

const SOLVER_FIELDS: Record<string, string> = {
  apiToken: 'apiTokenSecretRef',
  accessKeyId: 'accessKeyID',
  secretAccessKey: 'secretAccessKeySecretRef',
  hostedZoneId: 'hostedZoneID',
  serviceAccount: 'serviceAccountSecretRef',
  subscriptionId: 'subscriptionID',
  clientId: 'clientID',
  clientSecret: 'clientSecretSecretRef',
  tenantId: 'tenantID',
  tsigSecret: 'tsigSecretSecretRef',
  managedIdentityClientId: 'managedIdentity.clientID',
};

function checkIssuerConfig(o: Oracle, config: Value, spec: any): void {
  const call = config as { $call: string; args: any[] };
  if (call.$call === 'IssuerConfig.selfSigned') return o.expect('config (selfSigned)', {}, spec?.selfSigned);
  if (call.$call === 'IssuerConfig.ca') return o.expect('config.ca.secretName', call.args[0].secretName, spec?.ca?.secretName);
  const acme = call.args[0];
  if (acme.server) o.expect('config.acme.server', o.real(acme.server).url, spec?.acme?.server);
  if (acme.email !== undefined) o.expect('config.acme.email', acme.email, spec?.acme?.email);
  if (acme.accountKeySecretName !== undefined) o.expect('config.acme.accountKeySecretName', acme.accountKeySecretName, spec?.acme?.privateKeySecretRef?.name);
  (acme.solvers as Value[]).forEach((solverValue, i) => {
    const solver = solverValue as { $call: string; args: any[] };
    const options = solver.args[0] ?? {};
    const wire = spec?.acme?.solvers?.[i];
    const prefix = `config.acme.solvers[${i}]`;
    for (const zone of options.dnsZones ?? []) o.expectIn(`${prefix}.dnsZones`, zone, wire?.selector?.dnsZones);
    for (const name of options.dnsNames ?? []) o.expectIn(`${prefix}.dnsNames`, name, wire?.selector?.dnsNames);
    if (solver.$call === 'AcmeSolver.http01') {
      if (options.ingressClassName !== undefined) o.expect(`${prefix}.ingressClassName`, options.ingressClassName, wire?.http01?.ingress?.ingressClassName);
      return;
    }
    const provider = wire?.dns01 ? Object.values(wire.dns01)[0] as any : undefined;
    for (const [key, value] of Object.entries(options)) {
      if (key === 'dnsZones' || key === 'dnsNames' || value === undefined) continue;
      o.expect(`${prefix}.${key}`, value, at(provider, SOLVER_FIELDS[key] ?? key));
    }
  });
}

const checkIssuer: Check = (o) => {
  const kind = o.step.type;
  const obj = o.named(kind, o.instance.issuerName, kind === 'Issuer' ? o.instance.issuerNamespace : undefined);
  if (!o.require('name', o.instance.issuerName, obj)) return;
  if (o.props.name !== undefined) o.expect('name', o.props.name, obj.metadata.name);
  if (o.props.namespace !== undefined) o.expect('namespace', o.props.namespace, obj.metadata.namespace);
  checkIssuerConfig(o, o.props.config, obj.spec);
};

function checkPrivateKey(o: Oracle, prefix: string, key: any, wire: any): void {
  if (!key) return;
  if (key.algorithm) o.expect(`${prefix}.algorithm`, o.real(key.algorithm), wire?.algorithm);
  if (key.size !== undefined) o.expect(`${prefix}.size`, key.size, wire?.size);
  if (key.rotationPolicy) o.expect(`${prefix}.rotationPolicy`, o.real(key.rotationPolicy), wire?.rotationPolicy);
}

const checkCaChain: Check = (o) => {
  const p = o.props;
  const root = o.named('Certificate', o.instance.rootSecretName, o.instance.rootNamespace);
  if (!o.require('name', o.instance.rootSecretName, root)) return;
  o.expect('commonName', p.commonName, root.spec.commonName);
  if (p.duration) o.expectDuration('duration', p.duration, root.spec.duration);
  checkPrivateKey(o, 'privateKey', p.privateKey, root.spec.privateKey);
  const kind = p.cluster === false ? 'Issuer' : 'ClusterIssuer';
  o.require('name (CA issuer)', o.instance.issuerName, o.named(kind, o.instance.issuerName));
};

const checkSecureGateway: Check = (o) => {
  const p = o.props;
  const g = o.instance;
  const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('networking.istio.io/') && m.metadata?.name === g.gatewayName && m.metadata?.namespace === g.gatewayNamespace);
  if (!o.require('name', g.gatewayName, gw)) return;
  const servers: any[] = gw.spec.servers ?? [];
  const secure = servers.find((s) => s.port?.number === g.httpsPort);
  if (!o.require('httpsPort', g.httpsPort, secure)) return;
  if (p.httpsPort !== undefined) o.expect('httpsPort', p.httpsPort, secure.port.number);
  for (const h of p.hosts) o.expectIn('hosts', h, secure.hosts);
  o.expectLabels('selector', p.selector, gw.spec.selector);
  if (p.tlsMode) o.expect('tlsMode', o.real(p.tlsMode), secure.tls?.mode);
  if (p.minTlsVersion) o.expect('minTlsVersion', o.real(p.minTlsVersion), secure.tls?.minProtocolVersion);
  if (p.maxTlsVersion) o.expect('maxTlsVersion', o.real(p.maxTlsVersion), secure.tls?.maxProtocolVersion);
  for (const c of p.cipherSuites ?? []) o.expectIn('cipherSuites', c, secure.tls?.cipherSuites);
  for (const san of p.clientSubjectAltNames ?? []) o.expectIn('clientSubjectAltNames', san, secure.tls?.subjectAltNames);
  if (p.clientCa && o.real(p.clientCa).secretName) o.expect('clientCa', o.real(p.clientCa).secretName, secure.tls?.caCertCredentialName);
  if (p.httpsRedirect === true) {
    const port = p.httpPort ?? 80;
    o.expect('httpPort', true, servers.find((s) => s.port?.number === port)?.tls?.httpsRedirect);
  }
  const certificate = p.certificate ? o.real(p.certificate) : undefined;
  if (certificate?.secretName) o.expect('certificate.secretName', certificate.secretName, secure.tls?.credentialName);
  if (certificate?.issuer) {
    const cert = o.named('Certificate', g.credentialName, g.gatewayNamespace);
    if (o.require('certificate', g.credentialName, cert)) {
      for (const h of p.hosts) o.expectIn('hosts (certificate dnsNames)', h, cert.spec.dnsNames);
      o.expect('certificate.issuer', certificate.issuer.issuerName, cert.spec.issuerRef?.name);
      const options = certificate.options;
      if (options.duration) o.expectDuration('certificate.duration', options.duration, cert.spec.duration);
      if (options.renewBefore) o.expectDuration('certificate.renewBefore', options.renewBefore, cert.spec.renewBefore);
      checkPrivateKey(o, 'certificate.privateKey', (p.certificate as any).args[1]?.privateKey, cert.spec.privateKey);
    }
  }
  o.calls('addRoute').forEach((call, i) => {
    const r = argsOf(call)[0];
    const prefix = `addRoute[${i}]`;
    const host = r.host ?? g.hosts[0];
    const serviceHost = o.real(r.service).host;
    const vs = o.find('VirtualService', (m) => m.metadata?.namespace === g.gatewayNamespace && (m.spec?.hosts ?? []).includes(host)
      && (m.spec?.gateways ?? []).includes(`${g.gatewayNamespace}/${g.gatewayName}`));
    if (!o.require(`${prefix}.host`, host, vs)) return;
    const port = r.port ?? o.real(r.service).port;
    if (g.tlsMode === 'PASSTHROUGH') {
      const route = (vs.spec.tls ?? []).find((t: any) => (t.match ?? []).some((m: any) => (m.sniHosts ?? []).includes(host)));
      if (!o.require(`${prefix}.host`, host, route)) return;
      o.expect(`${prefix}.service`, serviceHost, route.route?.[0]?.destination?.host);
      o.expect(`${prefix}.port`, port, route.route?.[0]?.destination?.port?.number);
      return;
    }
    const isDefault = r.pathPrefix === undefined || r.pathPrefix === '/';
    const route = (vs.spec.http ?? []).find((h: any) => (h.route ?? []).some((d: any) => d.destination?.host === serviceHost)
      && (isDefault ? !h.match : (h.match ?? []).some((m: any) => m.uri?.prefix === r.pathPrefix)));
    if (!o.require(isDefault ? `${prefix}.service` : `${prefix}.pathPrefix`, isDefault ? serviceHost : r.pathPrefix, route)) return;
    if (port !== undefined) o.expect(`${prefix}.port`, port, route.route[0].destination?.port?.number);
    if (r.rewritePrefix !== undefined) o.expect(`${prefix}.rewritePrefix`, r.rewritePrefix, route.rewrite?.uri);
    if (r.timeout !== undefined) o.expectDuration(`${prefix}.timeout`, r.timeout, route.timeout);
  });
};

const checkEgressGateway: Check = (o) => {
  const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('networking.istio.io/') && m.metadata?.name === o.instance.gatewayName
    && m.metadata?.namespace === o.instance.gatewayNamespace);
  if (!o.require('name', o.instance.gatewayName, gw)) return;
  o.expectLabels('selector', o.props.selector, gw.spec.selector);
};

const checkTcpGateway: Check = (o) => {
  const p = o.props;
  const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('networking.istio.io/') && m.metadata?.name === o.instance.gatewayName
    && m.metadata?.namespace === o.instance.gatewayNamespace);
  if (!o.require('name', o.instance.gatewayName, gw)) return;
  o.expectLabels('selector', p.selector, gw.spec.selector);
  const servers: any[] = gw.spec.servers ?? [];
  for (const [i, entry] of (p.ports ?? []).entries()) {
    const server = servers.find((s) => s.port?.number === entry.port);
    if (!o.require(`ports[${i}].port`, entry.port, server)) continue;
    if (entry.name !== undefined) o.expect(`ports[${i}].name`, entry.name, server.port.name);
  }
};

const checkExternalService: Check = (o) => {
  const p = o.props;
  const x = o.instance;
  const se = o.named('ServiceEntry', x.serviceName, x.namespace);
  if (!o.require('name', x.serviceName, se)) return;
  for (const h of p.hosts) o.expectIn('hosts', h, se.spec.hosts);
  (p.ports as any[]).forEach((port, i) => {
    const wire = (se.spec.ports ?? []).find((w: any) => w.number === port.number);
    if (!o.require(`ports[${i}].number`, port.number, wire)) return;
    o.expect(`ports[${i}].protocol`, o.real(port.protocol), wire.protocol);
    if (port.name !== undefined) o.expect(`ports[${i}].name`, port.name, wire.name);
    if (port.targetPort !== undefined) o.expect(`ports[${i}].targetPort`, port.targetPort, wire.targetPort);
  });
  for (const a of p.addresses ?? []) o.expectIn('addresses', a, se.spec.addresses);
  if (p.location) o.expect('location', o.real(p.location), se.spec.location);
  if (p.resolution) o.expect('resolution', o.real(p.resolution), se.spec.resolution);
  (p.endpoints ?? []).forEach((e: any, i: number) => {
    const wire = (se.spec.endpoints ?? [])[i];
    if (!o.require(`endpoints[${i}].address`, e.address, wire)) return;
    o.expect(`endpoints[${i}].address`, e.address, wire.address);
    for (const [name, port] of Object.entries(e.ports ?? {})) o.expect(`endpoints[${i}].ports['${name}']`, port, wire.ports?.[name]);
    o.expectLabels(`endpoints[${i}].labels`, e.labels, wire.labels);
    for (const field of ['network', 'locality', 'weight']) if (e[field] !== undefined) o.expect(`endpoints[${i}].${field}`, e[field], wire[field]);
  });
  for (const e of p.exportTo ?? []) o.expectIn('exportTo', o.real(e).value, se.spec.exportTo);
  for (const san of p.subjectAltNames ?? []) o.expectIn('subjectAltNames', san, se.spec.subjectAltNames);

  const egress = p.egressGateway ? o.real(p.egressGateway) : undefined;
  if (p.tlsOrigination) {
    const t = p.tlsOrigination;
    // TLS goes to tlsOrigination.targetPort, else to the port's own targetPort, else to 443.
    const tlsTarget = t.targetPort ?? (p.ports as any[]).find((spec) => spec.number === t.port)?.targetPort ?? 443;
    const tlsPort = egress ? tlsTarget : t.port;
    if (!egress) o.expect('tlsOrigination.targetPort', tlsTarget, (se.spec.ports ?? []).find((w: any) => w.number === t.port)?.targetPort);
    for (const h of p.hosts) {
      const dr = destinationRule(o, h, x.namespace);
      const tls = (dr?.spec?.trafficPolicy?.portLevelSettings ?? []).find((s: any) => s.port?.number === tlsPort)?.tls;
      if (!o.require('tlsOrigination', h, tls)) continue;
      o.expect('tlsOrigination.sni', h, tls.sni);
      if (t.mode) o.expect('tlsOrigination.mode', o.real(t.mode), tls.mode);
      if (t.credentialName !== undefined) o.expect('tlsOrigination.credentialName', t.credentialName, tls.credentialName);
      if (t.caCertificates !== undefined) o.expect('tlsOrigination.caCertificates', t.caCertificates, tls.caCertificates);
      for (const san of t.subjectAltNames ?? []) o.expectIn('tlsOrigination.subjectAltNames', san, tls.subjectAltNames);
    }
  }
  if (p.sniRouting) {
    const target = o.real(p.sniRouting.target);
    const port = p.sniRouting.port ?? target.port;
    for (const h of p.hosts) {
      const vs = o.find('VirtualService', (m) => m.metadata?.namespace === x.namespace && (m.spec?.hosts ?? []).includes(h));
      const route = (vs?.spec?.tls ?? []).find((t: any) => (t.match ?? []).some((m: any) => (m.sniHosts ?? []).includes(h)));
      if (!o.require('sniRouting', `${h} -> ${target.host}`, route)) continue;
      o.expect('sniRouting.target', target.host, route.route?.[0]?.destination?.host);
      o.expect('sniRouting.port', port, route.route?.[0]?.destination?.port?.number);
    }
  }
  if (egress) {
    const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('networking.istio.io/') && m.metadata?.name === egress.gatewayName
      && m.metadata?.namespace === egress.gatewayNamespace);
    for (const h of p.hosts) {
      o.require('egressGateway (server)', h, (gw?.spec?.servers ?? []).find((s: any) => (s.hosts ?? []).includes(h)));
      o.require('egressGateway (route)', h, o.find('VirtualService', (m) => m.metadata?.namespace === x.namespace && (m.spec?.hosts ?? []).includes(h)
        && (m.spec?.gateways ?? []).includes(`${egress.gatewayNamespace}/${egress.gatewayName}`)));
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Security
// ---------------------------------------------------------------------------------------------

const checkMeshMtls: Check = (o) => {
  const pa = o.named('PeerAuthentication', 'default', o.instance.rootNamespace);
  if (!o.require('rootNamespace', o.instance.rootNamespace, pa)) return;
  o.expect('mode', o.props.mode ? o.real(o.props.mode) : 'STRICT', pa.spec?.mtls?.mode);
};

const checkWaypoint: Check = (o) => {
  const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('gateway.networking.k8s.io/') && m.metadata?.name === (o.props.name ?? 'waypoint')
    && m.metadata?.namespace === o.props.namespace);
  if (!o.require('name', o.props.name ?? 'waypoint', gw)) return;
  if (o.props.trafficType) o.expect('trafficType', o.real(o.props.trafficType), gw.metadata.labels?.['istio.io/waypoint-for']);
};

const checkMtlsNamespace: Check = (o) => {
  const p = o.props;
  const name: string = o.instance.name;
  if (p.name !== undefined) o.expect('name', p.name, name);
  const pa = o.named('PeerAuthentication', 'default', name);
  if (o.require('name', name, pa)) o.expect('mtls', p.mtls ? o.real(p.mtls) : 'STRICT', pa.spec?.mtls?.mode);
  if (p.createNamespace !== false) {
    const ns = o.named('Namespace', name);
    if (o.require('name (Namespace)', name, ns)) {
      const dataplane = p.dataplane ? o.real(p.dataplane) : { labelKey: 'istio-injection', labelValue: 'enabled' };
      o.expect('dataplane', dataplane.labelValue, ns.metadata.labels?.[dataplane.labelKey]);
      const waypointName = p.waypoint ? p.waypoint.name ?? 'waypoint' : p.useWaypoint ? o.real(p.useWaypoint).waypointName : undefined;
      if (waypointName !== undefined) o.expect(p.waypoint ? 'waypoint.name' : 'useWaypoint', waypointName, ns.metadata.labels?.['istio.io/use-waypoint']);
    }
  }
  if (p.waypoint) {
    const gw = o.find('Gateway', (m) => m.apiVersion.startsWith('gateway.networking.k8s.io/') && m.metadata?.name === (p.waypoint.name ?? 'waypoint') && m.metadata?.namespace === name);
    if (o.require('waypoint.name', p.waypoint.name ?? 'waypoint', gw) && p.waypoint.trafficType) {
      o.expect('waypoint.trafficType', o.real(p.waypoint.trafficType), gw.metadata.labels?.['istio.io/waypoint-for']);
    }
  }
  if (p.egress) {
    const sidecar = o.named('Sidecar', 'default', name);
    if (o.require('egress', 'a Sidecar', sidecar)) {
      const hosts = [...(p.egress.hosts ?? []), ...o.calls('allowEgressTo').flatMap(argsOf)];
      for (const h of hosts) o.expectIn('egress.hosts', h, sidecar.spec.egress?.[0]?.hosts);
      if (p.egress.outboundTrafficPolicy) o.expect('egress.outboundTrafficPolicy', o.real(p.egress.outboundTrafficPolicy), sidecar.spec.outboundTrafficPolicy?.mode);
    }
  }
  o.calls('addWorkloadMtls').forEach((call) => {
    const [id, options] = argsOf(call);
    const prefix = `addWorkloadMtls('${id}')`;
    const selector = options.selector ?? (options.workload ? o.real(options.workload).matchLabels : undefined);
    // Several calls may select the same pods: the call's settings must be together in one of their policies.
    const candidates = o.manifests.filter((m) => m.kind === 'PeerAuthentication' && m.metadata?.namespace === name && m.spec?.selector
      && sameJson(m.spec.selector.matchLabels, selector));
    if (!o.require(options.selector ? `${prefix}.selector` : `${prefix}.workload`, selector, candidates[0])) return;
    const matches = (candidate: Manifest) => (!options.mode || candidate.spec.mtls?.mode === o.real(options.mode))
      && (options.ports ?? []).every((port: any) => candidate.spec.portLevelMtls?.[String(port.port)]?.mode === o.real(port.mode));
    const workloadPolicy = candidates.find(matches) ?? candidates[0];
    if (options.mode) o.expect(`${prefix}.mode`, o.real(options.mode), workloadPolicy.spec.mtls?.mode);
    for (const port of options.ports ?? []) {
      o.expect(`${prefix}.ports[${port.port}]`, o.real(port.mode), workloadPolicy.spec.portLevelMtls?.[String(port.port)]?.mode);
    }
  });
};

/** The wire rules an AuthorizationPolicy's recipe asks for, with the prop each came from. */
function expectedRules(o: Oracle): Array<{ prop: string; rule: any }> {
  const step = o.step;
  const identities = (ids: Value[]) => ids.map((id) => o.real(id).principal);
  if (step.op === 'preset') {
    const [, extra] = step.args as [unknown, any];
    switch (step.method) {
      case 'denyAll': return [{ prop: 'denyAll', rule: {} }];
      case 'allowOnlyFrom': return [{ prop: 'identities', rule: { from: [{ principals: identities(extra) }] } }];
      case 'allowOnlyFromNamespaces': return [{ prop: 'namespaces', rule: { from: [{ namespaces: extra }] } }];
      case 'allowOnlyFromIngressGateway':
        return [{ prop: 'gateway', rule: { from: [{ principals: [extra ? o.real(extra).principal : o.real({ $call: 'WorkloadIdentity.ingressGateway', args: [] }).principal] }] } }];
      default: return [];
    }
  }
  const rules = [...(o.props.rules ?? []), ...o.calls('addRule').map((c) => argsOf(c)[0])];
  return rules.map((rule: any, i: number) => ({
    prop: `rules[${i}]`,
    rule: {
      from: rule.from?.map((s: any) => ({
        ...s,
        principals: s.identities || s.principals ? [...identities(s.identities ?? []), ...(s.principals ?? [])] : undefined,
        notPrincipals: s.notIdentities || s.notPrincipals ? [...identities(s.notIdentities ?? []), ...(s.notPrincipals ?? [])] : undefined,
        identities: undefined,
        notIdentities: undefined,
      })),
      to: rule.to?.map((t: any) => ({ ...t, ports: t.ports?.map(String), notPorts: t.notPorts?.map(String) })),
      when: rule.when,
    },
  }));
}

const checkAuthorizationPolicy: Check = (o) => {
  const policy = o.instance;
  const obj = o.named('AuthorizationPolicy', policy.name, policy.namespace);
  if (!o.require('name', policy.name, obj)) return;
  const p = o.props;
  if (p.name !== undefined) o.expect('name', p.name, obj.metadata.name);
  const action = o.step.op === 'preset' ? (o.step.method === 'denyAll' ? 'DENY' : 'ALLOW') : p.action ? o.real(p.action) : 'ALLOW';
  o.expect('action', action, obj.spec?.action ?? 'ALLOW');
  if (p.provider !== undefined) o.expect('provider', p.provider, obj.spec?.provider?.name);
  const wireRules: any[] = obj.spec?.rules ?? [];
  expectedRules(o).forEach(({ prop, rule }, i) => {
    const wire = wireRules[i];
    if (!o.require(prop, rule, wire)) return;
    (rule.from ?? []).forEach((source: any, j: number) => {
      for (const [field, values] of Object.entries(source)) {
        for (const v of (values as unknown[] | undefined) ?? []) o.expectIn(`${prop}.from[${j}].${field}`, v, wire.from?.[j]?.source?.[field]);
      }
    });
    (rule.to ?? []).forEach((operation: any, j: number) => {
      for (const [field, values] of Object.entries(operation)) {
        for (const v of (values as unknown[] | undefined) ?? []) o.expectIn(`${prop}.to[${j}].${field}`, v, wire.to?.[j]?.operation?.[field]);
      }
    });
    (rule.when ?? []).forEach((c: any, j: number) => {
      o.expect(`${prop}.when[${j}].key`, c.key, wire.when?.[j]?.key);
      for (const v of c.values ?? []) o.expectIn(`${prop}.when[${j}].values`, v, wire.when?.[j]?.values);
      for (const v of c.notValues ?? []) o.expectIn(`${prop}.when[${j}].notValues`, v, wire.when?.[j]?.notValues);
    });
  });
};

const checkJwtAuthentication: Check = (o) => {
  const p = o.props;
  const ra = o.named('RequestAuthentication', o.instance.name, o.instance.namespace);
  if (!o.require('name', o.instance.name, ra)) return;
  const rule = ra.spec?.jwtRules?.[0];
  o.expect('issuer', p.issuer, rule?.issuer);
  for (const field of ['jwksUri', 'jwks', 'forwardOriginalToken', 'outputPayloadToHeader']) {
    if (p[field] !== undefined) o.expect(field, p[field], rule?.[field]);
  }
  for (const field of ['audiences', 'fromParams', 'fromCookies']) for (const v of p[field] ?? []) o.expectIn(field, v, rule?.[field]);
  (p.fromHeaders ?? []).forEach((h: any, i: number) => {
    o.expect(`fromHeaders[${i}].name`, h.name, rule?.fromHeaders?.[i]?.name);
    if (h.prefix !== undefined) o.expect(`fromHeaders[${i}].prefix`, h.prefix, rule?.fromHeaders?.[i]?.prefix);
  });
  (p.outputClaimToHeaders ?? []).forEach((c: any, i: number) => {
    o.expect(`outputClaimToHeaders[${i}]`, { header: c.header, claim: c.claim }, rule?.outputClaimToHeaders?.[i]);
  });
  if (p.timeout) o.expectDuration('timeout', p.timeout, rule?.timeout);

  const requireToken = p.requireToken ?? true;
  if (!requireToken && !p.requiredClaims) return;
  const companion = o.named('AuthorizationPolicy', `${o.instance.name}-require-jwt`, o.instance.namespace);
  if (!o.require('requireToken', `${o.instance.name}-require-jwt`, companion)) return;
  const rules: any[] = companion.spec?.rules ?? [];
  const operations = rules.flatMap((r) => (r.to ?? []).map((t: any) => t.operation));
  for (const path of p.requireTokenPaths ?? []) o.expectIn('requireTokenPaths', path, operations.flatMap((op) => op.paths ?? []));
  for (const port of p.requireTokenPorts ?? []) o.expectIn('requireTokenPorts', String(port), operations.flatMap((op) => op.ports ?? []));
  const principals = rules.flatMap((r) => (r.from ?? []).flatMap((f: any) => f.source?.notRequestPrincipals ?? []));
  for (const subject of p.subjects ?? []) o.expectIn('subjects', `${p.issuer}/${subject}`, principals);
  (p.requiredClaims ?? []).forEach((c: any, i: number) => {
    const key = `request.auth.claims[${c.claim.split('.').join('][')}]`;
    const whens = rules.flatMap((r) => r.when ?? []).filter((w: any) => w.key === key);
    if (!o.require(`requiredClaims[${i}].claim`, key, whens[0])) return;
    const when = whens.find((w: any) => c.values.every((v: string) => (w.notValues ?? []).includes(v))) ?? whens[0];
    for (const v of c.values) o.expectIn(`requiredClaims[${i}].values`, v, when.notValues);
  });
};

// ---------------------------------------------------------------------------------------------
// Platform: mesh configuration, observability, ingress-nginx, multicluster
// ---------------------------------------------------------------------------------------------

/** The istiod values a MeshConfig writes (the values file is written from them at synth). */
const istiodValues = (config: any): any => config?.toValues?.() ?? {};

const checkMeshConfig: Check = (o) => {
  const p = o.props;
  const values = istiodValues(o.instance);
  const mc = values.meshConfig ?? {};
  if (p.trustDomain !== undefined) o.expect('trustDomain', p.trustDomain, mc.trustDomain);
  if (p.rootNamespace !== undefined) o.expect('rootNamespace', p.rootNamespace, mc.rootNamespace);
  (p.extensionProviders ?? []).forEach((v: Value, i: number) => {
    const provider = o.real(v);
    const wire = (mc.extensionProviders ?? []).find((e: any) => e.name === provider.name);
    if (!o.require(`extensionProviders[${i}]`, provider.name, wire)) return;
    const options = ((v as any).args?.[1] ?? {}) as Record<string, any>;
    const settings = wire[provider.kind] ?? {};
    for (const field of ['service', 'port', 'maxTagLength', 'pathPrefix', 'failOpen', 'logName', 'path']) {
      if (options[field] !== undefined && !(field === 'path' && provider.kind !== 'envoyFileAccessLog')) o.expect(`extensionProviders[${i}].${field}`, options[field], settings[field]);
    }
    if (options.statusOnError !== undefined) o.expect(`extensionProviders[${i}].statusOnError`, String(options.statusOnError), settings.statusOnError);
    if (options.timeout !== undefined) o.expectDuration(`extensionProviders[${i}].timeout`, options.timeout, settings.timeout);
    if (options.http?.path !== undefined) o.expect(`extensionProviders[${i}].http.path`, options.http.path, settings.http?.path);
    if (options.includeRequestBodyInCheck) {
      o.expect(`extensionProviders[${i}].includeRequestBodyInCheck.maxRequestBytes`, options.includeRequestBodyInCheck.maxRequestBytes, settings.includeRequestBodyInCheck?.maxRequestBytes);
    }
  });
  for (const [use, names] of Object.entries(p.defaultProviders ?? {})) {
    for (const name of (names as string[] | undefined) ?? []) o.expectIn(`defaultProviders.${use}`, name, mc.defaultProviders?.[use]);
  }
  (p.caCertificates ?? []).forEach((v: Value, i: number) => {
    const anchor = o.real(v);
    // The same bundle may be given twice, scoped to different trust domains: one entry must carry all of this anchor's.
    const entries = (mc.caCertificates ?? [])
      .filter((c: any) => (anchor.pem !== undefined ? c.pem === anchor.pem : c.spiffeBundleUrl === anchor.spiffeBundleUrl));
    const wire = entries.find((c: any) => (anchor.trustDomains ?? []).every((d: string) => (c.trustDomains ?? []).includes(d))) ?? entries[0];
    if (!o.require(`caCertificates[${i}]`, anchor.pem ?? anchor.spiffeBundleUrl, wire)) return;
    for (const domain of anchor.trustDomains ?? []) o.expectIn(`caCertificates[${i}].trustDomains`, domain, wire.trustDomains);
  });
};

const checkTelemetry: Check = (o) => {
  const p = o.props;
  const obj = o.named('Telemetry', o.instance.name, o.instance.namespace);
  if (!o.require('name', o.instance.name, obj)) return;
  const providerNames = (list: any[] | undefined) => (list ?? []).map((x: any) => x.name);
  (p.tracing ?? []).forEach((t: any, i: number) => {
    const wire = obj.spec?.tracing?.[i];
    if (!o.require(`tracing[${i}]`, t, wire)) return;
    for (const name of t.providers ?? []) o.expectIn(`tracing[${i}].providers`, name, providerNames(wire.providers));
    if (t.randomSamplingPercentage !== undefined) o.expect(`tracing[${i}].randomSamplingPercentage`, t.randomSamplingPercentage, wire.randomSamplingPercentage);
    if (t.disableSpanReporting !== undefined) o.expect(`tracing[${i}].disableSpanReporting`, t.disableSpanReporting, wire.disableSpanReporting ?? false);
    if (t.useRequestIdForTraceSampling !== undefined) o.expect(`tracing[${i}].useRequestIdForTraceSampling`, t.useRequestIdForTraceSampling, wire.useRequestIdForTraceSampling ?? true);
    for (const tag of Object.keys(t.customTags ?? {})) o.expectIn(`tracing[${i}].customTags`, tag, Object.keys(wire.customTags ?? {}));
    if (t.mode !== undefined) o.expect(`tracing[${i}].mode`, o.real(t.mode), wire.match?.mode ?? 'CLIENT_AND_SERVER');
  });
  (p.accessLogging ?? []).forEach((a: any, i: number) => {
    const wire = obj.spec?.accessLogging?.[i];
    if (!o.require(`accessLogging[${i}]`, a, wire)) return;
    for (const name of a.providers ?? []) o.expectIn(`accessLogging[${i}].providers`, name, providerNames(wire.providers));
    if (a.filter !== undefined) o.expect(`accessLogging[${i}].filter`, a.filter, wire.filter?.expression);
    if (a.disabled !== undefined) o.expect(`accessLogging[${i}].disabled`, a.disabled, wire.disabled ?? false);
    if (a.mode !== undefined) o.expect(`accessLogging[${i}].mode`, o.real(a.mode), wire.match?.mode ?? 'CLIENT_AND_SERVER');
  });
  (p.metrics ?? []).forEach((m: any, i: number) => {
    const wire = obj.spec?.metrics?.[i];
    if (!o.require(`metrics[${i}]`, m, wire)) return;
    for (const name of m.providers ?? []) o.expectIn(`metrics[${i}].providers`, name, providerNames(wire.providers));
    if (m.reportingInterval !== undefined) o.expectDuration(`metrics[${i}].reportingInterval`, m.reportingInterval, wire.reportingInterval);
    (m.overrides ?? []).forEach((ov: any, j: number) => {
      const w = wire.overrides?.[j];
      if (!o.require(`metrics[${i}].overrides[${j}]`, ov, w)) return;
      if (ov.metric !== undefined) o.expect(`metrics[${i}].overrides[${j}].metric`, o.real(ov.metric), w.match?.metric ?? 'ALL_METRICS');
      if (ov.disabled !== undefined) o.expect(`metrics[${i}].overrides[${j}].disabled`, ov.disabled, w.disabled ?? false);
      for (const tag of Object.keys(ov.tagOverrides ?? {})) o.expectIn(`metrics[${i}].overrides[${j}].tagOverrides`, tag, Object.keys(w.tagOverrides ?? {}));
    });
  });
};

const checkPrometheusMonitors: Check = (o) => {
  const p = o.props;
  const monitors: Array<[string, any]> = [['envoyPodMonitor', o.instance.envoyPodMonitor], ['istiodServiceMonitor', o.instance.istiodServiceMonitor]];
  if (p.ztunnel) monitors.push(['ztunnel', o.instance.ztunnelPodMonitor]);
  for (const [prop, api] of monitors) {
    const obj = api && o.named(api.kind, api.name, p.namespace);
    if (!o.require(p.namespace !== undefined ? 'namespace' : prop, api?.name, obj)) continue;
    const endpoints: any[] = obj.spec?.podMetricsEndpoints ?? obj.spec?.endpoints ?? [];
    if (p.interval !== undefined) o.expectDuration('interval', p.interval, endpoints[0]?.interval);
    o.expectLabels('labels', p.labels, obj.metadata?.labels);
    if (p.istioNamespace !== undefined && obj.kind === 'ServiceMonitor') o.expectIn('istioNamespace', p.istioNamespace, obj.spec?.namespaceSelector?.matchNames);
  }
};

const checkIngressNginxFrontDoor: Check = (o) => {
  const p = o.props;
  const door = o.instance;
  const annotations: Record<string, string> = door.controllerPodAnnotations ?? {};
  for (const cidr of p.serviceCidrs ?? []) {
    o.expectIn('serviceCidrs', cidr, String(annotations['traffic.sidecar.istio.io/includeOutboundIPRanges'] ?? '').split(','));
  }
  for (const call of o.calls('addIngress')) {
    const [id, options] = argsOf(call) as [string, any];
    const ingress = o.find('Ingress', (m) => (m.spec?.rules ?? []).some((r: any) => (options.hosts ?? []).includes(r.host))
      && (options.name === undefined || m.metadata?.name === options.name));
    const prefix = `addIngress('${id}')`;
    if (!o.require(`${prefix}.hosts`, options.hosts, ingress)) continue;
    o.expect('ingressClassName', door.ingressClassName, ingress.spec?.ingressClassName);
    if (p.ingressClassName !== undefined) o.expect('ingressClassName', p.ingressClassName, ingress.spec?.ingressClassName);
    for (const h of options.hosts ?? []) o.expectIn(`${prefix}.hosts`, h, (ingress.spec?.rules ?? []).map((r: any) => r.host));
    const paths = (ingress.spec?.rules ?? []).flatMap((r: any) => r.http?.paths ?? []);
    for (const path of options.paths ?? []) o.expectIn(`${prefix}.paths`, path.path, paths.map((x: any) => x.path));
    if (options.port !== undefined) o.expectIn(`${prefix}.port`, options.port, paths.map((x: any) => x.backend?.service?.port?.number));
    if (options.tlsSecretName !== undefined) o.expect(`${prefix}.tlsSecretName`, options.tlsSecretName, ingress.spec?.tls?.[0]?.secretName);
  }
};

const checkMeshCluster: Check = (o) => {
  const p = o.props;
  const cluster = o.instance;
  if (p.clusterName !== undefined) o.expect('clusterName', p.clusterName, cluster.clusterName);
  const values = istiodValues(cluster.meshConfig);
  if (p.trustDomain !== undefined) o.expect('trustDomain', p.trustDomain, values.meshConfig?.trustDomain);
  if (p.clusterDomain !== undefined && p.clusterDomain !== 'cluster.local') o.expect('clusterDomain', p.clusterDomain, values.global?.proxy?.clusterDomain);
};

const checkMeshMulticluster: Check = (o) => {
  const p = o.props;
  const mesh = o.instance;
  if (mesh.flavour !== 'Istio') return;
  for (const cluster of mesh.clusters) {
    const values = istiodValues(cluster.meshConfig);
    o.expect(p.meshId !== undefined ? 'meshId' : 'id', mesh.meshId, values.global?.meshID);
    o.expect('clusters', cluster.clusterName, values.global?.multiCluster?.clusterName);
    if (cluster.network !== undefined) o.expect('clusters (network)', cluster.network, values.global?.network);
  }
};

const checkMeshCa: Check = (o) => {
  const p = o.props;
  const certificates = o.manifests.filter((m) => m.kind === 'Certificate');
  const root = p.root ? o.real(p.root) : undefined;
  if (root?.source === 'selfSigned' && root.selfSignedOptions.commonName !== undefined) {
    o.expectIn('root.commonName', root.selfSignedOptions.commonName, certificates.map((c) => c.spec?.commonName));
  }
  const intermediate = p.intermediate ?? {};
  if (intermediate.commonName !== undefined) o.expectIn('intermediate.commonName', intermediate.commonName, certificates.map((c) => c.spec?.commonName));
  for (const call of o.calls('addCluster')) {
    const options = argsOf(call)[1] ?? {};
    if (options.commonName !== undefined) o.expectIn('addCluster options.commonName', options.commonName, certificates.map((c) => c.spec?.commonName));
  }
};

const CHECKS: Record<string, Check> = {
  CanaryRelease: checkCanaryRelease,
  CircuitBreaker: checkCircuitBreaker,
  Issuer: checkIssuer,
  ClusterIssuer: checkIssuer,
  CaChain: checkCaChain,
  SecureGateway: checkSecureGateway,
  TcpGateway: checkTcpGateway,
  EgressGateway: checkEgressGateway,
  ExternalService: checkExternalService,
  MeshMtls: checkMeshMtls,
  Waypoint: checkWaypoint,
  MtlsNamespace: checkMtlsNamespace,
  AuthorizationPolicy: checkAuthorizationPolicy,
  JwtAuthentication: checkJwtAuthentication,
  MeshConfig: checkMeshConfig,
  Telemetry: checkTelemetry,
  PrometheusMonitors: checkPrometheusMonitors,
  IngressNginxFrontDoor: checkIngressNginxFrontDoor,
  MeshCluster: checkMeshCluster,
  MeshMulticluster: checkMeshMulticluster,
  MeshCa: checkMeshCa,
};

