import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NsnetError } from '../kernel/errors.js';
import type { Features } from './features.js';
import { impairProblems } from './impair.js';
import { layoutFor } from './impairspec.js';

const HERE: Features = { netem: false, tbf: true, htb: true, clsact: true, cls_bpf: true, ifb: true };
const NETEM: Features = { ...HERE, netem: true };

test('impairProblems names the field: loss 120%, rate fast, jitter without delay, reorder without delay, burst without rate', () => {
  assert.deepEqual(impairProblems({ rate: '10mbit', loss: '1%', delay: '20ms', jitter: '5ms', limit: 100 }), []);
  const fields = (s: Parameters<typeof impairProblems>[0]): string[] => impairProblems(s).map((p) => p.field);
  assert.deepEqual(fields({ loss: '120%' }), ['loss']);
  assert.match(impairProblems({ loss: '120%' })[0]!.message, /^loss: "120%" is not valid; give a percentage/);
  assert.deepEqual(fields({ rate: 'fast' }), ['rate']);
  assert.deepEqual(fields({ jitter: '5ms' }), ['jitter']);
  assert.match(impairProblems({ jitter: '5ms' })[0]!.message, /jitter needs a delay/);
  assert.deepEqual(fields({ delay: '1ms', reorder: '5%' }), []);
  assert.deepEqual(fields({ reorder: '5%' }), ['reorder']);
  assert.deepEqual(fields({ burst: '10kb' }), ['burst']);
  assert.deepEqual(fields({ limit: 0 }), ['limit']);
  assert.deepEqual(fields({ delay: 'soon', duplicate: '-1%' }), ['delay', 'duplicate']);
});

test('without netem: rate is a root tbf, loss a drop at the far end; netem-only fields refused naming the feature', () => {
  assert.deepEqual(layoutFor({ rate: '10mbit' }, HERE), { root: { kind: 'tbf', rate: 10_000_000, burst: 12_500, latency: '50ms' } });
  assert.deepEqual(layoutFor({ rate: '1mbit', burst: '32kb', limit: 10 }, HERE), { root: { kind: 'tbf', rate: 1_000_000, burst: '32kb', limit: 15_140 } });
  assert.deepEqual(layoutFor({ loss: '20%' }, HERE), { peerLoss: 20 });
  assert.deepEqual(layoutFor({ rate: '100kbit', loss: '1%' }, HERE), { root: { kind: 'tbf', rate: 100_000, burst: 3028, latency: '50ms' }, peerLoss: 1 });
  for (const [s, word] of [[{ delay: '1ms' }, 'delay'], [{ duplicate: '1%' }, 'duplicate'], [{ corrupt: '1%' }, 'corrupt'], [{ limit: 5 }, 'limit']] as const) {
    assert.throws(() => layoutFor(s, HERE), (e: unknown) => e instanceof NsnetError && e.message === `${word} needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it`);
  }
  assert.throws(() => layoutFor({ loss: '1%' }, { ...HERE, cls_bpf: false }), /loss needs the kernel's bpf classifier \(CONFIG_NET_CLS_BPF\)/);
  assert.throws(() => layoutFor({ rate: '1mbit' }, { ...HERE, tbf: false }), /rate needs the kernel's tbf qdisc/);
  assert.throws(() => layoutFor({ loss: '101%' }, HERE), /loss: "101%" is not valid/);
});

test('with netem: netem at the root (its loss is silent, so no far-end drop), under a tbf when a rate is asked', () => {
  assert.deepEqual(layoutFor({ delay: '20ms', jitter: '5ms', loss: '1%' }, NETEM), { root: { kind: 'netem', delay: '20ms', jitter: '5ms', loss: '1%' } });
  assert.deepEqual(layoutFor({ rate: '10mbit', delay: '20ms' }, NETEM), {
    root: { kind: 'tbf', rate: 10_000_000, burst: 12_500, latency: '50ms' }, child: { kind: 'netem', delay: '20ms' },
  });
  assert.deepEqual(layoutFor({ rate: '10mbit' }, NETEM), { root: { kind: 'tbf', rate: 10_000_000, burst: 12_500, latency: '50ms' } });
  assert.deepEqual(layoutFor({ limit: 50 }, NETEM), { root: { kind: 'netem', limit: 50 } });
  assert.deepEqual(layoutFor({}, NETEM), {});
});
