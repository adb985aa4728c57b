import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../wire/rtnl/testing.js';
import { CatchUp, objectKey } from './monitor-catchup.js';
import type { MonitorEvent } from './monitor.js';
import type { LinkInfo } from './types.js';

const NS = 4026532999;
const link = (index: number, action: 'new' | 'del', up: boolean): MonitorEvent => ({
  netns: 'n1', inode: NS, type: 'link', action,
  link: { ifindex: index, ifname: `eth${index}`, flags: up ? ['BROADCAST', 'UP'] : ['BROADCAST'], mtu: 1500 } as LinkInfo,
});

test('objectKey: new and del of one object share a key; different objects do not', () => {
  assert.equal(objectKey(link(3, 'new', true)), objectKey(link(3, 'del', false)));
  assert.notEqual(objectKey(link(3, 'new', true)), objectKey(link(4, 'new', true)));
  const route = (dev: string): MonitorEvent => ({ netns: 'n1', type: 'route', action: 'new', route: { dst: 'fe80::/64', dev, table: 'main', metric: 256, protocol: 'kernel', scope: 'link', type: 'unicast', flags: [], family: 'inet6' } });
  assert.notEqual(objectKey(route('eth0')), objectKey(route('eth1')), 'one link-local route per device');
  assert.equal(objectKey({ netns: 'n1', type: 'netns', action: 'new' }), undefined);
});

test('a namespace with no dump is never held back', () => {
  const c = new CatchUp();
  c.startBatch();
  assert.equal(c.stale(NS), false);
  assert.equal(c.copy(NS, link(1, 'new', true)), false);
});

test('notifications read before the dump are stale, copies after it are dropped once, news pass, a drained read ends it', () => {
  const c = new CatchUp();
  c.startBatch(); // batch 1: the namespace is found while it is handled
  c.dumped(NS, [link(1, 'new', true), link(2, 'new', false)]);
  assert.equal(c.stale(NS), true, 'the rest of batch 1 was read before the dump');
  c.endBatch(true);
  assert.equal(c.open, 1, 'a drained read before the dump does not end it');
  c.startBatch(); // batch 2, read after the dump
  assert.equal(c.stale(NS), false);
  assert.equal(c.copy(NS, link(1, 'new', true)), true, 'the same state as the dump: a copy');
  assert.equal(c.copy(NS, link(1, 'new', true)), false, 'a second one is news');
  assert.equal(c.copy(NS, link(2, 'new', true)), false, 'a different state is news');
  assert.equal(c.copy(NS, link(2, 'new', false)), false, 'and that object passes from then on');
  c.endBatch(false);
  assert.equal(c.open, 1, 'not drained: still open');
  c.startBatch();
  c.endBatch(true);
  assert.equal(c.open, 0);
  c.dumped(NS, [link(1, 'new', true)]);
  c.forget(NS);
  assert.equal(c.open, 0);
});

/**
 * The property: a namespace changes (links appear, go up and down, vanish) from before its nsid
 * exists; the listener hears only what follows the nsid, reads in batches of random size at
 * random times, and the namespace is dumped at a random moment after its nsid (between reads,
 * or while a batch is handled). Whoever applies the monitor's events ends with the kernel's
 * state and never gets an event that repeats the one before it for the same object (but for the
 * kernel's own repeats); nothing read before the dump is emitted after it, nothing read after
 * the socket was once emptied after the dump is held back.
 */
test('property: what the monitor emits around a dump ends in the kernel\'s state, without repeats', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1e9);
  console.log(`# seed ${seed}`);
  const rand = prng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  for (let run = 0; run < 3000; run++) {
    const n = 1 + pick(30);
    const truth = new Map<number, boolean>();
    const changes: MonitorEvent[] = [];
    const again = new Set<number>();
    for (let t = 0; t < n; t++) {
      const k = 1 + pick(4);
      if (!truth.has(k)) truth.set(k, rand() < 0.5);
      else if (rand() < 0.3) truth.delete(k);
      else if (rand() < 0.8) truth.set(k, !truth.get(k));
      else again.add(t); // the kernel tells a link's unchanged state again (as it does, e.g. on a carrier check)
      changes.push(truth.has(k) ? link(k, 'new', truth.get(k)!) : link(k, 'del', false));
    }
    const stateAt = (t: number) => { // after the first t changes
      const s = new Map<number, boolean>();
      for (const e of changes.slice(0, t)) if (e.type === 'link') (e.action === 'new' ? s.set(e.link.ifindex, e.link.flags.includes('UP')) : s.delete(e.link.ifindex));
      return s;
    };
    const nsidAt = pick(n + 1); // changes before it are never heard
    const dumpAt = nsidAt + pick(n - nsidAt + 1);
    const inside = rand() < 0.5;
    const batchMax = 1 + pick(5);
    const c = new CatchUp();
    const seen = new Map<number, boolean>();
    const last = new Map<string, string>();
    const trace: string[] = [];
    const apply = (e: MonitorEvent, how: string, told = false) => {
      if (e.type !== 'link') return;
      const key = objectKey(e)!;
      const text = JSON.stringify(e);
      trace.push(`${how} ${e.action} ${e.link.ifindex} ${e.link.flags.includes('UP') ? 'up' : 'down'}`);
      if (!told) assert.notEqual(last.get(key), text, `a repeat (seed ${seed}, run ${run}): ${trace.join(', ')}`);
      last.set(key, text);
      if (e.action === 'new') seen.set(e.link.ifindex, e.link.flags.includes('UP'));
      else seen.delete(e.link.ifindex);
    };
    let known = false;
    const dump = () => {
      if (known) return;
      known = true;
      const told = [...stateAt(dumpAt)].map(([k, up]) => link(k, 'new', up));
      c.dumped(NS, told);
      for (const e of told) apply(e, 'dump');
    };
    let read = nsidAt; // the next heard change not read yet
    let settled = false; // a read that began after the dump emptied the socket: nothing is held back after it
    /** One read of what happened up to change `upTo`; with `dumpInside`, the dump comes while it is handled. */
    const readBatch = (upTo: number, dumpInside: boolean) => {
      const got = changes.slice(read, Math.max(read, Math.min(upTo, read + batchMax)));
      read += got.length;
      const drained = read >= upTo;
      const beforeDump = !known;
      c.startBatch();
      const mustPass = settled;
      got.forEach((e, i) => {
        if (dumpInside && i === Math.floor(got.length / 2)) dump();
        const t = read - got.length + i;
        if (!known || c.stale(NS) || c.copy(NS, e)) {
          assert.ok(!mustPass, `seed ${seed}, run ${run}: change ${t}, read after the catch-up ended, was held back`);
          return;
        }
        assert.ok(!beforeDump, `seed ${seed}, run ${run}: an event read before the dump was emitted after it`);
        apply(e, 'event', again.has(t));
      });
      if (dumpInside && got.length === 0) dump();
      c.endBatch(drained);
      if (drained && known && !beforeDump && !dumpInside) settled = true;
    };
    for (let now = 0; now <= n + 40; now++) {
      // `now` changes have happened; a dump reads the state now, a read may lag behind.
      if (now === dumpAt && !known) {
        if (inside) readBatch(now - pick(3), true);
        else dump();
      }
      if (rand() < 0.5 || now > n) readBatch(Math.min(now, n), false);
    }
    assert.equal(read, n, 'everything was read');
    assert.deepEqual([...seen].sort(), [...truth].sort(), `seed ${seed}, run ${run}: nsid after ${nsidAt}, dump after ${dumpAt}${inside ? ' (inside a batch)' : ''}: ${trace.join(', ')}`);
  }
});
