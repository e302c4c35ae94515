import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FindingLevel, MeshAnalysis } from '../../src';
import { main } from '../../src/analysis/cli';
import { parseYamlStream, parseYamlValue, yamlReadingsOf } from '../../src/analysis/yaml-input';

function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = main(args, (s) => (stdout += s), (s) => (stderr += s));
  return { status, stdout, stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-yaml-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const lines = (text: string) => parseYamlStream(text).documents.map((d) => d.line);

describe('positions (issue 12)', () => {
  // A stream with the forms that move a document's first line: comments, blank lines, a marker
  // with a comment, an empty document, content on the marker line, a `...` end marker.
  const stream = [
    '# leading comment', //           1
    'apiVersion: v1', //              2  <- document 1
    'kind: Namespace',
    'metadata: {name: one}',
    '--- # a marker with a comment', // 5
    '', //                            6
    '# about two', //                 7
    'apiVersion: v1', //              8  <- document 2
    'kind: Namespace',
    'metadata: {name: two}',
    '---', //                         11 (empty document)
    '---', //                         12
    'apiVersion: v1', //              13 <- document 3
    'metadata: {name: three}',
    '...', //                         15
    'apiVersion: v1', //              16 <- document 4, after an end marker
    'metadata: {name: four}',
    '--- {apiVersion: v1, metadata: {name: five}}', // 18 <- document 5, on the marker line
    '',
  ].join('\n');

  test('multi-document files: each object at the line of its first field', () => {
    const docs = parseYamlStream(stream).documents.filter((d) => d.value !== null);
    expect(docs.map((d) => [(d.value as any).metadata.name, d.line])).toEqual([['one', 2], ['two', 8], ['three', 13], ['four', 16], ['five', 18]]);
  });

  test('the CLI names file:line of objects in multi-document, CRLF and JSON files alike', () => {
    // Given the stream as LF, as CRLF and (for one object) as JSON
    const lf = write('multi.yaml', stream);
    const crlf = write('multi-crlf.yaml', stream.replace(/\n/g, '\r\n'));
    const json = write('one.json', '\n\n{\n  "apiVersion": "v1",\n  "metadata": {"name": "json"}\n}\n');
    // When analyzed
    const r = run('analyze', lf, crlf, json);
    // Then every kind-less object is named with its line
    expect(r.status).toBe(1);
    for (const file of [lf, crlf]) {
      expect(r.stderr).toContain(`${file}:13: object 'three' has no kind\n`);
      expect(r.stderr).toContain(`${file}:16: object 'four' has no kind\n`);
      expect(r.stderr).toContain(`${file}:18: object 'five' has no kind\n`);
    }
    expect(r.stderr).toContain(`${json}:3: object 'json' has no kind\n`);
  });

  test('CRLF files: objects, List items and errors on the same lines as with LF', () => {
    const text = 'a: 1\n---\n# c\nkind: List\nitems:\n  - b: 2\n  -\n    c: 3\n---\nbad: [1, 2\n---\nd: 4\n';
    const crlf = text.replace(/\n/g, '\r\n');
    const [a, b] = [parseYamlStream(text), parseYamlStream(crlf)];
    expect(b).toEqual(a);
    expect(a.documents.map((d) => d.line)).toEqual([1, 4, 12]);
    expect(a.documents[1].itemLines).toEqual([6, 8]);
    expect(a.problems).toEqual([{ line: 10, message: expect.stringMatching(/^invalid YAML: /) }]);
    // A lone CR is a line break too
    expect(lines('a: 1\r---\rb: 2\r')).toEqual([1, 3]);
  });

  test('JSON Lists: each item at the line of its opening brace', () => {
    const list = write('list.json', `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {"name": "web", "namespace": "shop"},
      "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}
    },
    {"apiVersion": "v1", "metadata": {"name": "nameless"}},

    {
      "apiVersion": "v1", "metadata": {"name": "third"}
    }
  ]
}
`);
    expect(parseYamlStream(fs.readFileSync(list, 'utf8')).documents[0].itemLines).toEqual([5, 11, 13]);
    const r = run('analyze', list);
    expect(r.stderr).toBe(`${list}:11: object 'nameless' has no kind\n${list}:13: object 'third' has no kind\n`);
  });

  test('a bad document is reported at its line; the documents after it keep theirs', () => {
    const file = write('middle-bad.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkey: "unterminated\n---\n\napiVersion: v1\nmetadata: {name: after}\n');
    const r = run('analyze', file);
    expect(r.stderr).toMatch(new RegExp(`^${file}:5: invalid YAML: [^\\n]+\\n${file}:8: object 'after' has no kind\\n$`));
  });

  test('long streams (documents read in runs): every line kept past a bad document, a List and a YAML 1.1 reading', () => {
    // Given 300 documents of three lines each, with a bad one at 200, a List at 150 and `on` at 250
    const docs: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i === 200) docs.push('---\nbad: [1, 2\n# (three lines too)\n');
      else if (i === 150) docs.push('---\nkind: List\nitems: [{idx: 150}]\n');
      else if (i === 250) docs.push(`---\nidx: ${i}\nflag: on\n`);
      else docs.push(`---\nidx: ${i}\nx: y${i}\n`);
    }
    const parsed = parseYamlStream(docs.join(''));
    // Then each document is at line 3i+2, the bad one is the only problem, and the reading is go-yaml's
    // (the error's line: where the `]` is found missing, the line after `bad: [1, 2`)
    expect(parsed.problems).toEqual([{ line: 200 * 3 + 3, message: expect.stringMatching(/^invalid YAML: /) }]);
    expect(parsed.documents).toHaveLength(299);
    for (const d of parsed.documents) {
      const idx = (d.value as any).idx ?? (d.value as any).items[0].idx;
      expect(d.line).toBe(idx * 3 + 2);
    }
    expect(parsed.documents.find((d) => (d.value as any).idx === 250)!.value).toEqual({ idx: 250, flag: true });
    expect(parsed.documents.find((d) => (d.value as any).kind === 'List')!.itemLines).toEqual([150 * 3 + 3]);
  });

  test('directives and document end markers', () => {
    const text = '%YAML 1.1\n---\na: 1\n...\nb: 2\n...\n%YAML 1.2\n# x\n---\nc: 3\n';
    expect(parseYamlStream(text)).toEqual({
      documents: [{ value: { a: 1 }, line: 3 }, { value: { b: 2 }, line: 5 }, { value: { c: 3 }, line: 10 }],
      problems: [],
    });
  });
});

describe('scalars as the API server decodes them (go-yaml v2, YAML 1.1)', () => {
  test.each([
    // [plain scalar, API server's value, YAML 1.2's value]
    ['on', true, 'on'], ['Off', false, 'Off'], ['yes', true, 'yes'], ['NO', false, 'NO'], ['y', true, 'y'], ['n', false, 'n'],
    ['true', true, true], ['False', false, false], ['~', null, null], ['Null', null, null],
    ['0755', 493, 755], ['0o755', 493, 493], ['0x1F', 31, 31], ['-0x1F', -31, '-0x1F'], ['0b101', 5, '0b101'], ['1_000', 1000, '1_000'],
    ['08', 8, 8], ['+12', 12, 12], ['1e3', 1000, 1000], ['.5', 0.5, 0.5], ['-.inf', -Infinity, -Infinity],
    ['2001-12-14', '2001-12-14', '2001-12-14'], ['1.10', 1.1, 1.1], ['v1', 'v1', 'v1'], ['onion', 'onion', 'onion'],
  ])('%s', (text, apiServer, yaml12) => {
    const value = parseYamlValue(`k: ${text}\n`) as any;
    expect(value.k).toEqual(apiServer);
    // Quoted, it is always the string
    expect((parseYamlValue(`k: "${text}"\n`) as any).k).toBe(text);
    // Where the readings differ, the parse records it with the line
    const readings = yamlReadingsOf(value) ?? [];
    if (Object.is(apiServer, yaml12) || apiServer === yaml12) expect(readings).toEqual([]);
    else expect(readings).toEqual([{ path: ['k'], line: 1, text, value: apiServer, yaml12, isKey: false }]);
  });

  test('keys are decoded too: a key y becomes "true"', () => {
    expect(parseYamlValue('y: 1\n"n": 2\n0755: 3\n')).toEqual({ true: 1, n: 2, 493: 3 });
  });

  test('merge keys merge, explicit keys win; tags are read as go-yaml reads them', () => {
    expect(parseYamlValue('base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n')).toEqual({ base: { a: 1, b: 2 }, m: { a: 1, b: 3 } });
    expect(parseYamlValue('a: !!int "0755"\nb: !!str 0755\nc: !local on\nd: !!timestamp 2001-12-14\ne: !!binary aGVsbG8=\nf: !custom {x: 1}\n'))
      .toEqual({ a: 493, b: '0755', c: 'on', d: '2001-12-14', e: 'hello', f: { x: 1 } });
  });

  test('duplicate keys stay an error', () => {
    expect(() => parseYamlValue('a: 1\na: 2\n')).toThrow('line 2: invalid YAML: Map keys must be unique');
  });
});

describe('CIS1003: values the API server reads differently (issue 12)', () => {
  const manifest = write('readings.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
  namespace: shop
  labels:
    enabled: on
    quoted: "on"
data:
  debug: yes
  mode: "off"
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web:1
          args: [--port, 8080]
          env: [{ name: VERBOSE, value: off }]
          volumeMounts: [{ name: config, mountPath: /etc/web }]
      volumes: [{ name: config, configMap: { name: flags, defaultMode: 0644 } }]
      hostNetwork: no
`);
  const findings = () => JSON.parse(run('analyze', '-o', 'json', '--checks', 'admission', manifest).stdout)
    .filter((f: any) => f.code === 'CIS1003');

  test('a label value on is the boolean true to the API server: an error with file:line and the fix', () => {
    expect(findings()).toContainEqual({
      code: 'CIS1003',
      level: FindingLevel.ERROR,
      analyzer: 'admission.YamlDecodingAnalyzer',
      resource: { kind: 'ConfigMap', namespace: 'shop', name: 'flags' },
      message: `metadata.labels.enabled: the API server reads the unquoted on (${manifest}:7) as the boolean true (YAML 1.1), and label values must be strings: it rejects the object.`,
      fix: 'Quote it: "on".',
    });
  });

  test('ConfigMap data, container arguments and environment values are strings too; quoted values are fine', () => {
    const errors = findings().filter((f: any) => f.level === FindingLevel.ERROR).map((f: any) => /^[^ :]+/.exec(f.message)![0]);
    expect(errors).toEqual(['metadata.labels.enabled', 'data.debug', 'spec.template.spec.containers[0].args[1]', 'spec.template.spec.containers[0].env[0].value']);
    expect(findings().find((f: any) => f.message.startsWith('spec.template.spec.containers[0].args[1]')).message)
      .toBe('spec.template.spec.containers[0].args[1] is the number 8080, and arguments must be strings: the API server rejects the object.');
  });

  test('readings that differ where the value is accepted: a warning for booleans, an info for numbers', () => {
    const others = findings().filter((f: any) => f.level !== FindingLevel.ERROR).map((f: any) => `${f.level} ${f.message} Fix: ${f.fix}`);
    expect(others).toEqual([
      `Info spec.template.spec.volumes[0].configMap.defaultMode: the unquoted 0644 (${manifest}:27) is 420 for the API server (YAML 1.1), but 644 for YAML 1.2 tools. Fix: Write 0o644, which both read alike.`,
      `Warning spec.template.spec.hostNetwork: the unquoted no (${manifest}:28) is the boolean false for the API server (YAML 1.1), but the string "no" for YAML 1.2 tools. Fix: Write false if a boolean is meant, or quote it ("no") for the string.`,
    ]);
  });

  test('a key that YAML 1.1 reads as a boolean is renamed: a warning', () => {
    const file = write('key.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: answers}\ndata:\n  y: "1"\n');
    expect(JSON.parse(run('analyze', '-o', 'json', file).stdout)).toEqual([expect.objectContaining({
      code: 'CIS1003',
      level: FindingLevel.WARNING,
      message: `data.true: the unquoted key y (${file}:5) becomes "true" for the API server (YAML 1.1), but stays "y" for YAML 1.2 tools.`,
      fix: 'Quote the key: "y".',
    })]);
  });

  test('items of a List carry their readings', () => {
    const file = write('list-readings.yaml', 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: a, labels: {istio-injection: on}}\n');
    expect(JSON.parse(run('analyze', '-o', 'json', file).stdout).map((f: any) => `${f.level} ${f.message}`))
      .toEqual([`Error metadata.labels.istio-injection: the API server reads the unquoted on (${file}:6) as the boolean true (YAML 1.1), and label values must be strings: it rejects the object.`]);
  });

  test('without YAML (synth, MeshAnalysis.analyze) a non-string label is reported by its value', () => {
    const found = MeshAnalysis.analyze([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'istio-injection': true } } }]);
    expect(found.map((f) => `${f.level} ${f.code} ${f.message} Fix: ${f.fix}`)).toEqual([
      'Error CIS1003 metadata.labels.istio-injection is the boolean true, and label values must be strings: the API server rejects the object. Fix: Write the value as a string (in YAML, quote it).',
    ]);
  });
});
