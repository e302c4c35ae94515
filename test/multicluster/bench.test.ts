// Smoke test of the federation benchmark (node bench/run-federation.js): at a few services per
// cluster our constructs and the hand-written raw ApiObjects synthesize byte-identical YAML.
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import * as lib from '../../src';
import { assertSchemaValid } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { constructsFederation, rawFederation } = require('../../bench/federation');

test('federation: constructs and raw ApiObjects synthesize identical YAML (5 clusters x 3 services)', () => {
  const ours = new App({ outdir: '/tmp/unused' });
  lib.MeshAnalysis.disable(ours);
  constructsFederation(ours, 3, lib);
  const raw = new App({ outdir: '/tmp/unused' });
  rawFederation(raw, 3);
  const yaml = raw.synthYaml();
  // 5 clusters: 3 Services, a gateway, 12 remote ServiceEntries and DestinationRules each.
  expect((yaml.match(/^kind: /gm) ?? []).length).toBe(5 * (3 + 1 + 12 + 12));
  expect(ours.synthYaml()).toEqual(yaml);
  assertSchemaValid(YAML.parseAllDocuments(yaml).map((d) => d.toJS()));
});

test('federation with the analysis our constructs switch on: same YAML', () => {
  const analyzed = new App({ outdir: '/tmp/unused' });
  constructsFederation(analyzed, 2, lib, 3);
  const raw = new App({ outdir: '/tmp/unused' });
  rawFederation(raw, 2, 3);
  expect(analyzed.synthYaml()).toEqual(raw.synthYaml());
});
