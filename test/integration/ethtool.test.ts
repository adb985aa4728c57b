// ethtool's netlink interface against the kernel, with `ethtool -k` as the witness: nsnet turns
// TX checksum offload off on a veth end (what an OVS userspace-datapath port's peer needs) and
// reads features as ethtool prints them; generic netlink family lookup says yes and no.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { hostNetns, netns, NsnetError, openNetns } from '../../src/index.js';
import { genlFamily, getFeatures, setFeatures, txChecksumOff } from '../../src/api/ethtool.js';

const skip = kernelSkip ?? (haveCommand('ethtool') ? undefined : 'ethtool (the witness) is not installed');

/** `ethtool -k` as name -> on, inside namespace `ns`. */
function ethtoolK(ns: string, dev: string): Map<string, boolean> {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-k', dev]).toString();
  const m = new Map<string, boolean>();
  for (const line of out.split('\n')) {
    const r = /^\s*([a-z0-9-]+): (on|off)/.exec(line);
    if (r) m.set(r[1]!, r[2] === 'on');
  }
  return m;
}

test('generic netlink families: ethtool exists, a made-up one does not', { skip }, () => {
  const e = genlFamily(hostNetns(), 'ethtool');
  assert.ok(e && e.id > 0x10 && e.name === 'ethtool');
  assert.equal(genlFamily(hostNetns(), 'nsnet_nosuch'), undefined);
});

test('tx checksum offload off on a veth end, in a namespace; ethtool -k agrees', { skip }, async () => {
  await netns.add('eth-a');
  const a = await openNetns('eth-a');
  try {
    await a.link.add({ kind: 'veth', name: 'va0', peer: { name: 'va1' } });
    const before = ethtoolK('eth-a', 'va0');
    assert.equal(before.get('tx-checksum-ip-generic'), true, 'a veth starts with TX checksum offload on');
    // Our reading of the features equals ethtool's, feature by feature.
    // (ethtool also prints legacy group names such as tx-checksumming; compare the kernel's.)
    const f = getFeatures(a, 'va0');
    const known = new Set([...f.hw.keys(), ...f.nochange.keys(), ...f.active.keys()]);
    let compared = 0;
    for (const [name, on] of before) {
      if (!known.has(name)) continue;
      assert.equal(f.active.get(name) ?? false, on, name);
      compared++;
    }
    assert.ok(compared >= 10, `compared ${compared} features`);

    const turnedOff = txChecksumOff(a, 'va0');
    assert.ok(turnedOff.includes('tx-checksum-ip-generic'), turnedOff.join());
    const after = ethtoolK('eth-a', 'va0');
    assert.equal(after.get('tx-checksumming'), false);
    for (const f of turnedOff) assert.equal(after.get(f), false, f);
    // The peer is untouched; a second call has nothing left to do.
    assert.equal(ethtoolK('eth-a', 'va1').get('tx-checksum-ip-generic'), true);
    assert.deepEqual(txChecksumOff(a, 'va0'), []);
    // And back on, by name.
    setFeatures(a, 'va0', { 'tx-checksum-ip-generic': true });
    assert.equal(ethtoolK('eth-a', 'va0').get('tx-checksum-ip-generic'), true);
  } finally {
    a.close();
    await netns.del('eth-a');
  }
});

test('a missing interface is a clear error naming it and the namespace', { skip }, async () => {
  await netns.add('eth-b');
  const b = await openNetns('eth-b');
  try {
    assert.throws(() => txChecksumOff(b, 'nosuch0'), (e: unknown) => e instanceof NsnetError && /nosuch0 in namespace eth-b/.test(e.message) && e.code === 'ENODEV');
  } finally {
    b.close();
    await netns.del('eth-b');
  }
});
