/**
 * Lines of TypeScript an example needs against lines of YAML it synthesizes. Code lines are
 * non-blank lines that are neither comments nor imports.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Compactness {
  readonly example: string;
  readonly typescriptLines: number;
  readonly yamlLines: number;
  readonly ratio: number;
}

export function codeLines(source: string): number {
  return source.split('\n').filter((line) => {
    const text = line.trim();
    return text !== '' && !text.startsWith('//') && !text.startsWith('*') && !text.startsWith('/*') && !/^import\b|^} from '/.test(text);
  }).length;
}

export function compactness(example: string, sourceFile: string, yaml: string): Compactness {
  const typescriptLines = codeLines(fs.readFileSync(sourceFile, 'utf8'));
  const yamlLines = yaml.split('\n').filter((l) => l.trim() !== '' && l.trim() !== '---').length;
  return { example, typescriptLines, yamlLines, ratio: Math.round((typescriptLines / yamlLines) * 100) / 100 };
}

export function markdownTable(rows: readonly Compactness[]): string {
  return ['| example | TypeScript lines | YAML lines | ratio |', '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.example} | ${r.typescriptLines} | ${r.yamlLines} | ${r.ratio.toFixed(2)} |`)].join('\n');
}

export function exampleFile(name: string): string {
  return path.resolve(__dirname, '..', 'examples', `${name}.ts`);
}
