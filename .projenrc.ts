import { cdk8s, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio',
  description: 'Typed cdk8s constructs that synthesize complete, validated Istio and cert-manager manifests.',
  author: 'cdk8s-istio maintainers',
  authorAddress: 'maintainers@users.noreply.h-seed-3974b78d.example',
  repositoryUrl: 'https://github.com/maintainers/main.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'istio', 'cert-manager', 'service-mesh', 'kubernetes'],

  // jsii and TypeScript move together; TypeScript "latest" (7.x) cannot be loaded by ts-jest/ts-node.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.3',

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.2',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // The `cdk8s-istio analyze` CLI reads YAML; bundled so consumers need nothing else.
  // Route and policy regexes are checked the way istiod and Envoy read them: with RE2 (Go's
  // syntax), not JavaScript's. The same engine the admission layer's CEL uses; bundled likewise.
  // `yaml` also words the errors of documents the CLI's parser rejects.
  bundledDeps: ['yaml@^2.6.0', '@bufbuild/re2@0.6.1'],
  devDeps: [
    'cdk8s-cli@^2.207.0',
    'ajv@^8.17.0',
    '@types/node@^20.0.0',
    // The admission layer evaluates the CRDs' x-kubernetes-validations with a real CEL engine (with RE2
    // regexps). It is bundled into one file at compile (see below) rather than shipped as a dependency.
    '@bufbuild/cel@^0.6.1',
    '@bufbuild/protobuf@^2.6.2',
    'esbuild@0.28.2',
    // Property-based tests over every public construct (test/fuzz, `npm run fuzz`).
    'fast-check@^4.3.0',
    // Graphviz (WebAssembly) for `cdk8s-istio graph --output svg` / MeshGraph.toSvg: bundled at compile
    // into the one module that loads it (see below), loaded only when an SVG is asked for.
    '@viz-js/viz@3.31.0',
    // js-yaml parses the CLI's input at a fast parser's speed (src/analysis/yaml-input.ts): bundled at
    // compile into lib/analysis/js-yaml.js (40 KB of a package that installs 1 MB).
    'js-yaml@^4.1.0',
  ],

  github: false,
  release: false,
  docgen: true,

  jestOptions: {
    // Snapshots only change on purpose (`npx projen test:update`), never in CI.
    updateSnapshot: UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      // Examples are synthesized by the tests too; they live outside src/ and test/.
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts'],
    ignorePatterns: ['*.d.ts', 'node_modules/', 'lib/', 'dist/'],
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/dist/', '.tmp/'],
});

// The registry reachable from these machines lacks the platform binaries of unrs-resolver@1.13
// (pulled in by jest 30 and eslint-import-resolver-typescript); 1.12.2 resolves everywhere.
project.package.addField('overrides', {
  'unrs-resolver': '1.12.2',
});
project.npmignore?.exclude('/examples/', '/scripts/', '/.ci/', '/bench/', '/docs/', '/.tmp/', '/conformance-ratchet.json');

// `npx cdk8s-istio analyze ...` (offline mesh analysis); in this repository: `node bin/cdk8s-istio`.
project.addBins({ 'cdk8s-istio': 'bin/cdk8s-istio' });
project.package.addField('engines', { node: '>= 20.0.0' });

// Regenerate the compact admission schemas (structural schemas + CEL rules) from the CRD bundles.
project.addTask('schemas', {
  description: 'Regenerate src/analysis/admission/schemas.json from ../shared/crds (only the API versions we emit)',
  exec: 'ts-node --project test/tsconfig.json scripts/schemas.ts',
});
// jsii compiles TypeScript only; the admission schemas ship beside the compiled code.
project.compileTask.exec('cp src/analysis/admission/schemas.json lib/analysis/admission/schemas.json');
// @bufbuild/cel with its dependencies is 11 MB installed (mostly CEL's own conformance test data);
// the parts we use, bundled and minified into the one module that loads them, are a few hundred KB.
// RE2 is a runtime dependency of its own (route regexes), so the bundles share it rather than copy it.
for (const bundle of ['cel-engine', 'cel-parser']) {
  project.compileTask.exec(`esbuild src/analysis/admission/${bundle}.ts --bundle --platform=node --format=cjs --target=node20 --minify `
    + `--external:@bufbuild/re2 --legal-comments=inline --log-level=warning --outfile=lib/analysis/admission/${bundle}.js`);
}
project.compileTask.exec('esbuild src/analysis/js-yaml.ts --bundle --platform=node --format=cjs --target=node20 --minify '
  + '--legal-comments=inline --log-level=warning --outfile=lib/analysis/js-yaml.js');
project.compileTask.exec('esbuild src/graph/graphviz.ts --bundle --platform=node --format=cjs --target=node20 --minify --charset=utf8 '
  + '--legal-comments=inline --log-level=warning --outfile=lib/graph/graphviz.js');

// Synthesize every example app to dist/examples/<name>/.
project.addTask('examples', {
  description: 'Synthesize every example app in examples/ to dist/examples/<name>/',
  exec: 'ts-node --project test/tsconfig.json scripts/synth-examples.ts',
});

// Exact error messages in tests are long strings; keep code lines short but let strings be.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
});

// Synth speed, memory and scaling against raw cdk8s (not part of npm test; see docs/performance.md).
project.addTask('bench', {
  description: 'Benchmark synth of N = 100, 1,000 and 10,000 services: our constructs vs raw ApiObjects vs with analysis',
  steps: [{ spawn: 'compile' }, { exec: 'node bench/run.js' }],
});

// The long property-based run: `npm run fuzz -- [count] [seed]` (a short run is part of npm test).
project.addTask('fuzz', {
  description: 'Property-based run over every public construct: npm run fuzz -- [count] [seed]',
  exec: 'ts-node --project test/tsconfig.json test/fuzz/run.ts',
  receiveArgs: true,
});

// eslint's project service needs a tsconfig beside the examples and scripts.
for (const dir of ['examples', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..' }, include: ['**/*.ts'] },
  });
}

project.synth();
