import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../plan/actions.js';
import type { LinkState } from '../wire/rtnl/index.js';
import { prng } from '../wire/rtnl/testing.js';
import type { Handles } from './handles.js';
import { finishStart, namespacesToKeepOpen, startedLinks } from './linkwatch.js';

const base = { target: 't', reason: 'r' };

test('startedLinks: the links an apply starts, per namespace, and the bridges they name, each once (ports and bridges share a namespace)', () => {
  const actions = [
    { ...base, op: 'create-bridge', name: 'br0' },
    { ...base, op: 'create-bridge', netns: 'x-r1', name: 'lan' },
    { ...base, op: 'create-veth', id: 'l1', a: { netns: 'x-h1', name: 'eth0' }, b: { name: 'h1-eth0', master: 'br0' } },
    { ...base, op: 'create-veth', id: 'l2', a: { netns: 'x-h2', name: 'eth0' }, b: { netns: 'x-r1', name: 'h2-eth0', master: 'lan' } },
    { ...base, op: 'set-link', netns: 'x-h3', name: 'eth1', up: true },
    { ...base, op: 'set-link', netns: 'x-h3', name: 'eth2', mtu: 1400 }, // not started: only its mtu
    { ...base, op: 'set-link', name: 'p9', master: 'br0' },
    { ...base, op: 'add-address', netns: 'x-h1', name: 'eth0', cidr: '10.0.0.1/24' },
    { ...base, op: 'attach-uplink', nic: 'eth9', bridge: 'br1' },
  ] as unknown as Action[];
  const m = startedLinks(actions);
  assert.deepEqual(Object.fromEntries(m), {
    '': { links: ['h1-eth0', 'p9'], bridges: ['br0', 'br1'] },
    'x-r1': { links: ['h2-eth0'], bridges: ['lan'] },
    'x-h1': { links: ['eth0'], bridges: [] },
    'x-h2': { links: ['eth0'], bridges: [] },
    'x-h3': { links: ['eth1'], bridges: [] },
  });
});

test('startedLinks: removals and addresses start nothing', () => {
  const actions = [
    { ...base, op: 'delete-link', name: 'x' },
    { ...base, op: 'del-address', netns: 'n', name: 'eth0', cidr: '10.0.0.1/24' },
  ] as unknown as Action[];
  assert.equal(startedLinks(actions).size, 0);
});

test('namespacesToKeepOpen: the namespaces finishStart asks, while two descriptors each stay within a quarter of the limit', () => {
  const actions = [
    { ...base, op: 'create-veth', id: 'l1', a: { netns: 'x-h1', name: 'eth0' }, b: { name: 'h1-eth0', master: 'br0' } },
    { ...base, op: 'create-veth', id: 'l2', a: { netns: 'x-h2', name: 'eth0' }, b: { netns: 'x-r1', name: 'h2-eth0' } },
    { ...base, op: 'add-address', netns: 'x-h4', name: 'eth0', cidr: '10.0.0.4/24' }, // starts nothing: not kept
  ] as unknown as Action[];
  assert.deepEqual([...namespacesToKeepOpen(startedLinks(actions), () => 24)].sort(), ['x-h1', 'x-h2', 'x-r1'], 'the host is never in it');
  assert.equal(namespacesToKeepOpen(startedLinks(actions), () => 23).size, 0, '3 namespaces, 6 descriptors: above a quarter of 23');
  assert.equal(namespacesToKeepOpen(startedLinks(actions), () => undefined).size, 0, 'an unknown limit keeps none');
});

/**
 * A stand-in for the kernel as finishStart sees it: per namespace, links by name and index, each
 * with its bridge; a port's GETLINK finishes its pending carrier work only after `lag` asks (a
 * kernel before 6.7), and a bridge has carrier once every port of it has finished.
 */
function fakeKernel(spec: Record<string, Array<{ name: string; kind: string; master?: string; lag?: number }>>) {
  interface L { name: string; index: number; kind: string; master?: number; lag: number }
  const nss = new Map<string, L[]>();
  for (const [ns, links] of Object.entries(spec)) {
    const ls: L[] = links.map((l, i) => ({ name: l.name, index: i + 2, kind: l.kind, lag: l.lag ?? 0 }));
    links.forEach((l, i) => { if (l.master) ls[i]!.master = ls.find((x) => x.name === l.master)!.index; });
    nss.set(ns, ls);
  }
  const asks: string[] = [];
  const closed: string[] = [];
  const portsDone = (ns: string, br: L) => nss.get(ns)!.filter((p) => p.master === br.index).every((p) => p.lag <= 0);
  const handles = {
    get(ns: string | undefined) {
      const key = ns ?? '';
      return {
        link: {
          state(dev: string | number): LinkState {
            const l = nss.get(key)!.find((x) => x.name === dev || x.index === dev)!;
            asks.push(`${key}/${l.name}`);
            if (l.kind === 'bridge') return { index: l.index, kind: 'bridge', carrier: true, operstate: portsDone(key, l) ? 'UP' : 'DOWN' };
            l.lag--;
            const s: LinkState = { index: l.index, kind: l.kind, carrier: true, operstate: l.lag < 0 ? 'UP' : 'LOWERLAYERDOWN' };
            if (l.master !== undefined) s.master = l.master;
            return s;
          },
        },
      };
    },
    close(ns: string) { closed.push(ns); },
  } as unknown as Handles;
  return { handles, asks, closed };
}

const seed = Number(process.env.NSNET_SEED ?? Date.now() % 1e9);
test(`finishStart: every started link asked, each bridge once and after all its ports, a link still pending asked again (seed ${seed}, replay: NSNET_SEED=${seed})`, async () => {
  const r = prng(seed);
  const ports = 2 + Math.floor(r() * 40);
  const host = [{ name: 'br0', kind: 'bridge' }, { name: 'br1', kind: 'bridge' }];
  const actions: unknown[] = [{ ...base, op: 'create-bridge', name: 'br0' }]; // br1 is not named by a create: only its ports show it
  for (let i = 0; i < ports; i++) {
    const br = r() < 0.5 ? 'br0' : 'br1';
    host.push({ name: `p${i}`, kind: 'veth', master: br, lag: Math.floor(r() * 3) } as (typeof host)[number]);
    actions.push({ ...base, op: 'create-veth', id: `l${i}`, a: { netns: `n${i}`, name: 'eth0' }, b: { name: `p${i}`, master: br } });
  }
  const spec: Record<string, Array<{ name: string; kind: string; master?: string; lag?: number }>> = { '': host };
  for (let i = 0; i < ports; i++) spec[`n${i}`] = [{ name: 'eth0', kind: 'veth' }];
  const k = fakeKernel(spec);
  await finishStart(k.handles, startedLinks(actions as Action[]), 5_000);
  const firstAsk = (x: string) => k.asks.indexOf(x);
  for (const b of ['br0', 'br1']) {
    const hasPorts = host.some((l) => 'master' in l && l.master === b);
    const n = k.asks.filter((x) => x === `/${b}`).length;
    if (b === 'br0' || hasPorts) assert.ok(n >= 1, `seed ${seed}: ${b} never asked`);
    // Asked once in the first pass; again only while its ports were still pending.
    const pendingPorts = host.some((l) => 'master' in l && l.master === b && ((l as { lag?: number }).lag ?? 0) > 0);
    if (!pendingPorts) assert.ok(n <= 1, `seed ${seed}: ${b} asked ${n} times`);
    for (const p of host.filter((l) => 'master' in l && l.master === b)) assert.ok(firstAsk(`/${p.name}`) < firstAsk(`/${b}`), `seed ${seed}: ${b} asked before its port ${p.name}`);
  }
  for (let i = 0; i < ports; i++) {
    const lag = (host[i + 2] as { lag?: number }).lag ?? 0;
    assert.equal(k.asks.filter((x) => x === `/p${i}`).length, lag + 1, `seed ${seed}: p${i} (done after ${lag + 1} asks)`);
    assert.equal(k.asks.filter((x) => x === `n${i}/eth0`).length, 1, `seed ${seed}: n${i}/eth0`);
  }
  assert.deepEqual(k.closed.sort(), Array.from({ length: ports }, (_, i) => `n${i}`).sort(), 'each node namespace closed once asked; the host never');
  // Without pending work there is one GETLINK per started link and per bridge: ports + ports + bridges.
  const quiet = fakeKernel(Object.fromEntries(Object.entries(spec).map(([ns, ls]) => [ns, ls.map((l) => ({ ...l, lag: 0 }))])));
  await finishStart(quiet.handles, startedLinks(actions as Action[]), 5_000);
  const bridgesWithPorts = new Set(host.flatMap((l) => ('master' in l && l.master ? [l.master] : [])));
  assert.equal(quiet.asks.length, 2 * ports + new Set(['br0', ...bridgesWithPorts]).size, `seed ${seed}: ${quiet.asks.join(' ')}`);
});
