/**
 * Regenerates src/imports/ from the CRD bundles in ../shared/crds.
 *
 * Only the API versions we emit are kept: `cdk8s import` gives the bare class name
 * (`VirtualService`) to the first version listed in a CRD, so filtering to one version per
 * group makes the bare names unambiguous and keeps the generated code (and the build) small.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

const REPO = path.resolve(__dirname, '..');
const CRD_DIR = path.resolve(REPO, '..', 'shared', 'crds');
const OUT_DIR = path.join(REPO, 'src', 'imports');
const WORK_DIR = path.join(REPO, '.tmp', 'crds');

/**
 * group -> the one version we emit, the bundle it comes from and, where a group holds kinds we
 * never emit (cert-manager's CertificateRequest, Gateway API's UDPRoute...), the kinds to keep.
 */
const EMITTED: ReadonlyArray<{ group: string; version: string; bundle: string; kinds?: string[] }> = [
  { group: 'networking.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  { group: 'security.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  { group: 'telemetry.istio.io', version: 'v1', bundle: 'istio-1.30.3.yaml' },
  {
    group: 'cert-manager.io',
    version: 'v1',
    bundle: 'cert-manager-v1.21.1.yaml',
    kinds: ['Certificate', 'ClusterIssuer', 'Issuer'],
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    bundle: 'gateway-api-v1.6.1-standard.yaml',
    kinds: ['Gateway', 'GRPCRoute', 'HTTPRoute', 'ReferenceGrant', 'TCPRoute', 'TLSRoute'],
  },
];

function loadCrds(bundle: string): any[] {
  const file = path.join(CRD_DIR, bundle);
  if (!fs.existsSync(file)) {
    throw new Error(`CRD bundle ${file} not found: run this task from a checkout with ../shared beside it`);
  }
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS())
    .filter((obj) => obj?.kind === 'CustomResourceDefinition');
}

function main() {
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { recursive: true });
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  fs.mkdirSync(OUT_DIR, { recursive: true });

  for (const { group, version, bundle, kinds } of EMITTED) {
    const crds = loadCrds(bundle)
      .filter((crd) => crd.spec.group === group)
      .filter((crd) => !kinds || kinds.includes(crd.spec.names.kind))
      .map((crd) => ({
        ...crd,
        spec: { ...crd.spec, versions: crd.spec.versions.filter((v: any) => v.name === version) },
      }))
      .filter((crd) => crd.spec.versions.length > 0)
      .sort((a, b) => (a.spec.names.kind < b.spec.names.kind ? -1 : 1));
    if (crds.length === 0) {
      throw new Error(`no CRD of ${group}/${version} in ${bundle}`);
    }
    const input = path.join(WORK_DIR, `${group}.yaml`);
    fs.writeFileSync(input, crds.map((crd) => YAML.stringify(crd)).join('---\n'));
    execFileSync('npx', ['cdk8s', 'import', '--language', 'typescript', '--output', OUT_DIR, input], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    console.log(`${group}/${version}: ${crds.map((crd) => crd.spec.names.kind).join(', ')}`);
  }
}

main();
