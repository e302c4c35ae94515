/**
 * Synthesizes every example app in examples/ into dist/examples/<name>/ and fails when any
 * example throws. Each example module exports `build(app)`. Beside each example's YAML it
 * draws the example's mesh (`mesh.svg`, as `cdk8s-istio graph` would); the picture of
 * README_PICTURE is also written to docs/, where the README shows it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { compactness, Compactness, exampleFile, markdownTable } from './compactness';
import { MeshGraph } from '../src';

const REPO = path.resolve(__dirname, '..');

/** The example whose picture the README shows, and where it is written. */
export const README_PICTURE = { example: 'bookinfo-mesh', file: path.join(REPO, 'docs', 'bookinfo-mesh.svg') };

export function exampleNames(): string[] {
  return fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
}

export function synthExample(name: string, outdir: string): App {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(REPO, 'examples', name));
  const app = new App({ outdir });
  example.build(app);
  app.synth();
  return app;
}

async function main(): Promise<void> {
  let failed = 0;
  const rows: Compactness[] = [];
  for (const name of exampleNames()) {
    const outdir = path.join(REPO, 'dist', 'examples', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    try {
      const app = synthExample(name, outdir);
      const files = fs.readdirSync(outdir);
      const yaml = files.filter((f) => /\.ya?ml$/.test(f)).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
      const svg = await MeshGraph.of(app).toSvg();
      fs.writeFileSync(path.join(outdir, 'mesh.svg'), svg);
      if (name === README_PICTURE.example) fs.writeFileSync(README_PICTURE.file, svg);
      console.log(`${name}: ${[...files, 'mesh.svg'].map((f) => path.join('dist', 'examples', name, f)).join(', ')}`);
      rows.push(compactness(name, exampleFile(name), yaml));
    } catch (error) {
      failed++;
      console.error(`${name}: FAILED\n  ${(error as Error).message}`);
    }
  }
  const table = markdownTable(rows);
  fs.writeFileSync(path.join(REPO, 'dist', 'examples', 'compactness.md'), `${table}\n`);
  console.log(`\nLines of TypeScript per line of YAML (dist/examples/compactness.md):\n${table}`);
  console.log(`\nThe README's picture: ${path.relative(REPO, README_PICTURE.file)}`);
  if (failed > 0) {
    console.error(`${failed} example(s) failed`);
    process.exit(1);
  }
}

if (require.main === module) {
  void main();
}
