import goVerdicts from './go-regexp-verdicts.json';
import { checkRegex, envoyRegexProgramSize, istiodRegexError } from '../../src/core/regex';

// The one regex checker: constructs call checkRegex, the istiod layer istiodRegexError. Both must
// decide as istiod does (Go's regexp.Compile, RE2 syntax), not as JavaScript's RegExp would.

const SUFFIX = '; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)';
const goError = (pattern: string) => istiodRegexError(pattern, 'uri')?.replace(/^"uri": error parsing regexp: /, '').replace(SUFFIX, '');

const VALID = [
  '(?i)^/api', '(?s).', '(?P<n>a)', '(?<n>a)', '(?P<n>a)(?P<n>b)', '^/reviews/[0-9]+$', '(?:^|.*;\\s*)user=tester(?:;.*)?$',
  'a{1000}', '(a{2}){500}', 'a{,3}', 'x{2}{', 'a{1', '{', '}', 'x{?', 'x{*', '{+', 'x{{1000}', '[[:alpha:]]', '[[:^alpha:]]',
  '\\Q.*\\E', '\\Qab', '\\x{10FFFF}', '\\x41', '\\pL', '\\p{Greek}', '\\P{Lu}', '\\p{^Han}', '\\p{Kawi}', '\\z', '\\A', '\\b', '\\B',
  '\\d\\D\\s\\S\\w\\W', '(?U)a+', '(?m)^a$', '(?i-s:a)', '[]a]', '[^]a]', '[a-]', '\\-', '\\/', '\\0', '\\07', 'é+', '[[:]', '[:]',
];

const INVALID: Array<[string, string]> = [
  ['\\q', 'invalid escape sequence: `\\q`'],
  ['\\C', 'invalid escape sequence: `\\C`'],
  ['a{1001}', 'invalid repeat count: `{1001}`'],
  ['(a{999}){999}', 'invalid repeat count: `{999}`'],
  ['[a-\\d]', 'invalid escape sequence: `\\d`'],
  ['\\pz', 'invalid character class range: `\\pz`'],
  ['\\k<a>', 'invalid escape sequence: `\\k`'],
  ['(a)\\1', 'invalid escape sequence: `\\1`'],
  ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
  ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
  ['(?<=a)', 'invalid named capture: `(?<=a)`'],
  ['a++', 'invalid nested repetition operator: `++`'],
  ['a**', 'invalid nested repetition operator: `**`'],
  ['*', 'missing argument to repetition operator: `*`'],
  ['(a', 'missing closing ): `(a`'],
  ['a)', 'unexpected ): `a)`'],
  ['[a', 'missing closing ]: `[a`'],
  ['[z-a]', 'invalid character class range: `z-a`'],
  ['\\', 'trailing backslash at end of expression: ``'],
  ['\\Z', 'invalid escape sequence: `\\Z`'],
  ['\\e', 'invalid escape sequence: `\\e`'],
  ['\\u0041', 'invalid escape sequence: `\\u`'],
  ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
  ['[[:]x:]]', 'invalid character class range: `[:]x:]`'],
  ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
  // RE2JS knows these; Go's Unicode 15 tables (and Envoy's RE2) do not.
  ['\\p{Garay}', 'invalid character class range: `\\p{Garay}`'],
  ['[\\P{Cn}]', 'invalid character class range: `\\P{Cn}`'],
  ['x\\p{LC}y', 'invalid character class range: `\\p{LC}`'],
  // Errors are quoted as written, also where the checker rewrites the pattern for RE2JS.
  ['x{?(', 'missing closing ): `x{?(`'],
  ['(?P<n>a)(?P<n>', 'missing closing ): `(?P<n>a)(?P<n>`'],
  ['[a-[:]', 'invalid character class range: `a-[`'],
];

describe('regexes are judged as Go (istiod) judges them', () => {
  test.each(VALID)('%s is valid RE2', (pattern) => {
    expect(istiodRegexError(pattern, 'uri')).toBeUndefined();
    expect(checkRegex('chart/r', 'uri', pattern)).toBe(pattern);
  });

  test.each(INVALID)('%s is rejected with Go\'s error', (pattern, error) => {
    expect(istiodRegexError(pattern, 'uri')).toBe(`"uri": error parsing regexp: ${error}${SUFFIX}`);
  });

  // go-regexp-verdicts.json: patterns (hand-picked, random, and every Unicode class name RE2JS knows,
  // sampled) with the error Go's regexp.Compile returned for each (null: compiles), recorded with
  // go1.19.8. Left out: (?<name>...), which Go accepts since 1.22, and the Unicode 14/15 scripts
  // (\p{Kawi}, ...) Go knows since 1.21.
  test('agrees with Go on every recorded pattern', () => {
    const disagreements = (goVerdicts as Array<[string, string | null]>)
      .filter(([pattern, error]) => goError(pattern) !== (error ?? undefined))
      .map(([pattern, error]) => `${JSON.stringify(pattern)}: Go ${error ?? 'compiles'}, we ${goError(pattern) ?? 'compile'}`);
    expect(disagreements).toEqual([]);
    expect(goVerdicts.length).toBeGreaterThan(500);
  });

  test('the length limit counts UTF-8 bytes, as Go does', () => {
    // 513 characters, 1026 bytes
    expect(istiodRegexError('é'.repeat(513), 'uri')).toBe('"uri": regex is too large, max length allowed is 1024');
    expect(istiodRegexError('é'.repeat(512), 'uri')).toBeUndefined();
    expect(() => checkRegex('chart/r', 'uri', 'é'.repeat(513)))
      .toThrow("chart/r: uri must be at most 1024 bytes long (istiod's limit), but has 1026, got 'éééééééééééééééééééééééééééééééééééééééé...'. Shorten the expression");
  });
});

describe('checkRegex: the construct-side message names the prop, RE2\'s error and the fix', () => {
  test.each([
    ['\\q', 'RE2: invalid escape sequence: `\\q`', 'RE2 has no escape \\q'],
    ['(a)\\1', 'RE2: invalid escape sequence: `\\1`', 'RE2 has no backreferences (\\1)'],
    ['\\k<a>', 'RE2: invalid escape sequence: `\\k`', 'RE2 has no backreferences (\\k)'],
    ['^/(?!admin)', 'RE2: invalid or unsupported Perl syntax: `(?!`', 'RE2 has no lookahead or lookbehind'],
    ['(?<=/api)/v1', 'RE2: invalid named capture: `(?<=/api)/v1`', 'RE2 has no lookahead or lookbehind'],
    ['a{1001}', 'RE2: invalid repeat count: `{1001}`', 'RE2 repeats at most 1000 times'],
    ['a++', 'RE2: invalid nested repetition operator: `++`', 'RE2 has no possessive repeats'],
    ['\\pz', 'RE2: invalid character class range: `\\pz`', 'Use a Unicode class RE2 knows'],
    ['\\C', 'RE2: invalid escape sequence: `\\C`', "Go's RE2 has no single-byte escape \\C"],
  ])('%s', (pattern, rule, hint) => {
    expect(() => checkRegex('chart/canary', 'matchRoutes[0].matches[0].uri', pattern))
      .toThrow(`chart/canary: matchRoutes[0].matches[0].uri must be a valid RE2 regular expression (${rule}), got '${pattern}'. ${hint}`);
  });

  test('a lone UTF-16 surrogate is not text Go or Envoy can read', () => {
    expect(() => checkRegex('chart/r', 'uri', 'a\ud800')).toThrow('chart/r: uri must be valid Unicode text (it holds a lone UTF-16 surrogate)');
    expect(checkRegex('chart/r', 'uri', '😀+')).toBe('😀+');
  });
});

test('the RE2 engine loads on the first check, not when the library is required', () => {
  jest.isolateModules(() => {
    let loaded = false;
    jest.doMock('@bufbuild/re2', () => {
      loaded = true;
      return jest.requireActual('@bufbuild/re2');
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src');
    expect(loaded).toBe(false);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const regex = require('../../src/core/regex') as typeof import('../../src/core/regex');
    regex.checkRegex('chart/r', 'uri', 'a+');
    expect(loaded).toBe(true);
  });
});

describe("Envoy's RE2 program-size limit (Istio sets 32768)", () => {
  // RE2's ProgramSize() for these patterns, measured with the RE2 C++ library; the estimate may be
  // a little under (never much over) for large classes.
  test.each([
    ['a{100}', 104], ['.{1000}', 8004], ['[^/]{1000}', 8004], ['\\S{1000}', 10004], ['(?:abc){1000}', 3004],
    ['(?i)\\w{1000}', 8004], ['\\pL', 1197], ['\\pL{10}', 11934], ['\\pL{50}', 59654], ['[\\pL\\pN]', 1343], ['\\p{Greek}', 66],
  ])('%s: RE2 compiles it to %d instructions', (pattern, re2Size) => {
    const estimate = envoyRegexProgramSize(pattern)!;
    expect(estimate).toBeGreaterThanOrEqual(re2Size * 0.94);
    expect(estimate).toBeLessThanOrEqual(re2Size * 1.01);
  });

  test('a regex over the limit fails at the construct; istiod itself accepts it', () => {
    expect(() => checkRegex('chart/canary', 'matchRoutes[0].matches[0].uri', '^/\\pL{30}$'))
      .toThrow(/^chart\/canary: matchRoutes\[0\]\.matches\[0\]\.uri must compile to an RE2 program Envoy accepts \(at most 32768 instructions, Istio's setting; this one has about 3\d{4}\), got '\^\/\\pL\{30\}\$'\. Repeat large classes fewer times/);
    expect(istiodRegexError('^/\\pL{30}$', 'uri')).toBeUndefined();
    expect(checkRegex('chart/canary', 'uri', '^/\\pL{20}$')).toBe('^/\\pL{20}$');
    expect(checkRegex('chart/canary', 'uri', '^/.{1000}$')).toBe('^/.{1000}$');
  });
});
