// examples/seed-ovs.yaml, built by the CLI on nsnet's own Open vSwitch: same-VLAN pings pass,
// cross-VLAN pings fail, a TCP transfer crosses the bridge, the trunk carries 802.1Q tags 10
// and 20; the daemons dying mid-lab are restarted; a foreign bridge, a port on another bridge
// and a missing Open vSwitch are each refused in one line with nothing made; down removes all.
import { isolate, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, daemonPid, ovsStateDir, stopPid } from '../../src/api/ovs/index.js';
import { examples, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';
import { tcpdumpDuring } from '../helpers/tcpdump.js';

const skip = labSkip ?? (haveCommand('ovs-vsctl') && existsSync('/usr/sbin/ovs-vswitchd') ? undefined : 'Open vSwitch (openvswitch-switch) is not installed');
const file = join(examples, 'seed-ovs.yaml');
const vsctl = (...args: string[]): string => execFileSync('ovs-vsctl', [`--db=unix:${ovsStateDir()}/db.sock`, ...args]).toString().trim();
const tmp = mkdtempSync(join(tmpdir(), 'nsnet-ovs-'));
const labFile = (name: string, text: string): string => {
  const p = join(tmp, `${name}.yaml`);
  writeFileSync(p, text);
  return p;
};
const pingUntil = (ns: string, addr: string): boolean => {
  for (let i = 0; i < 20; i++) if (ping(ns, addr)) return true;
  return false;
};

after(async () => {
  nsnet('down', file);
  for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
    const pid = daemonPid(d);
    if (pid) await stopPid(pid);
  }
});

test('seed-ovs: VLANs isolate, TCP crosses the bridge, the trunk carries tags 10 and 20', { skip }, async () => {
  ok('up', file);
  assert.deepEqual(namespaces(), ['blue', 'green', 'lan10', 'lan20', 'red']);
  assert.equal(vsctl('get', 'port', 'blue-eth0', 'tag'), '10');
  assert.equal(vsctl('get', 'port', 'trunk-sw1', 'trunks'), '[10, 20]');
  assert.equal(vsctl('get', 'bridge', 'sw1', 'external_ids:nsnet-lab'), 'seed-ovs');
  assert.ok(pingUntil('blue', '10.1.1.11'), 'blue -> red, same VLAN');
  assert.ok(pingUntil('blue', '10.1.1.100'), 'blue -> lan10 across the trunk');
  assert.ok(pingUntil('green', '10.1.1.200'), 'green -> lan20 across the trunk');
  assert.ok(!ping('blue', '10.1.1.20'), 'blue -> green: VLAN 10 to VLAN 20');
  assert.ok(!ping('green', '10.1.1.100'), 'green -> lan10: VLAN 20 to VLAN 10');
  // A TCP transfer (iperf3, 2 MB) through the bridge: it needs the checksum offload nsnet turned off.
  const tcpSkip = haveCommand('iperf3') ? undefined : 'iperf3 missing';
  if (!tcpSkip) {
    const server = spawn('ip', ['netns', 'exec', 'red', 'iperf3', '-s', '-1'], { stdio: 'ignore' });
    const done = new Promise((r) => server.once('exit', r));
    let r = spawnSync('true', { encoding: 'utf8' });
    for (let i = 0; i < 20; i++) {
      r = spawnSync('ip', ['netns', 'exec', 'blue', 'iperf3', '-c', '10.1.1.11', '-n', '2M'], { encoding: 'utf8' });
      if (r.status === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(r.status, 0, `iperf3: ${r.stdout}${r.stderr}`);
    assert.match(String(r.stdout), /receiver/);
    await done;
  }
  // 802.1Q tags on the trunk, seen with tcpdump -e on its host end.
  const text = await tcpdumpDuring(['tcpdump', '-e', '-n', '-l', '-i', 'trunk-phys', '-c', '4', 'icmp or (vlan and icmp)'], () => {
    ping('blue', '10.1.1.100');
    ping('green', '10.1.1.200');
  });
  assert.match(text, /vlan 10\b/, text);
  assert.match(text, /vlan 20\b/, text);
});

test('status shows each OVS port with its VLANs; a tag changed behind nsnet and a foreign port are drift (exit 1); up repairs them', { skip }, () => {
  let r = nsnet('status', file);
  assert.equal(r.code, 0, r.err + r.out);
  assert.match(r.out, /OVS bridge sw1: up\n(\s+\S+\s+\S.*\n)*\s+blue-eth0\s+tag 10\n/, r.out);
  assert.match(r.out, /\s+trunk-sw1\s+trunks 10,20\n/, r.out);
  // Behind nsnet's back, with ovs-vsctl on the same database: a port's tag, a port nsnet did not make.
  vsctl('set', 'port', 'blue-eth0', 'tag=30');
  execFileSync('ip', ['link', 'add', 'stray0', 'type', 'veth', 'peer', 'name', 'stray1']);
  vsctl('add-port', 'phys', 'stray0', 'tag=10');
  r = nsnet('status', file);
  assert.equal(r.code, 1, 'drift: exit 1');
  assert.match(r.out, /\s+blue-eth0\s+tag 30\s+\(drift: file: tag 10\)/, r.out);
  assert.match(r.out, /\s+stray0\s+tag 10\s+\(not made by this lab\)/, r.out);
  assert.match(r.err, /lab seed-ovs has drifted from its file/);
  r = nsnet('status', file, '-j');
  assert.equal(r.code, 1);
  const st = JSON.parse(r.out) as { ovs: { name: string; state: string; ports: { name: string; state: string; tag?: number; want?: { tag?: number } }[] }[] };
  const port = (b: string, p: string) => st.ovs.find((x) => x.name === b)!.ports.find((x) => x.name === p);
  assert.deepEqual(port('sw1', 'blue-eth0'), { name: 'blue-eth0', state: 'vlan', tag: 30, want: { tag: 10 } });
  assert.deepEqual(port('phys', 'stray0'), { name: 'stray0', state: 'foreign', tag: 10 });
  assert.equal(port('sw1', 'red-eth0')?.state, 'ok');
  ok('up', file);
  assert.equal(vsctl('get', 'port', 'blue-eth0', 'tag'), '10', 'up put the tag back');
  assert.doesNotMatch(vsctl('list-ports', 'phys'), /stray0/, 'and the foreign port left the lab\'s bridge');
  const plan = JSON.parse(ok('plan', file, '-j')) as { actions: unknown[]; refusals: unknown[] };
  assert.deepEqual([plan.actions, plan.refusals], [[], []], 'then the plan is empty');
  assert.equal(nsnet('status', file).code, 0);
  assert.ok(pingUntil('blue', '10.1.1.11'), 'and VLAN 10 works again');
  execFileSync('ip', ['link', 'del', 'stray0']);
});

test('daemons dying mid-lab: up notices, restarts them, and the lab works again', { skip }, async () => {
  const old = daemonPid('ovs-vswitchd');
  assert.ok(old, 'the lab of the first test is up');
  process.kill(old, 'SIGKILL');
  for (let i = 0; i < 100 && alive(old); i++) await new Promise((r) => setTimeout(r, 10));
  ok('up', file);
  assert.notEqual(daemonPid('ovs-vswitchd'), undefined);
  assert.ok(pingUntil('blue', '10.1.1.11'), 'traffic flows again');
  const db = daemonPid('ovsdb-server')!;
  process.kill(db, 'SIGKILL');
  for (let i = 0; i < 100 && alive(db); i++) await new Promise((r) => setTimeout(r, 10));
  ok('up', file);
  assert.ok(pingUntil('blue', '10.1.1.100'), 'and again after ovsdb-server died');
});

test('a bridge of the same name made by another lab or by hand, a port on a foreign bridge: one line, nothing made', { skip }, () => {
  const other = labFile('other', 'name: other\nnodes: { o1: {} }\nbridges: { sw1: { type: ovs } }\nlinks: [{ endpoints: [o1:eth0, sw1], vlan: 10 }]\n');
  let r = nsnet('up', other);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /OVS bridge sw1 exists and was made by lab seed-ovs; rename the bridge in the file or remove the other one/);
  assert.ok(!namespaces().includes('o1'), 'nothing made');

  vsctl('add-br', 'handmade', '--', 'set', 'bridge', 'handmade', 'datapath_type=netdev');
  const hand = labFile('hand', 'name: hand\nnodes: { h1: {} }\nbridges: { handmade: { type: ovs } }\nlinks: [[h1:eth0, handmade]]\n');
  r = nsnet('up', hand);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /OVS bridge handmade exists and was made by something other than nsnet/);
  assert.ok(!namespaces().includes('h1'));

  vsctl('--no-wait', 'add-port', 'handmade', 'p1-eth0');
  const port = labFile('port', 'name: port\nnodes: { p1: {} }\nbridges: { swp: { type: ovs } }\nlinks: [[p1:eth0, swp]]\n');
  r = nsnet('up', port);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /p1-eth0 is already a port of OVS bridge handmade, which lab port does not own/);
  assert.ok(!namespaces().includes('p1'));
  assert.equal(vsctl('list-br'), 'handmade\nphys\nsw1', 'no bridge swp half-made');
  vsctl('del-br', 'handmade');
});

test('down, with both daemons dead, removes every bridge (and its device) and namespace of the lab and stops the daemons it started', { skip }, async () => {
  // Both daemons die while the lab is up: down restarts them to remove the lab's bridges.
  for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
    const pid = daemonPid(d)!;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(spawnSync('ip', ['link', 'show', 'sw1']).status, 0, 'the bridge device (a persistent tap) outlives the killed ovs-vswitchd');
  // OVS bridges are counted as what they are, not as host links (the trunk veth is the one host link).
  assert.match(ok('down', file), /^lab seed-ovs is down: removed 5 namespaces, 1 host link and 2 OVS bridges in /m);
  assert.deepEqual(namespaces(), []);
  assert.equal(daemonPid('ovsdb-server'), undefined, 'daemons stopped with the last OVS lab');
  assert.equal(daemonPid('ovs-vswitchd'), undefined);
  for (const dev of ['trunk-sw1', 'sw1', 'phys']) assert.equal(spawnSync('ip', ['link', 'show', dev]).status, 1, `${dev} gone`);
});

test('Open vSwitch not installed: up refuses in one line naming the Debian package, nothing made', { skip }, () => {
  const r = spawnSync(process.execPath, [join(examples, '..', 'bin', 'nsnet.js'), 'up', file], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Open vSwitch is not installed: ovsdb-server is not on PATH; install the Debian package openvswitch-switch/);
  assert.deepEqual(namespaces(), []);
  assert.equal(daemonPid('ovsdb-server'), undefined);
});
