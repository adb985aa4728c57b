// kernel/ownproc.ts: during a burst (usingOwnProc, as apply runs one), a new namespace's IPv6
// sysctls go through a procfs instance of nsnet's own, made with fsopen and fsmount, one per 64
// namespaces. Random namespaces with random options, past two of those boundaries, each read
// back with ip netns exec (iproute2 the witness) against a namespace ip made; the host's own
// values untouched; the instance one descriptor while the burst lasts and none after it. The
// seed is printed; NSNET_SEED=N replays it.
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

const KEYS = ['all/disable_ipv6', 'default/disable_ipv6', 'all/accept_dad', 'default/accept_dad'];
const readNs = (ns: string): string[] => execFileSync('ip', ['netns', 'exec', ns, 'cat', ...KEYS.map((k) => `/proc/sys/net/ipv6/conf/${k}`)]).toString().trim().split('\n');
const readHost = (): string[] => KEYS.map((k) => readFileSync(`/proc/sys/net/ipv6/conf/${k}`, 'utf8').trim());
const fds = (): number => readdirSync('/proc/self/fd').length;

const seed = Number(process.env.NSNET_SEED ?? Date.now() % 1e9);
const mountApi = kernelSkip ?? (newMountApi() ? undefined : 'libc has no fsopen (glibc before 2.36): the writes go through /proc/sys, as the other tests show');

test(`new namespaces' sysctls through the own procfs instance: each as asked, the host untouched, one descriptor during the burst, none after (seed ${seed}, replay: NSNET_SEED=${seed})`, { skip: mountApi }, async () => {
  const r = prng(seed);
  execFileSync('ip', ['netns', 'add', 'op-ref']);
  const fresh = readNs('op-ref'); // what a namespace nobody changed holds
  const host = readHost();
  const n = 130 + Math.floor(r() * 40); // past the 64th and the 128th namespace
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
    });
    const after = fds();
    for (const o of made) {
      const want = [...fresh];
      if (o.disableIpv6) want[0] = want[1] = '1';
      if (o.noDad) want[2] = want[3] = '0';
      assert.deepEqual(readNs(o.name), want, `seed ${seed}: ${o.name} (disableIpv6 ${o.disableIpv6}, noDad ${o.noDad})`);
    }
    assert.ok(made.some((o) => o.disableIpv6 || o.noDad), `seed ${seed}: no namespace asked for a write`);
    assert.deepEqual(readHost(), host, 'the host namespace\'s values changed');
    assert.equal(during, before + 1, `seed ${seed}: the own instance is one descriptor during the burst (past its 64th namespace too)`);
    assert.equal(after, before, 'no descriptor left after the burst');
    const { fd } = createNamed('op-outside2', { disableIpv6: true });
    closeSync(fd);
    assert.equal(fds(), before, 'a namespace made outside a burst holds a descriptor');
  } finally {
    deleteNamedEach([...made.map((o) => o.name), 'op-outside', 'op-outside2', 'op-ref']);
  }
});
