import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import type { LabSpec } from './model.js';

const dir = fs.mkdtempSync(join(os.tmpdir(), 'nsnet-speccache-'));
process.env.NSNET_RUN_DIR = join(dir, 'run');
const { cachedSpec, rememberSpec } = await import('./speccache.js');

const spec = (name: string): LabSpec => ({ name, prefix: '', nodes: [], bridges: [], links: [], uplinks: [] });

test('a validated file is served from the cache only while its bytes are the same', () => {
  const file = join(dir, 'lab.yaml');
  fs.writeFileSync(file, 'name: one\n');
  const first = cachedSpec(file);
  assert.equal(first.hit, undefined, 'nothing cached yet');
  assert.ok(first.bytes?.equals(Buffer.from('name: one\n')));
  rememberSpec(file, first.bytes!, { spec: spec('one'), warnings: [] });
  assert.equal(cachedSpec(file).hit?.spec.name, 'one');

  fs.writeFileSync(file, 'name: two\n');
  assert.equal(cachedSpec(file).hit, undefined, 'an edited file misses');

  // The file changes between validation and remembering: nothing is stored for the new bytes.
  const before = cachedSpec(file).bytes!;
  fs.writeFileSync(file, 'name: three\n');
  rememberSpec(file, before, { spec: spec('two'), warnings: [] });
  assert.equal(cachedSpec(file).hit, undefined);
  fs.writeFileSync(file, 'name: two\n');
  assert.equal(cachedSpec(file).hit, undefined, 'the stale spec was not stored under these bytes');
});

test('entries are per path; a missing file or a corrupt entry is a miss, not an error', () => {
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  fs.writeFileSync(a, 'same');
  fs.writeFileSync(b, 'same');
  rememberSpec(a, fs.readFileSync(a), { spec: spec('a'), warnings: [] });
  assert.equal(cachedSpec(a).hit?.spec.name, 'a');
  assert.equal(cachedSpec(b).hit, undefined);
  assert.deepEqual(cachedSpec(join(dir, 'missing.yaml')), {});
  for (const f of fs.readdirSync(join(dir, 'run', 'cache'))) fs.writeFileSync(join(dir, 'run', 'cache', f), '{not json');
  assert.equal(cachedSpec(a).hit, undefined);
});
