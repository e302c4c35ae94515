import * as fs from 'fs';
import * as path from 'path';
import { exampleNames, synthExample } from './scripts/synth-examples';
process.env.CDK8S_ISTIO_SILENT = '1';
for (const name of exampleNames()) {
  const out = path.join('/tmp/h11/ex', name);
  fs.mkdirSync(out, { recursive: true });
  synthExample(name, out);
}
