import * as fs from 'fs';
import { synthExample } from './synth-examples';
for (const name of process.argv.slice(2)) {
  const out = `/tmp/ex-${name}`;
  fs.rmSync(out, { recursive: true, force: true });
  synthExample(name, out);
  for (const f of fs.readdirSync(out)) { console.log(`==== ${name}/${f}`); console.log(fs.readFileSync(`${out}/${f}`, 'utf8')); }
}
