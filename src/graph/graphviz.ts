/**
 * Graphviz, compiled to WebAssembly (@viz-js/viz): lays out the DOT picture as SVG in Node, with
 * no browser and no native binary. At compile esbuild replaces lib/graph/graphviz.js with this
 * module and @viz-js/viz bundled into one file (about 1.4 MB); only `MeshGraph.toSvg` and
 * `cdk8s-istio graph --output svg` load it.
 */

/** The part of @viz-js/viz we use. */
interface Viz {
  renderString(input: string, options: { format: string; engine?: string }): string;
}

let viz: Promise<Viz> | undefined;

/** Lays out a DOT graph with Graphviz's `dot` engine and returns the SVG document. */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- bundled at compile
    const module = require('@viz-js/viz') as { instance(): Promise<Viz> };
    return module.instance();
  })();
  try {
    return (await viz).renderString(dot, { format: 'svg', engine: 'dot' });
  } catch (e) {
    viz = undefined; // a failed load is not remembered: the next call tries again
    throw e;
  }
}
