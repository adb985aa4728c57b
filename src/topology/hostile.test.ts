// Hostile and broken inputs: each gives issues with a location, never an exception, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadTopologyFile, parseTopology, type TopologyIssue } from './parse.js';

function rejected(text: string): TopologyIssue[] {
  let r;
  assert.doesNotThrow(() => (r = parseTopology(text, 'evil.yaml')));
  r = r!;
  if (r.ok) assert.fail('a hostile input was accepted');
  assert.ok(r.issues.length > 0);
  for (const i of r.issues) {
    assert.equal(i.file, 'evil.yaml');
    assert.ok(i.line! >= 1 && i.column! >= 1, `no location: ${JSON.stringify(i)}`);
    // one line, no raw control or invisible characters reaching a terminal
    assert.doesNotMatch(formatIssue(i), /[\p{Cc}\p{Cf}\u2028\u2029]/u, formatIssue(i));
  }
  return r.issues;
}

const codes = (list: TopologyIssue[]) => list.map((i) => i.code);

test('broken YAML', () => {
  for (const text of ['name: t\nnodes: {h1: [}\n', 'name: "t\n', 'name: t\n  nodes: x\n bad', 'name: t\nnodes:\n\th1: {}\n', ': :\n- [\n']) {
    assert.ok(codes(rejected(text)).includes('YAML_SYNTAX'), text);
  }
});

test('path-like node names', () => {
  const list = rejected('name: t\nnodes:\n  ../../etc: {}\n  ..: {}\n  a/b: {}\n  .hidden: {}\n');
  assert.deepEqual(codes(list), ['INVALID_NAME', 'INVALID_NAME', 'INVALID_NAME', 'INVALID_NAME']);
  assert.deepEqual(list.map((i) => [i.line, i.column]), [[3, 3], [4, 3], [5, 3], [6, 3]]);
});

test('shell metacharacters in names', () => {
  const text = [
    'name: "t;rm -rf /"',
    'nodes:',
    '  "h1$(reboot)": {}',
    '  h2:',
    '    interfaces:',
    '      "eth0`id`": {}',
    'bridges:',
    '  "br0|nc": {}',
    'links:',
    '  - ["h2:eth0 && reboot", br0]',
  ].join('\n');
  const list = rejected(text);
  assert.deepEqual(list.map((i) => [i.code, i.line]), [
    ['INVALID_NAME', 1],
    ['INVALID_NAME', 3],
    ['INVALID_NAME', 6],
    ['INVALID_NAME', 8],
    ['INVALID_NAME', 10],
    ['UNKNOWN_BRIDGE', 10], // "br0" is not a bridge: its name was refused
  ]);
});

test('unicode names: accents, zero-width, bidi override, emoji', () => {
  const text = 'name: t\nnodes:\n  hôte: {}\n  "h\u200b1": {}\n  "h\u202e1": {}\n  "🦀": {}\n  h1:\n    interfaces:\n      éth0: {}\n';
  const list = rejected(text);
  assert.deepEqual(codes(list), ['INVALID_NAME', 'INVALID_NAME', 'INVALID_NAME', 'INVALID_NAME', 'INVALID_NAME']);
  assert.match(formatIssue(list[1]!), /\\u200b/);
  assert.match(formatIssue(list[2]!), /\\u202e/);
});

test('terminal escape sequences in values are escaped in messages', () => {
  const list = rejected('name: t\nnodes:\n  h1: {}\nlinks:\n  - ["h1:eth0", "\\e[2J\\e[31mevil:x"]\n');
  assert.equal(list.length, 1);
  assert.match(formatIssue(list[0]!), /\\u001b\[2J/);
});

test('numbers out of range: 1e400, .inf, 2^64, negative, fractions', () => {
  const text = [
    'name: t',
    'nodes:',
    '  h1:',
    '    interfaces:',
    '      eth0: { mtu: 1e400 }',
    '      eth1: { mtu: .inf }',
    '    routes:',
    '      - { to: default, dev: eth0, metric: 18446744073709551616 }',
    '      - { to: default, dev: eth1, table: -1 }',
    '      - { to: 10.0.0.0/8, dev: eth1, metric: 1.5 }',
    '  h2: {}',
    'links:',
    '  - [h1:eth0, h2:eth0]',
    '  - [h1:eth1, h2:eth1]',
  ].join('\n');
  const list = rejected(text);
  assert.deepEqual(list.map((i) => [i.code, i.line]), [
    ['WRONG_TYPE', 5],
    ['WRONG_TYPE', 6],
    ['OUT_OF_RANGE', 8],
    ['OUT_OF_RANGE', 9],
    ['WRONG_TYPE', 10],
  ]);
  assert.match(list[0]!.message, /too large/);
});

test('alias bombs (billion laughs) stop at the alias limit, unexpanded', () => {
  let text = 'name: t\nl0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= 9; i++) text += `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]\n`;
  text += 'nodes:\n  h1: { exec: *l9 }\n';
  const list = rejected(text);
  assert.deepEqual(codes(list), ['TOO_MANY_ALIASES']);
});

test('alias cycles and merges of the wrong kind', () => {
  assert.deepEqual(codes(rejected('name: t\nnodes: &n\n  h1: *n\n')), ['CYCLIC_ALIAS']);
  assert.deepEqual(codes(rejected('name: t\nnodes:\n  h1:\n    <<: [1, 2]\n')), ['BAD_MERGE', 'BAD_MERGE']);
  assert.deepEqual(codes(rejected('name: t\nnodes:\n  h1: *nope\n')), ['YAML_SYNTAX']);
});

test('duplicate keys', () => {
  const list = rejected('name: t\nnodes:\n  h1: {}\n  h1: {}\nname: u\n');
  assert.deepEqual(list.map((i) => [i.code, i.line, i.column]), [['DUPLICATE_KEY', 4, 3], ['DUPLICATE_KEY', 5, 1]]);
});

test('keys that are not names: lists, maps, __proto__', () => {
  const list = rejected('name: t\nnodes:\n  ? [a, b]\n  : {}\n  __proto__: { polluted: 1 }\n');
  assert.deepEqual(codes(list), ['BAD_KEY', 'INVALID_NAME', 'UNKNOWN_KEY']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('top level that is not a mapping', () => {
  for (const text of ['[1, 2, 3]', '["name", "t"]', '42', '"name: t"', 'true', '~']) {
    const list = rejected(text);
    assert.equal(list.length, 1, text);
    assert.ok(['NOT_A_MAPPING', 'EMPTY'].includes(list[0]!.code), text);
    assert.deepEqual([list[0]!.line, list[0]!.column], [1, 1]);
  }
  assert.equal(rejected('[1, 2]')[0]!.code, 'NOT_A_MAPPING');
});

test('empty files', () => {
  for (const text of ['', '\n\n', '# only a comment\n', '---\n', '\uFEFF']) {
    assert.deepEqual(codes(rejected(text)), ['EMPTY'], JSON.stringify(text));
  }
});

test('deep nesting does not overflow the stack', () => {
  for (const n of [100, 5000, 50000]) {
    const list = rejected(`name: t\nnodes: ${'['.repeat(n)}${']'.repeat(n)}\n`);
    assert.ok(['TOO_DEEP', 'YAML_SYNTAX', 'WRONG_TYPE'].includes(list[0]!.code), `${n}: ${formatIssue(list[0]!)}`);
  }
});

test('very long keys and values are shortened in messages', () => {
  const long = 'x'.repeat(100000);
  const list = rejected(`name: t\nnodes:\n  h1: {}\nlinks:\n  - [h1:eth0, "${long}:y"]\n`);
  assert.ok(formatIssue(list[0]!).length < 400);
});

test('JSON input, tabs included, with positions', () => {
  const list = rejected('{\n\t"name": "t",\n\t"nodes": {"h1": {}},\n\t"links": [["h1:eth0", "h9:eth0"]]\n}\n');
  assert.deepEqual(list.map((i) => [i.code, i.line, i.column]), [['UNKNOWN_NODE', 4, 24]]);
});

test('binary and other tags', () => {
  const list = rejected('name: !!binary dGVzdA==\nnodes: {}\n');
  assert.deepEqual(codes(list), ['WRONG_TYPE']);
});

test('loadTopologyFile: missing file, directory, not UTF-8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-topo-'));
  try {
    const missing = loadTopologyFile(join(dir, 'nope.yaml'));
    assert.equal(missing.ok, false);
    if (!missing.ok) {
      assert.equal(missing.issues[0]!.code, 'FILE_UNREADABLE');
      assert.equal(missing.issues[0]!.file, join(dir, 'nope.yaml'));
      assert.match(missing.issues[0]!.message, /no such file/);
    }
    mkdirSync(join(dir, 'd'));
    const d = loadTopologyFile(join(dir, 'd'));
    assert.ok(!d.ok && d.issues[0]!.code === 'FILE_UNREADABLE');
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('name: t\nnodes:\n  h\xe9: {}\n', 'latin1'));
    const l = loadTopologyFile(join(dir, 'latin1.yaml'));
    assert.ok(!l.ok);
    if (!l.ok) assert.deepEqual([l.issues[0]!.code, l.issues[0]!.line, l.issues[0]!.column], ['BAD_ENCODING', 3, 4]);
    writeFileSync(join(dir, 'ok.yaml'), 'name: t\nnodes:\n  h1: {}\n');
    const good = loadTopologyFile(join(dir, 'ok.yaml'));
    assert.ok(good.ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
