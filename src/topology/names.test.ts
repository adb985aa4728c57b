import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateKernelName, hash4, ifaceNameProblem, isKernelName, kernelNameProblem, labNameProblem, netnsNameProblem, nodeNameProblem } from './names.js';
import { parseTopology, formatIssue } from './parse.js';
import type { LabSpec } from './model.js';

test('kernel interface name rules (dev_valid_name + IFNAMSIZ)', () => {
  for (const ok of ['eth0', 'a', 'veth-blue.100', 'x'.repeat(15), 'é'.repeat(7)]) assert.equal(kernelNameProblem(ok), undefined, ok);
  for (const bad of ['', '.', '..', 'a/b', 'a:b', 'a b', 'a\tb', 'x'.repeat(16), 'é'.repeat(8)]) {
    assert.equal(typeof kernelNameProblem(bad), 'string', JSON.stringify(bad));
  }
});

test('file name rules: lab, node, interface, namespace', () => {
  assert.equal(labNameProblem('leaf-spine_2'), undefined);
  assert.equal(labNameProblem('Lab')?.code, 'INVALID_NAME');
  assert.equal(labNameProblem('a'.repeat(25))?.code, 'NAME_TOO_LONG');
  assert.equal(nodeNameProblem('h1.a_b-c'), undefined);
  assert.equal(nodeNameProblem('-h1')?.code, 'INVALID_NAME');
  assert.equal(nodeNameProblem('../../etc')?.code, 'INVALID_NAME');
  assert.equal(nodeNameProblem('a'.repeat(64))?.code, 'NAME_TOO_LONG');
  assert.equal(ifaceNameProblem('_x'), undefined);
  assert.equal(ifaceNameProblem('a'.repeat(127)), undefined);
  assert.equal(ifaceNameProblem('a'.repeat(128))?.code, 'NAME_TOO_LONG');
  assert.equal(ifaceNameProblem('eth0;reboot')?.code, 'INVALID_NAME');
  assert.equal(netnsNameProblem('a'.repeat(255)), undefined);
  assert.match(netnsNameProblem('a'.repeat(256))!, /256 bytes/);
  assert.ok(netnsNameProblem('..'));
  assert.ok(netnsNameProblem('a/b'));
});

test('allocateKernelName keeps valid free names and hashes the rest', () => {
  const taken = new Set<string>();
  assert.equal(allocateKernelName('eth0', taken), 'eth0');
  const long = 'uplink-to-the-core-router';
  const a = allocateKernelName(long, taken);
  assert.equal(a, `uplink-to--${hash4(long)}`);
  assert.equal(Buffer.byteLength(a), 15);
  assert.ok(isKernelName(a));
  // same input, same taken set → same name (determinism)
  assert.equal(allocateKernelName(long, new Set(['eth0'])), a);
  // taken → rehashed, still valid and different
  const b = allocateKernelName('eth0', taken);
  assert.notEqual(b, 'eth0');
  assert.ok(isKernelName(b));
});

test('hash collisions on the generated name are resolved', () => {
  // Find two logical names with the same first 10 characters and the same 4-hex hash.
  const seen = new Map<string, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; i < 100000 && !pair; i++) {
    const name = `collision-test-${i}`;
    const h = hash4(name);
    const prev = seen.get(h);
    if (prev) pair = [prev, name];
    else seen.set(h, name);
  }
  assert.ok(pair, 'no 16-bit collision found in 100000 names');
  const taken = new Set<string>();
  const x = allocateKernelName(pair[0], taken);
  const y = allocateKernelName(pair[1], taken);
  assert.equal(x, `collision--${hash4(pair[0])}`);
  assert.notEqual(x, y);
  assert.ok(isKernelName(y) && y.startsWith('collision-'));
});

function lab(text: string): LabSpec {
  const r = parseTopology(text, 't.yaml');
  if (!r.ok) assert.fail(r.issues.map(formatIssue).join('\n'));
  return r.lab;
}

test('long logical names get unique kernel names in their namespace and keep the altname', () => {
  const text = [
    'name: t',
    'nodes:',
    '  r1:',
    '    interfaces:',
    '      to-spine-number-one: {}',
    '      to-spine-number-two: {}',
    `      to-spine-n-${hash4('to-spine-number-one')}: {}`, // the name the first would have got
    '  s1: {}',
    '  s2: {}',
    '  s3: {}',
    'links:',
    '  - [r1:to-spine-number-one, s1:eth0]',
    '  - [r1:to-spine-number-two, s2:eth0]',
    `  - [r1:to-spine-n-${hash4('to-spine-number-one')}, s3:eth0]`,
  ].join('\n');
  const r1 = lab(text).nodes.find((n) => n.name === 'r1')!;
  const names = r1.interfaces.map((i) => i.name);
  assert.equal(new Set(names).size, 3, names.join(' '));
  for (const i of r1.interfaces) {
    assert.ok(isKernelName(i.name), i.name);
    if (i.logical.length > 15) assert.equal(i.altname, i.logical);
    else {
      assert.equal(i.name, i.logical);
      assert.equal(i.altname, undefined);
    }
  }
  // the explicit name wins; the long one that wanted it is rehashed
  assert.equal(r1.interfaces[2]!.name, `to-spine-n-${hash4('to-spine-number-one')}`);
  assert.notEqual(r1.interfaces[0]!.name, r1.interfaces[2]!.name);
  // links use the same kernel names and carry the altname
  const l0 = lab(text).links[0]!;
  assert.equal(l0.kind, 'veth');
  if (l0.kind === 'veth') {
    assert.equal(l0.a.name, r1.interfaces[0]!.name);
    assert.equal(l0.a.altname, 'to-spine-number-one');
  }
});

test('kernel names do not depend on the order of the file', () => {
  const iface = (n: string) => `      ${n}: {}`;
  const names = ['a-very-long-interface-name-1', 'a-very-long-interface-name-2', 'a-very-long-interface-name-3'];
  const build = (order: string[]) =>
    ['name: t', 'nodes:', '  r1:', '    interfaces:', ...order.map(iface), '  peer: {}', 'links:', ...order.map((n, i) => `  - [r1:${n}, peer:p${i}]`)].join('\n');
  const byLogical = (l: LabSpec) => Object.fromEntries(l.nodes[0]!.interfaces.map((i) => [i.logical, i.name]));
  assert.deepEqual(byLogical(lab(build(names))), byLogical(lab(build([...names].reverse()))));
});

test('generated bridge-port names: node-iface, hashed when long, unique', () => {
  const text = [
    'name: t',
    'nodes:',
    '  h2: {}',
    '  a-b: {}',
    '  a: {}',
    '  a-node-with-a-long-name: {}',
    'bridges:',
    '  br0: {}',
    'links:',
    '  - [h2:eth0, br0]',
    '  - [a-b:c, br0]',
    '  - [a:b-c, br0]',
    '  - [a-node-with-a-long-name:eth0, br0]',
  ].join('\n');
  const ports = lab(text).links.map((l) => (l.kind === 'veth' ? l.b : undefined)!);
  assert.equal(ports[0]!.name, 'h2-eth0');
  assert.equal(ports[0]!.bridge, 'br0');
  assert.equal(ports[0]!.node, undefined);
  // 'a-b' + 'c' and 'a' + 'b-c' both want "a-b-c": one gets it, the other a hashed name
  assert.deepEqual([ports[1]!.name, ports[2]!.name].sort()[0], 'a-b-c');
  assert.notEqual(ports[1]!.name, ports[2]!.name);
  assert.equal(ports[3]!.name, `a-node-wit-${hash4('a-node-with-a-long-name-eth0')}`);
  for (const p of ports) assert.ok(isKernelName(p.name), p.name);
  assert.equal(new Set(ports.map((p) => p.name)).size, 4);
});
