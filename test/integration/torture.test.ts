// The torture suite (test/torture/, `npm run torture`), reduced to a few trials of each kind so
// that `npm test` guards it: every count of a failure must be 0.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrency } from '../torture/concurrency.js';
import { crashTrials } from '../torture/crash.js';
import { fdGrowth } from '../torture/fds.js';
import { fuzzDecoders } from '../torture/fuzz.js';
import { hostileFiles } from '../torture/hostile.js';
import { ovsConcurrency, ovsCrashTrials, ovsUnavailable } from '../torture/ovs.js';
import { removeInternet } from '../torture/world.js';

const seed = Number(process.env.NSNET_TORTURE_SEED ?? 20240601);
const tools = ['ping', 'nft'].filter((c) => !haveCommand(c));
const labSkip = kernelSkip ?? (tools.length ? `${tools.join(' and ')} not installed (apt-get install iputils-ping nftables)` : undefined);
const show = (x: { examples: string[] } | { examples: Array<{ what: string }> }) => JSON.stringify(x.examples, null, 1);

test('crash safety and foreign objects: up or down killed at random, then up, pings, down; nothing left, nothing foreign touched', { skip: labSkip }, async (t) => {
  t.after(() => removeInternet());
  const r = await crashTrials({ upKills: 4, downKills: 2, seed }); // the fourth up trial takes a namespace and the bridge over by hand
  assert.equal(r.trials, 6);
  assert.equal(r.leaks, 0, show(r));
  assert.equal(r.foreignTouched, 0, show(r));
  assert.equal(r.incomplete, 0, show(r));
});

test('concurrency: two labs at once, the same lab twice, up and down at once, netns add racing ip netns add', { skip: labSkip }, async (t) => {
  t.after(() => removeInternet());
  const r = await concurrency({ rounds: 1, races: 1, raceSize: 30 });
  assert.equal(r.runs, 5);
  assert.equal(r.errors, 0, show(r));
});

const ovsSkip = labSkip ?? ovsUnavailable();

test('OVS lab: up or down killed at random, then up, pings, down; no bridge, port, hold or daemon left', { skip: ovsSkip }, async () => {
  const r = await ovsCrashTrials({ upKills: 2, downKills: 1, seed });
  assert.equal(r.trials, 3);
  assert.equal(r.leaks, 0, show(r));
  assert.equal(r.incomplete, 0, show(r));
});

test('OVS labs at once on the shared daemons; one up while the only other goes down; the daemons stop with the last', { skip: ovsSkip }, async () => {
  const r = await ovsConcurrency({ rounds: 1 });
  assert.equal(r.runs, 2);
  assert.equal(r.errors, 0, show(r));
});

test('decoder fuzzing: every case ends in a value or a WireError, in bounded time', async () => {
  const r = await fuzzDecoders({ cases: 50_000, seed });
  assert.equal(r.decoded + r.wireErrors + r.crashes - r.hangs, r.cases);
  assert.ok(r.decoded > 1000 && r.wireErrors > 1000, `both outcomes happen: ${r.decoded} decoded, ${r.wireErrors} WireError`);
  assert.equal(r.crashes, 0, show(r));
});

test('hostile topology files: a located validation error each, nothing applied', async () => {
  const r = await hostileFiles({ count: 27, big: 1, seed, cli: kernelSkip === undefined });
  assert.equal(r.files, 28);
  assert.equal(r.categories, 10);
  assert.equal(r.crashes, 0, show(r));
});

test('no fd growth: library operations across 20 namespaces, then closed', { skip: kernelSkip }, async () => {
  const r = await fdGrowth({ ops: 1000, namespaces: 20, seed });
  assert.equal(r.ops, 1000);
  assert.equal(r.unexpected, 0, show(r));
  assert.ok(r.peak > r.before, 'handles were open during the run');
  assert.equal(r.growth, 0, `fds ${r.before} → ${r.after}`);
});
