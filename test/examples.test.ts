import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthApp } from './helpers';
import { exampleNames, synthExample } from '../scripts/synth-examples';

describe.each(exampleNames())('example %s', (name) => {
  test('synthesizes schema-valid objects, unchanged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const app = synthExample(name, outdir);
    const manifests = synthApp(app);
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests).toMatchSnapshot();
  });
});
