/**
 * Section 4's cases: the corpus (kernel replies captured in test/golden, requests our encoders
 * build, hand-built NLMSG_ERROR/DONE messages), the mutations applied to it, and the harness
 * that feeds one buffer to the netlink reader and every message decoder.
 *
 * Case i of a run is made from its own PRNG seeded with caseSeed(seed, i): any case can be
 * rebuilt alone from the printed seed and its number.
 */
import { WireError } from '../../src/wire/errors.js';
import { decodeError, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, parseMessages, type NlMsg } from '../../src/wire/nlmsg.js';
import { parseAttrs } from '../../src/wire/reader.js';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_DELNSID, RTM_DELQDISC, RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH,
  RTM_NEWNSID, RTM_NEWQDISC, RTM_NEWROUTE,
} from '../../src/wire/rtnl/index.js';
import { DECODERS, decoderCorpus, type CorpusEntry } from '../helpers/decoders.js';
export type { CorpusEntry };
import { int, pick } from './util.js';


/** Size of the family header after nlmsghdr, per message type (where the attributes start). */
const FAMILY_HDR: Record<number, number> = {
  [RTM_NEWLINK]: 16, [RTM_DELLINK]: 16, [RTM_NEWADDR]: 8, [RTM_DELADDR]: 8, [RTM_NEWROUTE]: 12, [RTM_DELROUTE]: 12,
  [RTM_NEWNEIGH]: 12, [RTM_DELNEIGH]: 12, [RTM_NEWNSID]: 4, [RTM_DELNSID]: 4, [RTM_NEWQDISC]: 20, [RTM_DELQDISC]: 20,
};
const DECODER_TYPES = Object.keys(DECODERS).map(Number);
const KNOWN_TYPES = [...DECODER_TYPES, NLMSG_ERROR, NLMSG_DONE, 1, 4, 0, 0xffff];

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}
function nlattr(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  return Buffer.concat([h, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}
function nlmsg(type: number, flags: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  h.writeUInt32LE(16 + padded.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(7, 8);
  h.writeUInt32LE(4242, 12);
  return Buffer.concat([h, padded]);
}

/** Error messages as the kernel sends them: capped with extended-ack TLVs, uncapped with the echoed request, a plain ACK. */
function errorMessages(req: Buffer): CorpusEntry[] {
  const echoedHdr = req.subarray(0, 16);
  const tlvs = Buffer.concat([
    nlattr(1, Buffer.from('Unknown device type\0')),
    nlattr(2, u32(36)),
    nlattr(5, u32(3)),
    nlattr(6, u32(0)),
  ]);
  const errno = (n: number) => { const b = Buffer.alloc(4); b.writeInt32LE(-n); return b; };
  return [
    { name: 'nlmsgerr capped with ext-ack', buf: nlmsg(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, Buffer.concat([errno(95), echoedHdr, tlvs])) },
    { name: 'nlmsgerr uncapped with ext-ack', buf: nlmsg(NLMSG_ERROR, NLM_F_ACK_TLVS, Buffer.concat([errno(17), req, tlvs])) },
    { name: 'nlmsgerr uncapped', buf: nlmsg(NLMSG_ERROR, 0, Buffer.concat([errno(19), req])) },
    { name: 'ack', buf: nlmsg(NLMSG_ERROR, NLM_F_CAPPED, Buffer.concat([errno(0), echoedHdr])) },
    { name: 'done', buf: nlmsg(NLMSG_DONE, NLM_F_MULTI, u32(0)) },
  ];
}

/** Every message the fuzzer starts from. */
export function loadCorpus(): CorpusEntry[] {
  const out = decoderCorpus();
  out.push(...errorMessages(out.find((c) => c.name === 'veth request')!.buf));
  return out;
}

// ------------------------------------------------------------------------------- mutations

interface AttrAt {
  /** Offset of the attribute header in the message. */
  at: number;
  len: number;
}

/** Attribute headers of a message (following nests that parse as attribute runs), for length and type mutations. */
function attrHeaders(buf: Buffer): AttrAt[] {
  if (buf.length < 16) return [];
  const type = buf.readUInt16LE(4);
  const start = 16 + (FAMILY_HDR[type] ?? (type === NLMSG_ERROR ? 20 : 0));
  const out: AttrAt[] = [];
  const walk = (from: number, to: number, depth: number): void => {
    let o = from;
    while (o + 4 <= to) {
      const len = buf.readUInt16LE(o);
      if (len < 4 || o + len > to) return;
      out.push({ at: o, len });
      if (depth < 5 && len > 8) walk(o + 4, o + len, depth + 1);
      o += (len + 3) & ~3;
    }
  };
  walk(start, buf.length, 0);
  return out;
}

const INTERESTING16 = [0, 1, 2, 3, 4, 5, 7, 8, 12, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING8 = [0, 1, 0x7f, 0x80, 0xfe, 0xff];

function mutateOnce(rand: () => number, b: Buffer, corpus: CorpusEntry[]): Buffer {
  const n = b.length;
  switch (int(rand, 11)) {
    case 0: { // truncate; nlmsg_len as it was, or fixed up to the cut
      const cut = Buffer.from(b.subarray(0, int(rand, n + 1)));
      if (cut.length >= 4 && rand() < 0.6) cut.writeUInt32LE(cut.length, 0);
      return cut;
    }
    case 1: { // bit flips
      const c = Buffer.from(b);
      for (let k = 1 + int(rand, 8); k > 0 && n > 0; k--) { const i = int(rand, n); c[i]! ^= 1 << int(rand, 8); }
      return c;
    }
    case 2: { // interesting bytes
      const c = Buffer.from(b);
      for (let k = 1 + int(rand, 4); k > 0 && n > 0; k--) c[int(rand, n)] = rand() < 0.5 ? pick(rand, INTERESTING8) : int(rand, 256);
      return c;
    }
    case 3: { // an attribute length (or nlmsg_len) set to an interesting or off-by-a-little value
      const c = Buffer.from(b);
      const hs = attrHeaders(c);
      if (hs.length === 0 || rand() < 0.15) {
        if (n >= 4) c.writeUInt32LE(rand() < 0.5 ? pick(rand, [0, 1, 15, 16, 17, n - 1, n + 1, n + 4, 0xffffffff]) >>> 0 : int(rand, n + 64), 0);
        return c;
      }
      const h = pick(rand, hs);
      const v = rand() < 0.5 ? pick(rand, INTERESTING16) : (h.len + int(rand, 17) - 8) & 0xffff;
      c.writeUInt16LE(v, h.at);
      return c;
    }
    case 4: { // an attribute type: random, or its NESTED / NET_BYTEORDER bits flipped
      const c = Buffer.from(b);
      const hs = attrHeaders(c);
      if (hs.length === 0) return c;
      const h = pick(rand, hs);
      const t = c.readUInt16LE(h.at + 2);
      c.writeUInt16LE(rand() < 0.5 ? int(rand, 64) | (t & 0xc000) : t ^ pick(rand, [0x8000, 0x4000, 0xc000]), h.at + 2);
      return c;
    }
    case 5: { // insert random bytes
      const at = int(rand, n + 1);
      const ins = Buffer.from(Array.from({ length: 1 + int(rand, 16) }, () => int(rand, 256)));
      const c = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
      if (rand() < 0.5 && c.length >= 4) c.writeUInt32LE(c.length, 0);
      return c;
    }
    case 6: { // delete a range
      const at = int(rand, n + 1);
      const c = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(n, at + 1 + int(rand, 32)))]);
      if (rand() < 0.5 && c.length >= 4) c.writeUInt32LE(c.length, 0);
      return c;
    }
    case 7: { // duplicate an attribute (or any range) in place
      const hs = attrHeaders(b);
      const h = hs.length ? pick(rand, hs) : { at: int(rand, n + 1), len: 4 };
      const end = Math.min(n, h.at + ((h.len + 3) & ~3));
      const c = Buffer.concat([b.subarray(0, end), b.subarray(h.at, end), b.subarray(end)]);
      if (c.length >= 4) c.writeUInt32LE(c.length, 0);
      return c;
    }
    case 8: { // splice a piece of another message in
      const o = pick(rand, corpus).buf;
      const from = int(rand, o.length);
      const piece = o.subarray(from, from + 1 + int(rand, 64));
      const at = int(rand, n + 1);
      const c = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
      if (rand() < 0.5 && c.length >= 4) c.writeUInt32LE(c.length, 0);
      return c;
    }
    case 9: { // the message type changed: decoders meet another family's layout
      const c = Buffer.from(b);
      if (n >= 6) c.writeUInt16LE(pick(rand, KNOWN_TYPES), 4);
      return c;
    }
    default: { // flags changed (ACK_TLVS / CAPPED / MULTI change how an error message is read)
      const c = Buffer.from(b);
      if (n >= 8) c.writeUInt16LE(int(rand, 0x10000), 6);
      return c;
    }
  }
}

/** Random but well-framed attributes after a real family header: reaches deep into the decoders. */
function attrSoup(rand: () => number, base: Buffer): Buffer {
  const type = base.readUInt16LE(4);
  const hl = 16 + (FAMILY_HDR[type] ?? 0);
  const gen = (depth: number): Buffer => {
    const parts: Buffer[] = [];
    for (let k = int(rand, 8); k >= 0; k--) {
      const t = int(rand, 64) | (rand() < 0.2 ? 0x8000 : 0);
      let payload: Buffer;
      if (depth < 4 && rand() < 0.3) payload = gen(depth + 1);
      else if (rand() < 0.3) payload = Buffer.from(`${'x'.repeat(int(rand, 20))}${rand() < 0.7 ? '\0' : ''}`);
      else payload = Buffer.from(Array.from({ length: pick(rand, [0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 20, int(rand, 64)]) }, () => int(rand, 256)));
      parts.push(nlattr(t, payload));
    }
    return Buffer.concat(parts);
  };
  const c = Buffer.concat([base.subarray(0, Math.min(hl, base.length)), gen(0)]);
  if (c.length >= 4) c.writeUInt32LE(c.length, 0);
  return c;
}

function randomBytes(rand: () => number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) b[i] = int(rand, 256);
  return b;
}

export type CaseKind = 'mutated' | 'truncated' | 'soup' | 'concat' | 'random' | 'random-header';

/** The bytes of case `i` (from its own PRNG) and the type of the corpus message it came from. */
export function makeCase(rand: () => number, corpus: CorpusEntry[]): { buf: Buffer; origType: number; kind: CaseKind; from: string } {
  const src = pick(rand, corpus);
  const origType = src.buf.readUInt16LE(4);
  const r = rand();
  if (r < 0.55) {
    let b = src.buf;
    for (let k = 1 + (rand() < 0.3 ? int(rand, 4) : 0); k > 0; k--) b = mutateOnce(rand, b, corpus);
    return { buf: b, origType, kind: 'mutated', from: src.name };
  }
  if (r < 0.65) {
    const cut = Buffer.from(src.buf.subarray(0, int(rand, src.buf.length + 1)));
    if (cut.length >= 4 && rand() < 0.5) cut.writeUInt32LE(cut.length, 0);
    return { buf: cut, origType, kind: 'truncated', from: src.name };
  }
  if (r < 0.8) return { buf: attrSoup(rand, src.buf), origType, kind: 'soup', from: src.name };
  if (r < 0.87) {
    const parts = [src.buf];
    for (let k = 1 + int(rand, 3); k > 0; k--) {
      const o = pick(rand, corpus).buf;
      parts.push(rand() < 0.5 ? mutateOnce(rand, o, corpus) : o);
    }
    return { buf: Buffer.concat(parts), origType, kind: 'concat', from: src.name };
  }
  if (r < 0.94) return { buf: randomBytes(rand, int(rand, 512)), origType, kind: 'random', from: 'random bytes' };
  const body = randomBytes(rand, int(rand, 256));
  const t = pick(rand, KNOWN_TYPES);
  const b = nlmsg(t, int(rand, 0x10000), body);
  return { buf: b, origType: DECODERS[t] ? t : origType, kind: 'random-header', from: `random body, type ${t}` };
}

// ------------------------------------------------------------------------------- harness

export type Outcome = 'decoded' | 'wire-error';

/** Thrown by the harness when a decoded value holds NaN: a read past the end of a buffer gave undefined. */
export class SuspectRead extends Error {
  override name = 'SuspectRead';
}

function checkValue(v: unknown, path: string, depth: number): void {
  if (depth > 20) return;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new SuspectRead(`NaN at ${path}: an out-of-bounds read gave undefined`);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => checkValue(x, `${path}[${i}]`, depth + 1));
  } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    for (const [k, x] of Object.entries(v)) checkValue(x, `${path}.${k}`, depth + 1);
  }
}

/**
 * Feed one buffer to parseMessages, then every message to the decoder of its declared type (or
 * of the type it was made from), to one other decoder chosen by `rand` (as if the type said
 * so), to decodeError when it is an error message, and its payload to parseAttrs at some
 * offset. Returns the outcome of the declared decoding; throws anything that is not a WireError
 * (a crash).
 */
export function feed(buf: Buffer, origType: number, rand: () => number): Outcome {
  let outcome: Outcome = 'decoded';
  let msgs: NlMsg[];
  try {
    msgs = parseMessages(buf);
  } catch (e) {
    if (e instanceof WireError) return 'wire-error';
    throw e;
  }
  for (const m of msgs) {
    // The decoder of its declared type decides the outcome; a message of a type with no decoder
    // is read as the type it was made from (the type word was mutated).
    const primary = DECODERS[m.type] ? m.type : origType;
    if (DECODERS[primary] && guard(() => checkValue(DECODERS[primary]!({ ...m, type: primary }), `decode(type ${primary})`, 0)) === undefined) outcome = 'wire-error';
    // Another family's decoder over the same bytes, as if the type said so: must not crash either.
    const other = pick(rand, DECODER_TYPES);
    guard(() => checkValue(DECODERS[other]!({ ...m, type: other }), `decode(type ${other})`, 0));
    if (m.type === NLMSG_ERROR && guard(() => checkValue(decodeError(m), 'decodeError', 0)) === undefined) outcome = 'wire-error';
    const off = int(rand, m.payload.length + 1);
    guard(() => parseAttrs(m.payload.subarray(off), 'fuzz', off));
  }
  return outcome;
}

/** `fn()`'s result, or undefined when it threw a WireError; anything else is rethrown (a crash). */
function guard<T>(fn: () => T): T | true | undefined {
  try {
    const r = fn();
    return r === undefined ? true : r;
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
}
