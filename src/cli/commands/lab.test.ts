// The lab commands' behaviour that needs no kernel: located validation errors, usage errors,
// labs/schema/graph output. A private state directory (NSNET_RUN_DIR) stands for /run/nsnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..');
const bin = join(root, 'bin', 'nsnet.js');
const runDir = mkdtempSync(join(tmpdir(), 'nsnet-cli-lab-'));

function nsnet(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NSNET_RUN_DIR: runDir, NSNET_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('plan/up of an invalid file: each problem on its own line as file:line:col: path: message, exit 1', () => {
  const f = join(runDir, 'bad.yaml');
  writeFileSync(f, 'name: bad\nnodes:\n  h1:\n    interfaces:\n      eth0: { addresses: [10.0.0.1/24, 10.0.0.300/24] }\nlinks:\n  - [h1:eth0, h9:eth0]\n');
  for (const cmd of ['plan', 'up']) {
    const r = nsnet(cmd, f);
    assert.equal(r.code, 1, r.err);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 3, r.err);
    assert.match(lines[0]!, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:\\d+: nodes\\.h1\\.interfaces\\.eth0\\.addresses\\[1\\]: `));
    assert.match(lines[1]!, /:7:15: links\[0\]\[1\]: unknown node 'h9'/);
    assert.equal(lines[2], 'nsnet: 2 problems in the topology; nothing was changed');
    assert.equal(r.out, '');
  }
});

test('a file that cannot be read is named', () => {
  const r = nsnet('plan', join(runDir, 'nosuch.yaml'));
  assert.equal(r.code, 1);
  assert.match(r.err, /nosuch\.yaml: cannot read topology file: no such file/);
});

test('commands that need a lab say which are there, with usage status 2', () => {
  let r = nsnet('status');
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), 'nsnet: status: give a topology FILE or --lab NAME (no lab is up on this host)');
  r = nsnet('down');
  assert.equal(r.code, 2);
  assert.match(r.err, /down: give the lab's topology FILE or --lab NAME/);
  r = nsnet('exec', 'h1', '--', 'true');
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), 'nsnet: exec: no lab on this host has a node "h1" (see nsnet labs)');
  r = nsnet('status', '--lab', 'nosuch');
  assert.equal(r.code, 1);
  assert.match(r.err, /lab nosuch is not up on this host \(no record\); list labs with nsnet labs/);
});

test('labs with none up; schema; graph', () => {
  assert.equal(nsnet('labs').out.trim(), 'no lab is up on this host');
  assert.deepEqual(JSON.parse(nsnet('labs', '-j').out), []);
  assert.deepEqual(JSON.parse(nsnet('-j', 'labs').out), [], 'the global -j works too');
  const schema = JSON.parse(nsnet('schema').out) as { properties?: Record<string, unknown> };
  assert.ok(schema.properties && 'nodes' in schema.properties && 'links' in schema.properties);
  const g = nsnet('graph', join(root, 'examples', 'router.yaml'));
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^graph "router" \{/);
  assert.match(g.out, /"n:h1" -- "n:r1" \[taillabel="eth0", headlabel="eth0"\];/);
});

test('help of a lab command: nsnet help up prints what nsnet up --help prints', () => {
  const help = nsnet('help', 'up');
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /^Usage: nsnet up \[options\] <file>/);
  assert.equal(help.out, nsnet('up', '--help').out);
  const bad = nsnet('help', 'nosuch');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown object or command "nosuch" .*commands: plan, up, down/);
});

test('exec needs a command after the node', () => {
  const r = nsnet('exec', 'h1', '--');
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), 'nsnet: exec: give the command to run in h1: nsnet exec h1 CMD...');
});
