// Capture against the kernel: AF_PACKET sockets in two namespaces during a ping, written as
// pcapng with one interface block per NODE:IF, read back by tcpdump -r.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture, netns } from '../../src/index.js';
import { parsePcapng } from '../../src/wire/pcapng.js';

const skip = kernelSkip || (!haveCommand('tcpdump') && 'tcpdump is not installed') || (!haveCommand('ping') && 'ping is not installed');

test('a capture during a ping holds the echo requests and replies on both ends, named NODE:IF, readable by tcpdump -r', { skip }, async (t) => {
  t.after(async () => {
    await netns.del('ca');
    await netns.del('cb');
  });
  const a = await netns.create('ca');
  const b = await netns.create('cb');
  t.after(() => { a.close(); b.close(); });
  await a.link.add({ kind: 'veth', name: 'eth0', peer: { name: 'eth1', netns: 'cb' } });
  await a.addr.add('eth0', '10.7.0.1/24');
  await b.addr.add('eth1', '10.7.0.2/24');
  await a.link.set('eth0', { up: true });
  await b.link.set('eth1', { up: true });
  await a.exec(['ping', '-c', '1', '-W', '2', '10.7.0.2']); // ARP settled before the capture
  const c = capture([{ handle: a, dev: 'eth0', name: 'ca:eth0' }, { handle: b, dev: 'eth1', name: 'cb:eth1' }], { durationMs: 5000 });
  const r = await a.exec(['ping', '-c', '4', '-i', '0.2', '10.7.0.2']);
  assert.equal(r.code, 0, r.stderr);
  await new Promise((res) => setTimeout(res, 200));
  c.stop();
  const res = await c.done;
  assert.ok(res.pcapng);
  const file = parsePcapng(Buffer.from(res.pcapng));
  assert.deepEqual(file.interfaces.map((i) => i.name), ['ca:eth0', 'cb:eth1']);
  // 4 requests + 4 replies on each end.
  assert.ok(res.perInterface['ca:eth0']! >= 8 && res.perInterface['cb:eth1']! >= 8, JSON.stringify(res.perInterface));
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-capture-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'ping.pcapng');
  writeFileSync(path, res.pcapng);
  // tcpdump 4.99 decodes every packet but prints no pcapng interface names; its lines come in
  // the file's order, so each is paired with the interface block its packet names.
  const text = execFileSync('tcpdump', ['-r', path, '-n'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trimEnd().split('\n');
  assert.equal(text.length, file.packets.length);
  const named = text.map((l, i) => `${file.interfaces[file.packets[i]!.iface]!.name} ${l}`);
  const count = (re: RegExp): number => named.filter((l) => re.test(l)).length;
  for (const ifn of ['ca:eth0', 'cb:eth1']) {
    assert.equal(count(new RegExp(`^${ifn} .*10\\.7\\.0\\.1 > 10\\.7\\.0\\.2: ICMP echo request`)), 4, named.join('\n'));
    assert.equal(count(new RegExp(`^${ifn} .*10\\.7\\.0\\.2 > 10\\.7\\.0\\.1: ICMP echo reply`)), 4, named.join('\n'));
  }
});

test('count ends a capture; a missing interface is refused naming it, with nothing left open', { skip: kernelSkip }, async (t) => {
  t.after(async () => netns.del('cc'));
  const h = await netns.create('cc');
  t.after(() => h.close());
  assert.throws(() => capture([{ handle: h, dev: 'nope0', name: 'cc:nope0' }]), /link nope0 in namespace cc does not exist/);
  await h.link.set('lo', { up: true });
  const c = capture([{ handle: h, dev: 'lo', name: 'cc:lo' }], { count: 3 });
  await h.exec(['ping', '-c', '5', '-i', '0.05', '127.0.0.1']);
  const res = await c.done;
  assert.equal(res.packets, 3);
  assert.equal(parsePcapng(Buffer.from(res.pcapng!)).packets.length, 3);
});
