// kernel/ownproc.ts: during a burst (usingOwnProc, as apply and observe run one), a namespace's
// sysctls go through a procfs instance of nsnet's own, made with fsopen and fsmount, one per 64
// lookups. Random namespaces with random options, past several of those boundaries, and random
// ip_forward values set through the library's handles, each read back with ip netns exec
// (iproute2 the witness) against a namespace ip made; the host's own values untouched; the
// instance one descriptor while the burst lasts and none after it. The seed is printed;
// NSNET_SEED=N replays it.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, readdirSync, readFileSync } from 'node:fs';
import { createNamed, deleteNamedEach } from '../../src/kernel/netns.js';
import { newMountApi } from '../../src/kernel/native.js';
import { usingOwnProc } from '../../src/kernel/ownproc.js';
import { prng } from '../../src/wire/rtnl/testing.js';
import { openNetns } from '../../src/index.js';

const KEYS = ['all/disable_ipv6', 'default/disable_ipv6', 'all/accept_dad', 'default/accept_dad'];
const readNs = (ns: string): string[] => execFileSync('ip', ['netns', 'exec', ns, 'cat', ...KEYS.map((k) => `/proc/sys/net/ipv6/conf/${k}`)]).toString().trim().split('\n');
const readHost = (): string[] => KEYS.map((k) => readFileSync(`/proc/sys/net/ipv6/conf/${k}`, 'utf8').trim());
const fds = (): number => readdirSync('/proc/self/fd').length;

/** A missing key and a refused value, each one NsnetError naming the key and the namespace, the same either way. */
async function refusals(ns: string, where: string): Promise<void> {
  const h = await openNetns(ns);
  try {
    await assert.rejects(h.sysctl.get('net.ipv4.no_such_key'), (e: Error & { code?: string }) => e.code === 'ENOENT' && e.message === `sysctl net.ipv4.no_such_key in namespace ${ns}: no such key in this namespace`, `${where}: a missing key`);
    await assert.rejects(h.sysctl.set('net.ipv4.ip_default_ttl', '0'), (e: Error & { code?: string }) => e.code === 'EINVAL' && e.message === `sysctl net.ipv4.ip_default_ttl in namespace ${ns}: the kernel refused the value`, `${where}: a refused value`);
  } finally {
    h.close();
  }
}

const seed = Number(process.env.NSNET_SEED ?? Date.now() % 1e9);
const mountApi = kernelSkip ?? (newMountApi() ? undefined : 'libc has no fsopen (glibc before 2.36): the writes go through /proc/sys, as the other tests show');

test(`a namespace's sysctls through the own procfs instance (made with it, then set through handles): each as asked, the host untouched, one descriptor during the burst, none after (seed ${seed}, replay: NSNET_SEED=${seed})`, { skip: mountApi }, async () => {
  const r = prng(seed);
  execFileSync('ip', ['netns', 'add', 'op-ref']);
  const fresh = readNs('op-ref'); // what a namespace nobody changed holds
  const host = readHost();
  const hostForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const forward = new Map<string, string>();
  const n = 130 + Math.floor(r() * 40); // past several instances
  const made: { name: string; disableIpv6: boolean; noDad: boolean }[] = [];
  // Outside a burst, the writes go through /proc/sys and hold nothing (this first one also opens
  // the descriptor of the home namespace that createNamed keeps).
  const { fd: outside } = createNamed('op-outside', { disableIpv6: true, noDad: true });
  closeSync(outside);
  assert.deepEqual(readNs('op-outside'), ['1', '1', '0', '0']);
  const before = fds();
  let during = -1;
  try {
    await usingOwnProc(async () => {
      for (let i = 0; i < n; i++) {
        const o = { name: `op-${i}`, disableIpv6: r() < 0.5, noDad: r() < 0.5 };
        const { fd } = createNamed(o.name, { disableIpv6: o.disableIpv6, noDad: o.noDad });
        closeSync(fd);
        made.push(o);
        if (i === 100) during = fds();
      }
      // The library's sysctls of a namespace, inside the burst: set through a handle, read back
      // through it and by iproute2 below (ip_forward: a key no namespace above was given).
      for (const o of made) {
        if (r() < 0.3) continue;
        const h = await openNetns(o.name);
        try {
          const v = r() < 0.5 ? '1' : '0';
          await h.sysctl.set('net.ipv4.ip_forward', v);
          assert.equal(await h.sysctl.get('net.ipv4.ip_forward'), v);
          forward.set(o.name, v);
        } finally {
          h.close();
        }
      }
      await refusals(made[0]!.name, 'inside a burst');
    });
    const after = fds();
    for (const o of made) {
      const want = [...fresh];
      if (o.disableIpv6) want[0] = want[1] = '1';
      if (o.noDad) want[2] = want[3] = '0';
      assert.deepEqual(readNs(o.name), want, `seed ${seed}: ${o.name} (disableIpv6 ${o.disableIpv6}, noDad ${o.noDad})`);
      const fwd = execFileSync('ip', ['netns', 'exec', o.name, 'cat', '/proc/sys/net/ipv4/ip_forward']).toString().trim();
      if (forward.has(o.name)) assert.equal(fwd, forward.get(o.name), `seed ${seed}: ip_forward of ${o.name}`);
    }
    assert.ok(made.some((o) => o.disableIpv6 || o.noDad), `seed ${seed}: no namespace asked for a write`);
    assert.deepEqual(readHost(), host, 'the host namespace\'s values changed');
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), hostForward, 'the host\'s ip_forward changed');
    assert.ok(forward.size > 0, `seed ${seed}: no handle set a sysctl`);
    assert.equal(during, before + 1, `seed ${seed}: the own instance is one descriptor during the burst (past its 64th namespace too)`);
    assert.equal(after, before, 'no descriptor left after the burst');
    const { fd } = createNamed('op-outside2', { disableIpv6: true });
    closeSync(fd);
    assert.equal(fds(), before, 'a namespace made outside a burst holds a descriptor');
    await refusals('op-outside2', 'outside a burst');
  } finally {
    deleteNamedEach([...made.map((o) => o.name), 'op-outside', 'op-outside2', 'op-ref']);
  }
});
