/**
 * pcapng (draft-ietf-opsawg-pcapng), the pure format: a Section Header Block, one Interface
 * Description Block per captured interface (named with if_name, e.g. "r1:eth0"), and an
 * Enhanced Packet Block per packet with a microsecond timestamp (the default if_tsresol).
 * Little-endian, as written on this machine; readers detect the byte order from the magic.
 */
import { WireError } from './errors.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** LINKTYPE_ETHERNET */
export const LINKTYPE_ETHERNET = 1;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const SHB_USERAPPL = 4;

const pad4 = (n: number): number => (n + 3) & ~3;

function options(opts: Array<[number, Buffer]>): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [code, v] of opts) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(code, 0);
    h.writeUInt16LE(v.length, 2);
    parts.push(h, v, Buffer.alloc(pad4(v.length) - v.length));
  }
  parts.push(Buffer.alloc(4)); // opt_endofopt
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

/** The Section Header Block that starts a file (section length unknown: -1). */
export function sectionHeader(application = 'nsnet'): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  fixed.writeUInt16LE(1, 4);
  fixed.writeUInt16LE(0, 6);
  fixed.writeBigInt64LE(-1n, 8);
  return block(BT_SHB, Buffer.concat([fixed, options([[SHB_USERAPPL, Buffer.from(application)]])]));
}

/** An Interface Description Block: ethernet, snaplen, if_name. Interfaces are numbered in the order written. */
export function interfaceDescription(name: string, snaplen = 262_144, linktype = LINKTYPE_ETHERNET): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(linktype, 0);
  fixed.writeUInt32LE(snaplen, 4);
  return block(BT_IDB, Buffer.concat([fixed, options([[IF_NAME, Buffer.from(name)]])]));
}

export interface CapturedPacket {
  /** Index of the interface (its IDB) in the section. */
  iface: number;
  /** Time since the epoch in microseconds. */
  timestampUs: bigint;
  /** Bytes captured (possibly cut to the snaplen). */
  data: Buffer;
  /** Length on the wire; default data.length. */
  originalLength?: number;
  comment?: string;
}

/** An Enhanced Packet Block. */
export function enhancedPacket(p: CapturedPacket): Buffer {
  if (!Number.isInteger(p.iface) || p.iface < 0) throw new WireError('BAD_VALUE', 'pcapng interface id', 0, `${p.iface} is not an interface number`);
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(p.iface, 0);
  fixed.writeUInt32LE(Number(p.timestampUs >> 32n) >>> 0, 4);
  fixed.writeUInt32LE(Number(p.timestampUs & 0xffffffffn) >>> 0, 8);
  fixed.writeUInt32LE(p.data.length, 12);
  fixed.writeUInt32LE(p.originalLength ?? p.data.length, 16);
  const data = Buffer.concat([p.data, Buffer.alloc(pad4(p.data.length) - p.data.length)]);
  return block(BT_EPB, Buffer.concat([fixed, data, options(p.comment ? [[OPT_COMMENT, Buffer.from(p.comment)]] : [])]));
}

export interface PcapngFile {
  interfaces: Array<{ name?: string; linktype: number; snaplen: number }>;
  packets: CapturedPacket[];
}

function readOptions(b: Buffer, at: number, end: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  while (at + 4 <= end) {
    const code = b.readUInt16LE(at);
    const len = b.readUInt16LE(at + 2);
    if (code === OPT_ENDOFOPT) break;
    if (at + 4 + len > end) throw new WireError('TRUNCATED', 'pcapng option', at, `option ${code} runs past its block`);
    out.set(code, b.subarray(at + 4, at + 4 + len));
    at += 4 + pad4(len);
  }
  return out;
}

/** Read a little-endian pcapng file written as above (tests, and `nsnet capture` reading its own output). */
export function parsePcapng(b: Buffer): PcapngFile {
  const out: PcapngFile = { interfaces: [], packets: [] };
  let at = 0;
  while (at < b.length) {
    if (at + 12 > b.length) throw new WireError('TRUNCATED', 'pcapng block', at, 'a block header is cut short');
    const type = b.readUInt32LE(at);
    const len = b.readUInt32LE(at + 4);
    if (len < 12 || len % 4 !== 0 || at + len > b.length || b.readUInt32LE(at + len - 4) !== len) throw new WireError('MALFORMED', 'pcapng block', at, `bad block length ${len}`);
    const end = at + len - 4;
    if (type === BT_SHB) {
      if (b.readUInt32LE(at + 8) !== BYTE_ORDER_MAGIC) throw new WireError('MALFORMED', 'pcapng section', at, 'not a little-endian section');
    } else if (type === BT_IDB) {
      const name = readOptions(b, at + 16, end).get(IF_NAME);
      out.interfaces.push({ linktype: b.readUInt16LE(at + 8), snaplen: b.readUInt32LE(at + 12), ...(name ? { name: name.toString() } : {}) });
    } else if (type === BT_EPB) {
      const caplen = b.readUInt32LE(at + 20);
      const ts = (BigInt(b.readUInt32LE(at + 12)) << 32n) | BigInt(b.readUInt32LE(at + 16));
      out.packets.push({ iface: b.readUInt32LE(at + 8), timestampUs: ts, data: Buffer.from(b.subarray(at + 28, at + 28 + caplen)), originalLength: b.readUInt32LE(at + 24) });
    }
    at += len;
  }
  return out;
}
