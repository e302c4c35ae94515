/**
 * Synthesizes every example app in examples/ into dist/examples/<name>/ and fails when any
 * example throws. Each example module exports `build(app)`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { compactness, Compactness, exampleFile, markdownTable } from './compactness';

const REPO = path.resolve(__dirname, '..');

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

if (require.main === module) {
  let failed = 0;
  const rows: Compactness[] = [];
  for (const name of exampleNames()) {
    const outdir = path.join(REPO, 'dist', 'examples', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    try {
      synthExample(name, outdir);
      const files = fs.readdirSync(outdir);
      console.log(`${name}: ${files.map((f) => path.join('dist', 'examples', name, f)).join(', ')}`);
      const yaml = files.map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
      rows.push(compactness(name, exampleFile(name), yaml));
    } catch (error) {
      failed++;
      console.error(`${name}: FAILED\n  ${(error as Error).message}`);
    }
  }
  const table = markdownTable(rows);
  fs.writeFileSync(path.join(REPO, 'dist', 'examples', 'compactness.md'), `${table}\n`);
  console.log(`\nLines of TypeScript per line of YAML (dist/examples/compactness.md):\n${table}`);
  if (failed > 0) {
    console.error(`${failed} example(s) failed`);
    process.exit(1);
  }
}
