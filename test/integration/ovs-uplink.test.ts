// An OVS uplink trunking the lab's VLANs onto a NIC: `{ type: bridge, bridge: sw1, interface:
// eth1, trunks: [10, 20] }` onto a stand-in NIC (a veth made in the sandbox, its peer in a
// namespace playing the physical switch). Frames leave it tagged 10 and 20 (tcpdump on the
// switch side); on down the NIC goes back to its admin state and MTU before, and is no port of
// any bridge. A NIC that is a port of a Linux bridge is refused in one line, nothing made.
import { isolate, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonPid, ovsStateDir, stopPid } from '../../src/api/ovs/index.js';
import { ip, ipj, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';
import { tcpdumpDuring } from '../helpers/tcpdump.js';

const skip = labSkip ?? (haveCommand('ovs-vsctl') && existsSync('/usr/sbin/ovs-vswitchd') ? (haveCommand('tcpdump') ? undefined : 'tcpdump is not installed')
  : 'Open vSwitch (openvswitch-switch) is not installed');
const vsctl = (...args: string[]): string => execFileSync('ovs-vsctl', [`--db=unix:${ovsStateDir()}/db.sock`, ...args]).toString().trim();
const dir = mkdtempSync(join(tmpdir(), 'nsnet-ovs-uplink-'));
const file = join(dir, 'ovsup.yaml');
writeFileSync(file, `name: ovsup
nodes:
  a: { interfaces: { eth0: { addresses: [10.7.0.1/24] } } }
  b: { interfaces: { eth0: { addresses: [10.7.1.1/24] } } }
bridges:
  sw1: { type: ovs }
links:
  - { endpoints: [a:eth0, sw1], vlan: 10 }
  - { endpoints: [b:eth0, sw1], vlan: 20 }
uplinks:
  - { type: bridge, bridge: sw1, interface: eth1, trunks: [10, 20] }
`);
const nic = () => ipj<{ mtu: number; flags: string[]; master?: string }[]>('link', 'show', 'eth1')[0]!;

after(async () => {
  nsnet('down', file);
  for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
    const pid = daemonPid(d);
    if (pid) await stopPid(pid);
  }
});

/** The stand-in physical network: NIC eth1 in the sandbox's root namespace, its peer sweth in namespace physw. */
function standIn(up: boolean, mtu: number): void {
  if (!namespaces().includes('physw')) {
    ip('netns', 'add', 'physw');
    ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'sweth', 'netns', 'physw');
    ip('-n', 'physw', 'link', 'set', 'sweth', 'up');
  }
  ip('link', 'set', 'eth1', 'mtu', String(mtu), up ? 'up' : 'down');
}

/** tcpdump -e on the switch side while `traffic` runs; what it printed. */
function capture(traffic: () => void): Promise<string> {
  return tcpdumpDuring(['ip', 'netns', 'exec', 'physw', 'tcpdump', '-e', '-n', '-l', '-i', 'sweth', '-c', '6', 'vlan'], traffic);
}

for (const before of [{ up: false, mtu: 1400 }, { up: true, mtu: 1500 }]) {
  test(`trunk uplink onto a NIC (${before.up ? 'up' : 'down'}, mtu ${before.mtu} before): frames leave tagged 10 and 20; down gives it back as it was`, { skip }, async () => {
    standIn(before.up, before.mtu);
    ok('up', file);
    assert.equal(vsctl('get', 'port', 'eth1', 'trunks'), '[10, 20]');
    assert.equal(vsctl('get', 'port', 'eth1', 'external_ids:nsnet-lab'), 'ovsup');
    assert.ok(nic().flags.includes('UP'), 'the uplink NIC is up while the lab is');
    assert.match(ok('status', file), /\s+eth1\s+trunks 10,20\n/);
    // ARP for addresses nobody has floods out of the trunk, one frame per VLAN.
    const text = await capture(() => {
      ping('a', '10.7.0.99');
      ping('b', '10.7.1.99');
    });
    assert.match(text, /vlan 10\b.*10\.7\.0\.99/, text);
    assert.match(text, /vlan 20\b.*10\.7\.1\.99/, text);
    assert.doesNotMatch(text, /vlan (?!10\b|20\b)\d+/, 'no other tag');
    // Something changes the NIC's MTU while the lab is up: down puts back the one before the lab.
    ip('link', 'set', 'eth1', 'mtu', '1300');
    const r = ok('down', file);
    assert.match(r, new RegExp(`restored eth1 left sw1${before.up ? '' : ' and is down again'} with mtu ${before.mtu} again`), r);
    const after = nic();
    assert.equal(after.flags.includes('UP'), before.up, `admin state back to ${before.up ? 'up' : 'down'}`);
    assert.equal(after.mtu, before.mtu, 'MTU back to what it was');
    assert.equal(after.master, undefined);
    assert.ok(!namespaces().some((n) => n === 'a' || n === 'b'));
    assert.equal(daemonPid('ovsdb-server'), undefined, 'no OVS lab left: the daemons stopped');
  });
}

test('a NIC that is a port of a Linux bridge: one line, nothing made', { skip }, () => {
  standIn(false, 1500);
  ip('link', 'add', 'hostbr', 'type', 'bridge');
  ip('link', 'set', 'eth1', 'master', 'hostbr');
  try {
    const r = nsnet('up', file);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /host NIC eth1 is a port of hostbr; take it out of there \(nsnet link set eth1 nomaster\) or name another NIC/);
    assert.ok(!namespaces().some((n) => n === 'a' || n === 'b'), 'nothing made');
    assert.equal(nic().master, 'hostbr', 'the NIC is left where it was');
  } finally {
    ip('link', 'del', 'hostbr');
  }
});
