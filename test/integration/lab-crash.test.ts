// Crash safety and concurrency of labs: an `up` killed with SIGKILL halfway is completed by the
// next `up` and removed in full by `down`; what a killed up made but had not marked yet is taken
// back through the journal; two `up`s of one lab wait for each other.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import { bin, ip, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRecord, writeRecord } from '../../src/apply/state.js';
import { loadTopologyFile } from '../../src/topology/parse.js';

const skip = labSkip;
const hostLinks = (): string[] => ip('-o', 'link', 'show').trim().split('\n').map((l) => l.split(': ')[1]!.split('@')[0]!).filter((n) => n !== 'lo');
const record = (lab: string): { state: string } | undefined => (existsSync(`/run/nsnet/labs/${lab}.json`) ? JSON.parse(readFileSync(`/run/nsnet/labs/${lab}.json`, 'utf8')) as { state: string } : undefined);

function star(name: string, n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-crash-'));
  let y = `name: ${name}\nnodes:\n`;
  for (let i = 1; i <= n; i++) y += `  h${i}: { interfaces: { eth0: { addresses: [10.30.${i >> 8}.${i & 255}/16] } } }\n`;
  y += 'bridges:\n  br0: { addresses: [10.30.255.254/16] }\nlinks:\n';
  for (let i = 1; i <= n; i++) y += `  - [h${i}:eth0, br0]\n`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, y);
  return file;
}

/** Start `nsnet up FILE` and SIGKILL it once `ready()` holds; returns whether it was killed before finishing. */
async function killUpWhen(file: string, ready: () => boolean): Promise<boolean> {
  const child = spawn(process.execPath, [bin, 'up', file], { stdio: 'ignore' });
  let finished = false;
  const closed = new Promise<void>((r) => child.on('close', () => {
    finished = true;
    r();
  }));
  const deadline = Date.now() + 60_000;
  while (!finished && !ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  const killed = !finished;
  child.kill('SIGKILL');
  await closed;
  return killed;
}

function assertClean(what: string): void {
  assert.deepEqual(namespaces(), [], `${what}: namespaces left`);
  assert.deepEqual(hostLinks(), [], `${what}: host links left`);
  assert.equal(record('crash'), undefined, `${what}: record left`);
}

test('up killed while making namespaces: the next up completes the lab; killed while making links: down removes all', { skip }, async (t) => {
  const N = 300;
  const file = star('crash', N);
  t.after(() => nsnet('down', '--lab', 'crash'));

  // 1. Killed among the namespaces.
  const killed = await killUpWhen(file, () => namespaces().length >= 100);
  assert.ok(killed, 'the up was killed before it finished');
  const partial = namespaces().length;
  assert.ok(partial >= 100 && partial < N, `some namespaces made (${partial})`);
  assert.equal(record('crash')?.state, 'applying', 'the record says an up was running');
  const plan = JSON.parse(ok('plan', file, '-j')) as { refusals: unknown[]; actions: { op: string }[] };
  assert.deepEqual(plan.refusals, [], 'what the killed up made is the lab\'s, not foreign');
  assert.ok(plan.actions.filter((a) => a.op === 'create-netns').length <= N - partial + 1, 'made namespaces are not made again');
  assert.match(ok('up', file), /^lab crash is up: /m);
  assert.equal(namespaces().length, N);
  assert.equal(spawnSync('ip', ['netns', 'exec', 'h1', 'ping', '-c1', '-W2', `10.30.${N >> 8}.${N & 255}`]).status, 0, 'h1 → hN');
  assert.match(ok('up', file), /nothing to do/);
  assert.equal(record('crash')?.state, 'up');
  ok('down', file);
  assertClean('after down');

  // 2. Killed among the veths (host ports exist, not all): down alone removes everything.
  const killed2 = await killUpWhen(file, () => hostLinks().length >= 100);
  assert.ok(killed2, 'the second up was killed before it finished');
  assert.ok(hostLinks().length < N + 1, 'part of the links were made');
  const down = ok('down', '--lab', 'crash');
  assert.match(down, /^lab crash is down: removed 300 namespaces/m);
  assertClean('after down of a killed up');
});

/**
 * The journal an up of the 3-host star `file` writes before it makes anything, as a kill leaves it;
 * then the plan of the next up, which must refuse nothing.
 */
function journalThenPlan(file: string): { op: string; target: string }[] {
  const r = loadTopologyFile(file);
  assert.ok(r.ok);
  const rec = newRecord('crash', file);
  rec.pending = r.lab;
  rec.intended = { namespaces: ['h1', 'h2', 'h3'], hostLinks: ['br0', 'h1-eth0', 'h2-eth0', 'h3-eth0'] };
  writeRecord(rec);
  const plan = JSON.parse(ok('plan', file, '-j')) as { refusals: unknown[]; actions: { op: string; target: string }[] };
  assert.deepEqual(plan.refusals, []);
  return plan.actions;
}

test('what a killed up made but had not marked (listed in its journal) is taken back; an unlisted one is refused', { skip }, () => {
  const file = star('crash', 3);
  // As an up killed right after creating h2 (empty, not marked yet) and br0 leaves them.
  ip('netns', 'add', 'h2');
  ip('link', 'add', 'br0', 'type', 'bridge');
  const actions = journalThenPlan(file);
  assert.deepEqual(actions.filter((a) => a.op === 'mark').map((a) => a.target).sort(), ['link br0 in the host namespace', 'namespace h2']);
  ok('up', file);
  assert.match(ip('-n', 'h2', 'link', 'show', 'lo'), /alias nsnet:crash/);
  assert.match(ip('link', 'show', 'br0'), /alias nsnet:crash/);
  ok('down', file);
  assertClean('after down');

  // A namespace the journal does not list is someone else's, even if empty.
  ip('netns', 'add', 'h3');
  const refused = nsnet('up', file);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /nodes\.h3: namespace h3 \(node h3\) exists and was not made by lab crash/);
  assert.deepEqual(namespaces(), ['h3']);
  ip('netns', 'del', 'h3');
});

test('a veth a killed up made from its node\'s side, before the host ever reported it, is taken back, not remade', { skip }, () => {
  const file = star('crash', 3);
  // As an up killed right after making h2's veth leaves it: made inside h2 with its peer sent to
  // the host, nothing marked yet. Nothing in the host has reported the host end, so the host has
  // no nsid for h2 (the kernel gives one when it reports a link whose peer is there).
  ip('netns', 'add', 'h2');
  ip('-n', 'h2', 'link', 'set', 'lo', 'up', 'alias', 'nsnet:crash'); // create-netns marks it as it makes it
  ip('link', 'add', 'br0', 'type', 'bridge');
  ip('-n', 'h2', 'link', 'add', 'eth0', 'up', 'type', 'veth', 'peer', 'name', 'h2-eth0', 'netns', String(process.pid));
  assert.doesNotMatch(ip('netns', 'list-id'), /name: h2\b/, 'the case needs a host without an nsid for h2');
  const ops = journalThenPlan(file).map((a) => `${a.op} ${a.target}`);
  assert.ok(ops.includes('mark link h2-eth0 in the host namespace'), ops.join('\n'));
  assert.deepEqual(ops.filter((o) => /^delete-/.test(o) || /^create-veth .*h2/.test(o)), [], 'h2\'s veth is kept as it is');
  ok('up', file);
  assert.match(ip('link', 'show', 'h2-eth0'), /alias nsnet:crash/);
  assert.match(ip('link', 'show', 'h2-eth0'), /master br0/);
  assert.equal(JSON.parse(ok('plan', file, '-j')).actions.length, 0);
  ok('down', file);
  assertClean('after down');
});

test('two ups of one lab at once: the second waits for the first, then finds nothing to do', { skip }, async (t) => {
  const file = star('crash', 150);
  t.after(() => nsnet('down', '--lab', 'crash'));
  const run = () => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const c = spawn(process.execPath, [bin, 'up', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => resolve({ code, out, err }));
  });
  const [a, b] = await Promise.all([run(), run()]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const outs = [a.out, b.out].map((o) => o.trim());
  assert.equal(outs.filter((o) => /^lab crash is up: /.test(o)).length, 1, outs.join(' / '));
  assert.equal(outs.filter((o) => o === 'lab crash is up to date (150 nodes, 150 links): nothing to do').length, 1, outs.join(' / '));
  assert.equal(namespaces().length, 150);
  // Whichever came second said once that it waited, naming the other's pid.
  const waited = [a.err, b.err].join('');
  if (waited) assert.match(waited, /^nsnet: lab crash is busy: waiting for process \d+/);
  ok('down', file);
  assertClean('after down');
});
