import { AnalysisContext, Analyzer, Resource } from '../context';
import { FindingLevel } from '../finding';
import { arr, str } from '../util';

/** JSON with sorted keys, so equal matches serialize equally whatever their field order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

interface PrefixMatch {
  readonly route: string;
  readonly match: string;
  readonly prefix: string;
  readonly port: string;
  readonly method: string;
  readonly authority: string;
  readonly headers: Map<string, string>;
  readonly query: Map<string, string>;
  readonly withoutHeaders: Map<string, string>;
}

type Report = (code: 'IST0130' | 'IST0131', message: string) => void;

const exactOrPrefix = (m: any): string => (m?.exact ? `exact:${m.exact}` : m?.prefix ? `prefix:${m.prefix}` : '');

function stringMap(o: any): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(o ?? {})) m.set(k, exactOrPrefix(v));
  return m;
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const bv = b.get(k);
    if (bv === undefined || (v !== bv && !v.startsWith(bv))) return false;
  }
  return true;
}

/** Whether the earlier prefix match `a` catches every request of the later one `b`. */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.query, b.query) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

function routeName(route: any, n: number, http: boolean): string {
  return http && route?.name ? JSON.stringify(route.name) : `#${n}`;
}

function matchName(match: any, n: number, http: boolean): string {
  return http && match?.name ? JSON.stringify(match.name) : `#${n}`;
}

/** Rules that never match because earlier rules take their traffic (istiod's VirtualService warnings). */
export function unreachableRules(routes: readonly any[], http: boolean, report: Report): void {
  const seen = new Map<string, number>();
  let emptyAt = -1;
  const prefixes: PrefixMatch[] = [];
  // With one match in all, no match can repeat or cover another: most VirtualServices skip the comparisons.
  let matchCount = 0;
  for (const route of routes) matchCount += arr(route?.match).length;
  const comparing = matchCount > 1;
  routes.forEach((route, rn) => {
    if (!route) return;
    const matches = arr(route.match);
    const name = routeName(route, rn, http);
    if (matches.length === 0) {
      if (emptyAt >= 0) report('IST0130', `VirtualService rule ${name} is never used: only the last rule can have no matches.`);
      emptyAt = rn;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, mn) => {
      if (emptyAt >= 0) {
        report('IST0130', `VirtualService rule ${name} is never used: a rule without matches comes before it.`);
        return;
      }
      if (!comparing) return;
      const key = canonical(http && match ? { ...match, name: undefined } : match);
      const dup = seen.get(key);
      if (dup !== undefined) {
        report('IST0131', `VirtualService rule ${name} match ${matchName(match, mn, http)} is never used: rule ${routeName(routes[dup], dup, http)} has the same match.`);
        duplicates++;
        if (http) return;
      } else {
        seen.set(key, rn);
      }
      if (http && dup === undefined && match?.uri?.prefix) {
        prefixes.push({
          route: name,
          match: matchName(match, mn, http),
          prefix: str(match.uri.prefix),
          port: str(match.port),
          method: exactOrPrefix(match.method) || 'exact:GET',
          authority: exactOrPrefix(match.authority),
          headers: stringMap(match.headers),
          query: stringMap(match.queryParams),
          withoutHeaders: stringMap(match.withoutHeaders),
        });
      }
    });
    if (duplicates === matches.length) report('IST0130', `VirtualService rule ${name} is never used: all its matches are taken by earlier rules.`);
  });
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a.prefix === b.prefix) continue;
      if (covers(a, b)) {
        report('IST0131', `VirtualService rule ${b.route} match ${b.match} (prefix ${b.prefix}) is never used: match ${a.match} (prefix ${a.prefix}) on rule ${a.route} catches its requests first.`);
      }
    }
  }
}

/** The VirtualService part of istiod's validation that istioctl reports as IST0130/IST0131. */
export function analyzeVirtualServiceRules(ctx: AnalysisContext, analyzer: string, r: Resource): void {
  const report: Report = (code, message) => ctx.report(analyzer, code, code === 'IST0130' ? FindingLevel.WARNING : FindingLevel.INFO, r, message,
    'Reorder the rules (most specific first) or remove the unreachable ones.');
  unreachableRules(arr(r.spec.http), true, report);
  unreachableRules(arr(r.spec.tcp), false, report);
  unreachableRules(arr(r.spec.tls), false, report);
}

export const virtualServiceSchemaAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer.VirtualService',
  analyze(ctx: AnalysisContext) {
    for (const r of ctx.all('VirtualService')) analyzeVirtualServiceRules(ctx, this.name, r);
  },
};
