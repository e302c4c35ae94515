import { admit } from '../../src/analysis/admission/validator';

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
