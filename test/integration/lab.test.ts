// Labs from topology files against the kernel, through the nsnet command line and the Lab class:
// the examples come up and carry traffic, a second up changes nothing, edits change only what
// they must while traffic flows, down leaves nothing, and nsnet never takes over what it did not make.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import { examples, ip, ipj, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, TopologyError } from '../../src/index.js';
import { labsDir, recordPath } from '../../src/apply/labdir.js';
import type { LabRecord } from '../../src/apply/records.js';

const skip = labSkip;
const markedLinks = (): string[] => ipj<{ ifname: string; ifalias?: string }[]>('link', 'show').filter((l) => l.ifalias?.startsWith('nsnet:')).map((l) => l.ifname);
const records = (): string[] => (existsSync(labsDir()) ? readdirSync(labsDir()) : []);
/** ifindex of every link of each namespace (and the host), to see that untouched links stay the same objects. */
function ifindexes(nss: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const ns of nss) for (const l of ipj<{ ifname: string; ifindex: number }[]>('-n', ns, 'link', 'show')) out.set(`${ns}:${l.ifname}`, l.ifindex);
  for (const l of ipj<{ ifname: string; ifindex: number }[]>('link', 'show')) out.set(`host:${l.ifname}`, l.ifindex);
  return out;
}
function assertNothingLeft(what: string): void {
  assert.deepEqual(namespaces(), [], `${what}: namespaces left`);
  assert.deepEqual(markedLinks(), [], `${what}: links with an nsnet mark left`);
  assert.deepEqual(records().filter((f) => f.endsWith('.json')), [], `${what}: state records left`);
}

test('seed: up makes blue, blue pings the host through br0, a second up changes nothing, down removes all', { skip }, () => {
  const file = join(examples, 'seed.yaml');
  const first = ok('up', file);
  assert.match(first, /^lab seed is up: \d+ actions/m);
  assert.deepEqual(namespaces(), ['blue']);
  assert.ok(ping('blue', '10.1.1.1'), 'blue → 10.1.1.1');
  // Ownership marks: the host's links and blue's lo.
  assert.deepEqual(markedLinks().sort(), ['br0', 'veth0']);
  assert.match(ip('-n', 'blue', 'link', 'show', 'lo'), /alias nsnet:seed/);
  assert.match(ip('link', 'show', 'veth0'), /master br0/);

  const before = ifindexes(['blue']);
  const again = ok('up', file);
  assert.equal(again.trim(), 'lab seed is up to date (1 node, 1 link): nothing to do');
  assert.deepEqual(ifindexes(['blue']), before, 'nothing was re-made');
  const j = JSON.parse(ok('up', file, '-j')) as { noop: boolean; actions: unknown[] };
  assert.equal(j.noop, true);
  assert.deepEqual(j.actions, []);

  const labs = JSON.parse(ok('labs', '-j')) as { name: string; state: string; nodes: number }[];
  assert.deepEqual(labs.map((l) => [l.name, l.state, l.nodes]), [['seed', 'up', 1]]);
  assert.deepEqual(JSON.parse(ok('-j', 'labs')), labs, 'the global -j, before the command, too');
  assert.equal(ok('labs'), `LAB   STATE     NODES  LINKS  FILE\nseed  up            1      1  ${file}\n`);
  const st = JSON.parse(ok('status', '--lab', 'seed', '-j')) as { inSync: boolean; nodes: { name: string; state: string; links: { name: string; addresses: string[]; peer?: string }[] }[] };
  assert.equal(st.inSync, true);
  assert.deepEqual(st.nodes[0]!.links.map((l) => [l.name, l.addresses, l.peer]), [['veth1', ['10.1.1.2/24'], 'host:veth0']]);

  const r = nsnet('exec', 'blue', '--', 'sh', '-c', 'ip -o addr show dev veth1; exit 7');
  assert.equal(r.code, 7, 'exec passes the exit status through');
  assert.match(r.out, /10\.1\.1\.2\/24/);

  assert.match(ok('down', file), /^lab seed is down: removed 1 namespace and 1 host link/m);
  assertNothingLeft('after down');
  assert.equal(ip('-o', 'link', 'show').trim().split('\n').length, 1, 'only lo is left in the host namespace');
  assert.match(ok('down', '--lab', 'seed'), /nothing to remove/);
  assert.equal(ok('labs'), 'no lab is up on this host\n');
  assert.equal(ok('labs', '-j').trim(), '[]');
});

test('labs: a record that cannot be read is named, with what to do, exit 1', { skip }, (t) => {
  mkdirSync(labsDir(), { recursive: true });
  const rec = recordPath('broken');
  writeFileSync(rec, '{"version": ');
  t.after(() => rmSync(rec, { force: true }));
  const r = nsnet('labs');
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^nsnet: the record of lab broken \(\/run\/nsnet\/labs\/broken\.json\) is not valid JSON: .*; move it away; nsnet down --lab broken still finds the lab's objects by their marks\n$/);
});

test('for scripts: status exits 1 unless the lab is up and in sync (and says which); exec takes the command without --, and sends plain namespaces to netns exec', { skip }, (t) => {
  const file = join(examples, 'seed.yaml');
  t.after(() => {
    nsnet('down', '--lab', 'seed');
    spawnSync('ip', ['netns', 'del', 'plain']);
  });
  let r = nsnet('status', file);
  assert.equal(r.code, 1, 'status of a lab that is not up');
  assert.equal(r.err.trim(), `nsnet: lab seed is not up; build it with: nsnet up ${file}`);

  ok('up', file);
  r = nsnet('status', file);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^lab seed \(.*\): up; 1 node, 1 link, 1 bridge; in sync with the file$/m);
  assert.equal(r.err, '');

  // Drift made by hand: blue's veth1 down. status says so and fails; -j too.
  ip('-n', 'blue', 'link', 'set', 'veth1', 'down');
  r = nsnet('status', '--lab', 'seed');
  assert.equal(r.code, 1);
  assert.match(r.err, /^nsnet: lab seed has drifted from its file: \d+ differences?; nsnet up .*seed\.yaml applies the file again$/m);
  r = nsnet('-j', 'status', '--lab', 'seed');
  assert.equal(r.code, 1);
  assert.equal((JSON.parse(r.out) as { inSync: boolean }).inSync, false);
  ok('up', file);

  // Everything after the node is the command, options included, as ip netns exec.
  r = nsnet('exec', 'blue', 'ping', '-c1', '-W2', '10.1.1.1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1 received/);
  r = nsnet('exec', '--lab', 'seed', 'blue', 'sh', '-c', 'exit 3');
  assert.equal(r.code, 3);

  ip('netns', 'add', 'plain');
  r = nsnet('exec', 'plain', 'true');
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), 'nsnet: exec: namespace plain is not a node of any lab on this host; to run a command in a plain namespace: nsnet netns exec plain CMD...');
});

test('router: h1 reaches h2 through r1; edits change only their objects while a ping runs', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-lab-'));
  const file = join(dir, 'router.yaml');
  copyFileSync(join(examples, 'router.yaml'), file);
  t.after(() => nsnet('down', '--lab', 'router'));
  ok('up', file);
  assert.deepEqual(namespaces(), ['h1', 'h2', 'r1']);
  assert.ok(ping('h1', '10.0.2.10'), 'h1 → h2 through r1');
  assert.equal(ip('netns', 'exec', 'r1', 'sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1');

  // A ping runs through every edit.
  const pinger = spawn('ip', ['netns', 'exec', 'h1', 'ping', '-i', '0.02', '-W', '1', '-w', '120', '10.0.2.10'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => pinger.kill('SIGKILL'));
  let pingOut = '';
  pinger.stdout.on('data', (d: Buffer) => (pingOut += d.toString()));
  await new Promise((r) => setTimeout(r, 300));

  const base = readFileSync(file, 'utf8');
  const edit = (text: string, expect: string[], changed: (k: string) => boolean) => {
    writeFileSync(file, text);
    const plan = JSON.parse(ok('plan', file, '-j')) as { actions: { op: string; target: string }[] };
    assert.deepEqual(plan.actions.map((a) => a.op), expect, JSON.stringify(plan.actions));
    const all = ['h1', 'h2', 'r1'];
    const before = ifindexes(all);
    const res = JSON.parse(ok('up', file, '-j')) as { actions: { op: string }[] };
    assert.deepEqual(res.actions.map((a) => a.op), expect);
    const after = ifindexes(all);
    for (const [k, v] of before) if (!changed(k)) assert.equal(after.get(k), v, `${k} was not touched`);
    assert.match(ok('up', file), /nothing to do/);
  };

  // 1. Add a node and its link to r1.
  const h3Node = '  h3:\n    interfaces:\n      eth0: { addresses: [10.0.3.10/24] }\n    routes:\n      - { to: default, via: 10.0.3.1 }\n\n';
  const e1 = base
    .replace('      eth1: { addresses: [10.0.2.1/24] }\n', '      eth1: { addresses: [10.0.2.1/24] }\n      eth2: { addresses: [10.0.3.1/24] }\n')
    .replace(/\nlinks:[^\n]*\n/, (m) => `\n${h3Node}${m.slice(1)}  - [h3:eth0, r1:eth2]\n`);
  edit(e1, ['create-netns', 'create-veth', 'add-address', 'add-address', 'add-route'], (k) => k.startsWith('h3:'));
  assert.ok(ping('h3', '10.0.1.10'), 'h3 → h1');

  // 2. Add an address on r1; 3. route h1 through it; 4. back, and remove the address.
  const e2 = e1.replace('eth0: { addresses: [10.0.1.1/24] }', 'eth0: { addresses: [10.0.1.1/24, 10.0.1.2/24] }');
  edit(e2, ['add-address'], () => false);
  const e3 = e2.replace('- { to: default, via: 10.0.1.1 }', '- { to: default, via: 10.0.1.2 }');
  edit(e3, ['replace-route'], () => false);
  assert.match(ip('-n', 'h1', 'route', 'show', 'default'), /via 10\.0\.1\.2 dev eth0 proto static/);
  edit(e1, ['del-address', 'replace-route'], () => false);
  assert.doesNotMatch(ip('-n', 'r1', 'addr', 'show', 'dev', 'eth0'), /10\.0\.1\.2\//);
  // 5. A sysctl.
  const e5 = e1.replace('net.ipv4.ip_forward: 1', 'net.ipv4.ip_forward: 1\n      net.ipv4.conf.all.rp_filter: 2');
  edit(e5, ['set-sysctl'], () => false);
  assert.equal(ip('netns', 'exec', 'r1', 'sysctl', '-n', 'net.ipv4.conf.all.rp_filter').trim(), '2');
  // 6. Remove the node again: one namespace deletion, its peer in r1 goes with it; the sysctl
  // the file no longer has goes back to a new namespace's value (h1 never had it set).
  edit(base, ['delete-netns', 'set-sysctl'], (k) => k.startsWith('h3:') || k === 'r1:eth2');
  const rpf = (ns: string) => ip('netns', 'exec', ns, 'sysctl', '-n', 'net.ipv4.conf.all.rp_filter').trim();
  assert.equal(rpf('r1'), rpf('h1'));
  assert.deepEqual(namespaces(), ['h1', 'h2', 'r1']);
  assert.doesNotMatch(ip('-n', 'r1', '-o', 'link'), /eth2/);

  pinger.kill('SIGINT');
  await new Promise((r) => pinger.on('close', r));
  const m = /(\d+) packets transmitted, (\d+) received/.exec(pingOut);
  assert.ok(m, `ping summary: ${pingOut.slice(-300)}`);
  const [sent, got] = [Number(m[1]), Number(m[2])];
  assert.ok(sent > 20, `the ping ran through the edits (${sent} sent)`);
  assert.ok(got >= sent - 2, `traffic through untouched links kept flowing: ${got}/${sent} received`);

  ok('down', file);
  assertNothingLeft('after down');
});

test('a namespace with a node\'s name that nsnet did not make: up refuses, names it and its place, changes nothing', { skip }, () => {
  ip('netns', 'add', 'r1');
  ip('-n', 'r1', 'link', 'add', 'keep0', 'type', 'veth', 'peer', 'name', 'keep1');
  const before = ip('-n', 'r1', '-o', 'link');
  const file = join(examples, 'router.yaml');
  const r = nsnet('up', file);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: nodes\\.r1: namespace r1 \\(node r1\\) exists and was not made by lab router; delete it \\(nsnet netns del r1\\) or rename the node$`, 'm'));
  assert.match(r.err, /nothing was changed/);
  assert.deepEqual(namespaces(), ['r1'], 'h1 and h2 were not made');
  assert.equal(ip('-n', 'r1', '-o', 'link'), before, 'r1 untouched');
  assert.deepEqual(records().filter((f) => f.endsWith('.json')), [], 'no record for a refused lab');
  const plan = nsnet('plan', file);
  assert.equal(plan.code, 1);
  assert.match(plan.err, /nodes\.r1: namespace r1/);
  // down by name never touches it either.
  ok('down', '--lab', 'router');
  assert.deepEqual(namespaces(), ['r1']);
  ip('netns', 'del', 'r1');
});

test('a node\'s namespace deleted and made again by hand, with the inode number the lab recorded: down leaves the new one alone', { skip }, (t) => {
  const file = join(examples, 'seed.yaml');
  const recPath = recordPath('seed');
  t.after(() => {
    // Whatever failed above, leave nothing for the tests after this one.
    nsnet('down', file);
    if (namespaces().includes('blue')) ip('netns', 'del', 'blue');
  });
  ok('up', file);
  const rec = JSON.parse(readFileSync(recPath, 'utf8')) as LabRecord;
  const recorded = rec.namespaces.blue!;
  const ino = (): number => Number(ip('netns', 'exec', 'blue', 'stat', '-L', '-c', '%i', '/proc/self/ns/net').trim());
  assert.equal(ino(), recorded.ino);
  // The kernel gives a new namespace the lowest free nsfs inode number, which is the old one's
  // once the kernel has freed it (asynchronously, and only if no other namespace on the machine
  // took it first). A user's `ip netns del blue; ip netns add blue` a moment apart then gets the
  // recorded number. The test makes that collision certain: it makes blue again by hand and
  // writes the new namespace's dev and inode number into the record, as reuse would leave them,
  // keeping the `made` of the one nsnet made.
  ip('netns', 'del', 'blue');
  ip('netns', 'add', 'blue');
  const now = statSync('/run/netns/blue');
  assert.equal(Number(now.ino), ino(), 'the bind mount and the namespace agree');
  assert.ok(recorded.made !== undefined && recorded.made !== now.mtimeMs, 'the new namespace was made at another time');
  rec.namespaces.blue = { ...recorded, dev: Number(now.dev), ino: Number(now.ino) };
  writeFileSync(recPath, JSON.stringify(rec));
  ip('-n', 'blue', 'addr', 'add', '192.168.203.7/32', 'dev', 'lo');
  const r = nsnet('down', file);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(namespaces(), ['blue'], 'the hand-made blue is still there');
  assert.match(ip('-n', 'blue', 'addr', 'show', 'dev', 'lo'), /192\.168\.203\.7\/32/);
  assert.match(r.out, /^lab seed is down: removed 0 namespaces and 1 host link/m);
  assert.match(r.err, /^nsnet: left alone: namespace blue: not made by lab seed, left alone$/m);
  assert.deepEqual(markedLinks(), [], 'the lab\'s own host links went');
});

test('a host link with the bridge\'s name that nsnet did not make: up refuses naming it', { skip }, () => {
  ip('link', 'add', 'br0', 'type', 'bridge');
  try {
    const r = nsnet('up', join(examples, 'seed.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.err, /seed\.yaml:\d+:\d+: bridges\.br0: link br0 in the host namespace exists and was not made by lab seed; delete it \(nsnet link del br0\)/);
    assert.deepEqual(namespaces(), []);
    assert.doesNotMatch(ip('-d', 'link', 'show', 'br0'), /alias/);
  } finally {
    ip('link', 'del', 'br0');
  }
});

test('bad input: an invalid file and a missing host NIC give located errors, exit 1, nothing applied', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-lab-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: bad\nnodes:\n  h1:\n    interfaces:\n      eth0: { addresses: [10.0.0.1/24] }\nlinks:\n  - [h1:eth0, h9:eth0]\n');
  let r = nsnet('up', bad);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:15: links\\[0\\]\\[1\\]: unknown node 'h9'`, 'm'));
  const nic = join(dir, 'nic.yaml');
  writeFileSync(nic, 'name: nic\nnodes:\n  a: { interfaces: { eth0: { addresses: [10.9.0.2/24] } } }\nbridges:\n  br9: { addresses: [10.9.0.1/24] }\nlinks:\n  - [a:eth0, br9]\nuplinks:\n  - { type: bridge, bridge: br9, interface: nosuch0 }\n');
  r = nsnet('up', nic);
  assert.equal(r.code, 1);
  assert.match(r.err, /nic\.yaml:9:\d+: uplinks\[0\]\.interface: uplink 0 names host interface nosuch0, which does not exist/);
  assert.deepEqual(namespaces(), []);
  assert.deepEqual(markedLinks(), []);
  assert.deepEqual(records().filter((f) => f.endsWith('.json')), []);
});

test('Lab from TypeScript: 200 hosts built in a loop, up with Lab.upFor, exec, torn down when the test ends', { skip }, async (t) => {
  const N = 200;
  const input = () => {
    const nodes: Record<string, { interfaces: Record<string, { addresses: string[] }> }> = {};
    const links: [string, string][] = [];
    for (let i = 1; i <= N; i++) {
      nodes[`h${i}`] = { interfaces: { eth0: { addresses: [`10.20.${i >> 8}.${i & 255}/16`] } } };
      links.push([`h${i}:eth0`, 'br0']);
    }
    return { name: 'ts200', nodes, bridges: { br0: {} }, links };
  };
  await t.test('inside a test', async (t2) => {
    const lab = await Lab.upFor(t2, input());
    assert.equal(namespaces().length, N);
    const r = await lab.exec('h1', ['ping', '-c1', '-W2', `10.20.${N >> 8}.${N & 255}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const plan = await lab.plan();
    assert.equal(plan.noop, true);
    assert.equal((await lab.node('h7').addr.list({ dev: 'eth0', family: 4 }))[0]?.cidr, '10.20.0.7/16');
  });
  // The subtest's t.after ran when it ended.
  assert.deepEqual(namespaces(), [], 'the lab is gone after the subtest');
  assert.deepEqual(markedLinks(), []);

  // Even when the test body fails: the teardown registered by upFor runs.
  const afters: (() => unknown)[] = [];
  const fake = { after: (fn: () => unknown) => void afters.push(fn) };
  await assert.rejects(async () => {
    const lab = await Lab.upFor(fake, input());
    assert.equal(lab.name, 'ts200');
    throw new Error('the test fails here');
  }, /the test fails here/);
  assert.equal(namespaces().length, N, 'up before the failure');
  for (const fn of afters) await fn();
  assertNothingLeft('after the failing test\'s teardown');

  // Validation errors are all reported at once, before anything is made.
  assert.throws(() => Lab.from({ name: 'Bad Name', nodes: { h1: { interfaces: { eth0: { addresses: ['10.0.0.1/99'] } } } } }), (e: unknown) => {
    assert.ok(e instanceof TopologyError);
    assert.ok(e.issues.length >= 2, e.message);
    return true;
  });
});

test('a kernel refusal halfway: the object and its place in the file, exit 1; the next up finishes, or down removes it all', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-lab-'));
  const bad = join(dir, 'router.yaml');
  // The kernel has no such sysctl: refused at the sysctl step, after namespaces, links, addresses and routes.
  writeFileSync(bad, readFileSync(join(examples, 'router.yaml'), 'utf8').replace(/net\.ipv4\.ip_forward: 1[^\n]*\n/, 'net.ipv4.ip_forward: 1\n      net.ipv4.nosuch_key: 1\n'));
  const r = nsnet('up', bad);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: nodes\\.r1\\.sysctls\\["net\\.ipv4\\.nosuch_key"\\]: lab router: set-sysctl sysctl net\\.ipv4\\.nosuch_key in r1 failed: .*no such key.*; \\d+ actions done before it; fix the cause and run nsnet up again to finish, or nsnet down to remove what was made$`, 'm'));
  const labs = JSON.parse(ok('labs', '-j')) as { name: string; state: string }[];
  assert.deepEqual(labs.map((l) => [l.name, l.state]), [['router', 'failed']]);
  assert.ok(ping('h1', '10.0.2.10'), 'what was made before the refusal works');
  // Fixed file: up finishes (nothing left to do but the record).
  assert.match(ok('up', join(examples, 'router.yaml')), /nothing to do/);
  assert.deepEqual((JSON.parse(ok('labs', '-j')) as { state: string }[]).map((l) => l.state), ['up']);
  ok('down', '--lab', 'router');
  assertNothingLeft('after down');
  // Refused again, then down right away removes all of it.
  assert.equal(nsnet('up', bad).code, 1);
  assert.deepEqual(namespaces(), ['h1', 'h2', 'r1']);
  ok('down', '--lab', 'router');
  assertNothingLeft('after down of a failed up');
});
