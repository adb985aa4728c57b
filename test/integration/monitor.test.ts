// monitor() and `nsnet monitor` against the kernel: namespaces appearing and disappearing,
// exactly one event per change naming its namespace, and a clean end (close, Ctrl-C).
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostNetns, netns, openNetns } from '../../src/index.js';
import { monitor, type MonitorEvent } from '../../src/api/monitor.js';

const skip = kernelSkip;
const BIN = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'bin', 'nsnet.js');

/** Read events until `until` matches one (or 5 s pass). */
async function collect(it: AsyncIterator<MonitorEvent>, until: (e: MonitorEvent) => boolean): Promise<MonitorEvent[]> {
  const seen: MonitorEvent[] = [];
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const r = await Promise.race([it.next(), new Promise<'late'>((res) => setTimeout(res, deadline - Date.now(), 'late'))]);
    if (r === 'late' || r.done) break;
    seen.push(r.value);
    if (until(r.value)) break;
  }
  return seen;
}

test('monitor(netns): a namespace made later appears, its link is one event naming it, its end is seen', { skip }, async () => {
  const m = monitor({ netns: ['mo-a'], host: true });
  await netns.add('mo-a');
  const appeared = await collect(m, (e) => e.type === 'netns');
  assert.deepEqual(appeared.filter((e) => e.type === 'netns').map((e) => [e.netns, e.type === 'netns' && e.action]), [['mo-a', 'new']]);
  const h = await openNetns('mo-a');
  await h.link.add({ kind: 'bridge', name: 'mo-br' });
  await h.addr.add('mo-br', '10.61.0.1/24');
  h.close();
  await hostNetns().link.add({ kind: 'bridge', name: 'mo-sentinel' });
  const seen = await collect(m, (e) => e.type === 'link' && e.link.ifname === 'mo-sentinel');
  const br = seen.filter((e) => e.type === 'link' && e.link.ifname === 'mo-br');
  assert.equal(br.length, 1, JSON.stringify(br));
  assert.equal(br[0]!.netns, 'mo-a');
  const addr = seen.find((e) => e.type === 'addr' && e.addr.local === '10.61.0.1');
  assert.ok(addr && addr.type === 'addr' && addr.netns === 'mo-a' && addr.addr.ifname === 'mo-br' && addr.action === 'new');
  assert.equal(seen.find((e) => e.type === 'link' && e.link.ifname === 'mo-sentinel')?.netns, 'host');
  await netns.del('mo-a');
  const gone = await collect(m, (e) => e.type === 'netns' && e.action === 'del');
  assert.deepEqual(gone.filter((e) => e.type === 'netns').map((e) => [e.netns, e.type === 'netns' && e.action]), [['mo-a', 'del']]);
  m.close();
  assert.deepEqual(await m.next(), { value: undefined, done: true });
  await hostNetns().link.del('mo-sentinel');
});

test('monitor(netns) hears only the namespaces asked for; breaking out of for-await closes it', { skip }, async () => {
  await netns.add('mo-in');
  await netns.add('mo-out');
  const m = monitor({ netns: ['mo-in'] });
  const out = await openNetns('mo-out');
  await out.link.add({ kind: 'bridge', name: 'mo-x' });
  out.close();
  const inn = await openNetns('mo-in');
  await inn.link.add({ kind: 'bridge', name: 'mo-y' });
  inn.close();
  const names: string[] = [];
  for await (const e of m) {
    if (e.type === 'link') names.push(`${e.netns}/${e.link.ifname}`);
    if (names.includes('mo-in/mo-y')) break;
  }
  assert.deepEqual(names, ['mo-in/mo-y']);
  assert.deepEqual(await m.next(), { value: undefined, done: true });
});

test('nsnet monitor -j --all: JSON lines tagged with the namespace, Ctrl-C ends it with status 0', { skip }, async () => {
  await netns.add('mo-cli');
  const p = spawn(process.execPath, [BIN, 'monitor', '-j', '--all'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const h = await openNetns('mo-cli');
  // The command needs a moment to start: make changes until one is printed.
  for (let i = 0; i < 100 && !out.includes('mo-cli-br'); i++) {
    await h.link.add({ kind: 'bridge', name: `mo-cli-br${i}` });
    await new Promise((r) => setTimeout(r, 100));
  }
  h.close();
  p.kill('SIGINT');
  const code = await new Promise<number | null>((r) => p.on('exit', r));
  assert.equal(code, 0, errText);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { netns: string; type: string; link?: { ifname: string } });
  const mine = lines.filter((l) => l.type === 'link' && l.link?.ifname.startsWith('mo-cli-br'));
  assert.ok(mine.length >= 1);
  for (const l of mine) assert.equal(l.netns, 'mo-cli');
});

test('nsnet monitor | head: when its reader goes away it stops, status 0, nothing on stderr', { skip }, async () => {
  await netns.add('mo-pipe');
  const p = spawn(process.execPath, [BIN, 'monitor', '--all'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errText = '';
  p.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const exited = new Promise<number | null>((r) => p.on('exit', r));
  let gone = false;
  p.stdout.once('data', () => {
    p.stdout.destroy(); // as head does after its lines
    gone = true;
  });
  // Changes until the monitor has printed one, then more: its next write finds the reader gone.
  const h = await openNetns('mo-pipe');
  let ended = false;
  void exited.then(() => (ended = true));
  for (let i = 0; i < 100 && !ended; i++) {
    await h.link.add({ kind: 'bridge', name: `mo-pipe-br${i}` });
    await new Promise((r) => setTimeout(r, 100));
  }
  h.close();
  if (!ended) p.kill('SIGKILL');
  assert.ok(gone, 'the monitor printed an event');
  assert.ok(ended, 'the monitor stopped by itself once its reader went away');
  assert.equal(await exited, 0, errText);
  assert.equal(errText, '');
});

test('nsnet monitor --lab: its nodes and its own links in the host, nothing else of the host', { skip }, async (t) => {
  const { Lab } = await import('../../src/index.js');
  const lab = await Lab.upFor(t, { name: 'mol', nodes: { 'mol-n1': { interfaces: { eth0: { addresses: ['10.62.0.2/24'] } } } }, bridges: { 'mol-br': {} }, links: [['mol-n1:eth0', 'mol-br']] });
  const br = lab.spec.bridges[0]!.name;
  const p = spawn(process.execPath, [BIN, 'monitor', '-j', '--lab', 'mol'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const host = hostNetns();
  for (let i = 0; i < 100 && !out.includes(`"ifname":"${br}"`); i++) {
    await host.link.add({ kind: 'bridge', name: `mol-x${i}` });
    await host.link.set(br, { up: i % 2 === 1 });
    await new Promise((r) => setTimeout(r, 100));
  }
  const n1 = await openNetns('mol-n1');
  await n1.link.set('eth0', { mtu: 1400 });
  n1.close();
  for (let i = 0; i < 50 && !out.includes('"mtu":1400'); i++) await new Promise((r) => setTimeout(r, 100));
  p.kill('SIGINT');
  assert.equal(await new Promise<number | null>((r) => p.on('exit', r)), 0, errText);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { netns: string; type: string; link?: { ifname: string; mtu?: number } });
  assert.ok(lines.some((l) => l.netns === 'host' && l.link?.ifname === br), 'the lab bridge in the host is heard');
  assert.ok(lines.some((l) => l.netns === 'mol-n1' && l.link?.mtu === 1400), 'the node is heard');
  assert.deepEqual(lines.filter((l) => JSON.stringify(l).includes('mol-x')), [], 'other host links are not shown');
  for (let i = 0; ; i++) {
    if (!(await host.link.exists(`mol-x${i}`))) break;
    await host.link.del(`mol-x${i}`);
  }
});

test('monitor --all is lossless for namespaces made in a tight loop: each one\'s veth end, bridge and address, none told twice', { skip }, async () => {
  const m = monitor();
  const seen: MonitorEvent[] = [];
  let done = false;
  const reading = (async () => {
    for await (const e of m) {
      seen.push(e);
      if (done) break;
    }
  })();
  const N = 40;
  const host = hostNetns();
  for (let i = 0; i < N; i++) {
    // Made as `up` makes nodes: the namespace, then a veth whose peer goes straight into it (the
    // kernel gives the namespace an nsid here only while telling of the host end: the peer's own
    // notification is never heard), then the node's own objects right away.
    await netns.add(`mc-${i}`);
    await host.link.add({ kind: 'veth', name: `mcv-${i}`, peer: { name: 'eth0', netns: `mc-${i}` } });
    const h = await openNetns(`mc-${i}`);
    await h.link.add({ kind: 'bridge', name: 'mc-br' });
    await h.addr.add('mc-br', `10.63.${i}.1/24`);
    h.close();
  }
  await host.link.add({ kind: 'bridge', name: 'mc-sentinel' });
  const t0 = Date.now();
  const complete = (i: number) => ['eth0', 'mc-br'].every((n) => seen.some((e) => e.netns === `mc-${i}` && e.type === 'link' && e.action === 'new' && e.link.ifname === n))
    && seen.some((e) => e.netns === `mc-${i}` && e.type === 'addr' && e.addr.local === `10.63.${i}.1`);
  while (Date.now() - t0 < 10_000 && !Array.from({ length: N }, (_, i) => i).every(complete)) await new Promise((r) => setTimeout(r, 50));
  done = true;
  await host.link.del('mc-sentinel');
  await reading;
  const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !complete(i)).map((i) => `mc-${i}`);
  assert.deepEqual(missing, [], `namespaces whose eth0, mc-br or address the monitor missed (of ${N})`);
  // No event is a copy of the one before it for the same object (the catch-up's copies dropped).
  const last = new Map<string, string>();
  const repeats: string[] = [];
  for (const e of seen) {
    if (!e.netns.startsWith('mc-') || e.type === 'netns') continue;
    const key = e.type === 'link' ? `${e.netns} link ${e.link.ifindex}` : e.type === 'addr' ? `${e.netns} addr ${e.addr.local}` : undefined;
    if (!key) continue;
    const text = JSON.stringify(e);
    if (last.get(key) === text) repeats.push(text);
    last.set(key, text);
  }
  assert.deepEqual(repeats, [], 'events told twice in a row');
  for (let i = 0; i < N; i++) await netns.del(`mc-${i}`);
});

/**
 * What a socket closed under the monitor is reported as. Which reader notices first is a race:
 * poll() sees POLLNVAL, or, when events were already queued and poll() had returned readable,
 * the drain's recvmsg() gets EBADF. Both are the same failure, worded by the call that met it.
 */
const CLOSED_UNDER = String.raw`(?:poll fd \d+ \(closed while watched\)|read netlink event socket \(fd \d+\)): bad file descriptor \(EBADF\)`;

/** Close the monitor's listening socket under it (the fd the poller watches that `before` lacks), then make the poller poll again. */
async function closeUnder(before: Set<number>): Promise<() => void> {
  const { poller } = await import('../../src/kernel/events-poller.js');
  const n = await import('../../src/kernel/native.js');
  for (let i = 0; i < 200 && poller.fds().every((f) => before.has(f)); i++) await new Promise((r) => setTimeout(r, 10));
  const fd = poller.fds().find((f) => !before.has(f));
  assert.ok(fd !== undefined, 'the monitor listens');
  const kick = n.eventfd(0, n.EFD_CLOEXEC | n.EFD_NONBLOCK); // made first, or it could take the closed number
  await new Promise((r) => setTimeout(r, 20));
  n.close(fd);
  poller.add(kick, () => n.read(kick, Buffer.alloc(8), 8));
  return () => poller.removeAndClose(kick);
}

test('a monitor whose socket is closed under it ends with EVENTS_FAILED after what was queued, then is done', { skip }, async () => {
  const { poller } = await import('../../src/kernel/events-poller.js');
  const before = new Set(poller.fds());
  const m = monitor({ netns: [], host: true });
  const done = await closeUnder(before);
  try {
    // What was queued before the close comes first: the host's links of a namespace an earlier
    // test removed may still be going (the kernel frees them after the namespace), and each
    // going is an event. Then the failure, once.
    let failure: (Error & { code?: string }) | undefined;
    for (let queued = 0; failure === undefined; queued++) {
      assert.ok(queued < 10_000, 'no EVENTS_FAILED after 10,000 events');
      try {
        assert.equal((await m.next()).done, false, 'the stream ended without EVENTS_FAILED');
      } catch (e) {
        failure = e as Error & { code?: string };
      }
    }
    assert.equal(failure.code, 'EVENTS_FAILED', String(failure));
    assert.match(failure.message, new RegExp(`^monitor: the kernel's events can no longer be read: ${CLOSED_UNDER}; start it again$`, 'u'));
    assert.deepEqual(await m.next(), { value: undefined, done: true });
  } finally {
    done();
  }
});

test('nsnet monitor whose stream fails prints one line and exits 1', { skip }, async () => {
  const { poller } = await import('../../src/kernel/events-poller.js');
  const { main } = await import('../../src/cli/main.js');
  const { captureOutput } = await import('../../src/cli/write.js');
  const before = new Set(poller.fds());
  const out: string[] = [];
  const err: string[] = [];
  // The events and the error line go through cli/write.ts.
  const release = captureOutput((fd, s) => (fd === 1 ? out : err).push(s));
  let done = () => {};
  try {
    const running = main(['node', 'nsnet', 'monitor', '--all']);
    done = await closeUnder(before);
    await running;
  } finally {
    release();
    done();
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  assert.equal(code, 1);
  assert.equal(err.length, 1, err.join(''));
  assert.match(err[0]!, new RegExp(`^nsnet: monitor: the kernel's events can no longer be read: ${CLOSED_UNDER}; start it again\n$`, 'u'));
});
