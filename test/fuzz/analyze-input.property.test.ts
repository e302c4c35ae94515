/**
 * The CLI reads whatever a repository holds. Property: `analyze` of istioctl's own analyzer inputs
 * (../shared/conformance/istio-analyze/testdata), with fields replaced by values of the wrong
 * type, never fails inside an analyzer: a wrong type is the admission layer's finding, and every
 * other analyzer skips what it cannot read. Seed printed; repeat with FUZZ_SEED=<seed>.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { analyzeManifests } from '../../src/analysis/analyze';
import { parseYamlStream } from '../../src/analysis/yaml-input';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const TESTDATA = path.resolve(__dirname, '..', '..', '..', 'shared', 'conformance', 'istio-analyze', 'testdata');

/** Every input file of istioctl's analyzer tests, as parsed manifests. */
function inputs(): unknown[][] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(path.join(dir, e.name));
    }
  };
  walk(TESTDATA);
  return files.sort().map((f) => parseYamlStream(fs.readFileSync(f, 'utf8')).documents.map((d) => d.value));
}

/** The paths of every value inside a manifest (not apiVersion/kind: those decide which analyzers look). */
function valuePaths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0 && at[0] !== 'apiVersion' && at[0] !== 'kind') out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => valuePaths(v, [...at, i], out));
  else if (typeof value === 'object' && value !== null) for (const k of Object.keys(value)) valuePaths((value as any)[k], [...at, k], out);
  return out;
}

// (keys such as `valueOf` make Number() and String() throw: such input is covered by the guard's own test)
const mapKey = fc.string({ maxLength: 6 }).filter((k) => !(k in Object.prototype));
const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 8 }));
const wrongValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, '', '*', 'a.b', [], {}, [null], [1], [[]], [{}], { a: 1 }, ['*'], { '': '' }),
  scalar,
  fc.array(fc.oneof(scalar, fc.dictionary(mapKey, scalar, { maxKeys: 2 })), { maxLength: 3 }),
  fc.dictionary(mapKey, fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), { maxKeys: 3 }),
);

const mutation = fc.record({ pathIndex: fc.nat(), value: wrongValue });

describe(`analyze never fails inside an analyzer on wrongly typed input (seed ${SEED}: repeat with FUZZ_SEED=${SEED})`, () => {
  const files = inputs();

  test(`istioctl's analyzer inputs with fields of the wrong type (${files.length} files)`, () => {
    expect(files.length).toBeGreaterThan(50);
    fc.assert(fc.property(fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (fileIndex, mutations) => {
      // Given one input file with some of its values replaced
      const manifests = JSON.parse(JSON.stringify(files[fileIndex])) as unknown[];
      const targets = manifests.flatMap((m, i) => valuePaths(m).map((p) => [i, ...p]));
      if (targets.length === 0) return;
      for (const { pathIndex, value } of mutations) {
        const target = targets[pathIndex % targets.length];
        let parent: any = manifests;
        for (const key of target.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? parent[key] : undefined;
        if (typeof parent === 'object' && parent !== null) parent[target[target.length - 1]] = JSON.parse(JSON.stringify(value) ?? 'null');
      }
      // When analyzed, then findings come back (an exception fails the property with the input)
      expect(Array.isArray(analyzeManifests({ manifests: manifests as any[], guarded: false }))).toBe(true);
    }), { seed: SEED, numRuns: RUNS });
  }, 120_000);

  test('an analyzer that stumbles on a shape the API server would not admit says so and the others run (CIS1004)', () => {
    // Given a Pod whose runAsUser is a map with `valueOf` and `toString` keys (Number() of it throws) and a Service without port names
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'odd', namespace: 'default', labels: { app: 'odd' } },
      spec: { securityContext: { runAsUser: { valueOf: 1, toString: 1 } }, containers: [{ name: 'app', image: 'app:1' }] },
    };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', namespace: 'default' }, spec: { selector: { app: 'odd' }, ports: [{ port: 9000 }] } };
    // When analyzed
    const findings = analyzeManifests({ manifests: [pod, service] });
    // Then the analyzer that stopped is named, and the other analyzers' findings are there
    expect(findings).toContainEqual(expect.objectContaining({
      code: 'CIS1004', analyzer: 'applicationUID.Analyzer', message: expect.stringContaining('its checks are missing from this report'),
    }));
    expect(findings.map((f) => f.code)).toContain('IST0118');
    // And the tests' unguarded run raises it
    expect(() => analyzeManifests({ manifests: [pod, service], guarded: false })).toThrow(TypeError);
  });

});
