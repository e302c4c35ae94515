import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthApp } from './helpers';
import { compactness, exampleFile } from '../scripts/compactness';
import { exampleNames, synthExample } from '../scripts/synth-examples';

const BOOKINFO_ROUTING = ['bookinfo-all-v1', 'bookinfo-jason-v2', 'bookinfo-shift-50-50', 'bookinfo-shift-all-v3',
  'bookinfo-fault-delay', 'bookinfo-fault-abort', 'bookinfo-request-timeouts'];

describe.each(exampleNames())('example %s', (name) => {
  test('synthesizes schema-valid objects, unchanged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const app = synthExample(name, outdir);
    const manifests = synthApp(app);
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests).toMatchSnapshot();
    // Files written beside the manifests (the istiod Helm values of a MeshConfig, the ingress-nginx
    // values of an IngressNginxFrontDoor) parse as YAML and are covered too.
    for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('values.yaml')).sort()) {
      const text = fs.readFileSync(path.join(outdir, file), 'utf8');
      expect(YAML.parse(text)).toHaveProperty(file.endsWith('ingress-nginx-values.yaml') ? 'controller.podLabels' : 'meshConfig');
      expect(text).toMatchSnapshot(file);
    }
    if (BOOKINFO_ROUTING.includes(name)) {
      // Bookinfo's routing scenarios must take at most a fifth of the YAML's lines.
      const yaml = fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
      expect(compactness(name, exampleFile(name), yaml).ratio).toBeLessThanOrEqual(0.2);
    }
  });
});
