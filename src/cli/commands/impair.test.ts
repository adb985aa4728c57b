import { test } from 'node:test';
import assert from 'node:assert/strict';
import { impairText, parseImpairWords } from './impair.js';
import { frameSummary } from './capture.js';

test('impair words: pairs in any order, clear, and one clear refusal per mistake', () => {
  assert.deepEqual(parseImpairWords(['rate', '10mbit', 'loss', '1%', 'limit', '100']), { rate: '10mbit', loss: '1%', limit: 100 });
  assert.deepEqual(parseImpairWords(['clear']), {});
  assert.equal(impairText({ loss: '1%', rate: '10Mbit' }), 'rate 10Mbit loss 1%');
  assert.throws(() => parseImpairWords([]), /give what to set/);
  assert.throws(() => parseImpairWords(['speed', '1']), /unknown word "speed"/);
  assert.throws(() => parseImpairWords(['rate']), /rate needs a value/);
  assert.throws(() => parseImpairWords(['loss', '1%', 'loss', '2%']), /loss given twice/);
  assert.throws(() => parseImpairWords(['limit', '1.5']), /not a whole number/);
});

test('capture summary line: IPv4 addresses and protocol from the frame', () => {
  const f = Buffer.from('ffffffffffff020000000001080045000054000040004001000a0a0800010a080002', 'hex');
  assert.equal(frameSummary(f), `IP 10.8.0.1 > 10.8.0.2: ICMP, length ${f.length}`);
  assert.equal(frameSummary(Buffer.from('ffffffffffff0200000000010806', 'hex')), 'ARP, length 14');
  assert.equal(frameSummary(Buffer.alloc(3)), '3 bytes');
});
