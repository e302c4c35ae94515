// The README's "Use it in your cdk8s app" section: CI runs it for real against the packed library
// (scripts/consumer-smoke.ts); here, quickly, that it says what the package needs and that its
// first app synthesizes with this source tree.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as ts from 'typescript';
import { findOne, synthApp } from './helpers';
import { commands, installBlocks } from '../scripts/consumer-smoke';

const REPO = path.join(__dirname, '..');
const blocks = installBlocks(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

test('the section has the install commands, cdk8s.yaml, tsconfig.json, a first app and the commands to run, in that order', () => {
  expect(blocks.map((b) => b.lang)).toEqual(['sh', 'yaml', 'json', 'ts', 'sh']);
  expect(blocks[1].text).toMatch(/^language: typescript\napp: npx ts-node main\.ts\n$/);
  expect(() => JSON.parse(blocks[2].text)).not.toThrow();
  expect(commands(blocks[4])).toEqual(expect.arrayContaining(['npx cdk8s synth', 'npx cdk8s-istio analyze dist/', expect.stringMatching(/^npx cdk8s-istio graph /)]));
});

test('the install commands name every peer dependency, TypeScript 5.9 and what runs a TypeScript app', () => {
  const install = commands(blocks[0]).join('\n');
  expect(install).toMatch(/npm install cdk8s-istio /);
  for (const peer of Object.keys(pkg.peerDependencies)) expect(install).toMatch(new RegExp(`\\s${peer}@`));
  expect(install).toContain('typescript@~5.9');
  expect(install).toMatch(/\sts-node@/);
  expect(install).toMatch(/\scdk8s-cli\b/);
});

test('the first app synthesizes: a 10% canary with a timeout and retries', () => {
  // Given the README's main.ts, compiled as ts-node would, with this source tree for 'cdk8s-istio'
  const source = blocks[3].text.replace(/^app\.synth\(\);$/m, 'module.exports = app;');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const js = ts.transpileModule(source, { compilerOptions }).outputText;
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => require(id === 'cdk8s-istio' ? '../src' : id);
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  // When it is synthesized
  const manifests = synthApp(module.exports as App);
  // Then reviews gets 10% on v2, a 3s timeout and typed retries
  const route = findOne(manifests, 'VirtualService', 'reviews', 'bookinfo').spec.http[0];
  expect(route.route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 90], ['v2', 10]]);
  expect(route.timeout).toBe('3s');
  expect(route.retries).toEqual({ attempts: 2, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure' });
});
