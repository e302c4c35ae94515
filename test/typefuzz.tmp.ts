import * as fs from 'fs';
import * as path from 'path';
import { analyzeManifests } from '../src/analysis/analyze';
import { parseYamlStream } from '../src/analysis/yaml-input';
const root = 'dist/examples';
const manifests: any[] = [];
for (const d of fs.readdirSync(root)) if (fs.statSync(path.join(root, d)).isDirectory()) for (const f of fs.readdirSync(path.join(root, d))) if (f.endsWith('.yaml')) {
  for (const doc of parseYamlStream(fs.readFileSync(path.join(root, d, f), 'utf8')).documents) manifests.push(doc.value);
}
const weird = [1, -1, null, true, 'x', [], {}, [1], [null], { a: 1 }, '*', 1.5, [[]], [{}], 'a.b'];
let seed = Number(process.argv[2] ?? 1);
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
function paths(v: any, p: (string|number)[] = [], out: (string|number)[][] = []) {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...p, k], out);
  return out;
}
const crashes = new Map<string, string>();
for (let round = 0; round < Number(process.argv[3] ?? 300); round++) {
  const base = manifests[Math.floor(rnd() * manifests.length)];
  const copy = JSON.parse(JSON.stringify(base));
  const ps = paths(copy).filter((p) => p.length > Number(process.env.MINLEN ?? 2) - 1 && p[0] !== 'apiVersion' && p[0] !== 'kind');
  for (let k = 0; k < Number(process.env.MUT ?? 3); k++) {
    const p = ps[Math.floor(rnd() * ps.length)]; if (!p) continue;
    let o = copy; for (const s of p.slice(0, -1)) { o = o?.[s]; }
    if (o && typeof o === 'object') o[p[p.length - 1]] = JSON.parse(JSON.stringify(weird[Math.floor(rnd() * weird.length)]));
  }
  const others = manifests.filter((m) => m !== base && m?.metadata?.namespace === base?.metadata?.namespace).slice(0, 60);
  try { analyzeManifests({ manifests: [copy, ...others] } as any); } catch (e: any) {
    const key = String(e?.stack ?? e).split('\n').slice(0, 3).join(' | ');
    if (!crashes.has(key)) crashes.set(key, JSON.stringify(copy).slice(0, 600));
  }
}
for (const [k, v] of crashes) console.log(k, '\n   ', v, '\n');
console.log('distinct crashes', crashes.size);
