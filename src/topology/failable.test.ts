// failable: true in a topology file: the link becomes its middle (two veths to a bridge in the
// lab's hidden node), its impairment goes on the node ends, and it is refused where a bridge
// port already fails the link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopology } from './parse.js';

const doc = (link: string) => `name: fl
prefix: fl-
nodes:
  a: { interfaces: { eth0: { addresses: [10.0.0.1/24] } } }
  b: { interfaces: { eth0: { addresses: [10.0.0.2/24] } } }
bridges:
  sw: {}
links:
  - [a:eth1, sw]
  - ${link}
`;

test('a failable link is two veths through a bridge in the hidden node; its impairment is on the node ends', () => {
  const r = parseTopology(doc('{ endpoints: [a:eth0, b:eth0], failable: true, mtu: 1400, impair: { rate: 10mbit } }'), 'fl.yaml');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const wires = r.lab.nodes.find((n) => n.name === '~wires');
  assert.deepEqual(wires, { name: '~wires', netns: 'fl-fl~wires', ipv6: false, interfaces: [], routes: [], sysctls: {}, exec: [] });
  assert.deepEqual(r.lab.bridges.filter((b) => b.node === '~wires'), [{ logical: 'f1', name: 'f1', node: '~wires', addresses: [] }]);
  const halves = r.lab.links.filter((l) => l.kind === 'veth' && l.failable !== undefined);
  assert.deepEqual(halves.map((l) => l.kind === 'veth' && [l.id, `${l.a.node}:${l.a.name}`, `${l.b.node}:${l.b.name}@${l.b.bridge}`, l.mtu, l.impair]), [
    ['a:eth0--b:eth0/a', 'a:eth0', '~wires:f1a@f1', 1400, undefined],
    ['a:eth0--b:eth0/b', 'b:eth0', '~wires:f1b@f1', 1400, undefined],
  ]);
  for (const n of ['a', 'b']) assert.deepEqual(r.lab.nodes.find((x) => x.name === n)!.interfaces.find((i) => i.name === 'eth0')!.impair, { rate: '10mbit' });
  assert.equal(r.lab.links.length, 3);
});

test('failable on a link to a bridge is refused at its line; without it the link is a plain veth', () => {
  const text = doc('{ endpoints: [b:eth0, sw], failable: true }\n  - [a:eth0, sw]');
  const r = parseTopology(text, 'fl.yaml');
  assert.ok(!r.ok);
  assert.deepEqual(r.issues.map((i) => [i.code, i.path.join('.'), i.line]), [['BAD_LINK', 'links.1.failable', 10]]);
  assert.match(r.issues[0]!.message, /^failable: true is for a veth between two nodes/);
  const plain = parseTopology(doc('{ endpoints: [a:eth0, b:eth0], failable: false }'), 'fl.yaml');
  assert.ok(plain.ok && !plain.lab.nodes.some((n) => n.name === '~wires') && plain.lab.links.length === 2);
});
