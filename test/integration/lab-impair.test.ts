// The lab-level commands on a running lab, as a user runs them: nsnet impair (set, list,
// refuse, clear), link-down/link-up (NO-CARRIER on the node's end, which stays UP), capture -w.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelFeatures } from '../../src/index.js';
import { parsePcapng } from '../../src/wire/pcapng.js';
import { bin, ipj, labSkip, nsnet, ok, ping } from '../helpers/lab.js';
import { haveCommand } from '../helpers/sandbox.js';

const TOPO = `
name: imp
prefix: imp-
nodes:
  a:
    interfaces:
      eth0: { addresses: [10.8.0.1/24] }
      eth1: { addresses: [10.8.1.1/24] }
  b:
    interfaces:
      eth0: { addresses: [10.8.0.2/24] }
  c:
    interfaces:
      eth0: { addresses: [10.8.1.3/24] }
bridges:
  sw: {}
links:
  - [a:eth0, b:eth0]
  - [a:eth1, sw]
  - [c:eth0, sw]
`;

test('impair, link-down/up and capture on a lab, through the CLI', { skip: labSkip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-impair-'));
  const file = join(dir, 'imp.yaml');
  writeFileSync(file, TOPO);
  t.after(() => {
    nsnet('down', file);
    rmSync(dir, { recursive: true, force: true });
  });
  ok('up', file);

  await t.test('impair sets, lists and clears; what the kernel lacks is refused with one line', () => {
    ok('impair', file, 'a:eth0', 'rate', '20mbit', 'loss', '5%');
    assert.equal(ok('impair', '--lab', 'imp'), 'a:eth0 rate 20Mbit burst 24.414Kb loss 5%\n');
    const list = JSON.parse(ok('impair', file, '-j')) as unknown;
    assert.deepEqual(list, [{ endpoint: 'a:eth0', impair: { rate: '20Mbit', burst: '24.414Kb', loss: '5%' } }]);
    if (!kernelFeatures().netem) {
      const r = nsnet('impair', file, 'b:eth0', 'delay', '20ms');
      assert.equal(r.code, 1);
      assert.equal(r.err, "nsnet: delay needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it\n");
    }
    const bad = nsnet('impair', file, 'a:eth0', 'loss', '120%');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /loss: "120%" is not valid; give a percentage/);
    assert.equal(nsnet('impair', file, 'a:eth0', 'speed', '1').code, 2);
    ok('impair', file, 'a:eth0', 'clear');
    assert.equal(ok('impair', file), '');
  });

  await t.test('link-down pulls the cable: ping stops, the node end is NO-CARRIER but UP; link-up restores it', () => {
    assert.ok(ping('imp-a', '10.8.1.3'));
    ok('link-down', file, 'a:eth1');
    const [l] = ipj<Array<{ flags: string[]; operstate: string }>>('-n', 'imp-a', 'link', 'show', 'eth1');
    assert.ok(l!.flags.includes('NO-CARRIER') && l!.flags.includes('UP'), JSON.stringify(l));
    assert.ok(!ping('imp-a', '10.8.1.3'));
    // Inside the node, bringing the interface up again changes nothing.
    execFileSync('ip', ['-n', 'imp-a', 'link', 'set', 'eth1', 'up']);
    assert.ok(!ping('imp-a', '10.8.1.3'));
    ok('link-up', file, 'a:eth1');
    assert.ok(ping('imp-a', '10.8.1.3'));
    const r = nsnet('link-down', file, 'a:eth0');
    assert.equal(r.code, 1);
    assert.match(r.err, /link a:eth0--b:eth0 joins two nodes directly; a veth pair cannot drop carrier on both of its own ends/);
  });

  await t.test('capture -w during a ping: tcpdump -r shows requests and replies on a:eth0 and b:eth0', { skip: !haveCommand('tcpdump') && 'tcpdump is not installed' }, async () => {
    const out = join(dir, 'ping.pcapng');
    const cap = spawn(process.execPath, [bin, 'capture', file, 'a:eth0', 'b:eth0', '-w', out, '--duration', '3'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const ready = new Promise<void>((res) => cap.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('capturing on a:eth0, b:eth0\n')) res();
    }));
    await ready;
    execFileSync('ip', ['netns', 'exec', 'imp-a', 'ping', '-c', '3', '-i', '0.2', '10.8.0.2']);
    const code = await new Promise<number | null>((res) => cap.on('exit', res));
    assert.equal(code, 0, `capture: ${err}`);
    assert.match(err, /packets captured \(a:eth0 \d+, b:eth0 \d+\)/);
    const pc = parsePcapng(readFileSync(out));
    assert.deepEqual(pc.interfaces.map((i) => i.name), ['a:eth0', 'b:eth0']);
    const text = execFileSync('tcpdump', ['-r', out, '-n'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trimEnd().split('\n');
    assert.equal(text.length, pc.packets.length);
    const named = text.map((l, i) => `${pc.interfaces[pc.packets[i]!.iface]!.name} ${l}`);
    for (const ifn of ['a:eth0', 'b:eth0']) {
      assert.ok(named.filter((l) => new RegExp(`^${ifn} .*10\\.8\\.0\\.1 > 10\\.8\\.0\\.2: ICMP echo request`).test(l)).length >= 3, named.join('\n'));
      assert.ok(named.filter((l) => new RegExp(`^${ifn} .*10\\.8\\.0\\.2 > 10\\.8\\.0\\.1: ICMP echo reply`).test(l)).length >= 3, named.join('\n'));
    }
  });

  for (const w of [[], ['-w', '-']]) {
    await t.test(`capture ${w.join(' ') || '(lines)'} | head: when its reader goes away it stops by itself, status 0, with its summary`, async () => {
      const cap = spawn(process.execPath, [bin, 'capture', file, 'a:eth0', ...w], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      cap.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((res) => cap.on('exit', res));
      let ended = false;
      void exited.then(() => (ended = true));
      let got = 0;
      cap.stdout.once('data', (d: Buffer) => {
        got = d.length;
        cap.stdout.destroy(); // as head does after its lines
      });
      // Traffic until it has printed something and then found its reader gone.
      for (let i = 0; i < 50 && !ended; i++) await new Promise((res) => spawn('ip', ['netns', 'exec', 'imp-a', 'ping', '-c', '1', '-W', '1', '10.8.0.2'], { stdio: 'ignore' }).on('exit', res));
      if (!ended) cap.kill('SIGKILL');
      assert.ok(got > 0, `capture printed something: ${err}`);
      assert.ok(ended, 'capture stopped by itself once its reader went away');
      assert.equal(await exited, 0, err);
      assert.match(err, /^capturing on a:eth0\n\d+ packets captured \(a:eth0 \d+\)\n$/);
    });
  }
});
