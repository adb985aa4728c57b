// The host's own connection (issue 12): an uplink NIC that carries the host's default route or
// an address is refused unless the file says force: true, and a lab subnet over a host
// interface's subnet is warned about. Stand-in NICs are veths made inside the sandbox.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ip, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';

const skip = labSkip;

function topo(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'nsnet-hostnic-')), 'hn.yaml');
  writeFileSync(f, text);
  return f;
}
const lab = (uplink: string, subnet = '10.71.0') => topo([
  'name: hn',
  'nodes:',
  `  blue: { interfaces: { eth0: { addresses: [${subnet}.2/24] } } }`,
  'bridges:',
  '  br0: {}',
  'links:',
  '  - [blue:eth0, br0]',
  'uplinks:',
  `  - ${uplink}`,
  '',
].join('\n'));

test('an uplink NIC with an address or the default route is refused, nothing changed; force: true joins it; down gives it back', { skip }, (t) => {
  ip('link', 'add', 'nic0', 'type', 'veth', 'peer', 'name', 'nic0p');
  ip('link', 'add', 'nic1', 'type', 'veth', 'peer', 'name', 'nic1p');
  t.after(() => { spawnSync('ip', ['link', 'del', 'nic0']); spawnSync('ip', ['link', 'del', 'nic1']); });
  ip('addr', 'add', '10.70.0.5/24', 'dev', 'nic0');
  for (const l of ['nic0', 'nic0p', 'nic1', 'nic1p']) ip('link', 'set', l, 'up');
  ip('route', 'add', 'default', 'dev', 'nic1');
  t.after(() => nsnet('down', '--lab', 'hn'));

  const withAddr = lab('{ type: bridge, bridge: br0, interface: nic0 }');
  let r = nsnet('up', withAddr);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /hn\.yaml:9:\d+: uplinks\[0\]\.interface: host NIC nic0 carries address 10\.70\.0\.5\/24: as a port of bridge br0 it would stop carrying them .*; name a NIC the host does not use, or add force: true to the uplink/);
  assert.deepEqual(namespaces(), [], 'nothing was made');
  assert.doesNotMatch(ip('-o', 'link', 'show', 'nic0'), /master/);

  r = nsnet('up', lab('{ type: bridge, bridge: br0, interface: nic1 }'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /host NIC nic1 carries the host's default route:/);
  assert.match(ip('route', 'show', 'default'), /dev nic1/, 'the default route is untouched');

  const forced = lab('{ type: bridge, bridge: br0, interface: nic0, force: true }');
  ok('up', forced);
  assert.match(ip('-o', 'link', 'show', 'nic0'), /master br0/);
  assert.match(ok('up', forced), /nothing to do/, 'a NIC already joined is not judged again');
  ok('down', forced);
  assert.doesNotMatch(ip('-o', 'link', 'show', 'nic0'), /master/);
  assert.deepEqual(namespaces(), []);
});

test('a lab subnet over a host interface\'s subnet is warned about (plan and up), located in the file; up goes ahead', { skip }, (t) => {
  ip('link', 'add', 'nic2', 'type', 'veth', 'peer', 'name', 'nic2p');
  t.after(() => spawnSync('ip', ['link', 'del', 'nic2']));
  ip('addr', 'add', '10.72.0.5/16', 'dev', 'nic2');
  const file = topo('name: hn\nnodes:\n  blue: { interfaces: { eth0: { addresses: [10.72.3.2/24] } } }\n  red: { interfaces: { eth0: { addresses: [10.73.3.3/24] } } }\nlinks:\n  - [blue:eth0, red:eth0]\n');
  t.after(() => nsnet('down', '--lab', 'hn'));
  const warning = /hn\.yaml:3:\d+: nodes\.blue\.interfaces\.eth0\.addresses\[0\]: warning: subnet 10\.72\.3\.0\/24 of the lab overlaps 10\.72\.0\.5\/16 of host interface nic2/;
  const plan = nsnet('plan', file);
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.err, warning);
  assert.doesNotMatch(plan.err, /10\.73/, 'only the overlapping subnet');
  const up = nsnet('up', file);
  assert.equal(up.code, 0, up.err);
  assert.match(up.err, warning);
  assert.deepEqual(namespaces(), ['blue', 'red'], 'up went ahead');
  ok('down', file);
});
