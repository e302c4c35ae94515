// One CLI measurement in a fresh process: node bench/cli-one.js <analyze|js-yaml> FILE
//   analyze: `cdk8s-istio analyze --output json FILE`, as the package's bin runs it;
//   js-yaml: a plain js-yaml parse of the same file, every document kept (what a tool holding the
//            objects needs), with js-yaml's default schema.
// The parent times the whole process; this prints one JSON line with what only the process knows:
// { mode, cpuMs, peakRssMb, objects, findings }.
'use strict';
const fs = require('fs');
const path = require('path');

const [mode, file] = process.argv.slice(2);
let objects = 0;
let findings = 0;
if (mode === 'analyze') {
  let out = '';
  const status = require(path.join(__dirname, '..', 'lib', 'analysis', 'cli.js')).main(['analyze', '--output', 'json', file], (s) => (out += s), (s) => process.stderr.write(s));
  findings = JSON.parse(out).length;
  if (status === 2) process.exit(2);
} else if (mode === 'js-yaml') {
  const documents = require('js-yaml').loadAll(fs.readFileSync(file, 'utf8'));
  objects = documents.filter((d) => d !== null && d !== undefined).length;
} else {
  console.error('usage: node bench/cli-one.js <analyze|js-yaml> FILE');
  process.exit(2);
}
const cpu = process.cpuUsage();
console.log(JSON.stringify({ mode, cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), objects, findings }));
