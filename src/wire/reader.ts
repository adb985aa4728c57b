import { WireError } from './errors.js';
import { align4, NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK } from './writer.js';

/**
 * Bounds-checked reads from a byte slice. Every read checks its bounds first and throws a
 * WireError naming `what` and the offset, so malformed kernel data never surfaces as a
 * RangeError from Buffer.
 */
export class Reader {
  constructor(
    readonly buf: Buffer,
    readonly what: string,
    /** Offset of buf[0] within the enclosing message, for error reports. */
    readonly base = 0,
  ) {}

  get length(): number {
    return this.buf.length;
  }
  need(offset: number, n: number, field: string): void {
    if (offset < 0 || offset + n > this.buf.length) {
      throw new WireError('TRUNCATED', `${this.what}.${field}`, this.base + offset, `need ${n} bytes, have ${Math.max(0, this.buf.length - offset)}`);
    }
  }
  u8(o: number, f: string): number {
    this.need(o, 1, f);
    return this.buf[o]!;
  }
  u16(o: number, f: string): number {
    this.need(o, 2, f);
    return this.buf.readUInt16LE(o);
  }
  u32(o: number, f: string): number {
    this.need(o, 4, f);
    return this.buf.readUInt32LE(o);
  }
  i32(o: number, f: string): number {
    this.need(o, 4, f);
    return this.buf.readInt32LE(o);
  }
  slice(o: number, n: number, f: string): Buffer {
    this.need(o, n, f);
    return this.buf.subarray(o, o + n);
  }
}

/** One netlink attribute as found on the wire; `data` is a view, not a copy. */
export interface RawAttr {
  type: number;
  nested: boolean;
  netByteOrder: boolean;
  data: Buffer;
  /** Offset of the attribute header within the buffer passed to parseAttrs (plus its base). */
  offset: number;
}

/**
 * Walk a run of attributes, calling `fn` with each one's type (flags masked off), raw type,
 * offset of its header in `buf` and length. A trailing run shorter than an attribute header is
 * ignored, as the kernel's nla_for_each_attr does; an attribute whose length is below the
 * header size or past the end is a WireError.
 */
export function walkAttrs(buf: Buffer, what: string, base: number, fn: (type: number, rawType: number, o: number, len: number) => void): void {
  let o = 0;
  while (o + NLA_HDRLEN <= buf.length) {
    const len = buf.readUInt16LE(o);
    const rawType = buf.readUInt16LE(o + 2);
    if (len < NLA_HDRLEN) throw new WireError('MALFORMED', `${what}[type ${rawType & NLA_TYPE_MASK}]`, base + o, `length ${len} is below the 4-byte header`);
    if (o + len > buf.length) throw new WireError('TRUNCATED', `${what}[type ${rawType & NLA_TYPE_MASK}]`, base + o, `length ${len} runs past the end (${buf.length - o} bytes left)`);
    fn(rawType & NLA_TYPE_MASK, rawType, o, len);
    o += align4(len);
  }
}

/** The attribute at offset `o` (of length `len`) of `buf`, as parseAttrs gives it. */
export function rawAttrAt(buf: Buffer, base: number, rawType: number, o: number, len: number): RawAttr {
  return {
    type: rawType & NLA_TYPE_MASK,
    nested: (rawType & NLA_F_NESTED) !== 0,
    netByteOrder: (rawType & 0x4000) !== 0,
    data: buf.subarray(o + NLA_HDRLEN, o + len),
    offset: base + o,
  };
}

/** Split a run of attributes (see walkAttrs). */
export function parseAttrs(buf: Buffer, what = 'attributes', base = 0): RawAttr[] {
  const out: RawAttr[] = [];
  walkAttrs(buf, what, base, (_t, rawType, o, len) => out.push(rawAttrAt(buf, base, rawType, o, len)));
  return out;
}

// ---- scalar decoders, each checking the payload size ----

function size(a: RawAttr, what: string, n: number, exact = true): void {
  if (exact ? a.data.length !== n : a.data.length < n) {
    throw new WireError('MALFORMED', what, a.offset, `payload is ${a.data.length} bytes, expected ${n}`);
  }
}
export const attrU8 = (a: RawAttr, what: string): number => (size(a, what, 1, false), a.data[0]!);
export const attrU16 = (a: RawAttr, what: string): number => (size(a, what, 2, false), a.data.readUInt16LE(0));
export const attrU16be = (a: RawAttr, what: string): number => (size(a, what, 2, false), a.data.readUInt16BE(0));
export const attrU32 = (a: RawAttr, what: string): number => (size(a, what, 4, false), a.data.readUInt32LE(0));
export const attrI32 = (a: RawAttr, what: string): number => (size(a, what, 4, false), a.data.readInt32LE(0));
export const attrU32be = (a: RawAttr, what: string): number => (size(a, what, 4, false), a.data.readUInt32BE(0));
export const attrU64 = (a: RawAttr, what: string): bigint => (size(a, what, 8, false), a.data.readBigUInt64LE(0));
/** A string attribute: up to the first NUL (the kernel NUL-terminates most, not all). */
export function attrStr(a: RawAttr): string {
  const nul = a.data.indexOf(0);
  return a.data.toString('utf8', 0, nul < 0 ? a.data.length : nul);
}
/** A link-layer address as lower-case colon hex (empty payload gives ''). */
export function attrHex(a: RawAttr): string {
  return formatMac(a.data);
}
export function formatMac(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + b[i]!.toString(16).padStart(2, '0');
  return s;
}
