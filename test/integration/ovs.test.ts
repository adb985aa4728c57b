// nsnet's own Open vSwitch: daemons started for the first lab and shared, stopped by PID with
// the last; OVSDB transactions through our client, ovs-vsctl as the independent witness;
// monitor updates; ping and TCP through a userspace-datapath bridge once TX checksum offload is
// off; a killed daemon restarted with its bridges; a missing install named clearly.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { downOvs, observeOvs } from '../../src/apply/ovs.js';
import { hostNetns, netns, NsnetError, openNetns } from '../../src/index.js';
import { txChecksumOff } from '../../src/api/ethtool.js';
import {
  acquireOvs, addPorts, alive, createBridge, daemonPid, deleteBridge, ensureRoot, observeSwitch, OvsdbClient, openOvs, ovsStateDir, ovsUsers, releaseOvs, setPortVlans, stopPid,
} from '../../src/api/ovs/index.js';

const skip = kernelSkip ?? (haveCommand('ovs-vsctl') && existsSync('/usr/sbin/ovs-vswitchd') ? undefined : 'Open vSwitch (openvswitch-switch) is not installed');
const vsctl = (...args: string[]): string => execFileSync('ovs-vsctl', [`--db=unix:${ovsStateDir()}/db.sock`, ...args]).toString().trim();
// Whatever a failed test left running is stopped by PID, never left behind the sandbox.
after(async () => {
  for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
    const pid = daemonPid(d);
    if (pid) await stopPid(pid);
  }
});
const ms = (t0: bigint): string => (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1);

test('labs coming up at once on a new database: each finds the one Open_vSwitch row, none fails its init', { skip }, async () => {
  // A new database: no daemons of an earlier test, no state.
  for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
    const pid = daemonPid(d);
    if (pid) await stopPid(pid);
  }
  rmSync(ovsStateDir(), { recursive: true, force: true });
  const acq = await acquireOvs('race', async () => false);
  // Eight clients at once: their selects all reach the server before any insert, so all find no row.
  const clients = await Promise.all(Array.from({ length: 8 }, () => OvsdbClient.connect(acq.dbSocket)));
  try {
    const results = await Promise.allSettled(clients.map((c) => ensureRoot(c)));
    assert.deepEqual(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])), []);
    assert.equal(vsctl('--columns=_uuid', '--bare', 'list', 'Open_vSwitch').split('\n').filter(Boolean).length, 1);
  } finally {
    for (const c of clients) c.close();
    await releaseOvs('race');
  }
});

test('daemons: started for the first lab, shared by the second, stopped by PID with the last', { skip }, async () => {
  const t0 = process.hrtime.bigint();
  const a = await openOvs('lab-a');
  console.log(`# ovs daemons started (ovsdb-tool create + ovsdb-server + ovs-vswitchd, connected) in ${ms(t0)} ms`);
  assert.equal(a.owner, 'nsnet');
  assert.equal(a.datapathType, 'netdev', 'this kernel has no ovs_datapath family');
  assert.deepEqual(a.started, ['ovsdb-server', 'ovs-vswitchd']);
  const pids = [daemonPid('ovsdb-server'), daemonPid('ovs-vswitchd')];
  assert.ok(pids.every((p) => typeof p === 'number'), String(pids));
  const b = await openOvs('lab-b');
  assert.deepEqual(b.started, [], 'the second lab shares the running daemons');
  assert.deepEqual(ovsUsers(), ['lab-a', 'lab-b']);
  assert.deepEqual(await a.client.listDbs(), ['Open_vSwitch', '_Server']);
  a.close();
  b.close();
  assert.equal(await releaseOvs('lab-a'), false);
  assert.ok(pids.every((p) => alive(p!)), 'still running for lab-b');
  assert.equal(await releaseOvs('lab-b'), true);
  assert.ok(pids.every((p) => !alive(p!)), 'stopped');
  assert.equal(daemonPid('ovsdb-server'), undefined);
});

test("a lab's first observation while the only other lab releases the daemons: never an error, running or not", { skip, timeout: 120_000 }, async () => {
  // The observer of a lab that holds no record connects to nsnet's daemons; the holder's release
  // may stop them under it (write EPIPE, seen once in npm test's OVS concurrency round). It must
  // then read what the release left: no daemons. The read starts 0 to 23 ms into the release, so
  // that some rounds meet the daemons while they stop.
  const spec = { name: 'first', bridges: [{ type: 'ovs' }] } as unknown as Parameters<typeof observeOvs>[1][number];
  const outcomes: string[] = [];
  for (let round = 0; round < 24; round++) {
    (await openOvs('holder')).close();
    const releasing = releaseOvs('holder');
    await new Promise((r) => setTimeout(r, round));
    const [seen] = await Promise.allSettled([observeOvs('first', [spec]), releasing]);
    outcomes.push(seen.status === 'fulfilled' ? `running=${seen.value?.running}` : `error: ${String(seen.reason)}`);
  }
  assert.deepEqual(outcomes.filter((o) => o.startsWith('error')), [], outcomes.join('; '));
  assert.equal(daemonPid('ovsdb-server'), undefined, 'the last release stopped them');
  console.log(`# ${outcomes.filter((o) => o === 'running=true').length} of 24 reads saw the daemons, the rest found them stopped`);
});

test('bridges and ports in one transaction; ovs-vsctl agrees; ownership is checked', { skip }, async () => {
  const s = await openOvs('lab-c');
  try {
    const host = hostNetns();
    for (const n of ['c1', 'c2', 'c3']) await host.link.add({ kind: 'veth', name: `${n}-o`, peer: { name: `${n}-i` } });
    await createBridge(s.client, 'lab-c', { name: 'swc', datapathType: s.datapathType, ports: [{ name: 'c1-o', tag: 10 }, { name: 'c2-o', trunks: [10, 20] }] });
    assert.equal(vsctl('list-br'), 'swc');
    assert.equal(vsctl('list-ports', 'swc'), 'c1-o\nc2-o');
    assert.equal(vsctl('get', 'port', 'c1-o', 'tag'), '10');
    assert.equal(vsctl('get', 'port', 'c2-o', 'trunks'), '[10, 20]');
    assert.equal(vsctl('get', 'bridge', 'swc', 'external_ids:nsnet-lab'), 'lab-c');
    assert.equal(vsctl('get', 'bridge', 'swc', 'datapath_type'), 'netdev');
    // The same port again, or a bridge of the same name: refused, nothing changed.
    await assert.rejects(createBridge(s.client, 'lab-c', { name: 'swd', datapathType: 'netdev', ports: [{ name: 'c1-o' }] }), /OVS port c1-o is already on a bridge/);
    await assert.rejects(createBridge(s.client, 'lab-c', { name: 'swc', datapathType: 'netdev', ports: [] }), /OVS bridge swc already exists/);
    assert.equal(vsctl('list-br'), 'swc');
    // Another lab may neither add to nor delete it.
    await assert.rejects(addPorts(s.client, 'lab-x', 'swc', [{ name: 'c3-o' }]), /swc is missing or not made by this lab/);
    await assert.rejects(deleteBridge(s.client, 'lab-x', 'swc'), (e: unknown) => e instanceof NsnetError && e.code === 'FOREIGN_OVS_BRIDGE' && /made by lab lab-c, not lab lab-x/.test(e.message));
    // A bridge made by someone else (ovs-vsctl) is foreign to every lab.
    vsctl('add-br', 'foreign0', '--', 'set', 'bridge', 'foreign0', 'datapath_type=netdev');
    await assert.rejects(deleteBridge(s.client, 'lab-c', 'foreign0'), /made by something other than nsnet/);
    // Observation: ports with VLANs, owner, no errors.
    await addPorts(s.client, 'lab-c', 'swc', [{ name: 'c3-o', tag: 20 }]);
    await setPortVlans(s.client, 'lab-c', { name: 'c1-o', tag: 30 });
    const seen = (await observeSwitch(s.client)).find((b) => b.name === 'swc')!;
    assert.equal(seen.lab, 'lab-c');
    assert.deepEqual(seen.ports.map(({ name, tag, trunks, lab }) => ({ name, tag, trunks, lab })), [
      { name: 'c1-o', tag: 30, trunks: undefined, lab: 'lab-c' },
      { name: 'c2-o', tag: undefined, trunks: [10, 20], lab: 'lab-c' },
      { name: 'c3-o', tag: 20, trunks: undefined, lab: 'lab-c' },
    ]);
    assert.equal(vsctl('get', 'port', 'c1-o', 'tag'), '30');
    assert.equal(await deleteBridge(s.client, 'lab-c', 'swc'), true);
    assert.equal(await deleteBridge(s.client, 'lab-c', 'swc'), false);
    assert.equal(vsctl('list-br'), 'foreign0');
    vsctl('del-br', 'foreign0');
  } finally {
    s.close();
    await releaseOvs('lab-c');
  }
});

test('monitor: the initial rows, then a bridge added and removed', { skip }, async () => {
  const s = await openOvs('lab-m');
  try {
    const seen: string[] = [];
    const mon = await s.client.monitor('Open_vSwitch', { Bridge: { columns: ['name'] } }, (ups) => {
      for (const u of ups) seen.push(`${u.new ? (u.old ? 'modify' : 'insert') : 'delete'} ${String((u.new ?? u.old)!.name)}`);
    });
    assert.deepEqual(mon.initial, []);
    await createBridge(s.client, 'lab-m', { name: 'swm', datapathType: 'netdev', ports: [] });
    await deleteBridge(s.client, 'lab-m', 'swm');
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, ['insert swm', 'delete swm']);
    await mon.cancel();
  } finally {
    s.close();
    await releaseOvs('lab-m');
  }
});

test('traffic through a userspace bridge: ping, and TCP once nsnet turned TX checksum offload off; VLANs isolate', { skip }, async () => {
  const s = await openOvs('lab-t');
  const names = ['t1', 't2', 't3'];
  try {
    const host = hostNetns();
    for (const [i, n] of names.entries()) {
      await netns.add(n);
      await host.link.add({ kind: 'veth', name: `${n}-o`, peer: { name: 'eth0', netns: n } });
      await host.link.set(`${n}-o`, { up: true });
      const h = await openNetns(n);
      await h.link.set('eth0', { up: true });
      await h.addr.add('eth0', `10.9.0.${i + 1}/24`);
      assert.ok(txChecksumOff(h, 'eth0').length > 0);
      h.close();
    }
    const t0 = process.hrtime.bigint();
    await createBridge(s.client, 'lab-t', { name: 'swt', datapathType: 'netdev', ports: [{ name: 't1-o', tag: 10 }, { name: 't2-o', tag: 10 }, { name: 't3-o', tag: 20 }] });
    console.log(`# one transaction: OVS bridge with 3 ports in ${ms(t0)} ms`);
    const ping = (from: string, to: string): number => spawnSync('ip', ['netns', 'exec', from, 'ping', '-c', '1', '-W', '1', to]).status ?? 1;
    let ok = 1;
    for (let i = 0; i < 20 && ok !== 0; i++) ok = ping('t1', '10.9.0.2'); // ofports come up asynchronously
    assert.equal(ok, 0, 'same VLAN: ping passes');
    assert.notEqual(ping('t1', '10.9.0.3'), 0, 'VLAN 10 to VLAN 20: ping fails');
    const t2 = await openNetns('t2');
    const server = t2.spawn([process.execPath, 'scripts/reach.mjs', 'serve', '5001']);
    const served = new Promise((res) => server.once('exit', res));
    const r = spawnSync('ip', ['netns', 'exec', 't1', process.execPath, 'scripts/reach.mjs', 'connect', '10.9.0.2', '5001']);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.match(r.stdout.toString(), /hello from/);
    await served;
    t2.close();
    await deleteBridge(s.client, 'lab-t', 'swt');
  } finally {
    s.close();
    for (const n of names) await netns.del(n).catch(() => {});
    await releaseOvs('lab-t');
  }
});

test('a killed daemon is noticed and restarted; its bridge comes back', { skip }, async () => {
  const s = await openOvs('lab-k');
  try {
    await createBridge(s.client, 'lab-k', { name: 'swk', datapathType: 'netdev', ports: [] });
    const old = daemonPid('ovs-vswitchd')!;
    process.kill(old, 'SIGKILL');
    for (let i = 0; i < 100 && alive(old); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(daemonPid('ovs-vswitchd'), undefined);
    const again = await openOvs('lab-k2');
    assert.deepEqual(again.started, ['ovs-vswitchd']);
    again.close();
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = spawnSync('ip', ['link', 'show', 'swk']).status === 0;
      if (!up) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(up, 'the bridge\'s internal device is back');
    await releaseOvs('lab-k2');
    await deleteBridge(s.client, 'lab-k', 'swk');
  } finally {
    s.close();
    await releaseOvs('lab-k');
  }
});

test('down: the bridge device goes with the bridge before the daemons stop; daemons no lab holds stop with the next down', { skip }, async () => {
  const s = await openOvs('lab-d');
  await createBridge(s.client, 'lab-d', { name: 'swdn', datapathType: s.datapathType, ports: [] });
  s.close();
  // createBridge waits for ovs-vswitchd to apply it (as ovs-vsctl does): the device is there now.
  assert.equal(spawnSync('ip', ['link', 'show', 'swdn']).status, 0, 'the bridge device exists once createBridge returns');
  const pids = [daemonPid('ovsdb-server')!, daemonPid('ovs-vswitchd')!];
  assert.deepEqual(await downOvs('lab-d'), ['OVS bridge swdn']);
  assert.ok(pids.every((p) => !alive(p)), 'the last lab went: daemons stopped');
  // On the userspace datapath the device is a persistent tap: a daemon stopped before it applied
  // the deletion would leave it behind.
  assert.equal(spawnSync('ip', ['link', 'show', 'swdn']).status, 1, 'no tap device left');
  // A down killed while stopping the daemons leaves them running with no lab holding them.
  (await openOvs('lab-e')).close();
  const orphans = [daemonPid('ovsdb-server')!, daemonPid('ovs-vswitchd')!];
  rmSync(`${ovsStateDir()}/users/lab-e`);
  assert.deepEqual(await downOvs('lab-f'), []);
  assert.ok(orphans.every((p) => !alive(p)), 'the next down (any lab) stops them');
});

test('Open vSwitch missing: one clear line naming the Debian package, nothing started', { skip }, async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(openOvs('lab-z'), (e: unknown) => e instanceof NsnetError && e.code === 'OVS_MISSING'
      && /Open vSwitch is not installed: ovsdb-server is not on PATH; install the Debian package openvswitch-switch/.test(e.message));
  } finally {
    process.env.PATH = path;
  }
  assert.equal(daemonPid('ovsdb-server'), undefined);
  await releaseOvs('lab-z');
  assert.deepEqual(ovsUsers(), []);
});
