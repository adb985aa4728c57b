// failable: true on a node-to-node link, on the kernel: link-down stops a ping with both node
// ends NO-CARRIER (and still UP, so nothing in a node can undo it), link-up brings it back,
// status shows a pulled cable as drift and up plugs it back, plan is empty after up, and down
// removes the hidden namespace with the rest.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipj, labSkip, namespaces, nsnet, ok, ping } from '../helpers/lab.js';

const TOPO = `name: fl
prefix: fl-
nodes:
  a: { interfaces: { eth0: { addresses: [10.7.0.1/24] } } }
  b: { interfaces: { eth0: { addresses: [10.7.0.2/24] } } }
links:
  - { endpoints: [a:eth0, b:eth0], failable: true }
`;

const flags = (ns: string): string[] => ipj<Array<{ flags: string[] }>>('-n', ns, 'link', 'show', 'eth0')[0]!.flags;

test('a failable link: link-down cuts it on both ends, link-up and up restore it, down removes the middle', { skip: labSkip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-fl-'));
  const file = join(dir, 'fl.yaml');
  writeFileSync(file, TOPO);
  t.after(() => {
    nsnet('down', file);
    rmSync(dir, { recursive: true, force: true });
  });
  ok('up', file);
  assert.ok(namespaces().includes('fl-fl~wires'), 'the hidden namespace of the middle');
  assert.match(ok('plan', file), /is up to date/);
  assert.ok(ping('fl-a', '10.7.0.2'));

  ok('link-down', file, 'a:eth0');
  for (const ns of ['fl-a', 'fl-b']) {
    const f = flags(ns);
    assert.ok(f.includes('NO-CARRIER') && f.includes('UP'), `${ns}: ${f.join(',')}`);
  }
  assert.ok(!ping('fl-a', '10.7.0.2'));
  execFileSync('ip', ['-n', 'fl-b', 'link', 'set', 'eth0', 'up']); // from inside a node: changes nothing
  assert.ok(!ping('fl-b', '10.7.0.1'));
  ok('link-up', file, 'b:eth0'); // either end names the cable
  assert.ok(ping('fl-a', '10.7.0.2'));
  for (const ns of ['fl-a', 'fl-b']) assert.ok(!flags(ns).includes('NO-CARRIER'), ns);

  ok('link-down', file, 'b:eth0');
  const r = nsnet('status', file);
  assert.equal(r.code, 1, 'a pulled cable is a difference from the file');
  assert.match(r.out, /set-link link f0[ab] in fl-fl~wires: it is down/);
  ok('up', file);
  assert.ok(ping('fl-a', '10.7.0.2'));
  assert.match(ok('plan', file), /is up to date/);

  ok('down', file);
  assert.deepEqual(namespaces().filter((n) => n.startsWith('fl-')), []);
});
