// Every kind we emit, at the API version its CRD serves in the bundles we target (formerly pinned
// through generated L1 classes, which nothing else used: src/imports/ is gone).
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { GVK } from '../../src/render/gvk';

const CRD_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'crds');

/** `group/Kind` -> the versions its CRD serves, from every bundle. */
function servedVersions(): Map<string, string[]> {
  const served = new Map<string, string[]>();
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      served.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd.spec.versions.filter((v: any) => v.served).map((v: any) => v.name));
    }
  }
  return served;
}

const BUILT_IN = new Set(['v1/Namespace', 'v1/Service']);

let served: Map<string, string[]> | undefined;

test.each(Object.entries(GVK))('%s is served by its CRD', (_name, gvk) => {
  if (BUILT_IN.has(`${gvk.apiVersion}/${gvk.kind}`)) return;
  const [group, version] = gvk.apiVersion.split('/');
  served ??= servedVersions();
  expect(served.get(`${group}/${gvk.kind}`)).toContain(version);
});

test('the generated L1 classes are not part of the public API', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../../src');
  expect(Object.keys(api)).not.toContain('VirtualService');
  expect(Object.keys(api)).not.toContain('DestinationRuleSpec');
});
