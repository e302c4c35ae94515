// Every feature in the README's construct table appears in at least one example: named in an
// example's source, or (for constructs others create, like a namespace's waypoint) present in
// the construct tree of a synthesized example.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleNames, synthExample } from '../scripts/synth-examples';

const REPO = path.join(__dirname, '..');

/** The names in the first column of the README's construct table. */
function tableNames(): string[] {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Constructs'), readme.indexOf('\n## ', readme.indexOf('\n## Constructs') + 1));
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstColumn = line.split('|')[1];
    names.push(...[...firstColumn.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]));
  }
  return names;
}

function exampleSources(): string {
  const dir = path.join(REPO, 'examples');
  const files = [...fs.readdirSync(dir).filter((f) => f.endsWith('.ts')), ...fs.readdirSync(path.join(dir, 'lib')).map((f) => path.join('lib', f))];
  return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

test('the README construct table lists the constructs', () => {
  expect(tableNames()).toEqual(expect.arrayContaining(['CanaryRelease', 'SecureGateway', 'MtlsNamespace', 'MeshAnalysis', 'Waypoint']));
});

test('every construct in the README table appears in an example', () => {
  const sources = exampleSources();
  let missing = tableNames().filter((name) => !new RegExp(`\\b${name}\\b`).test(sources));
  // Constructs created by other constructs count where an example's tree holds them.
  for (const example of exampleNames()) {
    if (missing.length === 0) break;
    const app = synthExample(example, fs.mkdtempSync(path.join(os.tmpdir(), `coverage-${example}-`)));
    const classes = new Set(app.node.findAll().map((c) => c.constructor.name));
    missing = missing.filter((name) => !classes.has(name));
  }
  expect(missing).toEqual([]);
});
