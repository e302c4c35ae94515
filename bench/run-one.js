// One measurement in a fresh process: node bench/run-one.js <constructs|raw|analysis|federation|federation-raw> <N> [--yaml FILE]
// (federation variants: 5 clusters of N services each, see bench/federation.js). BENCH_LIB names
// the compiled library to load (an absolute path; default: the repository's lib/).
// Prints one JSON line: { variant, n, synthMs, peakRssMb, objects, yamlBytes }.
'use strict';
const fs = require('fs');
const { performance } = require('perf_hooks');
const { App } = require('cdk8s');
const { constructsMesh, rawMesh, constructsMeshGatewayApi, rawMeshGatewayApi } = require('./mesh');
const { constructsFederation, rawFederation } = require('./federation');
const { rawSecurity } = require('./raw-security');

const [variant, nText, flag, yamlFile] = process.argv.slice(2);
const n = Number(nText);
// gateway-api / gateway-api-raw: the mesh rendered through the Gateway API, and its raw ApiObjects.
const VARIANTS = ['constructs', 'raw', 'analysis', 'federation', 'federation-raw', 'gateway-api', 'gateway-api-raw'];
if (!VARIANTS.includes(variant) || !Number.isInteger(n) || n < 1) {
  console.error(`usage: node bench/run-one.js <${VARIANTS.join('|')}> <N> [--yaml FILE]`);
  process.exit(2);
}

// Loading is measured separately (load-time check); the synth clock starts with the app. That
// includes cdk8s-plus-28, which MtlsNamespace loads on first use (it creates kplus Namespaces):
// loaded here for every variant, so no variant pays a module load inside the clock.
require('cdk8s-plus-28');
const lib = variant === 'raw' || variant.endsWith('-raw') ? undefined : require(process.env.BENCH_LIB || '../lib');
const start = performance.now();
// CPU time as well: on a shared machine it moves less with the load than the wall clock does.
const cpuStart = process.cpuUsage();
const app = new App({ outdir: '/tmp/cdk8s-istio-bench-unused' });
if (variant === 'raw') {
  rawMesh(app, n, rawSecurity);
} else if (variant === 'gateway-api-raw') {
  rawMeshGatewayApi(app, n, rawSecurity);
} else if (variant === 'gateway-api') {
  // Analysis off, as for (1).
  lib.MeshAnalysis.disable(app);
  constructsMeshGatewayApi(app, n, lib);
} else if (variant === 'federation-raw') {
  rawFederation(app, n);
} else if (variant === 'federation') {
  // Analysis off, as for (1): the ratio measures the constructs against hand-written objects.
  lib.MeshAnalysis.disable(app);
  constructsFederation(app, n, lib);
} else {
  // (1) measures the constructs alone; (3) keeps the analysis our constructs switch on by themselves.
  if (variant === 'constructs') lib.MeshAnalysis.disable(app);
  constructsMesh(app, n, lib);
}
const yaml = app.synthYaml();
const synthMs = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
if (flag === '--yaml') fs.writeFileSync(yamlFile, yaml);
const objects = (yaml.match(/^kind: /gm) || []).length;
console.log(JSON.stringify({ variant, n, synthMs: Math.round(synthMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(peakRssMb), objects, yamlBytes: yaml.length }));
