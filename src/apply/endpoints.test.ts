import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTopology } from '../topology/parse.js';
import { resolveEnd, vethEnds } from './endpoints.js';

const r = validateTopology({
  name: 'ep', prefix: 'ep-',
  nodes: { a: { interfaces: { eth0: {}, eth1: {} } }, b: { interfaces: { eth0: {} } } },
  bridges: { sw: {} },
  links: [['a:eth0', 'b:eth0'], ['a:eth1', 'sw']],
});
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const spec = r.lab;

test('NODE:IF resolves to its namespace and kernel name, with the far end of its veth', () => {
  const x = resolveEnd(spec, 'a:eth0');
  assert.deepEqual(x.end, { netns: 'ep-a', name: 'eth0', label: 'a:eth0' });
  assert.deepEqual(x.peer, { netns: 'ep-b', name: 'eth0', label: 'b:eth0' });
  const y = resolveEnd(spec, 'a:eth1');
  assert.equal(y.peer!.netns, '');
  assert.equal(y.peer!.bridge, 'sw');
  assert.deepEqual(vethEnds(spec).map((e) => e.end.label).sort(), ['a:eth0', 'a:eth1', 'b:eth0']);
});

test('what names nothing is refused naming it and what exists', () => {
  assert.throws(() => resolveEnd(spec, 'a'), /"a" is not NODE:IF/);
  assert.throws(() => resolveEnd(spec, 'z:eth0'), /lab ep has no node "z"/);
  assert.throws(() => resolveEnd(spec, 'b:eth9'), /node b of lab ep has no interface "eth9"; its interfaces are: eth0/);
  assert.deepEqual(resolveEnd(spec, 'host:eth7').end, { netns: '', name: 'eth7', label: 'host:eth7' });
});
