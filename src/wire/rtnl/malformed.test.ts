/**
 * Truncated and corrupted input: every prefix of every golden message, and random corruptions
 * of length fields and bytes, must give either a decoded value or a WireError, never a
 * RangeError or TypeError escaping from Buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { parseMessages, type NlMsg } from '../nlmsg.js';
import { decodeAddr } from './addr.js';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_DELQDISC, RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNSID,
  RTM_NEWQDISC, RTM_NEWROUTE,
} from './constants.js';
import { DECODERS, decoderCorpus } from '../../../test/helpers/decoders.js';
import { loadGolden } from '../../../test/helpers/golden.js';
import { prng } from './testing.js';

/** Decode with the decoder for `type` (the message's original type: corruption may change m.type, which the decoder must refuse). */
function decodeAs(type: number, m: NlMsg): unknown {
  const d = DECODERS[type];
  if (!d) throw new Error(`test: no decoder for message type ${m.type}`);
  return d(m);
}

type Outcome = 'ok' | 'wire';
/** Parse and decode; anything but a WireError fails the test. */
function attempt(buf: Buffer, label: string, type = buf.readUInt16LE(4)): Outcome {
  try {
    for (const m of parseMessages(buf)) decodeAs(type, m);
    return 'ok';
  } catch (e) {
    if (e instanceof WireError) return 'wire';
    assert.fail(`${label}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

const corpus = decoderCorpus();

test('the corpus decodes whole, and covers every decoder', () => {
  const types = new Set<number>();
  for (const c of corpus) {
    assert.equal(attempt(c.buf, c.name), 'ok', c.name);
    types.add(c.buf.readUInt16LE(4));
  }
  for (const t of [RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH, RTM_NEWNSID, RTM_NEWQDISC]) assert.ok(types.has(t), `type ${t} in the corpus`);
});

test('every prefix of every message: a WireError or a decoded value', () => {
  let wire = 0;
  let truncatedInsideAttr = 0;
  for (const c of corpus) {
    for (let n = 0; n < c.buf.length; n++) {
      // As cut: nlmsg_len still claims the whole message.
      const type = c.buf.readUInt16LE(4);
      const cut = Buffer.from(c.buf.subarray(0, n));
      assert.equal(attempt(cut, `${c.name} cut to ${n}`, type), n === 0 ? 'ok' : 'wire', `${c.name} cut to ${n}`);
      wire++;
      // With nlmsg_len fixed up to the cut, so the decoders themselves see the short payload.
      if (n >= 16) {
        const fixed = Buffer.from(cut);
        fixed.writeUInt32LE(n, 0);
        if (attempt(fixed, `${c.name} cut to ${n}, length fixed`, type) === 'wire') truncatedInsideAttr++;
      }
    }
  }
  assert.ok(wire > 10_000);
  // Most cuts land inside an attribute or a header and must be reported, not silently dropped.
  assert.ok(truncatedInsideAttr > 5_000, `only ${truncatedInsideAttr} truncations were reported`);
});

test('random corruption of length fields and bytes: a WireError or a decoded value', () => {
  const rand = prng(0x5eed);
  const outcomes = { ok: 0, wire: 0 };
  for (const c of corpus) {
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(c.buf);
      const kind = i % 4;
      if (kind === 0) {
        // nlmsg_len
        b.writeUInt32LE(Math.floor(rand() * (b.length + 64)), 0);
      } else if (kind === 1 || kind === 2) {
        // a 16-bit word at a 4-aligned offset past the header: attribute lengths live there
        const at = 16 + 4 * Math.floor(rand() * ((b.length - 16) / 4));
        const old = b.readUInt16LE(at);
        const v = kind === 1 ? Math.floor(rand() * 12) : (old + Math.floor(rand() * 64) - 32) & 0xffff;
        b.writeUInt16LE(v, at);
      } else {
        // a few random bytes anywhere after nlmsg_len
        for (let k = 0; k < 4; k++) b[4 + Math.floor(rand() * (b.length - 4))] = Math.floor(rand() * 256);
      }
      outcomes[attempt(b, `${c.name} corruption #${i}`, c.buf.readUInt16LE(4))]++;
    }
  }
  // Both outcomes happen: corruption is detected, and harmless corruption still decodes.
  assert.ok(outcomes.wire > 1000, JSON.stringify(outcomes));
  assert.ok(outcomes.ok > 1000, JSON.stringify(outcomes));
});

// ---- structure-aware: one attribute (at any depth) keeps valid framing but loses payload bytes ----

const HEADER_LEN: Record<number, number> = {
  [RTM_NEWLINK]: 16, [RTM_DELLINK]: 16, [RTM_NEWADDR]: 8, [RTM_DELADDR]: 8, [RTM_NEWROUTE]: 12, [RTM_DELROUTE]: 12,
  [RTM_NEWNEIGH]: 12, [RTM_DELNEIGH]: 12, [RTM_NEWNSID]: 4, [RTM_NEWQDISC]: 20, [RTM_DELQDISC]: 20,
};
const pad4 = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
function rawAttrs(run: Buffer): Array<{ type: number; payload: Buffer }> | undefined {
  const out: Array<{ type: number; payload: Buffer }> = [];
  let o = 0;
  while (o + 4 <= run.length) {
    const len = run.readUInt16LE(o);
    if (len < 4 || o + len > run.length) return undefined;
    out.push({ type: run.readUInt16LE(o + 2), payload: run.subarray(o + 4, o + len) });
    o += (len + 3) & ~3;
  }
  return o === run.length || o === run.length + ((4 - (run.length % 4)) % 4) ? out : undefined;
}
const frame = (type: number, payload: Buffer): Buffer => {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  return pad4(Buffer.concat([h, payload]));
};
/** Every variant of an attribute run with one attribute's payload shortened, recursing into nests. */
function shortened(run: Buffer, depth = 0): Buffer[] {
  const attrs = rawAttrs(run);
  if (!attrs || depth > 4) return [];
  const out: Buffer[] = [];
  attrs.forEach((a, i) => {
    const rebuild = (payload: Buffer): Buffer => Buffer.concat(attrs.map((b, j) => frame(b.type, j === i ? payload : b.payload)));
    const lens = new Set([0, 1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 36, 64, a.payload.length - 1].filter((k) => k >= 0 && k < a.payload.length));
    for (const k of lens) out.push(rebuild(a.payload.subarray(0, k)));
    for (const inner of shortened(a.payload, depth + 1)) out.push(rebuild(inner));
  });
  return out;
}

test('an attribute shortened at any depth, framing intact: a WireError or a decoded value', () => {
  const outcomes = { ok: 0, wire: 0 };
  for (const c of corpus) {
    const type = c.buf.readUInt16LE(4);
    const hl = 16 + HEADER_LEN[type]!;
    for (const run of shortened(c.buf.subarray(hl))) {
      const b = Buffer.concat([c.buf.subarray(0, hl), run]);
      b.writeUInt32LE(b.length, 0);
      outcomes[attempt(b, `${c.name} with a shortened attribute`, type)]++;
    }
  }
  assert.ok(outcomes.wire > 1000 && outcomes.ok > 1000, JSON.stringify(outcomes));
});

test('a length that runs past the end is named in the error', () => {
  const b = Buffer.from(loadGolden('addrs').raw[0]!);
  b.writeUInt16LE(0x200, 16 + 8); // first attribute after ifaddrmsg claims 512 bytes
  assert.throws(() => decodeAddr(parseMessages(b)[0]!), (e: unknown) => e instanceof WireError && e.code === 'TRUNCATED' && /address\[type \d+\]/.test(e.message) && e.offset === 24);
  const c = Buffer.from(b);
  c.writeUInt16LE(2, 16 + 8); // below the attribute header size
  assert.throws(() => decodeAddr(parseMessages(c)[0]!), (e: unknown) => e instanceof WireError && e.code === 'MALFORMED');
});
