// The CLI's young generation stays small (cli/heap.ts): in a process that sets the flag as main()
// does and then keeps allocating objects that survive, V8's new space stays at its first size,
// where without the flag it grows. If a Node/V8 stops honouring the flag, this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const heapUrl = new URL('./heap.js', import.meta.url).href;

function newSpaceMb(setFlag: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(heapUrl)};
    if (${setFlag}) await keepYoungGenerationSmall();
    const keep = [];
    for (let i = 0; i < 400000; i++) keep.push({ i, s: 'x' + i });
    const ns = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(ns.space_size / 2 ** 20));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('main() keeps the young generation at its first size', () => {
  const grown = newSpaceMb(false);
  const kept = newSpaceMb(true);
  assert.ok(kept <= 4, `new space ${kept} MB with the flag`);
  assert.ok(grown > kept, `without the flag the new space grows (${grown} MB) beyond ${kept} MB`);
});
