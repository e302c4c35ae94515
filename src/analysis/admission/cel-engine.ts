/**
 * The CEL engine, in one module: at compile esbuild replaces lib/analysis/admission/cel-engine.js
 * with the parts of @bufbuild/cel (and its dependencies) we use, bundled and minified, so the
 * package ships a few hundred KB instead of 11 MB of dependencies. Loaded on first use only.
 *
 * The parser is not here but in cel-parser.ts: rules arrive parsed (scripts/schemas.ts stores
 * each rule's expression, decoded with fromBinary), and the parser is most of the code, which
 * every analysis would otherwise load.
 */
/* eslint-disable import/no-extraneous-dependencies -- devDependencies by design: bundled at compile */
export { plan, celEnv, celFunc, celMethod, celMap, mapType, CelScalar, isCelError } from '@bufbuild/cel';
export type { CelEnv, CelFunc } from '@bufbuild/cel';
export { strings } from '@bufbuild/cel/ext';
export { fromBinary } from '@bufbuild/protobuf';
export { ExprSchema } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
