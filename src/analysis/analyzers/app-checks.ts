import { nodeLabels, serviceOfHost } from './destination-rule-pods';
import { AnalysisContext, Analyzer, isRecord, Resource } from '../context';
import { isDefaultResource } from '../default-resources';
import { FindingLevel } from '../finding';
import { anyWorkload, arr, filesHaveWorkloads, selectWorkloads, str, stringItems } from '../util';

/*
 * Checks istioctl lacks (codes CIS2xxx). They look only at what the analyzed objects define, and
 * stay silent when the app does not define the objects a check needs (workloads, ServiceAccounts):
 * then the answer lives in the cluster, not in the files.
 */

const ROOT_NAMESPACE = 'istio-system';

const matchLabels = (r: Resource): Record<string, string> => (isRecord(r.spec.selector?.matchLabels) ? r.spec.selector.matchLabels : {});

/**
 * CIS2001, Warning: a subset whose labels select pods, but none behind the host's Service (the labels
 * match another app's pods). istioctl's IST0173 only asks whether any pod has the labels. A warning,
 * not an error: a subset may be declared ahead of the version it names (canary at weight 0).
 */
export const subsetWorkloadAnalyzer: Analyzer = {
  name: 'cdk8sistio.SubsetWorkloadAnalyzer',
  analyze(ctx: AnalysisContext) {
    const topology = nodeLabels(ctx);
    for (const r of ctx.all('DestinationRule')) {
      const svc = serviceOfHost(ctx, r.namespace, str(r.spec.host));
      const selector = svc && isRecord(svc.spec.selector) ? svc.spec.selector : undefined;
      if (!svc || !selector || Object.keys(selector).length === 0) continue;
      const backends = selectWorkloads(ctx, svc.namespace, selector);
      if (backends.length === 0) continue;
      for (const s of arr(r.spec.subsets)) {
        const labels = isRecord(s?.labels) ? s.labels : {};
        if (Object.keys(labels).length === 0) continue;
        if (backends.some((w) => Object.entries(labels).every(([k, v]) => w.labels[k] === String(v)))) continue;
        // Labels no workload of the namespace carries are IST0173's finding: report the subset once.
        if (filesHaveWorkloads(ctx) && !anyWorkload(ctx, svc.namespace, labels, topology)) continue;
        ctx.report(this.name, 'CIS2001', FindingLevel.WARNING, r,
          `Subset ${str(s.name)} (${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}) selects none of the workloads behind Service ${svc.fullName} (${backends.map((w) => w.resource.fullName).join(', ')}).`,
          'Use labels that the pod templates of that Service\'s workloads carry, or add the missing version.');
      }
    }
  },
};

/** The mTLS mode in force for a namespace (or one workload selector), from the PeerAuthentications. */
function mtlsModes(ctx: AnalysisContext) {
  return ctx.cached('mtlsModes', () => {
    const root = str(ctx.meshConfig.rootNamespace) || ROOT_NAMESPACE;
    // undefined: no PeerAuthentication in the files decides it (Istio's default then is PERMISSIVE,
    // but a mesh-wide policy may well be installed with the control plane).
    let mesh: string | undefined;
    const ns = new Map<string, string>();
    const workload = new Map<string, string>();
    for (const pa of ctx.all('PeerAuthentication')) {
      const mode = str(pa.spec.mtls?.mode) || 'UNSET';
      const labels = matchLabels(pa);
      if (Object.keys(labels).length > 0) {
        const key = `${pa.namespace}|${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
        workload.set(key, mode);
      } else if (pa.namespace === root) {
        if (mode !== 'UNSET') mesh = mode;
      } else {
        ns.set(pa.namespace, mode);
      }
    }
    return {
      of(namespace: string, selector: Record<string, string>): string | undefined {
        // (workload-level PeerAuthentications are rare: no key is built without any)
        const keys = workload.size > 0 ? Object.keys(selector).sort() : [];
        const w = keys.length > 0 ? workload.get(`${namespace}|${keys.map((k) => `${k}=${selector[k]}`).join(',')}`) : undefined;
        if (w && w !== 'UNSET') return w;
        const n = ns.get(namespace);
        return n && n !== 'UNSET' ? n : mesh;
      },
    };
  });
}

const IDENTITY_SOURCE = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts'];
const IDENTITY_KEYS = ['source.principal', 'source.namespace', 'source.serviceAccount'];

/**
 * CIS2002: policies on peer identities (principals, namespaces, service accounts) where mTLS is not
 * STRICT. Plaintext requests carry no identity: ALLOW rules silently reject them (Warning), and DENY
 * rules that require an identity never match them, so plaintext clients bypass the deny (Error: a
 * security hole); DENY rules that only exclude identities (notPrincipals) deny them all (Warning).
 */
export const mtlsIdentityAnalyzer: Analyzer = {
  name: 'cdk8sistio.MtlsIdentityAnalyzer',
  analyze(ctx: AnalysisContext) {
    const modes = mtlsModes(ctx);
    for (const ap of ctx.all('AuthorizationPolicy')) {
      const used = new Set<string>();
      // Whether some identity must be present to match (principals, a condition's values), not only absent (notPrincipals, notValues).
      let requiresIdentity = false;
      for (const rule of arr(ap.spec.rules)) {
        for (const f of arr(rule?.from)) {
          for (const k of IDENTITY_SOURCE) {
            if (arr(f?.source?.[k]).length === 0) continue;
            used.add(k);
            if (!k.startsWith('not')) requiresIdentity = true;
          }
        }
        for (const c of arr(rule?.when)) {
          if (!IDENTITY_KEYS.includes(str(c?.key))) continue;
          used.add(str(c.key));
          if (arr(c.values).length > 0) requiresIdentity = true;
        }
      }
      if (used.size === 0) continue;
      const declared = modes.of(ap.namespace, matchLabels(ap));
      if (declared === 'STRICT') continue;
      // A DENY that only excludes identities (notPrincipals) matches plaintext requests: they are denied, not let through.
      const deny = str(ap.spec.action) === 'DENY' && requiresIdentity;
      const mode = declared ?? 'PERMISSIVE (Istio\'s default: no PeerAuthentication in these files applies)';
      // Only what the files declare is certain; an unstated mode may be set mesh-wide elsewhere.
      const level = declared === undefined ? (deny ? FindingLevel.WARNING : FindingLevel.INFO) : (deny ? FindingLevel.ERROR : FindingLevel.WARNING);
      ctx.report(this.name, 'CIS2002', level, ap,
        `The policy matches on peer identity (${[...used].join(', ')}) but mTLS is ${mode} here; plaintext requests carry no identity${deny ? ', so they bypass this DENY policy' : ' and are rejected'}.`,
        'Require mutual TLS for these workloads (a STRICT PeerAuthentication, e.g. the MtlsNamespace construct).');
    }
  },
};

const requiresRequestPrincipal = (ap: Resource): boolean => {
  const action = str(ap.spec.action) || 'ALLOW';
  for (const rule of arr(ap.spec.rules)) {
    for (const f of arr(rule?.from)) {
      if (action === 'ALLOW' && arr(f?.source?.requestPrincipals).length > 0) return true;
      if (action === 'DENY' && arr(f?.source?.notRequestPrincipals).length > 0) return true;
    }
    for (const c of arr(rule?.when)) {
      const key = str(c?.key);
      if (action === 'ALLOW' && (key === 'request.auth.principal' || key.startsWith('request.auth.claims['))) return true;
    }
  }
  return false;
};

const selectorKey = (labels: Record<string, string>) => Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
const targetKeys = (r: Resource): string[] => [
  ...(isRecord(r.spec.targetRef) ? [r.spec.targetRef] : []), ...arr(r.spec.targetRefs),
].map((t: any) => `${str(t?.kind)}/${str(t?.name)}`);

/**
 * CIS2003, Warning: a RequestAuthentication with no AuthorizationPolicy requiring a request principal
 * for its workloads. It only rejects invalid tokens: requests without a token pass unauthenticated.
 */
export const requestAuthenticationPolicyAnalyzer: Analyzer = {
  name: 'cdk8sistio.RequestAuthenticationPolicyAnalyzer',
  analyze(ctx: AnalysisContext) {
    const ras = ctx.all('RequestAuthentication');
    if (ras.length === 0) return;
    const root = str(ctx.meshConfig.rootNamespace) || ROOT_NAMESPACE;
    // namespace -> selectors ('' = namespace-wide) and targetRefs of policies requiring a principal
    const covered = new Set<string>();
    for (const ap of ctx.all('AuthorizationPolicy')) {
      if (!requiresRequestPrincipal(ap)) continue;
      const targets = targetKeys(ap);
      if (targets.length > 0) for (const t of targets) covered.add(`${ap.namespace}|ref|${t}`);
      else covered.add(`${ap.namespace}|sel|${selectorKey(matchLabels(ap))}`);
    }
    for (const ra of ras) {
      if (covered.has(`${root}|sel|`) || covered.has(`${ra.namespace}|sel|`)) continue;
      const targets = targetKeys(ra);
      if (targets.length > 0 && targets.every((t) => covered.has(`${ra.namespace}|ref|${t}`))) continue;
      const labels = matchLabels(ra);
      const keys = Object.keys(labels).sort();
      // Policies selecting a subset of the RequestAuthentication's labels cover all of its workloads.
      let found = false;
      if (targets.length === 0 && keys.length <= 8) {
        // every non-empty subset of the keys, built incrementally
        let subsets: string[][] = [[]];
        for (const k of keys) subsets = [...subsets, ...subsets.map((sub) => [...sub, k])];
        found = subsets.slice(1).some((sub) => covered.has(`${ra.namespace}|sel|${sub.map((k) => `${k}=${labels[k]}`).join(',')}`));
      }
      if (found) continue;
      ctx.report(this.name, 'CIS2003', FindingLevel.WARNING, ra,
        'No AuthorizationPolicy requires a request principal for the workloads of this RequestAuthentication: requests without a JWT are let through.',
        'Add an ALLOW policy with from.source.requestPrincipals ["*"] (or a DENY with notRequestPrincipals ["*"]) for the same workloads.');
    }
  },
};

/**
 * CIS2004, Error: a gateway credentialName whose Secret (or the cert-manager Certificate writing it)
 * exists only in namespaces where no gateway workload runs. The gateway reads credentials from its
 * own namespace, so TLS handshakes fail.
 */
export const gatewayCredentialNamespaceAnalyzer: Analyzer = {
  name: 'cdk8sistio.GatewayCredentialNamespaceAnalyzer',
  analyze(ctx: AnalysisContext) {
    const where = new Map<string, Set<string>>();
    const add = (name: string, ns: string) => {
      let s = where.get(name);
      if (!s) where.set(name, (s = new Set()));
      s.add(ns);
    };
    for (const s of ctx.all('Secret')) add(s.name, s.namespace);
    for (const c of ctx.all('Certificate')) if (c.group === 'cert-manager.io' && c.spec.secretName) add(str(c.spec.secretName), c.namespace);
    if (where.size === 0) return;
    for (const gw of ctx.all('Gateway')) {
      if (gw.group !== 'networking.istio.io') continue;
      const selector = isRecord(gw.spec.selector) ? gw.spec.selector : {};
      if (Object.keys(selector).length === 0) continue;
      // Only workloads of the files tell where the gateway runs: istioctl's placeholder gateway Pod
      // in istio-system does not rule out one in the Certificate's namespace.
      const gwNamespaces = new Set(selectWorkloads(ctx, '*', selector).filter((w) => !isDefaultResource(w.resource)).map((w) => w.namespace));
      if (gwNamespaces.size === 0) continue;
      for (const server of arr(gw.spec.servers)) {
        const tls = server?.tls;
        if (!isRecord(tls) || tls.mode === 'ISTIO_MUTUAL') continue;
        for (const cred of [str(tls.credentialName), ...stringItems(tls.credentialNames)]) {
          const name = cred.replace(/^kubernetes:\/\//, '');
          const found = where.get(name);
          if (!name || !found || [...found].some((ns) => gwNamespaces.has(ns))) continue;
          ctx.report(this.name, 'CIS2004', FindingLevel.ERROR, gw,
            `Credential ${name} is in namespace ${[...found].join(', ')}, but the gateway workload runs in ${[...gwNamespaces].join(', ')}; the gateway only reads secrets of its own namespace.`,
            `Create the Secret (or the Certificate's secretName) in ${[...gwNamespaces][0]}.`);
        }
      }
    }
  },
};

const PRINCIPAL = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/;

/**
 * CIS2005, Warning: principals and serviceAccounts naming a ServiceAccount the app does not define,
 * in a namespace where it defines others (a typo, or a renamed account): the rule matches no one.
 */
export const unknownServiceAccountAnalyzer: Analyzer = {
  name: 'cdk8sistio.UnknownServiceAccountAnalyzer',
  analyze(ctx: AnalysisContext) {
    const sas = ctx.all('ServiceAccount');
    if (sas.length === 0) return;
    const namespaces = new Set(sas.map((s) => s.namespace));
    const names = new Set(sas.map((s) => `${s.namespace}/${s.name}`));
    for (const ap of ctx.all('AuthorizationPolicy')) {
      const refs = new Set<string>();
      for (const rule of arr(ap.spec.rules)) {
        for (const f of arr(rule?.from)) {
          for (const p of [...arr(f?.source?.principals), ...arr(f?.source?.notPrincipals)]) {
            const m = PRINCIPAL.exec(str(p));
            if (m) refs.add(`${m[1]}/${m[2]}`);
          }
          for (const sa of [...arr(f?.source?.serviceAccounts), ...arr(f?.source?.notServiceAccounts)]) {
            const s = str(sa);
            refs.add(s.includes('/') ? s : `${ap.namespace}/${s}`);
          }
        }
        for (const c of arr(rule?.when)) {
          if (str(c?.key) !== 'source.principal') continue;
          for (const p of [...arr(c.values), ...arr(c.notValues)]) {
            const m = PRINCIPAL.exec(str(p));
            if (m) refs.add(`${m[1]}/${m[2]}`);
          }
        }
      }
      for (const ref of refs) {
        const [ns, name] = ref.split('/');
        if (ref.includes('*') || name === 'default' || !namespaces.has(ns) || names.has(ref)) continue;
        ctx.report(this.name, 'CIS2005', FindingLevel.WARNING, ap,
          `The policy names service account ${ref}, which the app does not define (it defines other service accounts in ${ns}).`,
          'Fix the service account name, or define it.');
      }
    }
  },
};

/** Whether a ServiceEntry in `seNamespace` with this exportTo is visible from `namespace`. */
function exportedTo(exportTo: readonly string[], seNamespace: string, namespace: string): boolean {
  if (exportTo.length === 0) return true; // Istio's default: every namespace (unless the mesh says otherwise)
  return exportTo.some((e) => e === '*' || (e === '.' && seNamespace === namespace) || e === namespace);
}

/**
 * CIS2006, Warning: a namespace whose Sidecar allows only registered destinations
 * (outboundTrafficPolicy REGISTRY_ONLY) lists an external host in its egress hosts, but no
 * ServiceEntry of the analyzed files declares that host visibly for it (missing, not exported
 * to the namespace, or in a namespace the egress entry does not import). Calls to the host then
 * fail with 502 (BlackHoleCluster). Runs only when the files contain ServiceEntries.
 */
export const registryOnlyEgressAnalyzer: Analyzer = {
  name: 'cdk8sistio.RegistryOnlyEgressAnalyzer',
  analyze(ctx: AnalysisContext) {
    const entries = ctx.all('ServiceEntry');
    if (entries.length === 0) return;
    const byHost = new Map<string, Resource[]>();
    for (const se of entries) {
      for (const h of stringItems(se.spec.hosts)) {
        const list = byHost.get(str(h)) ?? [];
        list.push(se);
        byHost.set(str(h), list);
      }
    }
    for (const sidecar of ctx.all('Sidecar')) {
      if (str(sidecar.spec.outboundTrafficPolicy?.mode) !== 'REGISTRY_ONLY') continue;
      for (const listener of arr(sidecar.spec.egress)) {
        for (const entry of stringItems(listener?.hosts)) {
          const slash = entry.indexOf('/');
          if (slash < 0) continue;
          const importNs = entry.slice(0, slash);
          const host = entry.slice(slash + 1);
          // Wildcard hosts and cluster-local names are not external destinations.
          if (host.includes('*') || host.endsWith('.svc.cluster.local') || !host.includes('.')) continue;
          const visible = (byHost.get(host) ?? []).some((se) =>
            exportedTo(stringItems(se.spec.exportTo), se.namespace, sidecar.namespace)
            && (importNs === '*' || importNs === se.namespace || (importNs === '.' && se.namespace === sidecar.namespace)));
          if (visible) continue;
          ctx.report(this.name, 'CIS2006', FindingLevel.WARNING, sidecar,
            `Namespace ${sidecar.namespace} allows only registered destinations (REGISTRY_ONLY) and lists egress host ${entry}, but no ServiceEntry for ${host} `
            + 'is visible to it here; calls to it will fail with 502 (BlackHoleCluster).',
            `Declare ${host} with an ExternalService exported to ${sidecar.namespace}, or fix the egress host's namespace part.`);
        }
      }
    }
  },
};

export const APP_ANALYZERS: readonly Analyzer[] = [
  subsetWorkloadAnalyzer, mtlsIdentityAnalyzer, requestAuthenticationPolicyAnalyzer,
  gatewayCredentialNamespaceAnalyzer, unknownServiceAccountAnalyzer, registryOnlyEgressAnalyzer,
];
