/*
 * What the package's commands (`cdk8s-istio analyze`, `cdk8s-istio graph`) share: reading the
 * command line and the manifest files it names. Kept apart from the analysis so that `graph`
 * loads no analyzer unless it marks findings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isListObject, isRecord, Manifest } from './context';
import { decodeText, parseYamlStream, readTextFile } from './yaml-input';

/** A mistake on the command line: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

/** Asked for the usage text: printed on stdout, exit status 0. */
export class HelpRequest extends Error {}

/**
 * The exit status of a command that stopped on `e`: 0 after printing the usage on `out` when it
 * was asked for, 2 after printing a usage error with the usage on `err`; undefined for any other error.
 */
export function usageStatus(e: unknown, usage: string, out: (s: string) => void, err: (s: string) => void): number | undefined {
  if (e instanceof HelpRequest) {
    out(`${usage}\n`);
    return 0;
  }
  if (e instanceof UsageError) {
    err(`error: ${e.message}\n\n${usage}\n`);
    return 2;
  }
  return undefined;
}

/**
 * Reads a command's arguments: each goes first to `option`, which returns whether it was one of
 * the command's options (taking its value with `value(flag)`, from `--flag=value` or the next
 * argument); `-h`/`--help` asks for the usage; any other `-x` is unknown; the rest are the paths.
 * @param verb what the command does to its paths, for the message when there are none
 * @returns the paths (FILE, DIR or '-')
 */
export function readArguments(
  argv: readonly string[],
  verb: string,
  option: (arg: string, value: (flag: string) => string) => boolean,
): string[] {
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (flag: string) => {
      const eq = arg.indexOf('=');
      if (eq >= 0) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (option(arg, value)) continue;
    if (arg === '-h' || arg === '--help') throw new HelpRequest();
    if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    paths.push(arg);
  }
  if (paths.length === 0) throw new UsageError(`no FILE or DIR to ${verb}`);
  return paths;
}

/** Whether `arg` is the option `flag`, alone or as `flag=value`. */
export function isFlag(arg: string, flag: string): boolean {
  return arg === flag || arg.startsWith(`${flag}=`);
}

/** The value of `flag` if it is one of `choices`. */
export function readChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const quoted = choices.map((c) => `'${c}'`);
  throw new UsageError(`${flag} must be ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}, got '${value}'`);
}

/** A comma-separated list of `known` values (or `all`, which gives undefined: everything). */
export function readList<T extends string>(flag: string, value: string, known: readonly T[]): T[] | undefined {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item);
  const bad = items.filter((item) => item !== 'all' && !(known as readonly string[]).includes(item));
  if (bad.length > 0 || items.length === 0) throw new UsageError(`${flag} takes a comma-separated list of ${[...known, 'all'].join(', ')}, got '${items.join(',')}'`);
  return items.includes('all') ? undefined : (items as T[]);
}

/** The file itself, or the *.yaml, *.yml and *.json files below a directory (recursively, sorted). */
export function listFiles(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UsageError(`${p}: no such file or directory`);
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p).sort()) {
    const child = path.join(p, e);
    if (fs.statSync(child).isDirectory()) out.push(...listFiles(child));
    else if (/\.(ya?ml|json)$/.test(e)) out.push(child);
  }
  return out;
}

/** Problems with the input itself (not findings): printed on stderr; a fatal one makes the exit status 1. */
export interface InputProblem {
  readonly fatal: boolean;
  readonly text: string;
}

/** The objects of one file: documents in order, the items of a `kind: List` in its place. */
export interface ParsedFile {
  readonly objects: Manifest[];
  /** `file:line` of each object. */
  readonly sources: string[];
}

/** Reads a file's text ('-': stdin); binary content is a problem, not a string to parse. */
export function readText(file: string, problems: InputProblem[]): string | undefined {
  let text: string | undefined;
  try {
    text = file === '-' ? decodeText(fs.readFileSync(0)) : readTextFile(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file (${(e as Error).message})`);
  }
  if (text === undefined) problems.push({ fatal: true, text: `${file}: not a YAML or JSON file (binary content)` });
  return text;
}

/** The objects of a file's text; documents that are not objects are problems. */
export function parseDocuments(file: string, text: string, problems: InputProblem[]): ParsedFile {
  const objects: Manifest[] = [];
  const sources: string[] = [];
  const stream = parseYamlStream(text);
  for (const p of stream.problems) problems.push({ fatal: true, text: `${file}${p.line ? `:${p.line}` : ''}: ${p.message}` });
  for (const doc of stream.documents) {
    const value = doc.value;
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      problems.push({ fatal: true, text: `${file}:${doc.line}: a document is not a Kubernetes object (got ${Array.isArray(value) ? 'a list' : typeof value})` });
      continue;
    }
    if (!isListObject(value)) {
      objects.push(value);
      sources.push(`${file}:${doc.line}`);
      continue;
    }
    // A List is a wrapper (kubectl get -o yaml): its items are the objects.
    (Array.isArray(value.items) ? value.items : []).forEach((item: unknown, i: number) => {
      const where = `${file}:${doc.itemLines?.[i] ?? doc.line}`;
      if (isRecord(item)) {
        objects.push(item);
        sources.push(where);
      } else if (item !== null && item !== undefined) {
        problems.push({ fatal: true, text: `${where}: items[${i}] of the ${String(value.kind)} is not a Kubernetes object` });
      }
    });
  }
  return { objects, sources };
}
