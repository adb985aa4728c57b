import { WireError } from './errors.js';
import {
  attrHex, attrI32, attrStr, attrU16, attrU16be, attrU32, attrU32be, attrU64, attrU8, parseAttrs, rawAttrAt, walkAttrs, type RawAttr,
} from './reader.js';
import { Writer } from './writer.js';
import { formatIp, parseIp } from './ip.js';

/**
 * How one attribute's payload is encoded. Byte order is part of the codec ('be16', 'be32'),
 * as in pyroute2's tables. A nested AttrTable decodes to an object; `{ custom }` handles the
 * few attributes whose shape depends on a sibling (IFLA_INFO_DATA depends on IFLA_INFO_KIND).
 */
export type Codec =
  | 'u8' | 'u16' | 'u32' | 's32' | 'u64' | 'be16' | 'be32'
  | 'string' | 'flag' | 'mac' | 'ip' | 'binary'
  | AttrTable
  | { custom: CustomCodec };

export interface CustomCodec {
  decode(a: RawAttr, what: string): unknown;
  encode(w: Writer, type: number, value: unknown): void;
}

export interface AttrDef {
  type: number;
  name: string;
  codec: Codec;
}

/**
 * A table of attributes with their uapi numbers written out explicitly, so a missing row can
 * never renumber the rest. One table serves decode and encode.
 */
export class AttrTable {
  private readonly byType = new Map<number, AttrDef>();
  private readonly byName = new Map<string, AttrDef>();
  /** The rows in table order, as an array: encode walks it once per message. */
  private readonly rows: AttrDef[] = [];
  constructor(
    readonly what: string,
    rows: ReadonlyArray<readonly [number, string, Codec]>,
  ) {
    for (const [type, name, codec] of rows) {
      if (this.byType.has(type)) throw new Error(`${what}: attribute number ${type} listed twice`);
      const def = { type, name, codec };
      this.byType.set(type, def);
      this.byName.set(name, def);
      this.rows.push(def);
    }
  }

  type(name: string): number {
    const d = this.byName.get(name);
    if (!d) throw new Error(`${this.what}: no attribute named ${name}`);
    return d.type;
  }

  def(type: number): AttrDef | undefined {
    return this.byType.get(type);
  }

  /**
   * Decode a run of attributes into an object keyed by attribute name. Attributes the table
   * does not know are kept under `unknown` as type numbers, never dropped silently.
   */
  decode(buf: Buffer, base = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const a of parseAttrs(buf, this.what, base)) {
      const d = this.byType.get(a.type);
      if (!d) {
        ((out.unknown as number[] | undefined) ?? (out.unknown = [] as number[]) as number[]).push(a.type);
        continue;
      }
      out[d.name] = decodeValue(d.codec, a, `${this.what}.${d.name}`);
    }
    return out;
  }

  /**
   * decode() of only the attribute types in `only`: the others are skipped unread (a reader
   * that needs a few fields of a big message, such as observing a lab's links, pays for those).
   */
  decodeOnly(buf: Buffer, base: number, only: ReadonlySet<number>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    walkAttrs(buf, this.what, base, (type, rawType, o, len) => {
      if (!only.has(type)) return;
      const d = this.byType.get(type);
      if (d) out[d.name] = decodeValue(d.codec, rawAttrAt(buf, base, rawType, o, len), `${this.what}.${d.name}`);
    });
    return out;
  }

  /** Encode the fields of `obj` that the table knows, in table order; undefined fields are skipped. */
  encode(w: Writer, obj: Record<string, unknown>): void {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const d = rows[i]!;
      const v = obj[d.name];
      if (v !== undefined) encodeValue(w, d.codec, d.type, v, this, d.name);
    }
  }
}

export function decodeValue(codec: Codec, a: RawAttr, what: string): unknown {
  if (codec instanceof AttrTable) return codec.decode(a.data, a.offset + 4);
  if (typeof codec === 'object') return codec.custom.decode(a, what);
  switch (codec) {
    case 'u8': return attrU8(a, what);
    case 'u16': return attrU16(a, what);
    case 'u32': return attrU32(a, what);
    case 's32': return attrI32(a, what);
    case 'u64': return attrU64(a, what);
    case 'be16': return attrU16be(a, what);
    case 'be32': return attrU32be(a, what);
    case 'string': return attrStr(a);
    case 'flag': return true;
    case 'mac': return attrHex(a);
    case 'ip':
      if (a.data.length !== 4 && a.data.length !== 16) throw new WireError('MALFORMED', what, a.offset, `address of ${a.data.length} bytes`);
      return formatIp(a.data);
    case 'binary': return Buffer.from(a.data);
  }
}

/** One attribute of `table` (its row `name`) with value `v`; the error names `table.what`.`name`. */
function encodeValue(w: Writer, codec: Codec, type: number, v: unknown, table: AttrTable, name: string): void {
  if (codec instanceof AttrTable) {
    const at = w.nest(type);
    codec.encode(w, v as Record<string, unknown>);
    w.end(at);
    return;
  }
  if (typeof codec === 'object') return codec.custom.encode(w, type, v);
  if (codec === 'u64' && typeof v === 'bigint') {
    w.attrU64(type, v);
    return;
  }
  switch (codec) {
    case 'u8': w.attrU8(type, integer(w, v, table, name)); return;
    case 'u16': w.attrU16(type, integer(w, v, table, name)); return;
    case 'u32': w.attrU32(type, integer(w, v, table, name)); return;
    case 's32': w.attrI32(type, integer(w, v, table, name)); return;
    case 'u64': w.attrU64(type, integer(w, v, table, name)); return;
    case 'be16': w.attrU16be(type, integer(w, v, table, name)); return;
    case 'be32': w.attrU32be(type, integer(w, v, table, name)); return;
    case 'string': w.attrStr(type, String(v)); return;
    case 'flag': if (v) w.attrFlag(type); return;
    case 'mac': w.attr(type, parseMac(String(v))); return;
    case 'ip': w.attr(type, parseIp(String(v))); return;
    case 'binary': w.attr(type, v as Uint8Array); return;
  }
}

/** `v` when it is an integer; else the error, naming the attribute (built only then). */
function integer(w: Writer, v: unknown, table: AttrTable, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new WireError('BAD_VALUE', `${table.what}.${name}`, w.length, `expected an integer, got ${String(v)}`);
  return v;
}

/** 'aa:bb:cc:dd:ee:ff' (or any colon/dash hex of whole bytes) to bytes. */
export function parseMac(s: string): Buffer {
  const parts = s.split(/[:-]/);
  if (parts.length < 1 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new WireError('BAD_VALUE', 'link-layer address', 0, `"${s}" is not colon-separated hex bytes`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
