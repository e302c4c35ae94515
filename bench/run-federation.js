// node bench/run-federation.js: synth time of 5 federated clusters of N services each (default
// 2,000: 10,000 Services, 40,000 ServiceEntries and as many DestinationRules) with MeshCluster and
// MeshFederation, against the same manifests as raw ApiObjects. Issue 14's target: <= 1.2x.
// Every measurement runs in a fresh process (bench/run-one.js); the two variants are interleaved
// run by run and the ratio is the median of run-by-run ratios, as in bench/run.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const N = Number(process.env.BENCH_FEDERATION_N || 2000);
const RUNS = Number(process.env.BENCH_RUNS || 7);
const LIMIT = 1.2;

function measure(variant, extra = []) {
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', path.join(__dirname, 'run-one.js'), variant, String(N), ...extra], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, CDK8S_ISTIO_SILENT: '1' },
  });
  if (result.status !== 0) throw new Error(`${variant} N=${N} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-federation-'));
const ours = measure('federation', ['--yaml', path.join(tmp, 'ours.yaml')]);
measure('federation-raw', ['--yaml', path.join(tmp, 'raw.yaml')]);
const identicalYaml = fs.readFileSync(path.join(tmp, 'ours.yaml'), 'utf8') === fs.readFileSync(path.join(tmp, 'raw.yaml'), 'utf8');
fs.rmSync(tmp, { recursive: true, force: true });

const samples = { 'federation': [], 'federation-raw': [] };
for (let i = 0; i < RUNS; i++) {
  for (const variant of Object.keys(samples)) samples[variant].push(measure(variant));
}
const ratios = samples.federation.map((s, i) => s.synthMs / samples['federation-raw'][i].synthMs).sort((a, b) => a - b);
const memory = samples.federation.map((s, i) => s.peakRssMb / samples['federation-raw'][i].peakRssMb);
const result = {
  clusters: 5,
  servicesPerCluster: N,
  objects: ours.objects,
  identicalYaml,
  runs: RUNS,
  constructsMs: median(samples.federation.map((s) => s.synthMs)),
  rawMs: median(samples['federation-raw'].map((s) => s.synthMs)),
  constructsOverRaw: +median(ratios).toFixed(3),
  constructsOverRawRange: [+ratios[0].toFixed(2), +ratios[ratios.length - 1].toFixed(2)],
  memoryConstructsOverRaw: +median(memory).toFixed(3),
};
result.met = identicalYaml && result.constructsOverRaw <= LIMIT;
fs.mkdirSync(path.join(REPO, 'dist', 'bench'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'dist', 'bench', 'federation.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
console.log(`${result.met ? 'met    ' : 'MISSED '} federation 5 x ${N}: constructs/raw ${result.constructsOverRaw} (target <= ${LIMIT}), identical YAML ${identicalYaml}`);
