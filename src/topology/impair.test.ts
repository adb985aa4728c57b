// `impair:` in a topology file: put on the model (interface and veth link), numbers read as tc
// reads them, and bad values (loss 120%, rate fast, jitter without delay, an interface no veth
// makes) refused as validation errors at the field's file:line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopology } from './parse.js';

const FILE = 'imp.yaml';
const doc = (iface: string, link: string) => `name: imp
nodes:
  a:
    interfaces:
      eth0:
        addresses: [10.0.0.1/24]
        impair: ${iface}
      eth9: { addresses: [10.0.9.1/24] }
  b: {}
links:
  - endpoints: [a:eth0, b:eth0]
    impair: ${link}
  - { type: macvlan, endpoint: a:eth9, parent: eth0 }
`;

/** Line and column (1-based) of the first `marker` after line `from`. */
function at(text: string, marker: string, from = 0): { line: number; column: number } {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) {
    const c = lines[i]!.indexOf(marker);
    if (c >= 0) return { line: i + 1, column: c + 1 };
  }
  throw new Error(`no ${marker}`);
}

test('impair on an interface and on a veth link reaches the model (numbers as tc reads them)', () => {
  const r = parseTopology(doc('{ rate: 10mbit, loss: 1% }', '{ rate: 1000000, loss: 5, limit: 100 }'), FILE);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const a = r.lab.nodes.find((n) => n.name === 'a')!;
  assert.deepEqual(a.interfaces.find((i) => i.logical === 'eth0')!.impair, { rate: '10mbit', loss: '1%' });
  const l = r.lab.links[0]!;
  assert.ok(l.kind === 'veth');
  assert.deepEqual(l.impair, { rate: '1000000', loss: '5', limit: 100 });
  assert.equal(a.interfaces.find((i) => i.logical === 'eth9')!.impair, undefined);
  const none = parseTopology(doc('{}', '{}'), FILE);
  assert.ok(none.ok && none.lab.links[0]!.kind === 'veth' && none.lab.links[0]!.impair === undefined);
});

test('bad values are errors at their field: loss 120%, rate fast, jitter without delay', () => {
  const text = doc('{ loss: 120%, jitter: 5ms }', '{ rate: fast }');
  const r = parseTopology(text, FILE);
  assert.ok(!r.ok);
  const got = r.issues.map((i) => [i.code, i.path.join('.'), i.line, i.column, i.message]);
  assert.deepEqual(got, [
    ['BAD_IMPAIRMENT', 'nodes.a.interfaces.eth0.impair.loss', at(text, 'loss').line, at(text, '120%').column, 'loss: "120%" is not valid; give a percentage from 0% to 100%, such as 1% or 0.5%'],
    ['BAD_IMPAIRMENT', 'nodes.a.interfaces.eth0.impair.jitter', at(text, 'jitter').line, at(text, '5ms').column, 'jitter needs a delay: jitter varies the delay (e.g. delay: 20ms, jitter: 5ms)'],
    ['BAD_IMPAIRMENT', 'links.0.impair.rate', at(text, 'rate').line, at(text, 'fast').column, r.issues[2]!.message],
  ]);
  assert.match(r.issues[2]!.message, /^rate: "fast" is not valid; give a rate such as 10mbit/);
});

test('a wrong type is the schema\'s error, once; an impaired interface that no veth makes is refused', () => {
  const t1 = parseTopology(doc('{ loss: [1] }', '{ speed: 1 }'), FILE);
  assert.ok(!t1.ok);
  assert.deepEqual(t1.issues.map((i) => i.path.join('.')), ['nodes.a.interfaces.eth0.impair.loss', 'links.0.impair.speed']);
  const text = doc('{}', '{}').replace('eth9: { addresses: [10.0.9.1/24] }', 'eth9: { addresses: [10.0.9.1/24], impair: { loss: 1% } }');
  const t2 = parseTopology(text, FILE);
  assert.ok(!t2.ok);
  assert.equal(t2.issues.length, 1);
  assert.equal(t2.issues[0]!.code, 'BAD_IMPAIRMENT');
  assert.match(t2.issues[0]!.message, /^a:eth9 is not an end of a veth link; impairments go on the lab's veth links/);
  assert.equal(t2.issues[0]!.line, at(text, 'impair: { loss').line);
});
