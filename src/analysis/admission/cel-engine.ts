/**
 * The CEL engine, in one module: at compile esbuild replaces lib/analysis/admission/cel-engine.js
 * with @bufbuild/cel and the parts of its dependencies we use, bundled and minified, so the
 * package ships a few hundred KB instead of 11 MB of dependencies. Loaded on first use only.
 */
export * from '@bufbuild/cel';
export { strings } from '@bufbuild/cel/ext';
