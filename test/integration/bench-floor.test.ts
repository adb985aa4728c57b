// bench/floor-threads.c, the star on two threads that `npm run bench -- star` runs beside the
// one-thread floor: compiled here as the bench compiles it and run for a small star in both IPv6
// settings. Its own ping from the first host to the last must answer (its JSON says so), and
// afterwards iproute2 must see nothing of it left: no /run/netns entry, no device.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareFloorThreads, runFloorOnce } from '../../bench/floor.js';
import { packageDir } from '../../src/api/packagedir.js';

const noGcc = spawnSync('gcc', ['--version']).status === 0 ? undefined : 'gcc is not installed: the bench says "C floor on 2 threads: absent" then';

test('the two-thread floor builds a star whose first host pings its last, in both IPv6 settings, and leaves nothing behind', { skip: kernelSkip ?? noGcc }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nsnet-floor-'));
  try {
    const p = prepareFloorThreads(packageDir(), tmp);
    assert.ok('bin' in p, `compiled: ${JSON.stringify(p)}`);
    for (const noIpv6 of [true, false]) {
      // runFloorOnce throws unless the run's own ping from h1 to hN answered.
      const r = runFloorOnce(p.bin, 40, noIpv6);
      assert.ok(r.build > 0 && r.teardown > 0, JSON.stringify(r));
      const left = readdirSync('/run/netns').filter((n) => n.startsWith('pt-'));
      assert.deepEqual(left, [], 'no namespace entry left');
      const links = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show']).toString()) as { ifname: string }[]).filter((l) => l.ifname.startsWith('pt'));
      assert.deepEqual(links, [], 'no device left');
    }
    // A host count it cannot use: a usage line and status 1, nothing made.
    const bad = spawnSync(p.bin, ['0'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /usage: .* N \[--noipv6\]/u);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
