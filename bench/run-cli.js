// The CLI section of `npm run bench`: `cdk8s-istio analyze` of generated meshes (bench/cli-mesh.js)
// of about 1,000, 10,000 and 100,000 objects against a plain js-yaml parse of the same file. Both
// run as whole processes (startup, reading, parsing; for analyze also the analysis and its output),
// interleaved run by run; ratios are medians of the run-by-run ratios, as in bench/run.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeCliMesh } = require('./cli-mesh');

const SIZES = (process.env.BENCH_CLI_SIZES ?? '1000,10000,100000').split(',').filter((x) => x).map(Number);
// A 100,000-object run takes seconds, where one slow phase of a shared machine moves it less than a
// 1,000-object run of a fraction of a second.
const runsFor = (n) => Number(process.env.BENCH_CLI_RUNS || (n >= 100000 ? 5 : n >= 10000 ? 7 : 11));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One whole process: wall time measured here, CPU time and peak memory reported by the process. */
function measure(mode, file) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(__dirname, 'cli-one.js'), mode, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${mode} ${file} failed:\n${r.stderr}`);
  return { ms: Math.round(ms), ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

/** Runs the section; returns its results and the targets (name, value, limit) it judges. */
function runCliBench() {
  const results = { sizes: {}, scaling: {} };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  try {
    for (const n of SIZES) {
      const file = path.join(tmp, `mesh-${n}.yaml`);
      const objects = writeCliMesh(file, n);
      const samples = { analyze: [], jsYaml: [] };
      for (let i = 0; i < runsFor(n); i++) {
        samples.analyze.push(measure('analyze', file));
        samples.jsYaml.push(measure('js-yaml', file));
      }
      const summary = (list) => ({ ms: median(list.map((s) => s.ms)), cpuMs: median(list.map((s) => s.cpuMs)), peakRssMb: median(list.map((s) => s.peakRssMb)) });
      const paired = (field) => samples.analyze.map((s, i) => s[field] / samples.jsYaml[i][field]).sort((a, b) => a - b);
      const time = paired('ms');
      const row = {
        objects,
        fileMb: +(fs.statSync(file).size / 1e6).toFixed(1),
        runs: runsFor(n),
        parsedObjects: samples.jsYaml[0].objects,
        findings: samples.analyze[0].findings,
        analyze: summary(samples.analyze),
        jsYaml: summary(samples.jsYaml),
        timeRatio: +median(time).toFixed(3),
        timeRatioRange: [+time[0].toFixed(2), +time[time.length - 1].toFixed(2)],
        cpuRatio: +median(paired('cpuMs')).toFixed(3),
        memoryRatio: +median(paired('peakRssMb')).toFixed(3),
      };
      results.sizes[n] = row;
      fs.rmSync(file, { force: true });
      console.error(`CLI N=${n}: ${JSON.stringify(row)}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const sizes = Object.keys(results.sizes).map(Number).sort((a, b) => a - b);
  for (let i = 1; i < sizes.length; i++) {
    if (sizes[i] === sizes[i - 1] * 10) {
      results.scaling[`${sizes[i]}/${sizes[i - 1]}`] = +(results.sizes[sizes[i]].analyze.ms / results.sizes[sizes[i - 1]].analyze.ms).toFixed(2);
    }
  }
  const targets = [];
  const largest = results.sizes[100000];
  if (largest) {
    targets.push({ name: 'CLI: analyze / js-yaml parse time at 100000 objects', value: largest.timeRatio, limit: 1.5 });
    targets.push({ name: 'CLI: analyze / js-yaml peak memory at 100000 objects', value: largest.memoryRatio, limit: 2 });
  }
  for (const [step, ratio] of Object.entries(results.scaling)) targets.push({ name: `CLI: analyze time ${step} objects (10x the objects)`, value: ratio, limit: 11 });
  return { results, targets };
}

/** The section as a Markdown table. */
function cliTable(results) {
  const lines = [
    '| objects | file MB | runs | analyze ms | js-yaml ms | time ratio | run by run | CPU ratio | analyze RSS MB | js-yaml RSS MB | RSS ratio | findings |',
    '|' + ' --- |'.repeat(12),
  ];
  for (const row of Object.values(results.sizes)) {
    lines.push(`| ${row.objects} | ${row.fileMb} | ${row.runs} | ${row.analyze.ms} | ${row.jsYaml.ms} | ${row.timeRatio} | ${row.timeRatioRange.join('–')} | ${row.cpuRatio} | `
      + `${row.analyze.peakRssMb} | ${row.jsYaml.peakRssMb} | ${row.memoryRatio} | ${row.findings} |`);
  }
  return `${lines.join('\n')}\nscaling (analyze): ${JSON.stringify(results.scaling)}`;
}

module.exports = { runCliBench, cliTable };

if (require.main === module) {
  const { results, targets } = runCliBench();
  console.log(cliTable(results));
  for (const t of targets) console.log(`${t.value <= t.limit ? 'met    ' : 'MISSED '} ${t.name}: ${t.value} (target <= ${t.limit})`);
}
