import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_INPUT, parseClientMessage, sizeFromQuery } from './wsproto.js';

test('input and resize messages are read', () => {
  assert.deepEqual(parseClientMessage('{"type":"input","data":"ls\\n"}'), { type: 'input', data: 'ls\n' });
  assert.deepEqual(parseClientMessage('{"type":"resize","cols":120,"rows":40}'), { type: 'resize', cols: 120, rows: 40 });
});

test('garbage is no message (random bytes, wrong shapes, absurd sizes), never a throw', () => {
  let seed = Number(process.env.SEED ?? Date.now() % 1e9);
  console.log(`# seed ${seed}`);
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const samples: unknown[] = [undefined, null, 42, {}, '', '{', 'null', '[]', '"x"', '{"type":"input"}', '{"type":"input","data":7}',
    '{"type":"resize","cols":0,"rows":10}', '{"type":"resize","cols":1.5,"rows":10}', '{"type":"resize","cols":100000,"rows":10}',
    '{"type":"resize","cols":"80","rows":"24"}', '{"type":"exec","data":"x"}', JSON.stringify({ type: 'input', data: 'x'.repeat(MAX_INPUT + 1) }),
    '{"__proto__":{"type":"input"},"data":"x"}'];
  for (let i = 0; i < 2000; i++) samples.push(Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join(''));
  for (const s of samples) {
    const m = parseClientMessage(s);
    if (m !== undefined) assert.ok(m.type === 'input' || m.type === 'resize', `only well-formed messages pass: ${String(s)}`);
  }
  for (const s of samples.slice(0, 18)) assert.equal(parseClientMessage(s), undefined, String(s));
});

test('terminal size from the query: defaults and clamps', () => {
  assert.deepEqual(sizeFromQuery(undefined, undefined), { cols: 80, rows: 24 });
  assert.deepEqual(sizeFromQuery('132', '50'), { cols: 132, rows: 50 });
  assert.deepEqual(sizeFromQuery('-1', 'x'), { cols: 80, rows: 24 });
  assert.deepEqual(sizeFromQuery('99999', '1e3'), { cols: 80, rows: 24 });
});
