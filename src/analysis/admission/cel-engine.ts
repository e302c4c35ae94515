/**
 * The CEL engine, in one module: at compile esbuild replaces lib/analysis/admission/cel-engine.js
 * with @bufbuild/cel and the parts of its dependencies we use, bundled and minified, so the
 * package ships a few hundred KB instead of 11 MB of dependencies. Loaded on first use only.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- a devDependency by design: bundled at compile
export * from '@bufbuild/cel';
// eslint-disable-next-line import/no-extraneous-dependencies
export { strings } from '@bufbuild/cel/ext';
// Rules are parsed when the schemas are generated (scripts/schemas.ts) and decoded here: decoding
// is several times faster than parsing, and every analysis pays for the rules it meets.
// eslint-disable-next-line import/no-extraneous-dependencies
export { fromBinary, toBinary } from '@bufbuild/protobuf';
// eslint-disable-next-line import/no-extraneous-dependencies
export { ExprSchema } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
