import { ApiObject } from 'cdk8s';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { MeshAnalysis } from '../../src';
import { manifestOf } from '../../src/render/api-object';

test('manifestOf gives the same findings and the same JSON (modulo key order) as toJson', () => {
  for (const name of exampleNames()) {
    const app = synthExample(name, '/tmp/cmp-' + name);
    const objs = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const a = objs.map((o) => o.toJson());
    const b = objs.map(manifestOf);
    expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(a)));
    expect(MeshAnalysis.analyze(b)).toEqual(MeshAnalysis.analyze(a));
  }
});
