import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idleFraction, parseProcStat, quietLine } from './quiet.js';

test('/proc/stat: idle counts idle and iowait over the eight time columns', () => {
  const t = parseProcStat('cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n');
  assert.deepEqual(t, { idle: 820, total: 980 });
  assert.throws(() => parseProcStat('intr 1 2 3\n'), /no aggregate cpu line/);
});

test('idle fraction between two readings; no time passed counts as idle', () => {
  assert.equal(idleFraction({ idle: 800, total: 1000 }, { idle: 890, total: 1100 }), 0.9);
  assert.equal(idleFraction({ idle: 800, total: 1000 }, { idle: 800, total: 1100 }), 0);
  assert.equal(idleFraction({ idle: 5, total: 10 }, { idle: 5, total: 10 }), 1);
});

test('the settle line gives the median wait and how many sides did not settle', () => {
  const line = quietLine([{ seconds: 0.5, settled: true }, { seconds: 15, settled: false }, { seconds: 0.7, settled: true }]);
  assert.match(line, /median wait 0\.70 s; 1 of 3 did not settle within 15 s/);
});
