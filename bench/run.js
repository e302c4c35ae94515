// npm run bench: synth time, peak memory and scaling of our constructs against raw cdk8s.
// Every measurement runs in a fresh process; we report medians and ratios within this run.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cliTable, runCliBench } = require('./run-cli');

const REPO = path.resolve(__dirname, '..');
const SIZES = (process.env.BENCH_SIZES || '100,1000,10000').split(',').map(Number);
// Runs per variant: small meshes synthesize in about a second, where one garbage collection more
// or less, or a slow phase of a shared machine, moves a run by 20-40%, so they get 21 runs; at
// 10,000 such a phase still moves one run by 20%, so 7. BENCH_RUNS sets one count for every size.
const runsFor = (n) => Number(process.env.BENCH_RUNS || (n >= 10000 ? 7 : 21));
const VARIANTS = (process.env.BENCH_VARIANTS || 'constructs,raw,analysis').split(',');

function measure(variant, n, extra = []) {
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', path.join(__dirname, 'run-one.js'), variant, String(n), ...extra], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, CDK8S_ISTIO_SILENT: '1' },
  });
  if (result.status !== 0) throw new Error(`${variant} N=${n} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function loadTime(moduleName, runs = 7) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(moduleName)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(Number(r.stdout.trim()));
  }
  return median(times);
}

function dirSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

function packageSizeMb() {
  // What `npm pack` would ship, unpacked.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO, encoding: 'utf8' });
  const info = JSON.parse(r.stdout)[0];
  return info.unpackedSize / 1e6;
}

const results = { machine: { cpus: os.cpus().length, node: process.version }, sizes: {} };
for (const n of SIZES) {
  const row = {};
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  // Byte-identical output is part of the contract: check it once per size.
  const ours = measure('constructs', n, ['--yaml', path.join(tmp, 'constructs.yaml')]);
  const raw = measure('raw', n, ['--yaml', path.join(tmp, 'raw.yaml')]);
  row.identicalYaml = fs.readFileSync(path.join(tmp, 'constructs.yaml'), 'utf8') === fs.readFileSync(path.join(tmp, 'raw.yaml'), 'utf8');
  row.objects = ours.objects;
  // Variants interleaved run by run, so drift in the machine's load affects all of them alike.
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let i = 0; i < runsFor(n); i++) {
    for (const variant of VARIANTS) samples[variant].push(measure(variant, n));
  }
  for (const variant of VARIANTS) {
    row[variant] = { synthMs: median(samples[variant].map((s) => s.synthMs)), peakRssMb: median(samples[variant].map((s) => s.peakRssMb)) };
  }
  row.runs = runsFor(n);
  // Ratios are medians of run-by-run ratios: the variants are interleaved, so run i of each was
  // measured within seconds of the others, and drift in the machine's speed cancels out in each
  // pair (a ratio of medians can pair a fast run of one variant with a slow run of the other).
  const paired = (a, b, field) => samples[a].map((s, i) => s[field] / samples[b][i][field]).sort((x, y) => x - y);
  if (row.constructs && row.raw) {
    const time = paired('constructs', 'raw', 'synthMs');
    row.constructsOverRaw = +median(time).toFixed(3);
    row.constructsOverRawRange = [+time[0].toFixed(2), +time[time.length - 1].toFixed(2)];
    row.memoryConstructsOverRaw = +median(paired('constructs', 'raw', 'peakRssMb')).toFixed(3);
  }
  if (row.analysis && row.constructs) row.analysisOverConstructs = +median(paired('analysis', 'constructs', 'synthMs')).toFixed(3);
  results.sizes[n] = row;
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`N=${n}: ${JSON.stringify(row)}`);
}
// The Gateway API variant: the same mesh rendered through the Gateway API (HTTPRoute, one Service
// and DestinationRule per version) against its raw ApiObjects, interleaved run by run likewise.
results.gatewayApi = {};
const GATEWAY_API_SIZES = (process.env.BENCH_GATEWAY_API_SIZES ?? '1000,10000').split(',').filter((x) => x).map(Number);
for (const n of GATEWAY_API_SIZES) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gw-'));
  const ours = measure('gateway-api', n, ['--yaml', path.join(tmp, 'constructs.yaml')]);
  measure('gateway-api-raw', n, ['--yaml', path.join(tmp, 'raw.yaml')]);
  const row = {
    objects: ours.objects,
    identicalYaml: fs.readFileSync(path.join(tmp, 'constructs.yaml'), 'utf8') === fs.readFileSync(path.join(tmp, 'raw.yaml'), 'utf8'),
    runs: runsFor(n),
  };
  const samples = { 'gateway-api': [], 'gateway-api-raw': [] };
  for (let i = 0; i < runsFor(n); i++) {
    for (const variant of Object.keys(samples)) samples[variant].push(measure(variant, n));
  }
  for (const variant of Object.keys(samples)) {
    row[variant] = { synthMs: median(samples[variant].map((x) => x.synthMs)), peakRssMb: median(samples[variant].map((x) => x.peakRssMb)) };
  }
  const ratios = samples['gateway-api'].map((x, i) => x.synthMs / samples['gateway-api-raw'][i].synthMs).sort((a, b) => a - b);
  row.overRaw = +median(ratios).toFixed(3);
  row.overRawRange = [+ratios[0].toFixed(2), +ratios[ratios.length - 1].toFixed(2)];
  row.memoryOverRaw = +median(samples['gateway-api'].map((x, i) => x.peakRssMb / samples['gateway-api-raw'][i].peakRssMb)).toFixed(3);
  results.gatewayApi[n] = row;
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`Gateway API N=${n}: ${JSON.stringify(row)}`);
}

const scaling = {};
if (results.sizes[1000] && results.sizes[10000]) {
  for (const variant of VARIANTS) {
    scaling[variant] = +(results.sizes[10000][variant].synthMs / results.sizes[1000][variant].synthMs).toFixed(2);
  }
}
results.scaling10kOver1k = scaling;
results.loadMs = { 'cdk8s-istio': loadTime('./lib'), 'cdk8s-plus-28': loadTime('cdk8s-plus-28') };
results.packageMb = +packageSizeMb().toFixed(2);
// The CLI on generated meshes against a plain js-yaml parse of the same files (bench/run-cli.js); BENCH_CLI=0 skips it.
const cli = process.env.BENCH_CLI === '0' ? undefined : runCliBench();
if (cli) results.cli = cli.results;

fs.mkdirSync(path.join(REPO, 'dist', 'bench'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'dist', 'bench', 'results.json'), JSON.stringify(results, null, 2));

const lines = ['| N | runs | objects | identical | ' + VARIANTS.map((v) => `${v} ms`).join(' | ') + ' | (1)/(2) | (1)/(2) run by run | (3)/(1) | RSS (1) MB | RSS (2) MB | RSS (1)/(2) |', '|' + ' --- |'.repeat(10 + VARIANTS.length)];
for (const [n, row] of Object.entries(results.sizes)) {
  lines.push(`| ${n} | ${row.runs} | ${row.objects} | ${row.identicalYaml} | ${VARIANTS.map((v) => row[v].synthMs).join(' | ')} | ${row.constructsOverRaw} | ${(row.constructsOverRawRange ?? []).join('–')} | ${row.analysisOverConstructs ?? '-'} | ${row.constructs.peakRssMb} | ${row.raw.peakRssMb} | ${row.memoryConstructsOverRaw} |`);
}
console.log(lines.join('\n'));
console.log(`scaling t(10k)/t(1k): ${JSON.stringify(scaling)}`);
if (Object.keys(results.gatewayApi).length > 0) {
  console.log('\n| N (Gateway API) | runs | objects | identical | gateway-api ms | gateway-api-raw ms | ratio | run by run | RSS ratio |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [n, row] of Object.entries(results.gatewayApi)) {
    console.log(`| ${n} | ${row.runs} | ${row.objects} | ${row.identicalYaml} | ${row['gateway-api'].synthMs} | ${row['gateway-api-raw'].synthMs} | ${row.overRaw} | ${row.overRawRange.join('–')} | ${row.memoryOverRaw} |`);
  }
}
if (cli) console.log(`\n${cliTable(cli.results)}`);
console.log(`require(): cdk8s-istio ${results.loadMs['cdk8s-istio'].toFixed(1)} ms, cdk8s-plus-28 ${results.loadMs['cdk8s-plus-28'].toFixed(1)} ms; package ${results.packageMb} MB unpacked`);
// The targets of the benchmark issue, judged on this run's ratios.
const targets = [];
const judge = (name, value, limit) => targets.push({ name, value, limit, met: value !== undefined && value <= limit });
for (const n of [1000, 10000]) {
  if (results.sizes[n]) {
    judge(`(1)/(2) at ${n}`, results.sizes[n].constructsOverRaw, 1.2);
    judge(`peak memory (1)/(2) at ${n}`, results.sizes[n].memoryConstructsOverRaw, 1.5);
  }
}
// Issue 12 sets the analysis budget: 30% of a 1,000-service synth, 20% of a 10,000-service one.
if (results.sizes[1000]?.analysisOverConstructs !== undefined) judge('(3)/(1) at 1000', results.sizes[1000].analysisOverConstructs, 1.3);
if (results.sizes[10000]?.analysisOverConstructs !== undefined) judge('(3)/(1) at 10000', results.sizes[10000].analysisOverConstructs, 1.2);
for (const [variant, ratio] of Object.entries(scaling)) judge(`t(10k)/t(1k) ${variant}`, ratio, 11);
for (const [n, row] of Object.entries(results.gatewayApi)) {
  judge(`Gateway API variant / its raw ApiObjects at ${n}`, row.overRaw, 1.2);
  judge(`Gateway API variant: identical YAML at ${n}`, row.identicalYaml ? 0 : 1, 0);
}
judge('require() cdk8s-istio / cdk8s-plus-28', +(results.loadMs['cdk8s-istio'] / results.loadMs['cdk8s-plus-28']).toFixed(3), 1);
judge('package MB', results.packageMb, 5);
for (const t of cli?.targets ?? []) judge(t.name, t.value, t.limit);
results.targets = targets;
fs.writeFileSync(path.join(REPO, 'dist', 'bench', 'results.json'), JSON.stringify(results, null, 2));
console.log(targets.map((t) => `${t.met ? 'met    ' : 'MISSED '} ${t.name}: ${t.value} (target <= ${t.limit})`).join('\n'));
console.log('written to dist/bench/results.json');
