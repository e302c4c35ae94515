/**
 * Tests the README's "Use it in your cdk8s app" section as written: packs this repository as
 * npm would publish it, checks the tarball holds nothing but the package (no CI files), then in
 * a new folder runs the section's install commands (with the tarball for `cdk8s-istio`), writes
 * its `cdk8s.yaml`, `tsconfig.json` and `main.ts`, and runs its commands: `cdk8s synth`,
 * `cdk8s-istio analyze`, `cdk8s-istio graph`.
 *
 * Usage: ts-node scripts/consumer-smoke.ts [--no-compile]   (after `npx projen compile` in CI)
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');
const SECTION = '## Use it in your cdk8s app';

/** What a published package may hold at its top level. Anything else is a file for this repository only. */
const PACKAGE_ENTRIES = new Set(['lib', 'bin', 'node_modules', 'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii']);

interface Block {
  readonly lang: string;
  readonly text: string;
}

/** The fenced code blocks of the README's install section, in order. */
export function installBlocks(readme: string): Block[] {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no '${SECTION}' section`);
  const end = readme.indexOf('\n## ', start + SECTION.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2] }));
}

/** The commands of a shell block: one a line, comments dropped. */
export function commands(block: Block): string[] {
  return block.text.split('\n').map((l) => l.replace(/\s+#\s.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

/** The top-level entries of the tarball npm would publish that are not part of the package. */
function unexpectedEntries(): string[] {
  const report = JSON.parse(execSync('npm pack --dry-run --json --ignore-scripts', { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const files: string[] = report[0].files.map((f: { path: string }) => f.path);
  return [...new Set(files.map((f) => f.split('/')[0]))].filter((entry) => !PACKAGE_ENTRIES.has(entry)).sort();
}

function run(command: string, cwd: string): void {
  console.log(`$ ${command}`);
  execSync(command, { cwd, stdio: 'inherit', shell: '/bin/bash', env: { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

function main(): void {
  if (!process.argv.includes('--no-compile')) run('npx projen compile', REPO);
  const blocks = installBlocks(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  const block = (lang: string, nth = 0) => {
    const found = blocks.filter((b) => b.lang === lang)[nth];
    if (!found) throw new Error(`the README's install section lacks its ${nth + 1}. '${lang}' block`);
    return found;
  };

  const extra = unexpectedEntries();
  if (extra.length > 0) {
    throw new Error(`the package would ship files that are not part of it: ${extra.join(', ')}. Exclude them in .projenrc.ts (project.npmignore?.exclude(...)).`);
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-consumer-'));
  try {
    const tarball = execSync(`npm pack --silent --ignore-scripts --pack-destination ${JSON.stringify(work)}`, { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop()!;
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    // The install commands as written, with the packed library in place of the registry's.
    for (const command of commands(block('sh', 0))) run(command.replace(/(\s)cdk8s-istio(?=\s|$)/, `$1${path.join(work, tarball)}`), app);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), block('yaml').text);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), block('json').text);
    fs.writeFileSync(path.join(app, 'main.ts'), block('ts').text);
    for (const command of commands(block('sh', 1))) run(command, app);

    const synthesized = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(app, 'dist', f), 'utf8')).join('\n');
    for (const expected of ['kind: VirtualService', 'kind: DestinationRule', 'weight: 10']) {
      if (!synthesized.includes(expected)) throw new Error(`cdk8s synth wrote no '${expected}':\n${synthesized}`);
    }
    const svg = fs.readFileSync(path.join(app, 'mesh.svg'), 'utf8');
    if (!svg.includes('<svg') || !svg.includes('>reviews<')) throw new Error(`cdk8s-istio graph drew no reviews:\n${svg.slice(0, 500)}`);
    console.log(`consumer smoke: passed (installed size ${execSync('du -sh node_modules/cdk8s-istio', { cwd: app, encoding: 'utf8' }).split('\t')[0]})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`consumer smoke: FAILED\n${(e as Error).message}`);
    process.exit(1);
  }
}
