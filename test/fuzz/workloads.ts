/**
 * cdk8s-plus objects that props of our constructs take (`MeshService.fromService`,
 * `ReleaseVersion.fromDeployment`, `PolicyTarget.workload`/`service`,
 * `WorkloadIdentity.fromServiceAccount`, MtlsNamespace `namespace`, addWorkloadMtls `workload`),
 * as fixtures: well-formed, since cdk8s-plus is not under test.
 */
import * as fc from 'fast-check';
import { ConstructDraft, Family, FIXTURE_IDS } from './drafts';
import { call, ref, Value } from './recipe';
import { Level, mix, NAMESPACES, port } from './values';

/** Object metadata: the chart's namespace, or sometimes another (valid) one. */
function metadata(name: string): fc.Arbitrary<Value> {
  return fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined, freq: 3 }).map((ns) => (ns === undefined ? { name } : { name, namespace: ns }));
}

function deployment(): fc.Arbitrary<ConstructDraft> {
  return fc.tuple(metadata('reviews'), fc.constantFrom(8080, 9080)).map(([m, containerPort]) => ({
    op: 'new' as const,
    type: 'kplus.Deployment',
    props: { metadata: m, containers: [{ image: 'nginx', portNumber: containerPort }] } as Value,
  }));
}

function service(level: Level): fc.Arbitrary<ConstructDraft> {
  // The Service selects the deployment fixture's pods (or none: a hostile shape, caught by the constructs using it).
  return fc.tuple(metadata('reviews'), mix(level.shapes, fc.constant(true), fc.boolean())).map(([m, selects]) => ({
    op: 'new' as const,
    type: 'kplus.Service',
    props: { metadata: m, ports: [{ port: 9080, targetPort: 8080 }], ...(selects ? { selector: ref(FIXTURE_IDS.deployment) } : {}) } as Value,
  }));
}

function serviceAccount(): fc.Arbitrary<ConstructDraft> {
  return metadata('sleep').map((m) => ({ op: 'new' as const, type: 'kplus.ServiceAccount', props: { metadata: m } as Value }));
}

function kplusNamespace(): fc.Arbitrary<ConstructDraft> {
  return fc.constantFrom(...NAMESPACES).map((name) => ({ op: 'new' as const, type: 'kplus.Namespace', props: { metadata: { name } } as Value }));
}

/** `MeshService.fromService(svc)`, with the service's port or another. */
export function serviceOfApp(level: Level): fc.Arbitrary<Value> {
  return fc.option(mix(level.numbers, fc.constant(9080), port(level)), { nil: undefined }).map((p) => (p === undefined
    ? call('MeshService.fromService', ref(FIXTURE_IDS.service)) : call('MeshService.fromService', ref(FIXTURE_IDS.service), { port: p })));
}

/** `ReleaseVersion.fromDeployment(name, deploy)`. */
export function versionOfApp(name: string): Value {
  return call('ReleaseVersion.fromDeployment', name, ref(FIXTURE_IDS.deployment));
}

export const workloadsFamily: Family = {
  constructs: {},
  methods: {},
  fixtures: { deployment, service, serviceAccount, kplusNamespace },
};
