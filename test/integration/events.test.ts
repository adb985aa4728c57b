// The listening kernel layer against the kernel: one socket in the sandbox's namespace with
// NETLINK_LISTEN_ALL_NSID hears a namespace that has an nsid, names it, delivers without
// blocking the event loop, and closes so the process can exit.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { hostNetns, netns, openNetns } from '../../src/index.js';
import { ensureNsidOfFd } from '../../src/api/namespaces.js';
import { EventSocket, type Delivery, type KernelEvent } from '../../src/kernel/events.js';
import { poller } from '../../src/kernel/events-poller.js';
import { openNamed } from '../../src/kernel/netns.js';
import { MONITOR_GROUPS } from '../../src/wire/rtnl/event.js';

const skip = kernelSkip;

/** Collects deliveries until `done` says so (or 5 s pass), counting event-loop ticks meanwhile. */
function listen(done: (seen: KernelEvent[]) => boolean): { sock: EventSocket; result: Promise<{ seen: KernelEvent[]; other: Delivery[]; ticks: number }> } {
  const seen: KernelEvent[] = [];
  const other: Delivery[] = [];
  let resolve!: (v: { seen: KernelEvent[]; other: Delivery[]; ticks: number }) => void;
  const result = new Promise<{ seen: KernelEvent[]; other: Delivery[]; ticks: number }>((r) => (resolve = r));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const finish = (): void => {
    clearInterval(timer);
    clearTimeout(limit);
    resolve({ seen, other, ticks });
  };
  const limit = setTimeout(finish, 5000);
  const sock = EventSocket.open({ groups: MONITOR_GROUPS, allNsid: true }, (batch) => {
    for (const d of batch) ('event' in d ? seen.push(d) : other.push(d));
    if (done(seen)) finish();
  });
  return { sock, result };
}

const linkNamed = (name: string) => (e: KernelEvent): boolean => e.event.kind === 'link' && e.event.link.name === name;

test('a link added in a namespace with an nsid is exactly one event naming that namespace', { skip }, async () => {
  await netns.add('ev-one');
  const fd = openNamed('ev-one');
  const nsid = ensureNsidOfFd(hostNetns(), fd, 'namespace ev-one');
  fs.closeSync(fd);
  assert.equal(typeof nsid, 'number');
  // The sentinel, made in the listener's own namespace after the bridge, ends the wait: a
  // duplicate of the bridge's event would have arrived before it.
  const { sock, result } = listen((seen) => seen.some(linkNamed('ev-sentinel')));
  const h = await openNetns('ev-one');
  await h.link.add({ kind: 'bridge', name: 'ev-br' });
  h.close();
  await hostNetns().link.add({ kind: 'bridge', name: 'ev-sentinel' });
  const { seen, other, ticks } = await result;
  sock.close();
  const br = seen.filter(linkNamed('ev-br'));
  assert.equal(br.length, 1, `events for ev-br: ${JSON.stringify(br.map((e) => e.nsid))}`);
  assert.equal(br[0]!.nsid, nsid);
  assert.equal(br[0]!.event.kind === 'link' && br[0]!.event.action, 'new');
  const sentinel = seen.find(linkNamed('ev-sentinel'));
  assert.equal(sentinel?.nsid, undefined, 'the listener namespace\'s own events carry no nsid');
  assert.deepEqual(other, []);
  assert.ok(ticks > 0, 'timers ran while the socket listened');
  assert.equal(poller.size, 0);
  await hostNetns().link.del('ev-sentinel');
});

test('a namespace without an nsid is not heard; one deleted says so with RTM_DELNSID', { skip }, async () => {
  await netns.add('ev-quiet');
  await netns.add('ev-gone');
  const fd = openNamed('ev-gone');
  const gone = ensureNsidOfFd(hostNetns(), fd, 'namespace ev-gone');
  fs.closeSync(fd);
  const { sock, result } = listen((seen) => seen.some((e) => e.event.kind === 'nsid' && e.event.action === 'del'));
  const q = await openNetns('ev-quiet');
  await q.link.add({ kind: 'bridge', name: 'ev-unheard' });
  q.close();
  await netns.del('ev-gone');
  const { seen } = await result;
  sock.close();
  assert.equal(seen.filter(linkNamed('ev-unheard')).length, 0);
  const del = seen.find((e) => e.event.kind === 'nsid' && e.event.action === 'del');
  assert.ok(del && del.event.kind === 'nsid' && del.event.nsid.nsid === gone && del.nsid === undefined);
});

test('close: nothing is delivered after it, and several sockets share one poll', { skip }, async () => {
  let after = 0;
  let closed = false;
  const a = EventSocket.open({ groups: MONITOR_GROUPS }, () => {
    if (closed) after++;
  });
  const seenB: string[] = [];
  const b = EventSocket.open({ groups: MONITOR_GROUPS }, (batch) => {
    for (const d of batch) if ('event' in d && d.event.kind === 'link') seenB.push(d.event.link.name);
  });
  assert.equal(poller.size, 2);
  a.close();
  closed = true;
  a.close();
  await hostNetns().link.add({ kind: 'bridge', name: 'ev-after' });
  for (let i = 0; i < 200 && !seenB.includes('ev-after'); i++) await new Promise((r) => setTimeout(r, 10));
  b.close();
  assert.ok(seenB.includes('ev-after'));
  assert.equal(after, 0);
  assert.equal(poller.size, 0);
  await hostNetns().link.del('ev-after');
});
