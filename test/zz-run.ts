import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { assertSchemaValid } from './helpers';
for (const name of process.argv.slice(2)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ex = require(path.join(__dirname, '..', 'examples', name));
  const app = Testing.app();
  ex.build(app as App);
  const manifests = app.charts.flatMap((c) => Testing.synth(c));
  try { assertSchemaValid(manifests); } catch (e) { console.log('SCHEMA', (e as Error).message); }
  console.log(`# ${name}\n` + manifests.map((m) => YAML.stringify(m)).join('---\n'));
}
