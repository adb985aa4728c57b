import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLabName, listRecords, lockLab, lockPath, newRecord, readRecord, recordPath, removeRecord, writeRecord } from './state.js';

// Each test works in its own run directory (no root needed).
function useTmpRunDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'nsnet-state-'));
  process.env.NSNET_RUN_DIR = d;
  return d;
}

test('records: written atomically, read back, listed, removed', () => {
  const dir = useTmpRunDir();
  assert.equal(readRecord('alpha'), undefined);
  const r = newRecord('alpha', '/tmp/alpha.yaml');
  r.intended = { namespaces: ['h1'], hostLinks: ['br0'] };
  r.effects.sysctls['net.ipv4.ip_forward'] = '0';
  writeRecord(r);
  writeRecord(newRecord('beta'));
  assert.deepEqual(readdirSync(join(dir, 'labs')).sort(), ['alpha.json', 'beta.json'], 'no temporary file is left');
  const back = readRecord('alpha')!;
  assert.equal(back.file, '/tmp/alpha.yaml');
  assert.deepEqual(back.intended, { namespaces: ['h1'], hostLinks: ['br0'] });
  assert.equal(back.effects.sysctls['net.ipv4.ip_forward'], '0');
  assert.equal(back.pid, process.pid);
  assert.deepEqual(listRecords(), ['alpha', 'beta']);
  removeRecord('alpha');
  assert.deepEqual(listRecords(), ['beta']);
});

test('a record that is not JSON, or of another lab, is an error naming the file and the way out', () => {
  useTmpRunDir();
  writeRecord(newRecord('gamma'));
  writeFileSync(recordPath('gamma'), '{ not json');
  assert.throws(() => readRecord('gamma'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'BAD_RECORD');
    assert.match(e.message, /gamma\.json\) is not valid JSON.*lab\.down\(\) still finds the lab's objects by their marks/);
    assert.equal((e as Error & { lab?: string }).lab, 'gamma', 'the lab, for the command line to word what to do');
    return true;
  });
  writeFileSync(recordPath('gamma'), JSON.stringify({ ...newRecord('delta') }));
  assert.throws(() => readRecord('gamma'), /of another version or lab/);
});

test('lab names that could escape the state directory are refused', () => {
  for (const bad of ['../x', 'a/b', '', 'UPPER', 'x'.repeat(25), '-lead']) assert.throws(() => checkLabName(bad), /invalid lab name/, bad);
  assert.doesNotThrow(() => checkLabName('lab-1_a'));
});

test('lock: a second up of the same lab waits, says once whom for, and gives up with a clear message', async () => {
  useTmpRunDir();
  const first = await lockLab('one');
  const waits: (number | undefined)[] = [];
  const t0 = Date.now();
  await assert.rejects(lockLab('one', { waitMs: 300, onWait: (pid) => waits.push(pid) }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'BUSY');
    assert.match(e.message, new RegExp(`lab one is busy: process ${process.pid} is still bringing it up or down; wait for it to finish`));
    return true;
  });
  assert.ok(Date.now() - t0 >= 250, 'it waited');
  assert.deepEqual(waits, [process.pid], 'told once, with the holder\'s pid');
  // Another lab is not held up.
  const other = await lockLab('two', { waitMs: 0 });
  other.release();
  // Released: the waiter gets it.
  const waiting = lockLab('one', { waitMs: 5000 });
  setTimeout(() => first.release(), 100);
  const second = await waiting;
  second.release(true);
  assert.equal(existsSync(lockPath('one')), false, 'release(true) removes the lock file');
});

test('lock: a waiter whose lock file was removed by the holder locks the new file, so the lock still excludes', async () => {
  useTmpRunDir();
  const a = await lockLab('three');
  const b = lockLab('three', { waitMs: 5000 });
  setTimeout(() => a.release(true), 100);
  const held = await b;
  assert.ok(existsSync(lockPath('three')), 'the lock file exists again');
  // A newcomer opens the file that exists now: it must wait for b.
  await assert.rejects(lockLab('three', { waitMs: 200 }), /lab three is busy/);
  held.release(true);
  const c = await lockLab('three', { waitMs: 0 });
  c.release(true);
});
