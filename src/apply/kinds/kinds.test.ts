import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, orderOf, type Action } from '../../plan/kinds/index.js';
import { APPLY } from './index.js';

test('every plan kind has its apply kind, and every apply kind a plan kind', () => {
  const planOps = KINDS.map((k) => k.op);
  assert.equal(new Set(planOps).size, planOps.length, 'each op is registered once');
  assert.deepEqual([...planOps].sort(), Object.keys(APPLY).sort());
  for (const op of planOps) assert.equal(typeof APPLY[op], 'function', `${op} has an apply function`);
});

test('removals come before everything else, exec last', () => {
  // A sample action of each kind (order depends on the action only for set-sysctl: host or node).
  const sample = (op: string, extra: object = {}) => ({ op, target: '', reason: '', ...extra }) as unknown as Action;
  const ranks = KINDS.map((k) => ({ op: k.op, sign: k.sign, rank: orderOf(sample(k.op, { netns: 'n' })) }));
  const removals = ranks.filter((r) => r.sign === '-');
  const others = ranks.filter((r) => r.sign !== '-');
  for (const r of removals) for (const o of others) assert.ok(r.rank < o.rank, `${r.op} (${r.rank}) before ${o.op} (${o.rank})`);
  const exec = ranks.find((r) => r.op === 'run-exec')!;
  for (const r of ranks) if (r.op !== 'run-exec') assert.ok(r.rank < exec.rank, `${r.op} before run-exec`);
  assert.ok(orderOf(sample('set-sysctl', { netns: 'n' })) < orderOf(sample('set-sysctl')), "a node's sysctls before the host's (uplink)");
});
