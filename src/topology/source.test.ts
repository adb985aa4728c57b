import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readYaml } from './source.js';
import { parseTopology, formatIssue } from './parse.js';

test('locate finds keys, values, list items and falls back to the parent', () => {
  const text = 'name: t\nnodes:\n  h1:\n    routes:\n      - { to: default, via: 10.0.0.1 }\n';
  const src = readYaml(text);
  assert.deepEqual(src.locate(['nodes', 'h1']), { line: 4, column: 5 });
  assert.deepEqual(src.locate(['nodes', 'h1'], 'key'), { line: 3, column: 3 });
  assert.deepEqual(src.locate(['nodes', 'h1', 'routes', 0, 'via']), { line: 5, column: 29 });
  assert.deepEqual(src.locate(['nodes', 'h1', 'routes', 0, 'dev']), { line: 5, column: 9 });
  assert.deepEqual(src.locate(['nodes', 'h1', 'routes', 7]), { line: 5, column: 7 });
  assert.deepEqual(src.locate([]), { line: 1, column: 1 });
});

test('merge keys work, and values from a merge are located at their anchor', () => {
  const text = [
    'name: t',
    'nodes:',
    '  h1:',
    '    interfaces:',
    '      eth0: &fabric { mtu: 9000, addresses: [10.0.0.1/31] }',
    '      eth1: { <<: *fabric, addresses: [10.0.0.3/31] }',
    '      eth2:',
    '        <<: *fabric',
    '        mtu: 40',
    '  h2: {}',
    'links:',
    '  - [h1:eth0, h2:eth0]',
    '  - [h1:eth1, h2:eth1]',
    '  - [h1:eth2, h2:eth2]',
  ].join('\n');
  const r = parseTopology(text, 'm.yaml');
  assert.equal(r.ok, false);
  if (r.ok) return;
  // eth2 inherits the anchor's address: a duplicate of eth0's, located at the anchor
  assert.deepEqual(r.issues.map((i) => [i.code, i.line, i.column, i.path.join('.')]), [
    ['DUPLICATE_ADDRESS', 5, text.split('\n')[4]!.indexOf('10.0.0.1/31') + 1, 'nodes.h1.interfaces.eth2.addresses.0'],
    ['BAD_MTU', 9, 14, 'nodes.h1.interfaces.eth2.mtu'],
  ]);
  const fixed = parseTopology(text.replace('        mtu: 40', '        addresses: [10.0.0.5/31]'));
  if (!fixed.ok) assert.fail(fixed.issues.map(formatIssue).join('\n'));
  const ifs = fixed.lab.nodes[0]!.interfaces;
  assert.deepEqual(ifs.map((i) => [i.name, i.mtu, i.addresses]), [
    ['eth0', 9000, ['10.0.0.1/31']],
    ['eth1', 9000, ['10.0.0.3/31']],
    ['eth2', 9000, ['10.0.0.5/31']],
  ]);
});

test('plain keys keep the text written: 0x10 and 1e3 are names, not numbers', () => {
  const src = readYaml('0x10: a\n1e3: b\ntrue: c\n"q": d\n');
  assert.deepEqual(Object.keys(src.value as object), ['0x10', '1e3', 'true', 'q']);
});
