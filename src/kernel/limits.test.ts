import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openFilesLimit } from './limits.js';

test('openFilesLimit: the soft RLIMIT_NOFILE the shell reports for a child of this process', () => {
  const shell = execFileSync('sh', ['-c', 'ulimit -Sn']).toString().trim();
  assert.equal(openFilesLimit(), shell === 'unlimited' ? undefined : Number(shell));
});
