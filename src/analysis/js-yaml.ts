/**
 * js-yaml, the parser of the CLI's input (see yaml-input.ts). At compile esbuild replaces
 * lib/analysis/js-yaml.js with this module and js-yaml bundled into one file of about 40 KB: the
 * package itself installs 1 MB (browser builds, source maps, and argparse for its own CLI).
 */

/** The part of js-yaml's API the CLI uses (its types are not a dependency). */
export interface JsYaml {
  readonly Type: new (tag: string, options: Record<string, unknown>) => object;
  readonly FAILSAFE_SCHEMA: { extend(definition: { implicit?: object[]; explicit?: object[] }): object };
  load(text: string, options: Record<string, unknown>): unknown;
  loadAll(text: string, iterator: null, options: Record<string, unknown>): unknown[];
}

/*! js-yaml, bundled: MIT License, Copyright (C) 2011-2015 by Vitaly Puzrin, https://github.com/nodeca/js-yaml */

/** The js-yaml module. */
export function jsYaml(): JsYaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- bundled at compile
  return require('js-yaml') as JsYaml;
}
