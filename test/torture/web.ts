/**
 * Section 8, the ui under load: `nsnet ui` (no lab: every namespace's events) with `clients`
 * clients at once, each with the event stream and a terminal in a node, while a lab of `nodes`
 * nodes comes up. Beside them, clients that send garbage on both sockets and clients that vanish
 * mid-stream. Once every client is connected, the section makes a marker namespace; from its
 * event on, every well-behaved client must receive the same events in the same order (lost =
 * how many fewer than the most any client got, plus streams that differ) and hear of every node's
 * eth0 (missed). (Before the marker the streams may differ rightly: a client that connected
 * later did not watch what came before it.) The server must still answer; when all leave, its
 * shells are gone and its open fds and V8 heap (after a full GC, read through its inspector) are back at baseline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { growth, inspectorUrl, openInspector, type Memory } from '../helpers/inspector.js';
import { alive, startUiProcessWith, until, type UiProcess } from '../helpers/ui.js';
import { NSNET, prng } from './util.js';

export interface WebOptions {
  clients: number;
  nodes: number;
  seed: number;
  log: (s: string) => void;
}

export interface WebResult {
  clients: number;
  nodes: number;
  /** Events each well-behaved client got (the most any got). */
  events: number;
  lost: number;
  /** Namespaces of the big lab whose eth0 every client saw come (of `nodes`). */
  eth0Seen: number;
  garbageClients: number;
  vanished: number;
  survived: boolean;
  shellsLeft: number;
  fd: { before: number; peak: number; after: number };
  rssMb: { before: number; peak: number; after: number };
  /** V8's heapUsed after a full GC, before the clients came and after they left (MB, one decimal). */
  heapMb: { before: number; after: number };
  ms: number;
  examples: string[];
}

/** Heap growth that is no leak: code compiled and caches warmed by the load (bytes). */
export const HEAP_SLACK = 2 * 1024 * 1024;

const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function nsnetAsync(...args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [NSNET, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code, err }));
  });
}

interface Client {
  events: WebSocket;
  term: WebSocket;
  eth0: Set<string>;
  pid: number;
  last: number;
  /** Its events (this sandbox's), each with when it came (ms since the section began). */
  seen: Seen[];
  /** Where the marker's event is in `seen`, once it has come. */
  markerAt?: number;
  /** When its events socket opened (ms since the section began). */
  opened: number;
}

interface Seen {
  ms: number;
  text: string;
}

/** Where the marker's event is in c's stream (looked for until found), or -1 while it has not come. */
function markerAt(c: Client, marker: string): number {
  if (c.markerAt === undefined) {
    const i = c.seen.findIndex((e) => e.text.includes(marker));
    if (i >= 0) c.markerAt = i;
  }
  return c.markerAt ?? -1;
}

/** Where stream `got` first parts from `ref` (both from the marker on), in a line. */
function firstDifference(got: Seen[], ref: Seen[]): string {
  let i = 0;
  while (i < got.length && i < ref.length && got[i]!.text === ref[i]!.text) i++;
  const show = (e: Seen | undefined) => (e === undefined ? 'nothing' : `${e.ms} ms: ${e.text.length > 160 ? `${e.text.slice(0, 160)}...` : e.text}`);
  return `${got.length} events against ${ref.length}; first differs at #${i}: got [${show(got[i])}], the majority [${show(ref[i])}]`;
}

function wsUrl(ui: UiProcess, path: string): string {
  return `${ui.base.replace('http', 'ws')}${path}${path.includes('?') ? '&' : '?'}token=${ui.token}`;
}

/** A client with both sockets (times taken from t0); resolves once its shell has answered with its PID. */
function connect(ui: UiProcess, node: string, t0: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c: Client = { events: new WebSocket(wsUrl(ui, '/api/events')), term: new WebSocket(wsUrl(ui, `/api/labs/wterm/nodes/${node}/terminal`)), eth0: new Set(), pid: 0, last: Date.now(), seen: [], opened: -1 };
    c.events.on('open', () => (c.opened = Math.round(performance.now() - t0)));
    c.events.on('message', (d) => {
      const text = d.toString();
      const e = JSON.parse(text) as { type: string; action?: string; netns: string; link?: { ifname: string } };
      // Namespaces of other sandboxes on this machine, seen through their processes (pid:N,
      // inode:N), come and go as they please: the streams are compared on this sandbox's own.
      if (/^(pid|inode):/u.test(e.netns)) return;
      c.last = Date.now();
      c.seen.push({ ms: Math.round(performance.now() - t0), text });
      if (e.type === 'link' && e.action === 'new' && e.link?.ifname === 'eth0') c.eth0.add(e.netns);
    });
    let out = '';
    c.term.on('open', () => c.term.send(JSON.stringify({ type: 'input', data: 'echo PID=$$\n' })));
    c.term.on('message', (d, bin) => {
      if (!bin || c.pid) return;
      out += d.toString();
      const m = /PID=(\d+)/u.exec(out);
      if (m) {
        c.pid = Number(m[1]);
        resolve(c);
      }
    });
    for (const ws of [c.events, c.term]) ws.on('error', reject);
  });
}

/** Garbage on both sockets: random bytes, binary frames, broken JSON, a frame over the size limit. */
function garbage(ui: UiProcess, rand: () => number): void {
  for (const path of ['/api/events', '/api/labs/wterm/nodes/t1/terminal']) {
    const ws = new WebSocket(wsUrl(ui, path));
    ws.on('error', () => {});
    ws.on('open', () => {
      for (let i = 0; i < 50; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
        ws.send(i % 3 === 0 ? bytes : i % 3 === 1 ? bytes.toString('latin1') : '{"type":"resize","cols":-1}');
      }
      ws.send('x'.repeat(2 * 1024 * 1024)); // over maxPayload: the server closes this socket (1009)
    });
  }
}

function labFile(dir: string, name: string, nodes: number): string {
  const lines = [`name: ${name}`, 'ipv6: false', 'nodes:'];
  for (let i = 1; i <= nodes; i++) lines.push(`  ${name === 'wterm' ? 't' : 'w'}${i}: { interfaces: { eth0: { addresses: [10.${name === 'wterm' ? 99 : 98}.${i >> 8}.${i & 255}/16] } } }`);
  lines.push('bridges:', `  ${name === 'wterm' ? 'brt' : 'brw'}: {}`, 'links:');
  for (let i = 1; i <= nodes; i++) lines.push(`  - [${name === 'wterm' ? 't' : 'w'}${i}:eth0, ${name === 'wterm' ? 'brt' : 'brw'}]`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export async function webClients(opts: WebOptions): Promise<WebResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed);
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-torture-web-'));
  const examples: string[] = [];
  const must = async (...args: string[]) => {
    const r = await nsnetAsync(...args);
    if (r.code !== 0) throw new Error(`nsnet ${args.join(' ')}: ${r.err}`);
  };
  await must('up', labFile(dir, 'wterm', 2));
  // The inspector (loopback, a free port) lets the section collect the server's garbage and read its heap.
  const ui = await startUiProcessWith(['--inspect=127.0.0.1:0']);
  let markerMade: string | undefined;
  const pid = ui.proc.pid!;
  const inspector = await openInspector(await inspectorUrl(ui.stderr));
  const mb = (m: Memory) => Math.round(m.heapUsed / 104857.6) / 10;
  try {
    // Warm-up: what lives as long as the server (libraries, the pty module) is loaded before the baseline.
    const w = await connect(ui, 't1', t0);
    w.events.close();
    w.term.close();
    await until(() => !alive(w.pid));
    await new Promise((r) => setTimeout(r, 1500));
    const heapBefore = await inspector.memoryAfterGc();
    const countsBefore = await inspector.heapCounts();
    const fd = { before: fds(pid), peak: 0, after: 0 };
    const rss = { before: rssMb(pid), peak: 0, after: 0 };
    const sample = () => {
      fd.peak = Math.max(fd.peak, fds(pid));
      rss.peak = Math.max(rss.peak, rssMb(pid));
    };
    const sampler = setInterval(sample, 200);
    opts.log(`  ${opts.clients} clients connecting (server pid ${pid}: ${fd.before} fds, RSS ${rss.before.toFixed(0)} MB, heap ${mb(heapBefore)} MB after GC)`);
    const clients = await Promise.all(Array.from({ length: opts.clients }, (_, i) => connect(ui, `t${1 + (i % 2)}`, t0)));
    const garbageClients = 5;
    for (let i = 0; i < garbageClients; i++) garbage(ui, rand);
    const vanishing = await Promise.all(Array.from({ length: 5 }, () => connect(ui, 't2', t0)));
    // Every client watches now: the streams are compared from the marker's event on.
    const marker = `wmark${opts.seed % 100000}`;
    execFileSync('ip', ['netns', 'add', marker]);
    markerMade = marker;
    if (!(await until(() => clients.every((c) => markerAt(c, marker) >= 0), 30_000, 100))) {
      examples.push(`web: ${clients.filter((c) => markerAt(c, marker) < 0).length} clients never heard of namespace ${marker}, made after they connected`);
    }
    opts.log(`  up of a ${opts.nodes}-node lab while they watch`);
    const up = nsnetAsync('up', labFile(dir, 'wbig', opts.nodes));
    setTimeout(() => vanishing.forEach((c) => { c.events.terminate(); c.term.terminate(); }), 300 + Math.floor(rand() * 700));
    const upDone = await up;
    if (upDone.code !== 0) examples.push(`web: up of the big lab failed: ${upDone.err.trim()}`);
    await until(() => clients.every((c) => Date.now() - c.last > 2000), 120_000, 250);
    const fromMarker = (c: Client): Seen[] => (markerAt(c, marker) < 0 ? [] : c.seen.slice(markerAt(c, marker)));
    const lengths = () => clients.map((c) => (markerAt(c, marker) < 0 ? 0 : c.seen.length - markerAt(c, marker)));
    await until(() => new Set(lengths()).size === 1, 10_000, 100); // a last event on its way to some
    const got = clients.map(fromMarker);
    const counts = got.map((st) => st.length);
    const most = Math.max(...counts);
    const hashes = got.map((st) => st.reduce((h, e) => createHash('sha1').update(h).update(e.text).digest('hex'), ''));
    // The stream most clients got, of those with the most events.
    const share = new Map<string, number>();
    hashes.forEach((h, i) => counts[i] === most && share.set(h, (share.get(h) ?? 0) + 1));
    const majority = [...share].sort((a, b) => b[1] - a[1])[0]![0];
    const differing = hashes.filter((h) => h !== majority).length;
    const lost = counts.reduce((s, c) => s + (most - c), 0) + (differing && counts.every((c) => c === most) ? differing : 0);
    if (lost) {
      examples.push(`web: clients got ${Math.min(...counts)}..${most} events from the marker on; ${differing} streams differ`);
      const ref = got[hashes.indexOf(majority)]!;
      got.forEach((st, i) => {
        if (hashes[i] !== majority) examples.push(`web: client ${i} (events socket open at ${clients[i]!.opened} ms): ${firstDifference(st, ref)}`);
      });
    }
    const eth0Seen = Math.min(...clients.map((c) => [...c.eth0].filter((n) => n.startsWith('w')).length));
    const survived = (await fetch(`${ui.base}/api/labs`, { headers: { authorization: `Bearer ${ui.token}` } })).status === 200 && alive(pid);
    opts.log(`  ${most} events each; clients leave`);
    const pids = [...clients, ...vanishing].map((c) => c.pid);
    for (const c of clients) {
      c.events.close();
      c.term.close();
    }
    await until(() => pids.every((p) => !alive(p)), 15_000);
    const shellsLeft = pids.filter(alive).length;
    if (shellsLeft) examples.push(`web: ${shellsLeft} shells still run after their clients left: ${pids.filter(alive).join(' ')}`);
    clearInterval(sampler);
    await until(() => fds(pid) <= fd.before, 10_000, 250);
    await new Promise((r) => setTimeout(r, 2000));
    fd.after = fds(pid);
    const heapAfter = await inspector.memoryAfterGc();
    rss.after = rssMb(pid);
    if (fd.after !== fd.before) examples.push(`web: server fds ${fd.before} -> ${fd.after} after every client left`);
    if (heapAfter.heapUsed - heapBefore.heapUsed > HEAP_SLACK) {
      examples.push(`web: server heap ${mb(heapBefore)} -> ${mb(heapAfter)} MB after every client left and a full GC; grew most: ${growth(countsBefore, await inspector.heapCounts()).join(', ')}`);
    }
    return { clients: opts.clients, nodes: opts.nodes, events: most, lost, eth0Seen, garbageClients, vanished: vanishing.length, survived, shellsLeft,
      fd, rssMb: { before: Math.round(rss.before), peak: Math.round(rss.peak), after: Math.round(rss.after) }, heapMb: { before: mb(heapBefore), after: mb(heapAfter) },
      ms: Math.round(performance.now() - t0), examples };
  } finally {
    if (markerMade) execFileSync('ip', ['netns', 'del', markerMade]);
    inspector.close();
    await ui.stop();
    await nsnetAsync('down', '--lab', 'wbig');
    await nsnetAsync('down', '--lab', 'wterm');
  }
}
