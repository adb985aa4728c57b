/**
 * Test helpers for the rtnetlink codecs (used by the *.test.ts files only, not exported from
 * index.ts): a naive byte builder written straight from the uapi struct layouts, independent
 * of Writer (pg-protocol's testing/buffer-list style). The kernel captures are loaded by
 * test/helpers/golden.ts.
 */
import { parseMessages, type NlMsg } from '../nlmsg.js';

/** Little-endian scalars and raw bytes, concatenated by hand. */
export class BufferList {
  private readonly parts: Buffer[] = [];
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  u8(v: number): this {
    return this.push(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return this.push(b);
  }
  u16be(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return this.push(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.push(b);
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return this.push(b);
  }
  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return this.push(b);
  }
  bytes(b: Uint8Array): this {
    return this.push(Buffer.from(b));
  }
  zeros(n: number): this {
    return this.push(Buffer.alloc(n));
  }
  /** NUL-terminated string. */
  cstr(s: string): this {
    return this.push(Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]));
  }
  join(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const le16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const pad4 = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

/** struct nlattr: u16 len (header + payload, unpadded), u16 type, payload, zero padding to 4. */
export function attr(type: number, payload: Buffer | BufferList): Buffer {
  const p = payload instanceof BufferList ? payload.join() : payload;
  return pad4(Buffer.concat([le16(4 + p.length), le16(type), p]));
}
export const attrU8 = (t: number, v: number): Buffer => attr(t, new BufferList().u8(v));
export const attrU16 = (t: number, v: number): Buffer => attr(t, new BufferList().u16(v));
export const attrU16be = (t: number, v: number): Buffer => attr(t, new BufferList().u16be(v));
export const attrU32 = (t: number, v: number): Buffer => attr(t, new BufferList().u32(v));
export const attrI32 = (t: number, v: number): Buffer => attr(t, new BufferList().i32(v));
export const attrU64 = (t: number, v: bigint): Buffer => attr(t, new BufferList().u64(v));
export const attrStr = (t: number, s: string): Buffer => attr(t, new BufferList().cstr(s));
export const attrBytes = (t: number, bytes: number[]): Buffer => attr(t, Buffer.from(bytes));
/** A nest is an attribute whose payload is the concatenated children. */
export const nest = (type: number, ...children: Buffer[]): Buffer => attr(type, Buffer.concat(children));

/** struct nlmsghdr (len, type, flags, seq 0, pid 0) + body padded to 4. */
export function nlmsg(type: number, flags: number, ...body: Buffer[]): Buffer {
  const b = pad4(Buffer.concat(body));
  return Buffer.concat([new BufferList().u32(16 + b.length).u16(type).u16(flags).u32(0).u32(0).join(), b]);
}

/** Parse a single-message buffer. */
export function one(buf: Buffer): NlMsg {
  const ms = parseMessages(buf);
  if (ms.length !== 1) throw new Error(`expected one message, got ${ms.length}`);
  return ms[0]!;
}

/** A small deterministic PRNG (mulberry32) so corruption tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
