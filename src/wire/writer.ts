import { WireError } from './errors.js';

/** Round up to the 4-byte boundary netlink uses for headers and attributes (NLMSG_ALIGN, NLA_ALIGN). */
export const align4 = (n: number): number => (n + 3) & ~3;

export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/**
 * A growable little-endian (host order on every Linux netlink user we target) byte writer.
 * Attributes are written with `attr*`; nests are opened with `nest()` and closed with
 * `end(start)`, which fills in the length, so no encoder ever computes a length by hand.
 * Each Writer owns its buffer: there is no shared module-level scratch space.
 */
export class Writer {
  private buf: Buffer;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): number {
    const at = this.len;
    const need = at + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, at);
      this.buf = next;
    }
    this.len = need;
    return at;
  }

  u8(v: number): this {
    const at = this.reserve(1); // reserve first: it may replace this.buf
    this.buf.writeUInt8(v & 0xff, at);
    return this;
  }
  u16(v: number): this {
    const at = this.reserve(2);
    this.buf.writeUInt16LE(v & 0xffff, at);
    return this;
  }
  u16be(v: number): this {
    const at = this.reserve(2);
    this.buf.writeUInt16BE(v & 0xffff, at);
    return this;
  }
  u32(v: number): this {
    const at = this.reserve(4);
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }
  u32be(v: number): this {
    const at = this.reserve(4);
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  i32(v: number): this {
    const at = this.reserve(4);
    this.buf.writeInt32LE(v | 0, at);
    return this;
  }
  u64(v: bigint | number): this {
    const at = this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt(v), at);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
    return this;
  }
  zeros(n: number): this {
    const at = this.reserve(n);
    this.buf.fill(0, at, at + n);
    return this;
  }
  /** Zero-pad to the next 4-byte boundary. */
  pad(): this {
    const p = align4(this.len) - this.len;
    if (p) this.zeros(p);
    return this;
  }

  setU16(offset: number, v: number): void {
    this.buf.writeUInt16LE(v & 0xffff, offset);
  }
  setU32(offset: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, offset);
  }

  /** One attribute: header, payload, padding. */
  attr(type: number, payload: Uint8Array): this {
    const total = NLA_HDRLEN + payload.length;
    if (total > 0xffff) throw new WireError('BAD_VALUE', `attribute ${type}`, this.len, `payload of ${payload.length} bytes does not fit a 16-bit length`);
    this.u16(total).u16(type).bytes(payload);
    return this.pad();
  }
  attrFlag(type: number): this {
    return this.u16(NLA_HDRLEN).u16(type);
  }
  attrU8(type: number, v: number): this {
    return this.u16(5).u16(type).u8(v).pad();
  }
  attrU16(type: number, v: number): this {
    return this.u16(6).u16(type).u16(v).pad();
  }
  attrU16be(type: number, v: number): this {
    return this.u16(6).u16(type).u16be(v).pad();
  }
  attrU32(type: number, v: number): this {
    return this.u16(8).u16(type).u32(v);
  }
  attrI32(type: number, v: number): this {
    return this.u16(8).u16(type).i32(v);
  }
  attrU32be(type: number, v: number): this {
    return this.u16(8).u16(type).u32be(v);
  }
  attrU64(type: number, v: bigint | number): this {
    return this.u16(12).u16(type).u64(v);
  }
  /** A NUL-terminated string attribute (IFLA_IFNAME and most string attributes). */
  attrStr(type: number, s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    const total = NLA_HDRLEN + n + 1;
    if (total > 0xffff) throw new WireError('BAD_VALUE', `attribute ${type}`, this.len, 'string too long');
    this.u16(total).u16(type);
    const at = this.reserve(n + 1); // written in place: no Buffer per string
    this.buf.write(s, at, n, 'utf8');
    this.buf[at + n] = 0;
    return this.pad();
  }

  /** Open a nested attribute; pass the returned offset to `end()`. */
  nest(type: number, flagNested = false): number {
    const at = this.len;
    this.u16(0).u16(flagNested ? type | NLA_F_NESTED : type);
    return at;
  }
  /** Close a nest opened with `nest()`, writing its length. */
  end(start: number): this {
    const total = this.len - start;
    if (total > 0xffff) throw new WireError('BAD_VALUE', 'nested attribute', start, `${total} bytes do not fit a 16-bit length`);
    this.setU16(start, total);
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
