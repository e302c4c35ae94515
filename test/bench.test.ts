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

test('constructs and raw ApiObjects synthesize identical YAML (N=10)', () => {
  const ours = new App({ outdir: '/tmp/unused' });
  constructsMesh(ours, 10, lib);
  const raw = new App({ outdir: '/tmp/unused' });
  rawMesh(raw, 10, rawSecurity);
  const yaml = ours.synthYaml();
  expect(yaml.length).toBeGreaterThan(1000);
  expect(yaml).toEqual(raw.synthYaml());
  assertSchemaValid(YAML.parseAllDocuments(yaml).map((d) => d.toJS()));
});
