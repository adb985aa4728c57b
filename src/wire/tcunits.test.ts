import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPercent, formatRate, formatSize, formatTime, parsePercent, parseRate, parseSize, parseTime } from './tcunits.js';

test('rates as tc reads them: bit units are decimal, *ibit binary, bps is bytes', () => {
  assert.equal(parseRate('10mbit'), 10_000_000);
  assert.equal(parseRate('1gbit'), 1e9);
  assert.equal(parseRate('1Gbit'), 1e9);
  assert.equal(parseRate('512kbit'), 512_000);
  assert.equal(parseRate('1mibit'), 1_048_576);
  assert.equal(parseRate('100mbps'), 800_000_000);
  assert.equal(parseRate('1.5mbit'), 1_500_000);
  assert.equal(parseRate(9600), 9600);
  for (const bad of ['fast', '', '10 furlongs', '-1mbit', '0mbit', '10%']) assert.equal(parseRate(bad), undefined, bad);
});

test('times, sizes and percentages as tc reads them', () => {
  assert.equal(parseTime('20ms'), 20_000);
  assert.equal(parseTime('1.5s'), 1_500_000);
  assert.equal(parseTime('500us'), 500);
  assert.equal(parseTime('0ms'), 0);
  assert.equal(parseTime('soon'), undefined);
  assert.equal(parseSize('32kb'), 32_768);
  assert.equal(parseSize('1mb'), 1_048_576);
  assert.equal(parseSize('10kbit'), 1280);
  assert.equal(parseSize(1600), 1600);
  assert.equal(parseSize('lots'), undefined);
  assert.equal(parsePercent('1%'), 1);
  assert.equal(parsePercent('0.5%'), 0.5);
  assert.equal(parsePercent(20), 20);
  for (const bad of ['120%', '-1%', '1ms', 'x']) assert.equal(parsePercent(bad), undefined, bad);
});

test('printed back as tc prints them, and parsed again to the same value', () => {
  assert.equal(formatRate(10_000_000), '10Mbit');
  assert.equal(formatRate(1_500_000), '1.5Mbit');
  assert.equal(formatRate(999), '999bit');
  assert.equal(formatTime(20_000), '20ms');
  assert.equal(formatTime(1_500_000), '1.5s');
  assert.equal(formatTime(7), '7us');
  assert.equal(formatSize(32_768), '32Kb');
  assert.equal(formatPercent(0.5), '0.5%');
  for (const r of [1, 999, 64_000, 10_000_000, 2.5e9]) assert.equal(parseRate(formatRate(r)), r);
  for (const t of [0, 7, 20_000, 1_500_000]) assert.equal(parseTime(formatTime(t)), t);
  for (const s of [1, 1500, 32_768, 1_048_576]) assert.equal(parseSize(formatSize(s)), s);
});
