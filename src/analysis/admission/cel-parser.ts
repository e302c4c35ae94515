/**
 * The CEL parser, bundled apart from the engine (cel-engine.ts): only rules that arrive without
 * their parsed form (rules given directly, or schemas generated without it) load it.
 */
/* eslint-disable import/no-extraneous-dependencies -- devDependencies by design: bundled at compile */
export { parse } from '@bufbuild/cel';
export { toBinary } from '@bufbuild/protobuf';
export { ExprSchema } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
