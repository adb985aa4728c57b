// A NAT uplink whose subnets include one behind a router on the bridge: the host routes it via
// the router and masquerades it out of a stand-in NIC (a veth to an "outside" namespace that has
// no route back to the lab). down removes the host route and the NAT table.
import { haveCommand, isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import { ip, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';
import { makeOutside } from '../helpers/outside.js';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = labSkip ?? (haveCommand('nft') ? undefined : 'nft is not installed (apt-get install nftables)');
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

test('NAT uplink with a routed subnet: the host routes it via the router, masquerades it; down removes route and table', { skip }, (t) => {
  const seen = makeOutside(t, { ns: 'outside', hostEnd: 'wan0', peerEnd: 'wan1', hostAddr: '192.0.2.2/24', peerAddr: '192.0.2.1/24', count: ['192.0.2.2', '10.0.0.0/8'] });
  const file = join(mkdtempSync(join(tmpdir(), 'nsnet-natr-')), 'natr.yaml');
  writeFileSync(file, [
    'name: natr',
    'nodes:',
    '  r1:',
    '    interfaces: { eth0: { addresses: [10.0.1.2/24] }, eth1: { addresses: [10.0.2.1/24] } }',
    '    sysctls: { net.ipv4.ip_forward: 1 }',
    '    routes: [{ to: default, via: 10.0.1.1 }]',
    '  h1:',
    '    interfaces: { eth0: { addresses: [10.0.2.10/24] } }',
    '    routes: [{ to: default, via: 10.0.2.1 }]',
    'bridges:',
    '  br0: { addresses: [10.0.1.1/24] }',
    'links:',
    '  - [r1:eth0, br0]',
    '  - [r1:eth1, h1:eth0]',
    'uplinks:',
    '  - { type: nat, bridge: br0, out: wan0, subnets: [10.0.1.0/24, 10.0.2.0/24] }',
    '',
  ].join('\n'));
  t.after(() => nsnet('down', '--lab', 'natr'));
  ok('up', file);
  assert.match(ip('route', 'show', '10.0.2.0/24'), /10\.0\.2\.0\/24 via 10\.0\.1\.2 dev br0/);
  assert.match(sh('nft', 'list', 'table', 'ip', 'nsnet-natr'), /ip saddr { 10\.0\.1\.0-10\.0\.2\.255 } .*masquerade/, 'both subnets are masqueraded (nft merges them into one range)');
  assert.ok(ping('h1', '192.0.2.1'), 'h1 reaches the outside (which has no route back to 10.0.2.0/24)');
  assert.ok(seen().get('192.0.2.2')! > 0, 'outside saw the host\'s address');
  assert.equal(seen().get('10.0.0.0/8'), 0, 'outside never saw a lab address');
  assert.match(ok('up', file), /nothing to do/);

  ok('down', file);
  assert.equal(ip('route', 'show', '10.0.2.0/24').trim(), '', 'the host route is gone');
  assert.notEqual(spawnSync('nft', ['list', 'table', 'ip', 'nsnet-natr']).status, 0, 'the NAT table is gone');
  assert.deepEqual(namespaces(), ['outside']);
});

test('NAT uplink: a subnet behind no router on the bridge is refused at its entry', { skip }, () => {
  const file = join(mkdtempSync(join(tmpdir(), 'nsnet-natr-')), 'natx.yaml');
  writeFileSync(file, 'name: natx\nbridges:\n  br0: { addresses: [10.0.1.1/24] }\nuplinks:\n  - { type: nat, bridge: br0, subnets: [10.0.9.0/24] }\n');
  const r = nsnet('up', file);
  assert.equal(r.code, 1);
  assert.match(r.err, /natx\.yaml:5:\d+: .*subnet 10\.0\.9\.0\/24 is not a subnet of bridge 'br0' and no lab node on 'br0' has an interface in it/);
  assert.deepEqual(namespaces(), []);
});
