import type * as Re2Module from '@bufbuild/re2';
import { IConstruct } from 'constructs';
import { remembered } from './remembered';
import { fail } from './validation-error';

/**
 * Regular expressions as Istio judges them.
 *
 * istiod validates every regex of a VirtualService with Go's `regexp.Compile` (RE2 syntax) and
 * rejects patterns over 1024 bytes; Envoy then compiles them with Google's RE2 (C++). We check
 * with RE2JS (`@bufbuild/re2`, a port of Go's parser), corrected where it and Go disagree:
 *
 * - a `{` that starts no repeat is a literal in Go, also right before `*`, `+`, `?` (`x{?`);
 *   RE2JS takes it for a stacked repeat;
 * - Go allows two groups with one name (`(?P<n>a)(?P<n>b)`); RE2JS does not;
 * - in a class, Go reads a POSIX class from `[:` to the next `:]` after it; RE2JS takes `[:]`;
 * - Unicode classes: RE2JS knows Unicode 16 (`\p{Garay}`) and a few names Go or Envoy's RE2
 *   reject (`\p{Cn}`, `\p{LC}`, `\p{Unknown}`). Go 1.25 also accepts aliases such as
 *   `\p{Letter}` and lowercase names; Envoy's RE2 does not, so neither do we.
 *
 * The engine loads on the first check only: every app requires the constructs, few use regexes.
 */

/** istiod's limit, in bytes of UTF-8 (Go's `len`). */
export const MAX_REGEX_BYTES = 1024;

/** Unicode class names RE2JS accepts but Go's regexp (Unicode 15) or Envoy's RE2 reject. */
const UNKNOWN_TO_ISTIO = new Set([
  // Unicode 16 scripts (Go's unicode tables are Unicode 15.0).
  'Garay', 'Gurung_Khema', 'Kirat_Rai', 'Ol_Onal', 'Sunuwar', 'Todhri', 'Tulu_Tigalari',
  // Not in Go's tables before 1.25, nor in RE2's.
  'Cn', 'LC', 'Unknown',
]);

let engine: typeof Re2Module | undefined;

function re2(): typeof Re2Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require('@bufbuild/re2') as typeof Re2Module;
  return engine;
}

/** What Go's regexp package reports for one pattern. */
interface GoVerdict {
  /** Go's error code (`invalid escape sequence`), or undefined when the pattern compiles. */
  readonly code?: string;
  /** The part of the pattern Go quotes in its error. */
  readonly fragment?: string;
  /** For a valid pattern: the estimated size of the program Envoy's RE2 compiles it to. */
  readonly programSize?: number;
}

/**
 * Go's `regexp.Compile` verdict on a pattern. Results are remembered: apps repeat patterns
 * (one per route of every release), and the istiod layer checks each rendered one again.
 */
const goVerdict = remembered(4096, compileLikeGo);

function compileLikeGo(pattern: string): GoVerdict {
  const scan = scanPattern(pattern);
  const verdict = compileWithEngine(scan.forEngine);
  if (verdict.code === undefined || scan.substitutions.length === 0) return verdict;
  // Quote the pattern as written, not as rewritten.
  let fragment = verdict.fragment ?? '';
  for (const [replacement, original] of scan.substitutions) fragment = fragment.split(replacement).join(original);
  return { code: verdict.code, fragment };
}

function compileWithEngine(pattern: string): GoVerdict {
  const { RE2JS, RE2JSSyntaxException } = re2();
  try {
    return { programSize: envoyProgramSize(new RE2JS(pattern)) };
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) return { code: e.error, fragment: e.input ?? '' };
    // Anything else RE2JS throws (its own limits) is still a pattern Go would not take.
    return { code: e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e), fragment: '' };
  }
}

interface Scan {
  /** The pattern with RE2JS' departures from Go neutralized: the engine accepts it exactly when Go accepts the original. */
  readonly forEngine: string;
  /** What the rewrite put in (unique text) and what it stood for, to quote errors as written. */
  readonly substitutions: Array<[string, string]>;
}

const GROUP_NAME = /^\(\?P?<([A-Za-z0-9_]+)>/;

/**
 * Walks the pattern as Go's parser does (escapes, `\Q...\E`, classes) and rewrites what RE2JS
 * would judge otherwise, into text RE2JS judges as Go judges the original:
 * - a literal `{` right before a repetition operator: `\x{7B}` (the same literal);
 * - named groups: fresh names (Go allows a name twice, RE2JS does not);
 * - a Unicode class Go or Envoy does not know (Unicode 16 scripts, `Cn`, `LC`, `Unknown`),
 *   and a POSIX class Go reads up to a later `:]` (`[[:]x:]]`): a name no engine knows, so the
 *   error comes at the same place.
 */
function scanPattern(pattern: string): Scan {
  let out = '';
  const substitutions: Array<[string, string]> = [];
  const substitute = (original: string, replacement: string) => {
    substitutions.push([replacement, original]);
    out += replacement;
  };
  let groups = 0;
  let i = 0;
  const n = pattern.length;
  // Copies the escape that starts at pattern[start] (a backslash); returns the index after it.
  const escape = (start: number, inClass: boolean): number => {
    const next = pattern[start + 1];
    let end = start + 2;
    if (next === undefined) {
      end = start + 1;
    } else if (next === 'Q' && !inClass) {
      const close = pattern.indexOf('\\E', start + 2);
      end = close === -1 ? n : close + 2;
    } else if ((next === 'p' || next === 'P' || next === 'x') && pattern[start + 2] === '{') {
      const close = pattern.indexOf('}', start + 3);
      end = close === -1 ? n : close + 1;
      const name = pattern.slice(start + 3, close).replace(/^\^/, '');
      if (close !== -1 && next !== 'x' && UNKNOWN_TO_ISTIO.has(name)) {
        substitute(pattern.slice(start, end), `${pattern.slice(start, start + 3)}NotInGo${substitutions.length}}`);
        return end;
      }
    }
    out += pattern.slice(start, end);
    return end;
  };
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      i = escape(i, false);
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      out += pattern.slice(i, j);
      while (j < n && pattern[j] !== ']') {
        if (pattern[j] === '\\') {
          j = escape(j, true);
        } else if (pattern.startsWith('[:', j)) {
          // Go looks for the closing ':]' after '[:'; RE2JS also sees the one in '[:]'.
          const close = pattern.indexOf(':]', j + 2);
          if (close === -1) {
            substitute('[', '\\x{5B}');
            j++;
          } else if (pattern[j + 2] === ']') {
            substitute(pattern.slice(j, close + 2), `[:notingo${substitutions.length}:]`);
            j = close + 2;
          } else {
            out += pattern.slice(j, close + 2);
            j = close + 2;
          }
        } else {
          out += pattern[j];
          j++;
        }
      }
      out += pattern.slice(j, j + 1);
      i = j + 1;
    } else if (c === '{' && '*+?{'.includes(pattern[i + 1] ?? '')) {
      substitute('{', '\\x{7B}');
      i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const named = GROUP_NAME.exec(pattern.slice(i, i + 260));
      if (named) {
        substitute(named[0], `(?P<goGroup${++groups}>`);
        i += named[0].length;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return { forEngine: out, substitutions };
}

/** Go's error text for an invalid pattern, as istiod prints it (`error parsing regexp: ...`). */
function goErrorText(verdict: GoVerdict): string {
  return `error parsing regexp: ${verdict.code}: \`${verdict.fragment ?? ''}\``;
}

/** UTF-8 length, as Go's `len` counts a string. */
function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * istiod's `validateStringRegexp`: undefined when the regex passes, else istiod's message
 * (`"<where>": error parsing regexp: ...; Istio uses RE2 style regex-based match (...)`).
 */
export function istiodRegexError(pattern: string, where: string): string | undefined {
  const quotedWhere = JSON.stringify(where);
  if (utf8Length(pattern) > MAX_REGEX_BYTES) return `${quotedWhere}: regex is too large, max length allowed is ${MAX_REGEX_BYTES}`;
  const verdict = goVerdict(pattern);
  if (verdict.code === undefined) return undefined;
  return `${quotedWhere}: ${goErrorText(verdict)}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
}

/**
 * Checks a regular expression a construct renders into an Istio field: valid RE2 as istiod
 * (Go) and Envoy (RE2) compile it, at most 1024 bytes. The message quotes RE2's own error and
 * suggests the rewrite (RE2 has no lookaround, no backreferences, no possessive repeats).
 */
export function checkRegex(scope: IConstruct | string, property: string, pattern: string): string {
  if (typeof pattern !== 'string') {
    fail(scope, property, 'must be a regular expression (a string)', pattern, 'Pass the RE2 expression as a string.');
  }
  if (/\p{Cs}/u.test(pattern)) {
    fail(scope, property, 'must be valid Unicode text (it holds a lone UTF-16 surrogate)', pattern,
      'Write characters outside the Basic Multilingual Plane as whole characters or as \\x{1F600}.');
  }
  const bytes = utf8Length(pattern);
  if (bytes > MAX_REGEX_BYTES) {
    fail(scope, property, `must be at most ${MAX_REGEX_BYTES} bytes long (istiod's limit), but has ${bytes}`, `${pattern.slice(0, 40)}...`,
      'Shorten the expression, e.g. match a prefix and leave the rest out.');
  }
  const verdict = goVerdict(pattern);
  if (verdict.code !== undefined) {
    fail(scope, property, `must be a valid RE2 regular expression (RE2: ${verdict.code}: \`${verdict.fragment ?? ''}\`)`, pattern,
      hintFor(verdict));
  }
  if (verdict.programSize !== undefined && verdict.programSize > MAX_PROGRAM_SIZE) {
    fail(scope, property, `must compile to an RE2 program Envoy accepts (at most ${MAX_PROGRAM_SIZE} instructions, Istio's setting; this one has about ${verdict.programSize})`,
      pattern, 'Repeat large classes fewer times (\\pL alone is about 1,200 instructions, \\pL{30} about 36,000), or use + or * instead of a counted repeat.');
  }
  return pattern;
}

const SYNTAX = 'See https://github.com/google/re2/wiki/Syntax.';

/** The likely fix for an RE2 error, phrased for someone who wrote a JavaScript or PCRE regex. */
function hintFor(verdict: GoVerdict): string {
  const fragment = verdict.fragment ?? '';
  switch (verdict.code) {
    case 'invalid escape sequence':
      if (/^\\[1-9k]/.test(fragment)) return `RE2 has no backreferences (${fragment}): match the repeated text explicitly, or use separate matches. ${SYNTAX}`;
      if (fragment === '\\Z') return 'RE2 writes end of text as \\z (or $).';
      if (fragment === '\\C') return 'Go\'s RE2 has no single-byte escape \\C: use . for any character.';
      return `RE2 has no escape ${fragment}: drop the backslash before a plain letter or digit, write a code point as \\x{41}, or a backslash as \\\\. ${SYNTAX}`;
    case 'invalid or unsupported Perl syntax':
    case 'invalid named capture':
      if (/^\(\?<?[=!]/.test(fragment) || /^\(\?<$/.test(fragment)) {
        return 'RE2 has no lookahead or lookbehind ((?=, (?!, (?<=, (?<!): match the text itself, or split the condition into several matches.';
      }
      if (verdict.code === 'invalid named capture') return 'Name groups as (?P<name>...) with letters, digits and _.';
      return `RE2 groups are (...), (?:...), (?P<name>...) and flags (?i), (?s), (?m), (?U); there are no atomic groups, comments or conditionals. ${SYNTAX}`;
    case 'invalid repeat count':
      return 'RE2 repeats at most 1000 times ({n,m} with n and m up to 1000, nested repeats multiplied): use * or + for longer runs.';
    case 'invalid nested repetition operator':
      return 'RE2 has no possessive repeats (a++) and cannot stack repeats (a**): group the repeated part first, as (?:a*)+ or a*.';
    case 'missing argument to repetition operator':
      return 'Escape a literal *, + or ? with a backslash (\\*), or put the expression it repeats before it.';
    case 'invalid character class range':
      return `Use a Unicode class RE2 knows (\\pL, \\p{Lu}, \\p{Greek}, ...), a POSIX class such as [[:alpha:]], or a range written low-high. ${SYNTAX}`;
    case 'missing closing )':
    case 'unexpected )':
      return 'Balance the parentheses, or escape a literal one as \\( or \\).';
    case 'missing closing ]':
      return 'Close the character class with ], or escape a literal [ as \\[.';
    case 'trailing backslash at end of expression':
      return 'Escape a final backslash as \\\\.';
    default:
      return SYNTAX;
  }
}

/**
 * Istio's proxies reject a regex whose RE2 program is larger than this (Envoy's runtime key
 * `re2.max_program_size.error_level`, which Istio's bootstrap sets to 32768; Envoy's own default
 * is 100). istiod does not check it: the route is accepted and then refused by every proxy.
 */
export const MAX_PROGRAM_SIZE = 32768;

/** The estimated size of the RE2 program Envoy compiles a valid pattern to (undefined for invalid ones). */
export function envoyRegexProgramSize(pattern: string): number | undefined {
  return goVerdict(pattern).programSize;
}

/** The parts of RE2JS' compiled program we read (Go's instruction set). */
interface ProgInst {
  readonly op: number;
  readonly arg: number;
  readonly runes: readonly number[];
}

/** RE2JS' `Inst` opcodes (those of Go's regexp/syntax). */
const enum Op { MATCH = 6, NOP = 7, RUNE = 8, RUNE1 = 9, RUNE_ANY = 10, RUNE_ANY_NOT_NL = 11 }
/** RE2JS' FOLD_CASE flag, in `arg` of a rune instruction. */
const FOLD_CASE = 1;

function instructionsOf(compiled: object): readonly ProgInst[] | undefined {
  const inst = (compiled as { re2Input?: { prog?: { inst?: unknown } } }).re2Input?.prog?.inst;
  return Array.isArray(inst) ? inst as ProgInst[] : undefined;
}

let programReadable: boolean | undefined;

/**
 * Estimates the size of the program Envoy's RE2 (C++) compiles a pattern to, from the program
 * RE2JS compiled (Go's instruction set: one instruction per character class, where RE2 spends
 * one per UTF-8 byte range). Checked against RE2's own `ProgramSize()` on every Unicode class
 * and on repeated classes and literals: within about 6% above 3,000 instructions, rather under
 * than over for large classes, so a pattern near the limit is given the benefit of the doubt.
 * Undefined if this RE2JS build's program cannot be read.
 */
function envoyProgramSize(compiled: object): number | undefined {
  if (programReadable === undefined) {
    // Read RE2JS' internals only if they look as expected ('a' compiles to RUNE1 'a' ... MATCH).
    const probe = instructionsOf(new (re2().RE2JS)('a'));
    programReadable = !!probe?.some((i) => i.op === Op.RUNE1 && i.runes[0] === 0x61) && probe.some((i) => i.op === Op.MATCH);
  }
  const instructions = programReadable ? instructionsOf(compiled) : undefined;
  if (!instructions) return undefined;
  let size = 2; // RE2's unanchored-search prefix (.*?)
  for (const inst of instructions) {
    switch (inst.op) {
      case Op.RUNE:
      case Op.RUNE1:
        size += inst.runes.length === 1 ? literalSize(inst.runes[0], inst.arg % 2 === FOLD_CASE) : classSize(inst.runes);
        break;
      case Op.RUNE_ANY: size += 7; break; // 00-7F and RE2's 3-sequence 80-10FFFF
      case Op.RUNE_ANY_NOT_NL: size += 8; break;
      case Op.NOP: break;
      default: size += 1; // ALT, CAPTURE, EMPTY_WIDTH, MATCH, FAIL
    }
  }
  return size;
}

function utf8Bytes(rune: number): number {
  return rune < 0x80 ? 1 : rune < 0x800 ? 2 : rune < 0x10000 ? 3 : 4;
}

/** A literal: one instruction per UTF-8 byte; a case-folded non-ASCII one becomes a small class. */
function literalSize(rune: number, foldCase: boolean): number {
  return foldCase && rune >= 0x80 ? 2 * utf8Bytes(rune) : utf8Bytes(rune);
}

/** The instructions RE2 compiles a character class (sorted `[lo, hi, lo, hi, ...]`) to; remembered. */
const classSize = remembered(1024, (runes: readonly number[]) => new Utf8ClassCompiler().compile(runes), (runes) => runes.join(','));

/* eslint-disable no-bitwise -- UTF-8 encoding and RE2's splitting of rune ranges are bit operations */
interface ByteRange { lo: number; hi: number; fold: boolean; out: number; alt?: never }
interface Alt { alt: true; out: number; out1: number }

/**
 * RE2's compilation of a character class to UTF-8 byte ranges (`AddRuneRangeUTF8`): ranges are
 * split where their UTF-8 length or leading bytes change, sequences share a trie of leading
 * bytes and cached suffixes of continuation bytes, and the program is then flattened into lists
 * (a byte range reachable from several lists is copied). Counts the flattened instructions.
 */
class Utf8ClassCompiler {
  private readonly insts: Array<ByteRange | Alt | undefined> = [undefined];
  private readonly cache = new Map<string, number>();
  private begin = 0;

  public compile(runes: readonly number[]): number {
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i + 1 < runes.length; i += 2) ranges.push([runes[i], runes[i + 1]]);
    const has = (c: number) => ranges.some(([lo, hi]) => lo <= c && c <= hi);
    // RE2 matches a class that treats A-Z as a-z with a-z and a case-folding flag.
    let foldsAscii = true;
    for (let c = 0x61; c <= 0x7a && foldsAscii; c++) foldsAscii = has(c) === has(c - 0x20);
    for (const [lo, hi] of ranges) {
      if (foldsAscii && lo >= 0x41 && hi <= 0x5a) continue;
      const fold = foldsAscii && !((lo <= 0x41 && hi >= 0x7a) || hi < 0x41 || lo > 0x7a || (lo > 0x5a && hi < 0x61));
      this.addRange(lo, hi, fold);
    }
    return this.flattenedSize();
  }

  private byteRange(lo: number, hi: number, fold: boolean, out: number, cached: boolean): number {
    const key = `${lo},${hi},${fold},${out}`;
    if (cached) {
      const existing = this.cache.get(key);
      if (existing !== undefined) return existing;
    }
    this.insts.push({ lo, hi, fold, out });
    const id = this.insts.length - 1;
    if (cached) this.cache.set(key, id);
    return id;
  }

  private isCached(id: number): boolean {
    const inst = this.insts[id];
    return !!inst && !inst.alt && this.cache.get(`${inst.lo},${inst.hi},${inst.fold},${inst.out}`) === id;
  }

  private sameRange(a: number, b: number): boolean {
    const x = this.insts[a];
    const y = this.insts[b];
    return !!x && !!y && !x.alt && !y.alt && x.lo === y.lo && x.hi === y.hi && x.fold === y.fold;
  }

  private addSuffix(id: number): void {
    this.begin = this.begin === 0 ? id : this.addSuffixRecursive(this.begin, id);
  }

  /** Merges a byte sequence into the trie: shares its leading range with the last alternative when equal. */
  private addSuffixRecursive(root: number, id: number): number {
    const rootInst = this.insts[root];
    if (!rootInst) return id;
    let parentAlt: Alt | undefined;
    if (rootInst.alt) {
      if (!this.sameRange(rootInst.out1, id)) return this.push({ alt: true, out: root, out1: id });
      parentAlt = rootInst;
    } else if (!this.sameRange(root, id)) {
      return this.push({ alt: true, out: root, out1: id });
    }
    let shared = parentAlt ? parentAlt.out1 : root;
    if (this.isCached(shared)) {
      // Cached suffixes are shared: clone before changing where it leads.
      const original = this.insts[shared] as ByteRange;
      const clone = this.push({ lo: original.lo, hi: original.hi, fold: original.fold, out: original.out });
      if (parentAlt) parentAlt.out1 = clone; else root = clone;
      shared = clone;
    }
    const next = (this.insts[id] as ByteRange).out;
    if (!this.isCached(id)) this.insts[id] = undefined;
    const sharedInst = this.insts[shared] as ByteRange;
    sharedInst.out = this.addSuffixRecursive(sharedInst.out, next);
    return root;
  }

  private push(inst: ByteRange | Alt): number {
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  private addRange(lo: number, hi: number, fold: boolean): void {
    if (lo > hi) return;
    if (lo === 0x80 && hi === 0x10ffff) {
      // RE2's shortcut for all non-ASCII: three sequences sharing continuation bytes.
      const cont1 = this.byteRange(0x80, 0xbf, false, 0, false);
      this.addSuffix(this.byteRange(0xc2, 0xdf, false, cont1, false));
      const cont2 = this.byteRange(0x80, 0xbf, false, cont1, false);
      this.addSuffix(this.byteRange(0xe0, 0xef, false, cont2, false));
      const cont3 = this.byteRange(0x80, 0xbf, false, cont2, false);
      this.addSuffix(this.byteRange(0xf0, 0xf4, false, cont3, false));
      return;
    }
    for (const max of [0x7f, 0x7ff, 0xffff]) {
      if (lo <= max && max < hi) {
        this.addRange(lo, max, fold);
        this.addRange(max + 1, hi, fold);
        return;
      }
    }
    if (hi < 0x80) {
      this.addSuffix(this.byteRange(lo, hi, fold, 0, false));
      return;
    }
    for (let i = 1; i < 4; i++) {
      const m = (1 << (6 * i)) - 1;
      if ((lo & ~m) !== (hi & ~m)) {
        if ((lo & m) !== 0) {
          this.addRange(lo, lo | m, fold);
          this.addRange((lo | m) + 1, hi, fold);
          return;
        }
        if ((hi & m) !== m) {
          this.addRange(lo, (hi & ~m) - 1, fold);
          this.addRange(hi & ~m, hi, fold);
          return;
        }
      }
    }
    const low = utf8(lo);
    const high = utf8(hi);
    let id = 0;
    for (let i = low.length - 1; i >= 0; i--) {
      // Forward UTF-8: the last byte and inner byte ranges are cached (shared), the leading byte is not.
      const cached = i === low.length - 1 || (low[i] < high[i] && i !== 0);
      id = this.byteRange(low[i], high[i], false, id, cached);
    }
    this.addSuffix(id);
  }

  /** Lists from every root (the start, and each byte range's target); a byte range in several lists counts in each. */
  private flattenedSize(): number {
    const roots = new Set<number>([this.begin]);
    const pending = [this.begin];
    let size = 0;
    while (pending.length > 0) {
      const members = new Set<number>();
      const stack = [pending.pop()!];
      while (stack.length > 0) {
        const id = stack.pop()!;
        const inst = this.insts[id];
        if (!id || !inst) continue;
        if (inst.alt) stack.push(inst.out1, inst.out); else members.add(id);
      }
      size += members.size;
      for (const member of members) {
        const out = (this.insts[member] as ByteRange).out;
        if (out && !roots.has(out)) {
          roots.add(out);
          pending.push(out);
        }
      }
    }
    return size;
  }
}

function utf8(rune: number): number[] {
  if (rune < 0x80) return [rune];
  if (rune < 0x800) return [0xc0 | (rune >> 6), 0x80 | (rune & 0x3f)];
  if (rune < 0x10000) return [0xe0 | (rune >> 12), 0x80 | ((rune >> 6) & 0x3f), 0x80 | (rune & 0x3f)];
  return [0xf0 | (rune >> 18), 0x80 | ((rune >> 12) & 0x3f), 0x80 | ((rune >> 6) & 0x3f), 0x80 | (rune & 0x3f)];
}
/* eslint-enable no-bitwise */
