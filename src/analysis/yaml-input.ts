/*
 * The one place where the analysis turns YAML (or JSON) text into values: the CLI's input files,
 * its mesh documents (and the ConfigMap entries inside them), and YAML embedded in annotations.
 * Replacing the parser means changing this file only.
 */

/**
 * How many nodes aliases may expand to in one document. Kubernetes manifests rarely use aliases
 * at all; a "billion laughs" document expands to millions.
 */
export const MAX_ALIAS_EXPANSION = 1000;

/** One YAML document of a stream, as a plain value, with where it starts. */
export interface YamlDocument {
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** For an object with an `items` sequence (a `kind: List`): the line of each item. */
  readonly itemLines?: readonly number[];
}

/** A document that could not be read; the other documents of the stream still are. */
export interface YamlProblem {
  /** 1-based line of the problem, when known. */
  readonly line?: number;
  readonly message: string;
}

export interface YamlStream {
  readonly documents: readonly YamlDocument[];
  readonly problems: readonly YamlProblem[];
}

/** Thrown by `parseYamlValue` for text that is not one readable YAML value. */
export class YamlInputError extends Error {}

function yamlModule(): typeof import('yaml') {
  // Loaded on first use: synth-time analysis never parses YAML.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

const ALIAS_BOMB = /alias count|resource exhaustion/i;

function aliasProblem(): string {
  return `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?); the document is not read`;
}

/** Parses every document of a YAML stream; bad documents become problems, never exceptions. */
export function parseYamlStream(text: string): YamlStream {
  const YAML = yamlModule();
  const lineCounter = new YAML.LineCounter();
  const documents: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  for (const doc of YAML.parseAllDocuments(text, { lineCounter, prettyErrors: true })) {
    const line = lineAt(doc.contents?.range?.[0] ?? doc.range?.[0]) ?? 1;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      problems.push({
        line: e.linePos?.[0]?.line ?? line,
        message: `invalid YAML: ${String(e.message).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (e) {
      problems.push({ line, message: ALIAS_BOMB.test(String((e as Error)?.message)) ? aliasProblem() : `invalid YAML: ${(e as Error)?.message ?? e}` });
      continue;
    }
    const items = YAML.isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    const itemLines = YAML.isSeq(items) ? items.items.map((i: any) => lineAt(i?.range?.[0]) ?? line) : undefined;
    documents.push({ value, line, ...(itemLines ? { itemLines } : {}) });
  }
  return { documents, problems };
}

/** Parses text holding one YAML value (an embedded mesh config, an annotation); throws `YamlInputError`. */
export function parseYamlValue(text: string): unknown {
  const { documents, problems } = parseYamlStream(text);
  if (problems.length > 0) {
    const p = problems[0];
    throw new YamlInputError(`${p.line ? `line ${p.line}: ` : ''}${p.message}`);
  }
  return documents[0]?.value;
}

/**
 * The text of a file's bytes, or undefined for binary content (a NUL byte, or bytes that are not
 * UTF-8): a YAML parser would read such bytes as one long string.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}
