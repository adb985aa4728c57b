// The runner's runs (apply/kinds/batch.ts): consecutive delete-netns actions go to the kernel in
// one burst, and mean what they meant one by one: those done are counted and reported in plan
// order, one already gone counts as done, and the first that failed is the ApplyError, with
// every other action of the run still done.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { netns } from '../../src/index.js';
import type { Action } from '../../src/plan/actions.js';
import { Handles } from '../../src/apply/handles.js';
import { ApplyContext } from '../../src/apply/kinds/index.js';
import { newRecord } from '../../src/apply/records.js';
import { ApplyError, runActions } from '../../src/apply/runner.js';

const del = (ns: string): Action => ({ op: 'delete-netns', target: `namespace ${ns}`, reason: 'test', netns: ns, frees: [] });
const listed = (): string[] => execFileSync('ip', ['netns', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort();

async function run(actions: Action[]): Promise<{ ctx: ApplyContext; progress: string[]; error?: ApplyError }> {
  const handles = new Handles();
  const ctx = new ApplyContext('runs', newRecord('runs'), handles, 'down');
  const progress: string[] = [];
  try {
    await runActions(actions, ctx, handles, { onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.action.target}`) });
    return { ctx, progress };
  } catch (e) {
    assert.ok(e instanceof ApplyError, String(e));
    return { ctx, progress, error: e };
  } finally {
    handles.closeAll();
  }
}

test('a run of delete-netns with a failure in its middle: the rest is done, the failure is the error', { skip: kernelSkip }, async () => {
  const before = listed();
  await netns.add('ru-a');
  execFileSync('ip', ['netns', 'add', 'ru-b']);
  await netns.add('ru-c');
  mkdirSync('/run/netns/ru-dir'); // not a namespace: unlink refuses a directory (EISDIR)
  try {
    const r = await run([del('ru-a'), del('ru-dir'), del('ru-b'), del('ru-gone'), del('ru-c')]);
    assert.ok(r.error, 'the directory fails the run');
    assert.equal(r.error.action.target, 'namespace ru-dir');
    assert.equal(r.error.code, 'EISDIR');
    assert.equal(r.error.done, 4, 'four of five done (the missing one counts as done)');
    assert.match(r.error.message, /^lab runs: delete-netns namespace ru-dir failed: /);
    assert.deepEqual(r.ctx.done.namespaces, ['ru-a', 'ru-b', 'ru-c'], 'deleted, in plan order; the missing one is not listed');
    assert.deepEqual(r.progress, ['1/5 namespace ru-a', '2/5 namespace ru-b', '3/5 namespace ru-gone', '4/5 namespace ru-c']);
    assert.deepEqual(listed(), [...before, 'ru-dir'].sort());

    // One action alone takes the one-by-one path: the same error, nothing done.
    const one = await run([del('ru-dir')]);
    assert.equal(one.error?.code, 'EISDIR');
    assert.equal(one.error?.done, 0);
    assert.deepEqual(one.progress, []);
  } finally {
    rmdirSync('/run/netns/ru-dir');
  }
  assert.deepEqual(readdirSync('/run/netns').sort(), before);
});
