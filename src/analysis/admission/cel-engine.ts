/**
 * The CEL engine, in one module: at compile esbuild replaces lib/analysis/admission/cel-engine.js
 * with @bufbuild/cel and the parts of its dependencies we use, bundled and minified, so the
 * package ships a few hundred KB instead of 11 MB of dependencies. Loaded on first use only.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- a devDependency by design: bundled at compile
export * from '@bufbuild/cel';
// eslint-disable-next-line import/no-extraneous-dependencies
export { strings } from '@bufbuild/cel/ext';
