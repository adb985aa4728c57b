// Impairments against the kernel, measured: rate through tbf (iperf3), loss through the BPF
// random drop on the far end's ingress (ping), the kernel probe, and the refusal of what this
// kernel lacks. Netem-only features run where the kernel has netem and skip here with the reason.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearImpairment, impair, kernelFeatures, netns, NsnetError, Qdiscs, readImpairment, type Handle } from '../../src/index.js';

const skip = kernelSkip;
const tc = (...args: string[]): string => execFileSync('tc', args).toString();

/** a (10.9.0.1, eth0) <-> b (10.9.0.2, eth0), both up. */
async function pair(t: { after(fn: () => unknown): void }): Promise<{ a: Handle; b: Handle }> {
  t.after(async () => {
    a.close();
    b.close();
    await netns.del('ia');
    await netns.del('ib');
  });
  const a = await netns.create('ia');
  const b = await netns.create('ib');
  await a.link.add({ kind: 'veth', name: 'eth0', peer: { name: 'eth0', netns: 'ib' } });
  for (const [h, addr] of [[a, '10.9.0.1/24'], [b, '10.9.0.2/24']] as const) {
    await h.addr.add('eth0', addr);
    await h.link.set('eth0', { up: true });
  }
  return { a, b };
}

const netemSkip = (): string | false => (kernelSkip ? kernelSkip : kernelFeatures().netem ? false : "this kernel lacks netem (CONFIG_NET_SCH_NETEM): delay, jitter, duplicate, corrupt and reorder cannot be tested here");

test('the kernel probe finds what this kernel offers, leaves nothing behind, and answers from its cache', { skip }, () => {
  const before = execFileSync('ip', ['-o', 'link']).toString();
  const f = kernelFeatures();
  assert.equal(kernelFeatures(), f, 'cached per process');
  // ARCHITECTURE.md: this machine has tbf, htb, clsact, cls_bpf, ifb; lacks netem. Another kernel may differ, but
  // tc itself must agree with the probe about netem.
  const tcNetem = (() => {
    try {
      execFileSync('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], { stdio: 'ignore' });
      tc('qdisc', 'del', 'dev', 'lo', 'root');
      return true;
    } catch { return false; }
  })();
  assert.equal(f.netem, tcNetem);
  assert.ok(f.tbf && f.clsact && f.cls_bpf, JSON.stringify(f));
  assert.equal(execFileSync('ip', ['-o', 'link']).toString(), before, 'no device left here');
  assert.doesNotMatch(tc('qdisc', 'show'), /tbf|htb|clsact|netem/);
});

test('without netem: delay, jitter, duplicate, corrupt, reorder are refused before anything changes', { skip: kernelSkip || (kernelFeatures().netem ? 'this kernel has netem: the refusal does not apply' : false) }, async (t) => {
  const { a } = await pair(t);
  for (const [spec, word] of [[{ rate: '1mbit', delay: '20ms' }, 'delay'], [{ duplicate: '1%' }, 'duplicate'], [{ corrupt: '1%' }, 'corrupt'], [{ delay: '5ms', reorder: '5%' }, 'delay']] as const) {
    await assert.rejects(impair({ handle: a, dev: 'eth0' }, spec), (e: unknown) => {
      assert.ok(e instanceof NsnetError);
      assert.equal(e.message, `${word} needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it`);
      return true;
    });
  }
  assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', 'ia', 'tc', 'qdisc', 'show', 'dev', 'eth0']).toString(), /tbf/, 'the rate was not applied either');
});

test('bad values are refused with the field named', { skip }, async (t) => {
  const { a } = await pair(t);
  await assert.rejects(impair({ handle: a, dev: 'eth0' }, { loss: '120%' }), /loss: "120%" is not valid; give a percentage/);
  await assert.rejects(impair({ handle: a, dev: 'eth0' }, { rate: 'fast' }), /rate: "fast" is not valid; give a rate/);
  await assert.rejects(impair({ handle: a, dev: 'eth0' }, { jitter: '5ms' }), /jitter needs a delay/);
});

test('rate 10mbit: TCP throughput through the link is within 10% of 10 Mbit/s (iperf3)', { skip: skip || (!haveCommand('iperf3') && 'iperf3 is not installed') }, async (t) => {
  const { a, b } = await pair(t);
  await impair({ handle: a, dev: 'eth0' }, { rate: '10mbit' });
  assert.deepEqual(await readImpairment({ handle: a, dev: 'eth0' }), { rate: '10Mbit', burst: '12.207Kb' });
  const server = b.spawn(['iperf3', '-s', '-1', '-B', '10.9.0.2']);
  t.after(() => { if (server.pid && server.exitCode === null) process.kill(server.pid); });
  await sleep(300);
  const r = await a.exec(['iperf3', '-c', '10.9.0.2', '-t', '4', '-O', '1', '-J']);
  assert.equal(r.code, 0, r.stderr);
  const bps = (JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second;
  console.log(`impair: rate 10mbit measured ${(bps / 1e6).toFixed(2)} Mbit/s (iperf3 TCP, 4 s after 1 s omitted)`);
  assert.ok(bps > 9e6 && bps < 11e6, `${bps} bit/s`);
});

test('loss 20%: about a fifth of 2000 quick pings are lost, dropped at the far end (ping sees it)', { skip: skip || (!haveCommand('ping') && 'ping is not installed') }, async (t) => {
  const { a, b } = await pair(t);
  await impair({ handle: a, dev: 'eth0' }, { loss: '20%' });
  assert.deepEqual(await readImpairment({ handle: a, dev: 'eth0' }), { loss: '20%' });
  // Where the drop sits: the far end's ingress hook, not the sender's egress.
  assert.match(execFileSync('ip', ['netns', 'exec', 'ib', 'tc', 'filter', 'show', 'dev', 'eth0', 'ingress']).toString(), /pref 4000 bpf .*direct-action/);
  const r = await a.exec(['ping', '-q', '-n', '-c', '2000', '-i', '0.002', '-W', '1', '10.9.0.2']);
  const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  assert.ok(m, r.stdout + r.stderr);
  const lost = 1 - Number(m[2]) / Number(m[1]);
  console.log(`impair: loss 20% measured ${(lost * 100).toFixed(1)}% lost of ${m[1]} pings`);
  // Echo requests and replies are each dropped with 20% only on the way a -> b: one pass.
  assert.ok(lost >= 0.15 && lost <= 0.25, `${lost}`);
  await clearImpairment({ handle: a, dev: 'eth0' });
  assert.deepEqual(await readImpairment({ handle: a, dev: 'eth0' }), {});
  assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', 'ib', 'tc', 'qdisc', 'show', 'dev', 'eth0']).toString(), /clsact/, 'clsact removed with the last filter');
  void b;
});

test('qdisc verbs agree with tc: add, show, replace, del', { skip }, async (t) => {
  const { a } = await pair(t);
  const q = new Qdiscs(a);
  await q.add('eth0', { kind: 'tbf', rate: '1mbit', burst: '32kb', latency: '400ms' });
  assert.match(execFileSync('ip', ['netns', 'exec', 'ia', 'tc', 'qdisc', 'show', 'dev', 'eth0']).toString(), /qdisc tbf \S+ root refcnt \d+ rate 1Mbit burst 32Kb lat 400ms/);
  const [tbf] = (await q.list('eth0')).filter((x) => x.kind === 'tbf');
  assert.deepEqual(tbf, { dev: 'eth0', kind: 'tbf', handle: tbf!.handle, parent: 'root', options: { rate: '1Mbit', burst: '32Kb', limit: 82_768 } });
  await q.add('eth0', { kind: 'htb', default: 0x10 }, { handle: '1:', replace: true });
  assert.match(execFileSync('ip', ['netns', 'exec', 'ia', 'tc', 'qdisc', 'show', 'dev', 'eth0']).toString(), /qdisc htb 1: root .*default 0x10/);
  assert.equal(await q.del('eth0'), true);
  assert.equal(await q.del('eth0'), false);
  await q.add('eth0', { kind: 'clsact' });
  assert.ok((await q.list('eth0')).some((x) => x.kind === 'clsact' && x.parent === 'ffff:fff1'));
  assert.equal(await q.del('eth0', 'clsact'), true);
});

test('netem features where the kernel has netem: delay shows in ping times', { skip: netemSkip() }, async (t) => {
  const { a } = await pair(t);
  await impair({ handle: a, dev: 'eth0' }, { delay: '50ms' });
  const r = await a.exec(['ping', '-c', '3', '-i', '0.2', '10.9.0.2']);
  const avg = Number(/= [\d.]+\/([\d.]+)\//.exec(r.stdout)?.[1]);
  assert.ok(avg >= 50, `${avg}`);
});
