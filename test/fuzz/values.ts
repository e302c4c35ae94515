/**
 * Value generators shared by every construct family: numbers, durations, names, hosts, regexes
 * and label maps, each mixing values a careful user would write with hostile ones.
 *
 * Names, hosts and namespaces come from small pools, so the constructs of one app share them
 * (and collide: `a-b.com` / `a.b-com`, `*.x.com` / `wildcard.x.com`).
 */
import * as fc from 'fast-check';
import { call, constant, Value } from './recipe';

/**
 * How hostile a generated app is, per kind of value: the weight of the hostile alternative of
 * each value against 20 for the well-formed one. 0 gives values a careful user would write
 * (the app must then synthesize unless the combination is wrong); 5 makes about one value in
 * five hostile.
 */
export interface Level {
  /** Names, labels, secret names, header names, words. */
  readonly strings: number;
  /** Counts, ports, percentages, weights. */
  readonly numbers: number;
  /** cdk8s Durations. */
  readonly durations: number;
  /** External hosts. */
  readonly hosts: number;
  /** StringMatch.regex patterns. */
  readonly regexes: number;
  /** Combinations of props (exclusive props together, empty or duplicated lists). */
  readonly shapes: number;
}

const KINDS: ReadonlyArray<keyof Level> = ['strings', 'numbers', 'durations', 'hosts', 'regexes', 'shapes'];
const uniform = (weight: number): Level => Object.fromEntries(KINDS.map((k) => [k, weight])) as unknown as Level;

/**
 * The hostility of an app: the same for every kind of value (half the apps well-formed value by
 * value), or hostile in one kind only, so that hostile numbers or regexes reach the code that
 * renders them instead of stopping at the first bad name.
 */
export const hostility: fc.Arbitrary<Level> = fc.oneof(
  fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constant(1), weight: 2 }, fc.constant(5)).map(uniform),
  fc.constantFrom(...KINDS).map((kind) => ({ ...uniform(0), [kind]: 8 })),
);

/** A level with every kind at the same weight (`FUZZ_LEVEL`). */
export const fixedLevel = (weight: number): Level => uniform(weight);

/** A well-formed value most of the time, a hostile one with the given weight (see Level). */
export function mix<A, B = A>(weight: number, valid: fc.Arbitrary<A>, hostile: fc.Arbitrary<B>): fc.Arbitrary<A | B> {
  if (weight === 0) return valid;
  return fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: hostile, weight });
}

type ValuesOf<T> = { [K in keyof T]: T[K] extends fc.Arbitrary<infer U> ? U : never };

/** An object with required fields and optional ones (each present half of the time, absent otherwise). */
export function props<R extends Record<string, fc.Arbitrary<unknown>>, O extends Record<string, fc.Arbitrary<unknown>>>(
  required: R, optional: O,
): fc.Arbitrary<ValuesOf<R> & Partial<ValuesOf<O>>> {
  return fc.record({ ...optional, ...required }, { requiredKeys: Object.keys(required) }) as any;
}

/** A list of 0..max elements (empty lists are hostile for most fields: keep them rare when min is 1). */
export function list<T>(level: Level, item: fc.Arbitrary<T>, min: number, max: number): fc.Arbitrary<T[]> {
  const valid = fc.array(item, { minLength: min, maxLength: max });
  return min === 0 ? valid : mix(level.shapes, valid, fc.constant<T[]>([]));
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** Numbers no integer field accepts, and the edges of the wire types. */
export const HOSTILE_NUMBERS = [
  NaN, Infinity, -Infinity, -1, -0, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 + 2, 1e21,
];

/** A whole number in [min, max], or a hostile one (including min - 1 and max + 1). */
export function int(level: Level, min: number, max: number): fc.Arbitrary<number> {
  return mix(level.numbers, fc.integer({ min, max }), fc.constantFrom(...HOSTILE_NUMBERS, min - 1, max + 1));
}

/** A port number. */
export function port(level: Level): fc.Arbitrary<number> {
  return mix(level.numbers, fc.constantFrom(80, 443, 8080, 9080, 15021, 5432), fc.constantFrom(0, 65536, 70000, -80, 80.5, NaN, 2 ** 32 + 80));
}

/** A percentage for faults and mirroring (fractions are fine there). */
export function percentage(level: Level): fc.Arbitrary<number> {
  return mix(level.numbers, fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0.5, 12.5, 0.0001)),
    fc.constantFrom(-1, 100.5, 101, NaN, Infinity, 0.00001, 1e21));
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

const duration = (unit: string, amount: number): Value => call(`Duration.${unit}`, amount);

/** Go's time.Duration ends at 2^63-1 ns: 9223372036854.775807 ms (about 292 years). */
export const GO_MAX_DURATION_MS = 9223372036854.775807;

/** A cdk8s Duration: everyday ones, and tiny, fractional, huge and not-a-number ones. */
export function durationValue(level: Level): fc.Arbitrary<Value> {
  const valid = fc.oneof(
    fc.integer({ min: 1, max: 100_000 }).map((n) => duration('millis', n)),
    fc.integer({ min: 1, max: 3600 }).map((n) => duration('seconds', n)),
    fc.integer({ min: 1, max: 120 }).map((n) => duration('minutes', n)),
    fc.integer({ min: 1, max: 48 }).map((n) => duration('hours', n)),
    fc.integer({ min: 1, max: 30 }).map((n) => duration('days', n)),
  );
  const hostile = fc.constantFrom(
    duration('millis', 0), duration('millis', 0.5), duration('millis', 1.5), duration('seconds', 1.0005),
    duration('millis', NaN), duration('seconds', Infinity), duration('seconds', 0.0001),
    duration('minutes', 1e20), duration('days', 200000), duration('days', 106752), duration('hours', 2562048),
    duration('millis', 9223372036855), duration('millis', 9223372036854), duration('seconds', 1e10), duration('millis', 1e21),
    duration('days', 0.5), duration('millis', 2 ** 53),
  );
  return mix(level.durations, valid, hostile);
}

/** A certificate lifetime: cert-manager wants at least 1h for durations and 5m for renewBefore. */
export function certificateDuration(level: Level): fc.Arbitrary<Value> {
  const valid = fc.oneof(
    fc.integer({ min: 1, max: 48 }).map((n) => duration('hours', n)),
    fc.integer({ min: 30, max: 3650 }).map((n) => duration('days', n)),
  );
  return mix(level.durations, valid, fc.oneof(durationValue(level), fc.constant(duration('minutes', 30))));
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** Strings that are no DNS label: empty, uppercase, dots, underscores, unicode, too long, spaces. */
export const HOSTILE_NAMES = ['', 'Reviews', 'a.b', 'a_b', '-a', 'a-', 'ü', 'a'.repeat(64), '*', ' a', 'a/b', 'v1 ', 'a\nb', '💥'];

/** A DNS label from a small shared pool, or a hostile string. */
export function labelName(level: Level, pool: readonly string[]): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom(...pool), fc.constantFrom(...HOSTILE_NAMES));
}

export const NAMESPACES = ['default', 'shop', 'istio-system', 'bookinfo'];
export const SERVICES = ['reviews', 'ratings', 'productpage', 'a', 'a-b'];
export const VERSIONS = ['v1', 'v2', 'v3', 'canary'];

export const namespace = (level: Level) => labelName(level, NAMESPACES);
export const serviceName = (level: Level) => labelName(level, SERVICES);

/** Object names users pass as `name` (DNS subdomains are allowed for most kinds). */
export function objectName(level: Level): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom('main', 'public', 'a', 'a-b', 'reviews', 'waypoint'), fc.constantFrom(...HOSTILE_NAMES, `${'a'.repeat(250)}.com`));
}

/** Construct ids: readable ones, including ids that map to the same DNS name (`a.b`, `a-b`, `A-B`). */
export const CONSTRUCT_IDS = ['a', 'b', 'reviews', 'a-b', 'a.b', 'A-B', 'gateway', 'x_y'];
/** Ids with no DNS name in them. */
export const HOSTILE_IDS = ['ü', '_', '-.-', 'Ü-1'];

// ---------------------------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------------------------

/** Exact external hosts; `a-b.com` and `a.b-com` share one dashed name, as `wildcard.x.com` and `*.x.com` do. */
export const EXACT_HOSTS = ['api.example.com', 'a-b.com', 'a.b-com', 'wildcard.x.com', 'b.x.com', 'bookinfo.example.com'];
export const WILDCARD_HOSTS = ['*.x.com', '*.example.com'];
export const HOSTILE_HOSTS = [
  '', '*', 'API.example.com', 'a..b', 'localhost', '10.0.0.1', '::1', 'a_b.com', 'é.example.com', '*foo.x.com', 'x.*.com',
  `${'a'.repeat(64)}.com`, `${'a.'.repeat(126)}com`, `${'a.'.repeat(127)}com`, 'x.com.', 'a/b.com', 'x.123', ' x.com',
];

/** An external host: usually exact, sometimes a wildcard, sometimes hostile. */
export function host(level: Level, wildcards = true): fc.Arbitrary<string> {
  const valid = wildcards
    ? fc.oneof({ arbitrary: fc.constantFrom(...EXACT_HOSTS), weight: 4 }, { arbitrary: fc.constantFrom(...WILDCARD_HOSTS), weight: 1 })
    : fc.constantFrom(...EXACT_HOSTS);
  return mix(level.hosts, valid, fc.constantFrom(...HOSTILE_HOSTS));
}

/** 1..3 hosts, possibly repeated (a hostile duplicate) or empty. */
export function hosts(level: Level, wildcards = true): fc.Arbitrary<string[]> {
  return mix(level.shapes, fc.uniqueArray(host(level, wildcards), { minLength: 1, maxLength: 3 }),
    fc.oneof(fc.constant<string[]>([]), host(level, wildcards).map((h) => [h, h])));
}

// ---------------------------------------------------------------------------------------------
// Regexes
// ---------------------------------------------------------------------------------------------

/** Valid in RE2 and in JavaScript. */
export const PORTABLE_REGEXES = ['^/api', '/v[0-9]+/.*', 'a|b', '.*', 'x{2,3}', '[a-z]+', '\\d+', '(?:a|b)c', 'a{1000}'];
/** Valid RE2 that JavaScript rejects or reads differently: istiod accepts them. */
export const RE2_ONLY_REGEXES = ['(?i)^/api', '(?s).', '(?P<n>a)', '(?U)a*', '(?i:a)b', '\\pL+', '\\p{Greek}', '[[:alpha:]]+', '\\Q.*\\E', '\\z'];
/** Valid JavaScript that RE2 (istiod) rejects. */
export const JS_ONLY_REGEXES = ['\\q', '\\C', 'a{1001}', '[a-\\d]', '\\pz', '\\k<a>', '(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', '\\Z', '[^]', '\\cA', '\\u0041'];
/** Invalid everywhere, or out of istiod's limits. */
export const BROKEN_REGEXES = ['(', 'a**', '[', '*a', '', 'a'.repeat(1025)];

export function regex(level: Level): fc.Arbitrary<string> {
  return mix(level.regexes, fc.constantFrom(...PORTABLE_REGEXES, ...RE2_ONLY_REGEXES),
    fc.constantFrom(...JS_ONLY_REGEXES, ...BROKEN_REGEXES));
}

// ---------------------------------------------------------------------------------------------
// Labels, HTTP tokens, paths
// ---------------------------------------------------------------------------------------------

export function labels(level: Level, base: Record<string, string> = { app: 'reviews' }): fc.Arbitrary<Record<string, string>> {
  return mix(level.strings, fc.constantFrom(base, { ...base, tier: 'backend' }, { 'example.com/team': 'a' }),
    fc.constantFrom<Record<string, string>>({}, { 'Bad Key': 'x' }, { app: 'a b' }, { app: '*' }, { '': 'x' }, { app: 'x'.repeat(64) }, { 'a/b/c': 'x' }));
}

export function headerName(level: Level): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom('x-user', 'end-user', 'x-canary', 'user-agent'),
    fc.constantFrom('X-Upper', 'x.user', 'x user', '', ':authority', 'cookie', '@request.auth.claims.group', 'é'));
}

export function httpPath(level: Level): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom('/', '/api/', '/api/v1', '/static'), fc.constantFrom('', 'api', '/a b', '/a?b', '/a#b', '/é', '//', '*'));
}

export function word(level: Level): fc.Arbitrary<string> {
  return mix(level.strings, fc.constantFrom('jason', 'v2', 'admin', 'a'), fc.constantFrom('', ' ', 'a b', 'ü', '"', "'", '\\', 'a;b'));
}

export const enumValue = (enumName: string, members: readonly string[]) => fc.constantFrom(...members.map((m) => constant(`${enumName}.${m}`)));
