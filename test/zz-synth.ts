import { synthExample } from '../scripts/synth-examples';
for (const name of process.argv.slice(2)) { synthExample(name, `/tmp/gw/out/${name}`); console.log('ok', name); }
