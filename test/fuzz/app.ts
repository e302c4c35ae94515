/**
 * The app generator: one or two charts, 1-4 constructs of any family (or a chosen one first),
 * the fixtures they reference, and a few method calls, all sharing pools of names, hosts and
 * namespaces.
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS, FixtureKind } from './drafts';
import { edgeFamily, routedThroughEgress } from './edge';
import { platformFamily } from './platform';
import { AppRecipe, isCall, isRef, MethodStep, printable, Step, Value, ValueObject } from './recipe';
import { securityFamily } from './security';
import { trafficFamily } from './traffic';
import { CONSTRUCT_IDS, hostility, HOSTILE_IDS, Level, mix, namespace } from './values';
import { workloadsFamily } from './workloads';

const FAMILIES: readonly Family[] = [trafficFamily, edgeFamily, securityFamily, workloadsFamily, platformFamily];

/** Every construct generator, by name (`AuthorizationPolicy.denyAll` for presets). */
export const CONSTRUCTS: Record<string, (level: Level) => fc.Arbitrary<ConstructDraft>> = Object.assign({}, ...FAMILIES.map((f) => f.constructs));
/** Every method-call generator, by method name. */
export const METHODS: Record<string, (level: Level) => fc.Arbitrary<MethodStep>> = Object.assign({}, ...FAMILIES.map((f) => f.methods));
const FIXTURES: Partial<Record<FixtureKind, (level: Level) => fc.Arbitrary<ConstructDraft>>> = Object.assign({}, ...FAMILIES.map((f) => f.fixtures));

/** How often each construct is picked: the ones with many props get more cases. */
const WEIGHTS: Record<string, number> = {
  CanaryRelease: 4, CircuitBreaker: 3, ExternalService: 3, SecureGateway: 3, AuthorizationPolicy: 3, JwtAuthentication: 3, MtlsNamespace: 2,
};

/** What a run can focus on: a construct (or preset) name, or a method name. */
export const FOCUSES = [...Object.keys(CONSTRUCTS), ...Object.keys(METHODS)];

/** The construct type a focus exercises (`AuthorizationPolicy.denyAll` -> AuthorizationPolicy, `addRoute` -> SecureGateway). */
export function focusType(focus: string): string {
  const methodOwners: Record<string, string> = {
    addRoute: 'SecureGateway',
    addWorkloadMtls: 'MtlsNamespace',
    allowEgressTo: 'MtlsNamespace',
    addRule: 'AuthorizationPolicy',
    addIngress: 'IngressNginxFrontDoor',
    addCluster: 'MeshCa',
    publishName: 'MeshFederation',
    trustEachOther: 'MeshFederation',
  };
  return methodOwners[focus] ?? focus.split('.')[0];
}

interface Parts {
  readonly level: Level;
  readonly charts: Array<{ namespace?: string }>;
  readonly main: ConstructDraft[];
  readonly methods: MethodStep[];
  readonly fixtures: Partial<Record<FixtureKind, ConstructDraft>>;
  readonly ids: string[];
  readonly placement: number[];
}

/**
 * Apps of 1-4 constructs. With `focus`, the first construct is of that kind (or the app calls
 * that method), so a bounded run covers it. `fixedLevel` fixes the hostility (see Level).
 */
export function appRecipe(focus?: string, fixedLevel?: Level): fc.Arbitrary<AppRecipe> {
  if (focus !== undefined && !FOCUSES.includes(focus)) throw new Error(`unknown construct or method '${focus}'; one of ${FOCUSES.join(', ')}`);
  return (fixedLevel === undefined ? hostility : fc.constant(fixedLevel)).chain((level) => {
    const anyConstruct = fc.oneof(...Object.entries(CONSTRUCTS).map(([name, g]) => ({ arbitrary: g(level), weight: WEIGHTS[name] ?? 1 })));
    const anyMethod = fc.oneof(...Object.values(METHODS).map((g) => g(level)));
    const focusedConstruct = focus === 'EgressGateway' ? routedThroughEgress(level)
      : focus !== undefined && CONSTRUCTS[focus] ? CONSTRUCTS[focus](level) : anyConstruct;
    const focusedMethods = focus !== undefined && METHODS[focus]
      ? fc.tuple(METHODS[focus](level), fc.array(anyMethod, { maxLength: 1 })).map(([m, more]) => [m, ...more])
      : fc.array(anyMethod, { maxLength: 2 });
    const fixtures = fc.record(Object.fromEntries(Object.entries(FIXTURES).map(([kind, g]) =>
      [kind, fc.option(g!(level), { nil: undefined, freq: 16 })])) as Record<FixtureKind, fc.Arbitrary<ConstructDraft | undefined>>);
    const chartNamespace = mix(level.strings, fc.option(namespace(level), { nil: undefined }), namespace(level));
    const chart = fc.record({ namespace: chartNamespace }, { requiredKeys: [] });
    return fc.record({
      level: fc.constant(level),
      charts: fc.array(chart, { minLength: 1, maxLength: 2 }),
      main: focus !== undefined && CONSTRUCTS[focus]
        ? fc.tuple(focusedConstruct, fc.array(anyConstruct, { maxLength: 3 })).map(([first, rest]) => [first, ...rest])
        : fc.array(anyConstruct, { minLength: 1, maxLength: 4 }),
      methods: focusedMethods,
      fixtures,
      ids: fc.array(mix(level.strings, fc.constantFrom(...CONSTRUCT_IDS), fc.constantFrom(...HOSTILE_IDS)), { minLength: 4, maxLength: 4 }),
      placement: fc.array(fc.nat(1), { minLength: 12, maxLength: 12 }),
    }).map((parts) => printable(assemble(parts as Parts)));
  });
}

/**
 * Orders the parts into steps: the fixtures that something references first (each once, with its
 * fixed id), then the main constructs with ids unique in their chart, then the method calls.
 */
function assemble(parts: Parts): AppRecipe {
  const charts = parts.charts.map((c) => (c.namespace === undefined ? {} : { namespace: c.namespace }));
  const main = parts.main;
  const referenced = new Set<string>();
  const collect = (v: Value): void => {
    if (Array.isArray(v)) return v.forEach(collect);
    if (v === null || typeof v !== 'object') return;
    if (isRef(v)) return void referenced.add(v.$ref);
    if (isCall(v)) return v.args.forEach(collect);
    Object.values(v as ValueObject).forEach(collect);
  };
  const draftValues = (d: ConstructDraft) => (d.op === 'new' ? [d.props] : d.args);
  main.forEach((d) => draftValues(d).forEach(collect));
  parts.methods.forEach((m) => {
    referenced.add(m.target);
    m.args.forEach(collect);
  });
  // Fixtures may reference each other (a gateway's certificate names the issuer fixture).
  const expanded = new Set<FixtureKind>();
  for (let grew = true; grew;) {
    grew = false;
    for (const kind of Object.keys(FIXTURE_IDS) as FixtureKind[]) {
      const draft = parts.fixtures[kind];
      if (draft && referenced.has(FIXTURE_IDS[kind]) && !expanded.has(kind)) {
        expanded.add(kind);
        draftValues(draft).forEach(collect);
        grew = true;
      }
    }
  }

  const steps: Step[] = [];
  const taken = parts.charts.map(() => new Set<string>());
  let slot = 0;
  const place = (draft: ConstructDraft, wantedId: string) => {
    const chart = parts.placement[slot++ % parts.placement.length] % charts.length;
    let id = wantedId;
    for (let n = 2; taken[chart].has(id); n++) id = `${wantedId}${n}`;
    taken[chart].add(id);
    steps.push(draft.op === 'new'
      ? { op: 'new', type: draft.type, id, chart, props: draft.props }
      : { op: 'preset', type: draft.type, method: draft.method, id, chart, args: draft.args });
  };
  // Dependencies first: an issuer before the gateway whose certificate names it.
  for (const kind of ['deployment', 'service', 'serviceAccount', 'kplusNamespace', 'issuer', 'waypoint', 'egress', 'gateway', 'namespace', 'policy',
    'frontDoor', 'cluster', 'cluster2', 'meshCa', 'federation'] as FixtureKind[]) {
    const draft = parts.fixtures[kind];
    if (draft && referenced.has(FIXTURE_IDS[kind])) place(draft, FIXTURE_IDS[kind]);
  }
  main.forEach((draft, i) => place(draft, parts.ids[i % parts.ids.length]));
  steps.push(...parts.methods);
  return { charts, steps };
}
