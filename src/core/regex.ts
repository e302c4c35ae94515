import type * as Re2Module from '@bufbuild/re2';
import { IConstruct } from 'constructs';
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
}

const VERDICTS = new Map<string, GoVerdict>();
const VALID: GoVerdict = {};

/**
 * Go's `regexp.Compile` verdict on a pattern. Results are remembered: apps repeat patterns
 * (one per route of every release), and the istiod layer checks each rendered one again.
 */
function goVerdict(pattern: string): GoVerdict {
  let verdict = VERDICTS.get(pattern);
  if (verdict === undefined) {
    verdict = compileLikeGo(pattern);
    if (VERDICTS.size >= 4096) VERDICTS.clear();
    VERDICTS.set(pattern, verdict);
  }
  return verdict;
}

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
    new RE2JS(pattern);
    return VALID;
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
