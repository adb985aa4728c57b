/** vxlan: IFLA_VXLAN_* inside IFLA_INFO_DATA (<linux/if_link.h>). */
import { WireError } from '../../errors.js';
import { formatIp, ipVersion, parseIp } from '../../ip.js';
import { attrU16be, attrU32, attrU8, parseAttrs, type RawAttr } from '../../reader.js';
import type { Writer } from '../../writer.js';
import type { KindCodec } from './types.js';

export const IFLA_VXLAN_ID = 1;
export const IFLA_VXLAN_GROUP = 2;
export const IFLA_VXLAN_LINK = 3;
export const IFLA_VXLAN_LOCAL = 4;
export const IFLA_VXLAN_TTL = 5;
export const IFLA_VXLAN_TOS = 6;
export const IFLA_VXLAN_LEARNING = 7;
export const IFLA_VXLAN_AGEING = 8;
export const IFLA_VXLAN_LIMIT = 9;
export const IFLA_VXLAN_PORT_RANGE = 10;
export const IFLA_VXLAN_PORT = 15;
export const IFLA_VXLAN_GROUP6 = 16;
export const IFLA_VXLAN_LOCAL6 = 17;

export type VxlanInfo = {
  kind: 'vxlan';
  /** VNI, 0..16777215. */
  id: number;
  /** Multicast group (IFLA_VXLAN_GROUP or GROUP6). */
  group?: string;
  /** Unicast remote: the same attribute as `group`; decoding sets `remote` for a unicast address. */
  remote?: string;
  local?: string;
  /** Ifindex of the underlying device. */
  link?: number;
  /** UDP destination port (big-endian on the wire). */
  port?: number;
  ttl?: number;
  tos?: number;
  learning?: boolean;
  srcPortMin?: number;
  srcPortMax?: number;
};

function addr(w: Writer, t4: number, t6: number, s: string, what: string): void {
  const v = ipVersion(s);
  if (v === 0) throw new WireError('BAD_VALUE', what, 0, `"${s}" is not an IPv4 or IPv6 address`);
  w.attr(v === 4 ? t4 : t6, parseIp(s));
}

function readAddr(a: RawAttr, n: number, what: string): string {
  if (a.data.length !== n) throw new WireError('MALFORMED', what, a.offset, `address of ${a.data.length} bytes, expected ${n}`);
  return formatIp(a.data);
}

const isMulticast = (s: string): boolean =>
  ipVersion(s) === 4 ? Number(s.split('.')[0]) >= 224 && Number(s.split('.')[0]) <= 239 : s.toLowerCase().startsWith('ff');

export const vxlan: KindCodec<VxlanInfo> = {
  encode(w: Writer, info: VxlanInfo): void {
    if (!Number.isInteger(info.id) || info.id < 0 || info.id > 0xffffff) {
      throw new WireError('BAD_VALUE', 'vxlan id', 0, `${String(info.id)} is outside 0..16777215`);
    }
    if (info.group !== undefined && info.remote !== undefined) {
      throw new WireError('BAD_VALUE', 'vxlan remote', 0, 'give either group or remote, not both (they are the same attribute)');
    }
    w.attrU32(IFLA_VXLAN_ID, info.id);
    const dst = info.group ?? info.remote;
    if (dst !== undefined) addr(w, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, dst, 'vxlan remote');
    if (info.local !== undefined) addr(w, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, info.local, 'vxlan local');
    if (info.link !== undefined) w.attrU32(IFLA_VXLAN_LINK, info.link);
    if (info.ttl !== undefined) w.attrU8(IFLA_VXLAN_TTL, info.ttl);
    if (info.tos !== undefined) w.attrU8(IFLA_VXLAN_TOS, info.tos);
    if (info.learning !== undefined) w.attrU8(IFLA_VXLAN_LEARNING, info.learning ? 1 : 0);
    if ((info.srcPortMin === undefined) !== (info.srcPortMax === undefined)) {
      throw new WireError('BAD_VALUE', 'vxlan source port range', 0, 'give both srcPortMin and srcPortMax');
    }
    if (info.srcPortMin !== undefined && info.srcPortMax !== undefined) {
      const b = Buffer.alloc(4);
      b.writeUInt16BE(info.srcPortMin & 0xffff, 0);
      b.writeUInt16BE(info.srcPortMax & 0xffff, 2);
      w.attr(IFLA_VXLAN_PORT_RANGE, b);
    }
    if (info.port !== undefined) w.attrU16be(IFLA_VXLAN_PORT, info.port);
  },
  decode(data: Buffer, base: number): VxlanInfo {
    const out: VxlanInfo = { kind: 'vxlan', id: 0 };
    for (const a of parseAttrs(data, 'vxlan info', base)) {
      switch (a.type) {
        case IFLA_VXLAN_ID: out.id = attrU32(a, 'vxlan id'); break;
        case IFLA_VXLAN_GROUP:
        case IFLA_VXLAN_GROUP6: {
          const s = readAddr(a, a.type === IFLA_VXLAN_GROUP ? 4 : 16, 'vxlan group');
          if (isMulticast(s)) out.group = s;
          else out.remote = s;
          break;
        }
        case IFLA_VXLAN_LOCAL: out.local = readAddr(a, 4, 'vxlan local'); break;
        case IFLA_VXLAN_LOCAL6: out.local = readAddr(a, 16, 'vxlan local'); break;
        case IFLA_VXLAN_LINK: out.link = attrU32(a, 'vxlan link'); break;
        case IFLA_VXLAN_TTL: out.ttl = attrU8(a, 'vxlan ttl'); break;
        case IFLA_VXLAN_TOS: out.tos = attrU8(a, 'vxlan tos'); break;
        case IFLA_VXLAN_LEARNING: out.learning = attrU8(a, 'vxlan learning') !== 0; break;
        case IFLA_VXLAN_PORT: out.port = attrU16be(a, 'vxlan port'); break;
        case IFLA_VXLAN_PORT_RANGE:
          if (a.data.length < 4) throw new WireError('MALFORMED', 'vxlan port range', a.offset, `payload is ${a.data.length} bytes, expected 4`);
          out.srcPortMin = a.data.readUInt16BE(0);
          out.srcPortMax = a.data.readUInt16BE(2);
          break;
        default: break;
      }
    }
    return out;
  },
};
