import { compileRule, evaluate } from '../../src/analysis/admission/cel';
import { knownRule } from '../../src/analysis/admission/known-rules';
import { admit, toCel } from '../../src/analysis/admission/validator';

// The admission layer keeps CEL results per rule and per the part of the object a rule reads
// (issue 12: 100,000 objects are analyzed at the speed of parsing them). These tests interleave
// objects that differ exactly in that part, so a result kept for the wrong key would show.
const policy = (spec: Record<string, unknown>) => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec,
});
const codes = (obj: Record<string, unknown>) => (admit(obj) ?? []).map((p) => `${p.code} ${p.message}`);

test('rules reading only which fields are present: results follow presence, not the first object seen', () => {
  const both = policy({ selector: { matchLabels: { app: 'a' } }, targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' } });
  const one = policy({ selector: { matchLabels: { app: 'b' } } });
  for (let i = 0; i < 3; i++) {
    expect(codes(both)).toEqual([expect.stringMatching(/^CIS1002 spec: .*(selector|targetRef)/)]);
    expect(codes(one)).toEqual([]);
  }
});

test('rules over the keys of a map: results follow the keys, whatever the values', () => {
  const wildcard = policy({ selector: { matchLabels: { 'app*': 'a' } } });
  const plain = policy({ selector: { matchLabels: { app: 'a' } } });
  const sameKeysOtherValue = policy({ selector: { matchLabels: { 'app*': 'z' } } });
  for (let i = 0; i < 2; i++) {
    expect(codes(plain)).toEqual([]);
    expect(codes(wildcard)).toEqual([expect.stringMatching(/^CIS1002 spec\.selector\.matchLabels: /)]);
    expect(codes(sameKeysOtherValue)).toEqual(codes(wildcard));
  }
});

describe('the common rules answered without the CEL engine agree with it', () => {
  // Given a rule, the schema of the node it sits on, and values (valid, invalid, and at the edges)
  const object = (...fields: string[]) => ({ type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true }])) });
  const cases: Array<[string, Record<string, unknown>, unknown[]]> = [
    ["duration(self) >= duration('1ms')", { type: 'string' }, [
      '1ms', '0ms', '0s', '0.5ms', '0.9999999ms', '1.0000001ms', '1.5h', '10s', '2s', '100us', '999us', '1000us', '1000µs', '1000000ns',
      '999999ns', '1h30m', '0.001s', '0.0009s', '5m', '1m1ms', '1µs', '10', '-1s', '1d', '', '.5s', '1e3s',
    ]],
    ['!self.contains("*")', { type: 'string' }, ['a', '*', 'a*b', '', 'cluster.local/ns/a/sa/b']],
    ['0 < self && self <= 65535', { type: 'integer' }, [1, 0, 65535, 65536, -5, 8080]],
    ["!('*' in self && self.size() > 1)", { type: 'array', items: { type: 'string' } }, [['*'], ['*', 'a'], ['a', 'b'], []]],
    ['self.all(key, !key.contains("*"))', { type: 'object', additionalProperties: { type: 'string' } }, [{ a: '1' }, { 'a*': '1' }, {}, { a: '*' }]],
    ['self.all(key, key.size() != 0)', { type: 'object', additionalProperties: { type: 'string' } }, [{ a: '1' }, { '': 'x' }, {}]],
    ['(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1', object('selector', 'targetRef', 'targetRefs'),
      [{}, { selector: {} }, { selector: {}, targetRef: {} }, { targetRef: {}, targetRefs: [] }, { selector: null }]],
    ['(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1', object('tpp', 'cloud', 'ngts'), [{}, { tpp: {} }, { tpp: {}, cloud: {} }]],
    [`(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&
!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true`,
    object('serviceAccounts', 'notServiceAccounts', 'principals', 'notPrincipals', 'namespaces', 'notNamespaces'),
    [{}, { principals: ['a'] }, { serviceAccounts: ['a'] }, { serviceAccounts: ['a'], namespaces: ['b'] }, { notServiceAccounts: ['a'], notPrincipals: ['b'] }]],
    ['has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true',
      object('portLevelMtls', 'selector'), [{}, { selector: { matchLabels: { a: 'b' } } }]],
  ];

  test.each(cases)('%s', (rule, schema, values) => {
    const js = knownRule(rule);
    expect(js).toBeDefined();
    const program = compileRule(rule);
    if (!program.ok) throw new Error(program.reason);
    let answered = 0;
    for (const value of values) {
      // When JavaScript answers
      const verdict = js!(value, schema);
      if (verdict === undefined) continue;
      answered++;
      // Then the engine gives the same verdict
      expect({ value, verdict }).toEqual({ value, verdict: (evaluate(program, toCel(schema, value)) as { passed: boolean }).passed });
    }
    // (and JavaScript answers the common values: most of them)
    expect(answered).toBeGreaterThan(values.length / 2);
  });

  test('values outside the certain cases are left to the engine', () => {
    const duration = knownRule("duration(self) >= duration('1ms')")!;
    for (const odd of ['-1s', '.5s', '1.0000001ms', '0.9999999ms', '1d', '10', 5]) expect(duration(odd, { type: 'string' })).toBeUndefined();
    expect(knownRule('self.size() == 0')).toBeUndefined();
  });
});
