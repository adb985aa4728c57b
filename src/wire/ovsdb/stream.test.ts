/**
 * The concatenated-JSON splitter: every split point of a stream of several messages gives the
 * same messages; hostile input ends in a WireError, never a hang, an unbounded buffer, or a
 * SyntaxError escaping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { prng } from '../rtnl/testing.js';
import { JsonStream } from './stream.js';

const messages: unknown[] = [
  { id: 1, method: 'transact', params: ['Open_vSwitch', { op: 'select', table: 'Bridge', where: [] }] },
  { id: null, method: 'update', params: [null, { Bridge: { 'a-b': { new: { name: 'br{0}', external_ids: ['map', [['k"}', 'v\\"]']]] } } } }] },
  { id: 'echo', method: 'echo', params: [] },
  { id: 2, result: [{ uuid: ['uuid', '2f1c0a3e-6d2b-4c7f-9a55-0e1d2c3b4a59'] }], error: null },
  ['a bare array', '\u00e9\u4e2d\u{1f600}', { nested: [[[{}]]] }],
  { s: '\\\\', t: '\\', u: '\\"{[' },
];
const text = messages.map((m, i) => JSON.stringify(m) + (i % 2 ? '\n' : i % 3 ? ' \t\r\n' : '')).join('');
const bytes = Buffer.from(text, 'utf8');

function feed(chunks: Buffer[]): unknown[] {
  const s = new JsonStream();
  const out: unknown[] = [];
  for (const c of chunks) out.push(...s.push(c));
  assert.equal(s.pending, 0, 'nothing left over');
  return out;
}

test('whole stream in one chunk gives every message in order', () => {
  assert.deepEqual(feed([bytes]), messages);
});

test('split at every byte (two chunks) gives the same messages', () => {
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(feed([bytes.subarray(0, i), bytes.subarray(i)]), messages, `split at ${i}`);
  }
});

test('one byte at a time, and random chunkings (seed printed)', () => {
  assert.deepEqual(feed([...bytes].map((b) => Buffer.from([b]))), messages);
  const seed = Date.now() >>> 0;
  const rnd = prng(seed);
  for (let trial = 0; trial < 200; trial++) {
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length;) {
      const n = 1 + Math.floor(rnd() * 40);
      chunks.push(bytes.subarray(o, o + n));
      o += n;
    }
    assert.deepEqual(feed(chunks), messages, `seed ${seed} trial ${trial}`);
  }
});

test('a chunk the caller reuses after push does not corrupt a held partial message', () => {
  const s = new JsonStream();
  const chunk = Buffer.from('{"a":"xy');
  assert.deepEqual(s.push(chunk), []);
  chunk.fill(0x20);
  assert.deepEqual(s.push(Buffer.from('z"}')), [{ a: 'xyz' }]);
});

function refuses(input: string | Buffer, re: RegExp, s = new JsonStream()): WireError {
  let err: unknown;
  try {
    s.push(typeof input === 'string' ? Buffer.from(input) : input);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof WireError, `expected a WireError for ${JSON.stringify(String(input).slice(0, 40))}, got ${String(err)}`);
  assert.match(err.message, re);
  return err;
}

test('hostile input ends in a typed error naming what is wrong', () => {
  refuses('42', /must be a JSON object or array, found '4'/);
  refuses('"str"', /found '"'/);
  refuses('}', /found '}'/);
  refuses('{"a":1}]', /found ']'/);
  refuses('{"a":tru}', /not JSON/);
  refuses('{]', /not JSON/);
  refuses('[1,2,,3]', /not JSON/);
  refuses('\u0000', /byte 0x00/);
  refuses('['.repeat(600), /nesting deeper than 512/);
  refuses(`{"a":"${'x'.repeat(2000)}"}`, /longer than 1024 bytes/, new JsonStream(1024));
});

test('a message that never ends is bounded by maxBytes, chunk after chunk', () => {
  const s = new JsonStream(4096);
  s.push(Buffer.from('{"a":"'));
  const filler = Buffer.alloc(1000, 0x61);
  let err: unknown;
  for (let i = 0; i < 10 && !err; i++) {
    try { s.push(filler); } catch (e) { err = e; }
  }
  assert.ok(err instanceof WireError && /longer than 4096/.test(err.message));
  // After an error the stream stays failed: the framing is lost.
  assert.throws(() => s.push(Buffer.from('{}')), WireError);
});

test('random garbage never escapes as anything but a WireError and never hangs (seed printed)', () => {
  const seed = (Date.now() ^ 0x5bd1e995) >>> 0;
  const rnd = prng(seed);
  const alphabet = Buffer.from('{}[]",:\\ truefalsn0123456789-.eE\n\u00e9x');
  for (let trial = 0; trial < 2000; trial++) {
    const s = new JsonStream(512, 32);
    const len = Math.floor(rnd() * 64);
    const junk = Buffer.from(Array.from({ length: len }, () => alphabet[Math.floor(rnd() * alphabet.length)]!));
    try {
      s.push(junk);
    } catch (e) {
      assert.ok(e instanceof WireError, `seed ${seed} trial ${trial}: ${String(e)}`);
    }
  }
});
