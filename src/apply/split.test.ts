import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import { namespacesOf, orderOf, sortActions } from '../plan/kinds/index.js';
import { prng } from '../wire/rtnl/testing.js';
import { fromWire, takeBack, takeFront, toWire } from './crew-wire.js';
import { KernelError, NsnetError } from '../api/errors.js';
import { canSplit } from './kinds/index.js';
import { anySplit, layoutActions, MIN_SPLIT } from './split.js';

const base = { target: 't', reason: 'r' };

/** A plan-like list: N namespaces, a few bridges, star and point-to-point veths, addresses, routes, sysctls (some the host's). */
function randomActions(r: () => number): Action[] {
  const int = (n: number): number => Math.floor(r() * n);
  const n = 20 + int(200);
  const ns = (i: number): string => `p-h${i}`;
  const out: Action[] = [];
  for (let i = 0; i < n; i++) out.push({ ...base, op: 'create-netns', netns: ns(i), node: `h${i}`, ipv6: false } as Action);
  const bridges = 1 + int(3);
  for (let b = 0; b < bridges; b++) out.push({ ...base, op: 'create-bridge', name: `br${b}` } as Action);
  for (let i = 0; i < n; i++) {
    if (r() < 0.8) out.push({ ...base, op: 'create-veth', id: `l${i}`, a: { netns: ns(i), name: 'eth0' }, b: { name: `p-h${i}-eth0`, master: `br${int(bridges)}` } } as Action);
    if (r() < 0.15) out.push({ ...base, op: 'create-veth', id: `p${i}`, a: { netns: ns(i), name: 'p0' }, b: { netns: ns(int(n)), name: `q${i}` } } as Action);
    if (r() < 0.9) out.push({ ...base, op: 'add-address', netns: ns(i), dev: 'eth0', cidr: `10.0.${i >> 8}.${i & 255}/16` } as Action);
    if (r() < 0.3) out.push({ ...base, op: 'add-route', netns: ns(i), route: { to: 'default', via: '10.0.0.1', family: 4 } } as Action);
    if (r() < 0.4) out.push({ ...base, op: 'set-sysctl', netns: ns(i), key: 'net.ipv4.ip_forward', value: '1' } as Action);
  }
  if (r() < 0.5) out.push({ ...base, op: 'set-sysctl', key: 'net.ipv4.ip_forward', value: '1' } as Action);
  return sortActions(out);
}

const others = (a: Action): string[] => namespacesOf(a).filter((x) => x !== HOST);

test('layout: split groups are whole ranks of splittable kinds, shared in clusters on disjoint namespaces, each in plan order (property)', () => {
  const seed = Number(process.env.NSNET_SPLIT_SEED ?? Date.now() % 1e9);
  const r = prng(seed);
  for (let trial = 0; trial < 60; trial++) {
    const actions = randomActions(r);
    const threads = 1 + Math.floor(r() * 3);
    const { segments, thread, closeAfter } = layoutActions(actions, threads, canSplit);
    const why = `seed ${seed} (replay: NSNET_SPLIT_SEED=${seed}), trial ${trial}, ${threads} threads`;
    assert.deepEqual(segments.map((s) => [s.start, s.end]).flat(), [0, ...segments.slice(0, -1).map((s) => s.end).flatMap((e) => [e, e]), actions.length], why);
    for (const s of segments) {
      const group = actions.slice(s.start, s.end);
      const oneRank = group.every((a) => orderOf(a) === orderOf(group[0]!));
      const wanted = threads > 1 && oneRank && group.length >= MIN_SPLIT && group.every(canSplit);
      assert.equal(s.split, wanted, `${why}: segment ${s.start}-${s.end} (${group[0]!.op})`);
      if (!s.split) {
        for (let i = s.start; i < s.end; i++) assert.equal(thread[i], 0, why);
        continue;
      }
      const shares = s.shares!;
      assert.equal(shares.length, threads, why);
      assert.deepEqual(shares.flat(2).sort((x, y) => x - y), group.map((_, k) => s.start + k), `${why}: every action once`);
      const nsThread = new Map<string, number>();
      shares.forEach((cs, t) => cs.forEach((c) => {
        assert.deepEqual(c, [...c].sort((x, y) => x - y), `${why}: a cluster keeps plan order`);
        for (const i of c) {
          assert.equal(thread[i], t, why);
          for (const ns of others(actions[i]!)) {
            assert.equal(nsThread.get(ns) ?? t, t, `${why}: namespace ${ns} on two threads in one group`);
            nsThread.set(ns, t);
          }
        }
      }));
    }
    // Each thread closes a handle after its own last use, and only then.
    const last = new Map<string, number>();
    actions.forEach((a, i) => {
      if (!a.op.startsWith('del')) for (const ns of others(a)) last.set(`${thread[i]} ${ns}`, i);
    });
    closeAfter.forEach((nss, i) => {
      for (const ns of nss) assert.equal(last.get(`${thread[i]} ${ns}`), i, `${why}: ${ns} closed after action ${i}`);
    });
    assert.equal([...last.values()].length, closeAfter.flat().length, why);
  }
});

test('a star is shared evenly, a namespace stays on its thread from group to group, and a small lab is not split', () => {
  const starOf = (N: number): Action[] => {
    const star: Action[] = [];
    for (let i = 0; i < N; i++) star.push({ ...base, op: 'create-netns', netns: `s${i}`, node: `h${i}`, ipv6: false } as Action);
    for (let i = 0; i < N; i++) star.push({ ...base, op: 'create-veth', id: `l${i}`, a: { netns: `s${i}`, name: 'eth0' }, b: { name: `s${i}-eth0`, master: 'br0' } } as Action);
    for (let i = 0; i < N; i++) star.push({ ...base, op: 'add-address', netns: `s${i}`, dev: 'eth0', cidr: `10.0.${i >> 8}.${i & 255}/16` } as Action);
    return star;
  };
  const N = 301;
  const star = starOf(N);
  const { segments, thread } = layoutActions(star, 2, canSplit);
  assert.deepEqual(segments.map((s) => s.split), [true, true, true]);
  for (const s of segments) assert.ok(Math.abs(s.shares![0]!.length - s.shares![1]!.length) <= 1);
  for (let i = 0; i < N; i++) assert.ok(thread[i] === thread[N + i] && thread[i] === thread[2 * N + i], `s${i} moved`);
  assert.equal(anySplit(starOf(MIN_SPLIT - 1), 2, canSplit), false, `groups of ${MIN_SPLIT - 1} are not split`);
  assert.equal(anySplit(starOf(MIN_SPLIT), 2, canSplit), true, `groups of ${MIN_SPLIT} are`);
  assert.equal(anySplit(star, 1, canSplit), false, 'one thread');
});

test('a worker queue: the worker takes from the front, the main thread from the back, no cluster twice', () => {
  const flags = new Int32Array(2); // [QUEUE, DONE]
  for (const n of [0, 1, 7, 40000]) {
    Atomics.store(flags, 0, n << 16);
    const got: number[] = [];
    for (let k = 0; ; k++) {
      const c = k % 3 === 0 ? takeBack(flags) : takeFront(flags);
      if (c < 0) break;
      got.push(c);
    }
    assert.deepEqual(got.sort((x, y) => x - y), Array.from({ length: n }, (_, i) => i));
  }
});

test('an error crosses from a worker with its class, code and hints', () => {
  const k = fromWire(toWire(new KernelError(17, 'create', 'link eth0', 'File exists'))) as KernelError;
  assert.ok(k instanceof KernelError && k instanceof NsnetError);
  assert.equal(k.code, 'EEXIST');
  assert.equal(k.message, new KernelError(17, 'create', 'link eth0', 'File exists').message);
  assert.equal(k.messageFor('cli'), new KernelError(17, 'create', 'link eth0', 'File exists').messageFor('cli'));
  const n = fromWire(toWire(new NsnetError('EINVAL', 'cannot set x', 'sysctl x', { lib: 'lib words', cli: 'cli words' }))) as NsnetError;
  assert.ok(n instanceof NsnetError && !(n instanceof KernelError));
  assert.equal(n.messageFor('cli'), 'cannot set x; cli words');
  assert.equal(fromWire(toWire('plain')).message, 'plain');
});
