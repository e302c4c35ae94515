#!/usr/bin/env node
// Runs the istioctl-analyze conformance suite against `bin/cdk8s-istio analyze` and fails when a
// class scores below the ratchet in conformance-ratchet.json (raise the ratchet when the score rises).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const suite = resolve(root, process.env.CONFORMANCE_DIR ?? '../shared/conformance/istio-analyze');
if (!existsSync(join(suite, 'run.mjs'))) {
  console.error(`conformance suite not found at ${suite} (set CONFORMANCE_DIR)`);
  process.exit(1);
}
const ratchet = JSON.parse(readFileSync(join(root, 'conformance-ratchet.json'), 'utf8'));
let failed = false;
for (const cls of ['STATIC', 'NEEDS_CLUSTER']) {
  const run = spawnSync('node', [join(suite, 'run.mjs'), '--class', cls, '--', 'node', join(root, 'bin/cdk8s-istio'), 'analyze', '--output', 'json'], { encoding: 'utf8' });
  const out = run.stdout ?? '';
  const m = new RegExp(`${cls} cases: (\\d+)/(\\d+) exact`).exec(out);
  if (!m) {
    console.error(`${cls}: no score in the scorer's output:\n${out}\n${run.stderr}`);
    failed = true;
    continue;
  }
  const score = Number(m[1]);
  const want = ratchet[cls] ?? 0;
  console.log(`${cls}: ${score}/${m[2]} exact (ratchet ${want})`);
  if (score < want) {
    console.error(out);
    console.error(`${cls} conformance fell below the ratchet: ${score} < ${want}`);
    failed = true;
  } else if (score > want) {
    console.log(`  ${cls} rose above the ratchet: set "${cls}": ${score} in conformance-ratchet.json`);
  }
}
process.exit(failed ? 1 : 0);
