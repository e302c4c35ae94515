// Smoke test of the CLI section of the benchmark (bench/run-cli.js): the generated mesh it
// analyzes is valid and analyzes clean, so the benchmark times the analysis of a sound mesh,
// not the printing of findings. No timing here.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/analysis/cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeCliMesh } = require('../bench/cli-mesh');
// (js-yaml ships no types; the parse the benchmark compares against)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsyaml = require('js-yaml') as { loadAll(text: string): unknown[] };

test('the CLI benchmark mesh (~100 objects) parses to the objects it counts and analyzes without findings', () => {
  // Given the generated mesh
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')), 'mesh.yaml');
  const objects: number = writeCliMesh(file, 100);
  // When js-yaml parses it and the CLI analyzes it
  const parsed = jsyaml.loadAll(fs.readFileSync(file, 'utf8'));
  let stdout = '';
  let stderr = '';
  const status = main(['analyze', '--output', 'json', file], (s) => (stdout += s), (s) => (stderr += s));
  // Then both see every object, and the analysis reports nothing
  expect(parsed).toHaveLength(objects);
  expect(objects).toBe(102);
  expect({ status, stderr, findings: JSON.parse(stdout) }).toEqual({ status: 0, stderr: '', findings: [] });
});
