// Uplinks against the kernel: a host NIC joined to the lab's bridge (a veth stands in for the
// physical NIC, its other end in an "upstream" namespace), and NAT out of the host's default
// route (nftables masquerade). Both leave the host as it was after down.
import { haveCommand, isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import { ip, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';
import { makeOutside } from '../helpers/outside.js';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = labSkip;
const natSkip = skip ?? (haveCommand('nft') ? undefined : 'nft is not installed (apt-get install nftables)');

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
/** What matters of a NIC's state (the qdisc, set when a device first goes up, does not). */
const nicState = (dev: string) => {
  const [l] = JSON.parse(ip('-j', 'link', 'show', dev)) as { flags: string[]; operstate: string; master?: string; mtu: number; address: string; ifindex: number }[];
  return { ifindex: l!.ifindex, flags: l!.flags, operstate: l!.operstate, master: l!.master ?? null, mtu: l!.mtu, address: l!.address };
};
function topo(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'nsnet-uplink-')), `${name}.yaml`);
  writeFileSync(f, text);
  return f;
}

test('bridge uplink: the NIC joins the lab bridge, a node reaches the network behind it; down gives the NIC back as it was', { skip }, (t) => {
  // The "physical network": a namespace behind a veth whose host end (nic0) stands in for the NIC.
  ip('netns', 'add', 'upstream');
  t.after(() => spawnSync('ip', ['netns', 'del', 'upstream']));
  ip('link', 'add', 'nic0', 'type', 'veth', 'peer', 'name', 'wire0', 'netns', 'upstream');
  ip('-n', 'upstream', 'addr', 'add', '10.40.0.254/24', 'dev', 'wire0');
  ip('-n', 'upstream', 'link', 'set', 'wire0', 'up');
  const nicBefore = nicState('nic0');
  assert.equal(nicBefore.flags.includes('UP'), false);

  const body = 'name: upl\nnodes:\n  blue: { interfaces: { eth0: { addresses: [10.40.0.2/24] } } }\nbridges:\n  br0: {}\nlinks:\n  - [blue:eth0, br0]\n';
  const file = topo('upl', `${body}uplinks:\n  - { type: bridge, bridge: br0, interface: nic0 }\n`);
  t.after(() => nsnet('down', '--lab', 'upl'));
  ok('up', file);
  assert.match(ip('-o', 'link', 'show', 'nic0'), /master br0 state UP/);
  assert.ok(ping('blue', '10.40.0.254'), 'blue reaches the upstream network through nic0');
  assert.match(ok('up', file), /nothing to do/);
  const st = JSON.parse(ok('status', file, '-j')) as { uplinks: { uplinks: Record<string, { bridge: string; wasUp: boolean }> } };
  assert.deepEqual(st.uplinks.uplinks, { nic0: { bridge: 'br0', wasUp: false } });

  // Taking the uplink out of the file: only the NIC is given back.
  const noUplink = topo('upl', body);
  const plan = JSON.parse(ok('plan', noUplink, '-j')) as { actions: { op: string }[] };
  assert.deepEqual(plan.actions.map((a) => a.op), ['detach-uplink']);
  ok('up', noUplink);
  assert.deepEqual(nicState('nic0'), nicBefore, 'nic0 is as it was before');
  ok('up', file);

  ok('down', file);
  assert.deepEqual(nicState('nic0'), nicBefore, 'nic0 is as it was before up: no master, down');
  assert.deepEqual(namespaces(), ['upstream'], 'only the upstream namespace is left');
  assert.match(ip('-n', 'upstream', '-o', 'addr', 'show', 'dev', 'wire0'), /10\.40\.0\.254\/24/);

  // A NIC that is a port of a bridge nsnet does not own is refused, and left there.
  ip('link', 'add', 'other0', 'type', 'bridge');
  ip('link', 'set', 'nic0', 'master', 'other0');
  const r = nsnet('up', file);
  assert.equal(r.code, 1);
  assert.match(r.err, /upl\.yaml:\d+:\d+: uplinks\[0\]: host NIC nic0 is a port of other0, which lab upl does not own; take it out of there \(nsnet link set nic0 nomaster\) or name another NIC$/m);
  assert.match(ip('-o', 'link', 'show', 'nic0'), /master other0/);
  assert.deepEqual(namespaces(), ['upstream']);
  ip('link', 'del', 'other0');
});

test('NAT uplink: a node reaches an address behind the host\'s default route, masqueraded; down restores forwarding and removes the table', { skip: natSkip }, (t) => {
  // The outside: namespace wan behind the host's default route; it has no route back to the lab.
  const seen = makeOutside(t, { ns: 'wan', hostEnd: 'wan0', peerEnd: 'wan1', hostAddr: '192.0.2.1/24', peerAddr: '192.0.2.254/24', loAddrs: ['198.51.100.1/32'], count: ['192.0.2.1', '10.50.0.0/24'] });
  ip('route', 'add', 'default', 'via', '192.0.2.254');
  const fwdBefore = sh('sysctl', '-n', 'net.ipv4.ip_forward').trim();
  assert.equal(fwdBefore, '0');

  const file = topo('natl', [
    'name: natl',
    'nodes:',
    '  blue:',
    '    interfaces: { eth0: { addresses: [10.50.0.2/24] } }',
    '    routes: [{ to: default, via: 10.50.0.1 }]',
    'bridges:',
    '  br0: { addresses: [10.50.0.1/24] }',
    'links:',
    '  - [blue:eth0, br0]',
    'uplinks:',
    '  - { type: nat, bridge: br0 }',
    '',
  ].join('\n'));
  t.after(() => nsnet('down', '--lab', 'natl'));
  ok('up', file);
  assert.equal(sh('sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1');
  assert.match(sh('nft', 'list', 'table', 'ip', 'nsnet-natl'), /masquerade/);
  assert.ok(ping('blue', '198.51.100.1'), 'blue reaches 198.51.100.1 through the host');
  assert.ok(seen().get('192.0.2.1')! > 0, 'wan saw the host\'s address');
  assert.equal(seen().get('10.50.0.0/24'), 0, 'wan never saw the lab\'s address');
  assert.match(ok('up', file), /nothing to do/);

  ok('down', file);
  assert.equal(sh('sysctl', '-n', 'net.ipv4.ip_forward').trim(), '0', 'forwarding is back to what it was');
  assert.notEqual(spawnSync('nft', ['list', 'table', 'ip', 'nsnet-natl']).status, 0, 'the NAT table is gone');
  assert.deepEqual(namespaces(), ['wan']);
  assert.match(ip('route', 'show', 'default'), /via 192\.0\.2\.254/, 'the host\'s own route is untouched');
});

test('vxlan and macvlan links: made on the host\'s NIC, moved into nodes or joined to a host bridge; down leaves the NIC as it was', { skip }, (t) => {
  ip('link', 'add', 'par0', 'type', 'veth', 'peer', 'name', 'par1');
  t.after(() => spawnSync('ip', ['link', 'del', 'par0']));
  ip('addr', 'add', '192.0.2.1/24', 'dev', 'par0');
  ip('link', 'set', 'par0', 'up');
  ip('link', 'set', 'par1', 'up');
  const parBefore = nicState('par0');
  const file = topo('kinds', [
    'name: kinds',
    'nodes:',
    '  a: { interfaces: { eth0: { addresses: [10.60.0.2/24] }, mv0: { addresses: [10.61.0.2/24] } } }',
    '  b: { interfaces: { vx1: { addresses: [10.62.0.2/24] } } }',
    'bridges:',
    '  br0: { addresses: [10.60.0.1/24] }',
    'links:',
    '  - [a:eth0, br0]',
    '  - { type: vxlan, endpoint: br0:vx42, id: 42, remote: 192.0.2.2, local: 192.0.2.1, dev: par0, port: 4789 }',
    '  - { type: macvlan, endpoint: a:mv0, parent: par0, mode: bridge }',
    '  - { type: vxlan, endpoint: b:vx1, id: 43, remote: 192.0.2.3, port: 4789 }',
    '',
  ].join('\n'));
  t.after(() => nsnet('down', '--lab', 'kinds'));
  ok('up', file);
  const vx = JSON.parse(ip('-j', '-d', 'link', 'show', 'vx42')) as { master?: string; ifalias?: string; linkinfo: { info_kind: string; info_data: { id: number; remote: string; local: string; link: string; port: number } } }[];
  assert.equal(vx[0]!.master, 'br0');
  assert.equal(vx[0]!.ifalias, 'nsnet:kinds');
  assert.deepEqual([vx[0]!.linkinfo.info_kind, vx[0]!.linkinfo.info_data.id, vx[0]!.linkinfo.info_data.remote, vx[0]!.linkinfo.info_data.local, vx[0]!.linkinfo.info_data.port], ['vxlan', 42, '192.0.2.2', '192.0.2.1', 4789]);
  assert.match(ip('-n', 'a', '-d', 'link', 'show', 'mv0'), /macvlan mode bridge/);
  assert.match(ip('-n', 'a', 'addr', 'show', 'mv0'), /10\.61\.0\.2\/24/);
  assert.match(ip('-n', 'b', '-d', 'link', 'show', 'vx1'), /vxlan id 43 remote 192\.0\.2\.3/);
  assert.match(ok('up', file), /nothing to do/);
  // A changed VNI means a new device: only that one is made again.
  const edited = topo('kinds', readFileSync(file, 'utf8').replace('id: 43', 'id: 44'));
  const plan = JSON.parse(ok('plan', edited, '-j')) as { actions: { op: string; target: string }[] };
  assert.deepEqual(plan.actions.map((a) => `${a.op} ${a.target}`), ['delete-link link vx1 in b', 'create-vxlan vxlan b:vx1 (VNI 44)', 'add-address address 10.62.0.2/24 on vx1 in b']);
  ok('down', file);
  assert.deepEqual(namespaces(), []);
  assert.doesNotMatch(ip('-o', 'link'), /vx42|br0/);
  assert.deepEqual(nicState('par0'), parBefore, 'the parent NIC is as it was');
});
