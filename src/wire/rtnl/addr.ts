/**
 * Address messages (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR): struct ifaddrmsg (u8 family,
 * u8 prefixlen, u8 flags, u8 scope, u32 index) followed by IFA_* attributes (<linux/if_addr.h>).
 */
import { AttrTable, type CustomCodec } from '../attr.js';
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { Reader, type RawAttr } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  addrFlagNames, AF_UNSPEC, INFINITY_LIFE_TIME, RT_SCOPE_UNIVERSE, RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, scopeName,
} from './constants.js';
import { addrBytes, checkInt, expectType, familyOf, versionOf } from './msg.js';

export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_ANYCAST = 5;
export const IFA_CACHEINFO = 6;
export const IFA_MULTICAST = 7;
export const IFA_FLAGS = 8;
export const IFA_RT_PRIORITY = 9;
export const IFA_TARGET_NETNSID = 10;
export const IFA_PROTO = 11;

/** sizeof(struct ifaddrmsg) */
export const IFADDRMSG_LEN = 8;

export interface AddrSpec {
  index: number;
  /** 'a.b.c.d' or an IPv6 address, without prefix. */
  address: string;
  prefixLen: number;
  /** Point-to-point peer (IFA_ADDRESS when it differs from IFA_LOCAL). */
  peer?: string;
  /** IPv4 broadcast; true computes it from the prefix as ip's 'brd +' does (only for prefixes up to /30). */
  broadcast?: string | true;
  label?: string;
  scope?: number;
  /** IFA_F_* (e.g. IFA_F_NODAD, IFA_F_NOPREFIXROUTE): sent in the 8-bit header field and as IFA_FLAGS. */
  flags?: number;
  /** Seconds; a missing one of the pair is 'forever' (valid) or equal to valid (preferred). */
  validLft?: number;
  preferredLft?: number;
  /** IFA_RT_PRIORITY: metric of the prefix route. */
  metric?: number;
}

export interface Addr {
  family: 4 | 6;
  index: number;
  prefixLen: number;
  /** IFA_LOCAL ?? IFA_ADDRESS */
  address: string;
  /** IFA_ADDRESS when IFA_LOCAL is present and different (point-to-point peer). */
  peer?: string;
  broadcast?: string;
  label?: string;
  /** 'global' | 'link' | 'host' | 'site' | the number as a string */
  scope: string;
  scopeNum: number;
  flags: number;
  /** 'permanent' or 'dynamic', 'nodad', 'tentative', 'noprefixroute', ... as ip -j (see addrFlagNames). */
  flagNames: string[];
  /** Seconds, 4294967295 = forever, as ip -j prints valid_life_time. */
  validLft?: number;
  preferredLft?: number;
  metric?: number;
  protocol?: number;
}

/** struct ifa_cacheinfo: u32 ifa_prefered, u32 ifa_valid, u32 cstamp, u32 tstamp. */
const cacheinfo: CustomCodec = {
  encode(w: Writer, type: number, v: unknown): void {
    const { valid, preferred } = v as { valid: number; preferred: number };
    w.u16(4 + 16).u16(type).u32(preferred).u32(valid).u32(0).u32(0);
  },
  decode(a: RawAttr, what: string): { valid: number; preferred: number } {
    if (a.data.length < 8) throw new WireError('MALFORMED', what, a.offset, `payload is ${a.data.length} bytes, expected 16`);
    return { preferred: a.data.readUInt32LE(0), valid: a.data.readUInt32LE(4) };
  },
};

/** IFA_* attributes in the order a request writes them; numbers from <linux/if_addr.h>. */
export const addrAttrs = new AttrTable('address', [
  [IFA_LOCAL, 'local', 'ip'],
  [IFA_ADDRESS, 'address', 'ip'],
  [IFA_BROADCAST, 'broadcast', 'ip'],
  [IFA_ANYCAST, 'anycast', 'ip'],
  [IFA_LABEL, 'label', 'string'],
  [IFA_FLAGS, 'flags', 'u32'],
  [IFA_CACHEINFO, 'cacheinfo', { custom: cacheinfo }],
  [IFA_RT_PRIORITY, 'metric', 'u32'],
  [IFA_MULTICAST, 'multicast', 'ip'],
  [IFA_TARGET_NETNSID, 'targetNetnsId', 's32'],
  [IFA_PROTO, 'protocol', 'u8'],
]);

/** ip's 'brd +': the address with every host bit set (prefixes up to /30 only, as ip). */
function broadcastOf(addr: Buffer, prefixLen: number): Buffer | undefined {
  if (prefixLen > 30) return undefined;
  const v = addr.readUInt32BE(0);
  const host = prefixLen === 0 ? 0xffffffff : (0xffffffff >>> prefixLen);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((v | host) >>> 0, 0);
  return b;
}

/**
 * A complete address request. The family comes from the address; IFA_LOCAL and IFA_ADDRESS
 * are both sent (IFA_ADDRESS = peer when given), as `ip addr add` does.
 */
export function encodeAddr(type: number, flags: number, a: AddrSpec): Buffer {
  if (type !== RTM_NEWADDR && type !== RTM_DELADDR) throw new WireError('BAD_VALUE', 'address message type', 0, `${type} is neither RTM_NEWADDR nor RTM_DELADDR`);
  const local = addrBytes(a.address, 'address');
  checkInt(a.prefixLen, 0, local.version === 4 ? 32 : 128, `prefix length of ${a.address}`);
  checkInt(a.index, 1, 0x7fffffff, `interface index for ${a.address}`);
  const peer = a.peer !== undefined ? addrBytes(a.peer, 'peer address') : undefined;
  if (peer && peer.version !== local.version) throw new WireError('BAD_VALUE', 'peer address', 0, `${a.peer} is not the same family as ${a.address}`);
  const fields: Record<string, unknown> = { local: a.address, address: a.peer ?? a.address };
  if (a.broadcast !== undefined) {
    if (local.version !== 4) throw new WireError('BAD_VALUE', 'broadcast address', 0, `IPv6 address ${a.address} has no broadcast`);
    if (a.broadcast === true) {
      const b = broadcastOf(peer?.bytes ?? local.bytes, a.prefixLen);
      if (b) fields.broadcast = `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    } else {
      fields.broadcast = a.broadcast;
    }
  }
  if (a.label !== undefined) {
    const n = Buffer.byteLength(a.label, 'utf8');
    if (n === 0 || n > 15) throw new WireError('BAD_VALUE', 'address label', 0, `label "${a.label}" must be 1..15 bytes and start with the interface name`);
    fields.label = a.label;
  }
  if (a.flags !== undefined) fields.flags = a.flags;
  if (a.validLft !== undefined || a.preferredLft !== undefined) {
    const valid = a.validLft ?? INFINITY_LIFE_TIME;
    fields.cacheinfo = { valid, preferred: a.preferredLft ?? valid };
  }
  if (a.metric !== undefined) fields.metric = a.metric;
  return message(type, flags, (w) => {
    w.u8(familyOf(local.version)).u8(a.prefixLen).u8((a.flags ?? 0) & 0xff).u8(a.scope ?? RT_SCOPE_UNIVERSE).u32(a.index);
    addrAttrs.encode(w, fields);
  });
}

/**
 * RTM_GETADDR dump. With strict checking the kernel filters by the index in the ifaddrmsg
 * (prefixlen, flags and scope must stay 0).
 */
export function encodeAddrDump(family = AF_UNSPEC, index = 0): Buffer {
  return message(RTM_GETADDR, NLM_F_DUMP, (w) => {
    w.u8(family).u8(0).u8(0).u8(0).u32(index);
  });
}

const ADDR_TYPES = new Set([RTM_NEWADDR, RTM_DELADDR]);

/** The fields of an address that observing a lab reads (decodeAddrBrief). */
export type AddrBrief = Pick<Addr, 'family' | 'index' | 'prefixLen' | 'address' | 'scope'>;

const BRIEF_TYPES: ReadonlySet<number> = new Set([IFA_LOCAL, IFA_ADDRESS]);

/** decodeAddr's answer for the AddrBrief fields only, the same values; the other attributes are skipped unread. */
export function decodeAddrBrief(m: NlMsg): AddrBrief {
  expectType(m, ADDR_TYPES, 'address');
  const base = m.offset + NLMSG_HDRLEN;
  const r = new Reader(m.payload, 'ifaddrmsg', base);
  r.need(0, IFADDRMSG_LEN, 'header');
  const family = versionOf(r.u8(0, 'ifa_family'));
  if (family === 0) throw new WireError('MALFORMED', 'ifaddrmsg.ifa_family', base, `family ${m.payload[0]} is neither AF_INET nor AF_INET6`);
  const a = addrAttrs.decodeOnly(m.payload.subarray(IFADDRMSG_LEN), base + IFADDRMSG_LEN, BRIEF_TYPES);
  const address = (a.local ?? a.address) as string | undefined;
  if (address === undefined) throw new WireError('MALFORMED', 'address', base, 'neither IFA_LOCAL nor IFA_ADDRESS is present');
  return { family, index: r.u32(4, 'ifa_index'), prefixLen: r.u8(1, 'ifa_prefixlen'), address, scope: scopeName(r.u8(3, 'ifa_scope')) };
}

/** Decode an address message (a kernel reply or notification, or a request). */
export function decodeAddr(m: NlMsg): Addr {
  expectType(m, ADDR_TYPES, 'address');
  const base = m.offset + NLMSG_HDRLEN;
  const r = new Reader(m.payload, 'ifaddrmsg', base);
  r.need(0, IFADDRMSG_LEN, 'header');
  const family = versionOf(r.u8(0, 'ifa_family'));
  if (family === 0) throw new WireError('MALFORMED', 'ifaddrmsg.ifa_family', base, `family ${m.payload[0]} is neither AF_INET nor AF_INET6`);
  const a = addrAttrs.decode(m.payload.subarray(IFADDRMSG_LEN), base + IFADDRMSG_LEN);
  const local = a.local as string | undefined;
  const address = local ?? (a.address as string | undefined);
  if (address === undefined) throw new WireError('MALFORMED', 'address', base, 'neither IFA_LOCAL nor IFA_ADDRESS is present');
  const flags = (a.flags as number | undefined) ?? r.u8(2, 'ifa_flags');
  const scopeNum = r.u8(3, 'ifa_scope');
  const out: Addr = {
    family,
    index: r.u32(4, 'ifa_index'),
    prefixLen: r.u8(1, 'ifa_prefixlen'),
    address,
    scope: scopeName(scopeNum),
    scopeNum,
    flags,
    flagNames: addrFlagNames(flags, family),
  };
  if (local !== undefined && a.address !== undefined && a.address !== local) out.peer = a.address as string;
  if (a.broadcast !== undefined) out.broadcast = a.broadcast as string;
  if (a.label !== undefined) out.label = a.label as string;
  const ci = a.cacheinfo as { valid: number; preferred: number } | undefined;
  if (ci) {
    out.validLft = ci.valid;
    out.preferredLft = ci.preferred;
  }
  if (a.metric !== undefined) out.metric = a.metric as number;
  if (a.protocol !== undefined) out.protocol = a.protocol as number;
  return out;
}
