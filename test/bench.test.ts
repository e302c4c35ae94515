// Smoke test of the benchmark harness (npm run bench): at N=10 our constructs and the
// hand-written raw ApiObjects must synthesize byte-identical YAML. No timing here.
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import * as lib from '../src';
import { assertSchemaValid } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { constructsMesh, rawMesh } = require('../bench/mesh');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rawSecurity } = require('../bench/raw-security');

test('constructs (with and without the analysis) and raw ApiObjects synthesize identical YAML (N=10)', () => {
  // (3): our constructs with the analysis they switch on by themselves.
  const analyzed = new App({ outdir: '/tmp/unused' });
  constructsMesh(analyzed, 10, lib);
  // (1): the same, analysis off.
  const ours = new App({ outdir: '/tmp/unused' });
  lib.MeshAnalysis.disable(ours);
  constructsMesh(ours, 10, lib);
  // (2): the hand-written baseline.
  const raw = new App({ outdir: '/tmp/unused' });
  rawMesh(raw, 10, rawSecurity);
  const yaml = raw.synthYaml();
  expect(yaml.length).toBeGreaterThan(1000);
  expect(ours.synthYaml()).toEqual(yaml);
  expect(analyzed.synthYaml()).toEqual(yaml);
  assertSchemaValid(YAML.parseAllDocuments(yaml).map((d) => d.toJS()));
});

test('the Gateway API variant: constructs and raw ApiObjects synthesize identical YAML (N=10)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { constructsMeshGatewayApi, rawMeshGatewayApi } = require('../bench/mesh');
  const ours = new App({ outdir: '/tmp/unused' });
  lib.MeshAnalysis.disable(ours);
  constructsMeshGatewayApi(ours, 10, lib);
  const analyzed = new App({ outdir: '/tmp/unused' });
  constructsMeshGatewayApi(analyzed, 10, lib);
  const raw = new App({ outdir: '/tmp/unused' });
  rawMeshGatewayApi(raw, 10, rawSecurity);
  const yaml = raw.synthYaml();
  expect(yaml).toMatch(/kind: HTTPRoute/);
  expect(ours.synthYaml()).toEqual(yaml);
  expect(analyzed.synthYaml()).toEqual(yaml);
  assertSchemaValid(YAML.parseAllDocuments(yaml).map((d) => d.toJS()));
});

test('synth walks the app a fixed number of times, however many namespaces and services (no construct walks it per instance)', () => {
  // A walk per MtlsNamespace made synth quadratic (30 s at 10,000 services): count the walks, not the time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Node } = require('constructs');
  const findAll = Node.prototype.findAll;
  const walks = (n: number) => {
    let count = 0;
    Node.prototype.findAll = function (this: unknown, ...args: unknown[]) {
      count++;
      return findAll.apply(this, args);
    };
    try {
      const app = new App({ outdir: '/tmp/unused' });
      constructsMesh(app, n, lib);
      app.synthYaml();
    } finally {
      Node.prototype.findAll = findAll;
    }
    return count;
  };
  // Given meshes of 1 and 6 namespaces (50 services each), analysis on
  const [small, large] = [walks(50), walks(300)];
  // Then both synths walk the app equally often
  expect(small).toBeGreaterThan(0);
  expect(large).toBe(small);
});
