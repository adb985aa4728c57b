/**
 * Route messages (RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE): struct rtmsg (u8 family,
 * dst_len, src_len, tos, table, protocol, scope, type; u32 flags) followed by RTA_*
 * attributes (<linux/rtnetlink.h>). Defaults follow `ip route add` / `ip route del`.
 */
import { AttrTable, type CustomCodec } from '../attr.js';
import { WireError } from '../errors.js';
import { parseCidr } from '../cidr.js';
import { formatIp } from '../ip.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { attrU32, parseAttrs, Reader, type RawAttr } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  AF_UNSPEC, protocolName, routeFlagNames, routeTypeName, RT_SCOPE_HOST, RT_SCOPE_LINK, RTM_F_LOOKUP_TABLE,
  RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_UNSPEC, RTAX_MTU, RTM_DELROUTE,
  RTM_GETROUTE, RTM_NEWROUTE, RTN_ANYCAST, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_UNICAST, RTN_UNSPEC,
  RTNH_F_ONLINK, RTPROT_BOOT, RTPROT_UNSPEC, scopeName,
} from './constants.js';
import { addrBytes, checkInt, expectType, familyOf, versionOf } from './msg.js';

export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_IIF = 3;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_METRICS = 8;
export const RTA_MULTIPATH = 9;
export const RTA_FLOW = 11;
export const RTA_CACHEINFO = 12;
export const RTA_TABLE = 15;
export const RTA_MARK = 16;
export const RTA_VIA = 18;
export const RTA_PREF = 20;
export const RTA_EXPIRES = 23;
export const RTA_UID = 25;
export const RTA_NH_ID = 30;
/** RTAX_CC_ALGO carries a string, not a u32; skipped when reading metrics. */
const RTAX_CC_ALGO = 16;

/** sizeof(struct rtmsg) */
export const RTMSG_LEN = 12;

export interface RouteSpec {
  /** Default: from dst, else from gateway, else 4. */
  family?: 4 | 6;
  /** 'default', a CIDR 'a.b.c.d/n', or a bare address (a host route). */
  dst?: string;
  /** Gateway; one of the other family than the route is sent as RTA_VIA (IPv4 route via IPv6 next hop). */
  gateway?: string;
  oif?: number;
  /** Default RT_TABLE_MAIN (RT_TABLE_LOCAL for local/broadcast/anycast/nat, as ip). */
  table?: number;
  /** RTA_PRIORITY */
  metric?: number;
  /** Default RTPROT_BOOT for RTM_NEWROUTE, as ip; unset (matches any) for RTM_DELROUTE. */
  protocol?: number;
  /** Default: universe with a gateway, link without, host for local; nowhere (matches any) for RTM_DELROUTE. */
  scope?: number;
  /** Default RTN_UNICAST for RTM_NEWROUTE; unset (matches any) for RTM_DELROUTE. */
  type?: number;
  prefsrc?: string;
  /** RTA_METRICS nest, RTAX_MTU. */
  mtu?: number;
  /** RTNH_F_ONLINK: the gateway is on link even if no address says so. */
  onlink?: boolean;
}

export interface Route {
  family: 4 | 6;
  /** 'default' or 'a.b.c.d/n'; a host route (full-length prefix) prints without '/n', as ip -j. */
  dst: string;
  dstLen: number;
  gateway?: string;
  oif?: number;
  iif?: number;
  /** RTA_SRC: the source prefix ('a.b.c.d' when it is full-length, as ip prints "from"). */
  src?: string;
  srcLen: number;
  /** RTA_UID: the uid a lookup (RTM_GETROUTE) was made for. */
  uid?: number;
  /** RTA_PREF: an IPv6 route's router preference (0 medium, 1 high, 3 low). */
  pref?: number;
  table: number;
  /** RTA_PRIORITY */
  metric?: number;
  /** 'kernel', 'boot', 'static', 'dhcp', ... or the number as a string, as ip -j. */
  protocol: string;
  protocolNum: number;
  /** 'global', 'link', 'host', ... */
  scope: string;
  scopeNum: number;
  /** 'unicast', 'local', 'broadcast', ... */
  type: string;
  typeNum: number;
  prefsrc?: string;
  flags: number;
  /** 'onlink', 'linkdown', ... as ip -j "flags". */
  flagNames: string[];
  mtu?: number;
  /** Every RTAX_* u32 metric by number. */
  metrics?: Record<number, number>;
  tos: number;
}

const metricsCodec: CustomCodec = {
  encode(w: Writer, type: number, v: unknown): void {
    const at = w.nest(type);
    for (const [k, val] of Object.entries(v as Record<number, number>)) w.attrU32(Number(k), val);
    w.end(at);
  },
  decode(a: RawAttr): Record<number, number> {
    const out: Record<number, number> = {};
    for (const b of parseAttrs(a.data, 'route metrics', a.offset + 4)) {
      if (b.type === RTAX_CC_ALGO) continue;
      out[b.type] = attrU32(b, `route metric ${b.type}`);
    }
    return out;
  },
};

/** struct rtvia: u16 family, then the address. */
const viaCodec: CustomCodec = {
  encode(w: Writer, type: number, v: unknown): void {
    const { bytes, version } = addrBytes(String(v), 'route gateway');
    const b = Buffer.alloc(2 + bytes.length);
    b.writeUInt16LE(familyOf(version), 0);
    bytes.copy(b, 2);
    w.attr(type, b);
  },
  decode(a: RawAttr, what: string): string {
    if (a.data.length !== 6 && a.data.length !== 18) throw new WireError('MALFORMED', what, a.offset, `rtvia of ${a.data.length} bytes`);
    return formatIp(a.data.subarray(2));
  },
};

/** RTA_* attributes in the order a request writes them; numbers from <linux/rtnetlink.h>. */
export const routeAttrs = new AttrTable('route', [
  [RTA_TABLE, 'table', 'u32'],
  [RTA_DST, 'dst', 'ip'],
  [RTA_SRC, 'src', 'ip'],
  [RTA_GATEWAY, 'gateway', 'ip'],
  [RTA_VIA, 'via', { custom: viaCodec }],
  [RTA_IIF, 'iif', 'u32'],
  [RTA_OIF, 'oif', 'u32'],
  [RTA_PRIORITY, 'metric', 'u32'],
  [RTA_PREFSRC, 'prefsrc', 'ip'],
  [RTA_METRICS, 'metrics', { custom: metricsCodec }],
  [RTA_MARK, 'mark', 'u32'],
  [RTA_PREF, 'pref', 'u8'],
  [RTA_NH_ID, 'nhid', 'u32'],
  [RTA_UID, 'uid', 'u32'],
]);

/** Split 'a.b.c.d/n', a bare address or 'default' (wire/cidr.ts reads the prefix). */
function parseDst(dst: string | undefined): { addr?: Buffer; version?: 4 | 6; len: number } {
  if (dst === undefined || dst === 'default') return { len: 0 };
  const c = parseCidr(dst, true);
  if (typeof c === 'string') throw new WireError('BAD_VALUE', 'route destination', 0, c);
  return { addr: Buffer.from(c.bytes), version: c.family, len: c.len };
}

/**
 * A complete route request. Tables of 256 and above do not fit rtm_table: it is then
 * RT_TABLE_UNSPEC and RTA_TABLE carries the number; RTA_TABLE is always sent.
 */
export function encodeRoute(type: number, flags: number, r: RouteSpec): Buffer {
  if (type !== RTM_NEWROUTE && type !== RTM_DELROUTE && type !== RTM_GETROUTE) {
    throw new WireError('BAD_VALUE', 'route message type', 0, `${type} is not a route message type`);
  }
  const del = type === RTM_DELROUTE;
  const d = parseDst(r.dst);
  const gw = r.gateway !== undefined ? addrBytes(r.gateway, 'route gateway') : undefined;
  const version = r.family ?? d.version ?? gw?.version ?? 4;
  if (d.version !== undefined && d.version !== version) throw new WireError('BAD_VALUE', 'route destination', 0, `${r.dst} is not an IPv${version} prefix`);
  const rtype = r.type ?? (del ? RTN_UNSPEC : RTN_UNICAST);
  const localish = rtype === RTN_LOCAL || rtype === RTN_BROADCAST || rtype === RTN_ANYCAST || rtype === RTN_NAT;
  const table = r.table ?? (localish ? RT_TABLE_LOCAL : RT_TABLE_MAIN);
  checkInt(table, 0, 0xffffffff, 'route table');
  // ip's rule: host for local/nat, link for broadcast/multicast/anycast, link for a unicast
  // route without a gateway; universe otherwise (nowhere, "any scope", when deleting).
  let scope = r.scope;
  if (scope === undefined) {
    if (rtype === RTN_LOCAL || rtype === RTN_NAT) scope = RT_SCOPE_HOST;
    else if (rtype === RTN_BROADCAST || rtype === RTN_MULTICAST || rtype === RTN_ANYCAST) scope = RT_SCOPE_LINK;
    else if (del) scope = RT_SCOPE_NOWHERE;
    else if ((rtype === RTN_UNICAST || rtype === RTN_UNSPEC) && !gw) scope = RT_SCOPE_LINK;
    else scope = RT_SCOPE_UNIVERSE;
  }
  const fields: Record<string, unknown> = { table };
  if (d.addr) fields.dst = formatIp(d.addr);
  if (gw) fields[gw.version === version ? 'gateway' : 'via'] = r.gateway;
  if (r.oif !== undefined) fields.oif = r.oif;
  if (r.metric !== undefined) fields.metric = r.metric;
  if (r.prefsrc !== undefined) {
    const p = addrBytes(r.prefsrc, 'route source address');
    if (p.version !== version) throw new WireError('BAD_VALUE', 'route source address', 0, `${r.prefsrc} is not an IPv${version} address`);
    fields.prefsrc = r.prefsrc;
  }
  if (r.mtu !== undefined) fields.metrics = { [RTAX_MTU]: r.mtu };
  return message(type, flags, (w) => {
    w.u8(familyOf(version)).u8(d.len).u8(0).u8(0)
      .u8(table < 256 ? table : RT_TABLE_UNSPEC)
      .u8(r.protocol ?? (del ? RTPROT_UNSPEC : RTPROT_BOOT))
      .u8(scope!)
      .u8(rtype)
      .u32(r.onlink ? RTNH_F_ONLINK : 0);
    routeAttrs.encode(w, fields);
  });
}

/**
 * RTM_GETROUTE dump. With strict checking the kernel filters by table (rtm_table when it
 * fits, and RTA_TABLE); the other header fields must stay 0.
 */
export function encodeRouteDump(family = AF_UNSPEC, table?: number): Buffer {
  return message(RTM_GETROUTE, NLM_F_DUMP, (w) => {
    w.u8(family).u8(0).u8(0).u8(0).u8(table !== undefined && table < 256 ? table : 0).u8(0).u8(0).u8(0).u32(0);
    if (table !== undefined) w.attrU32(RTA_TABLE, table);
  });
}

/** What `ip route get` asks: the route to one address, as a packet from `src` (arriving on `iif`, or leaving by `oif`) would take it. */
export interface RouteQuery {
  /** One address (IPv4 or IPv6), no prefix. */
  dst: string;
  src?: string;
  iif?: number;
  oif?: number;
}

/**
 * RTM_GETROUTE for one address, no dump flags (the kernel answers with one RTM_NEWROUTE):
 * full-length dst (and src) in rtmsg, RTM_F_LOOKUP_TABLE for IPv4 so the answer names its
 * table, as ip route get sends it.
 */
export function encodeRouteGet(q: RouteQuery): Buffer {
  const dst = addrBytes(q.dst, 'route lookup address');
  const src = q.src !== undefined ? addrBytes(q.src, 'route lookup source') : undefined;
  if (src && src.version !== dst.version) throw new WireError('BAD_VALUE', 'route lookup source', 0, `${q.src} is not an IPv${dst.version} address like ${q.dst}`);
  const full = dst.version === 4 ? 32 : 128;
  const fields: Record<string, unknown> = { dst: q.dst };
  if (q.src !== undefined) fields.src = q.src;
  if (q.iif !== undefined) fields.iif = q.iif;
  if (q.oif !== undefined) fields.oif = q.oif;
  return message(RTM_GETROUTE, 0, (w) => {
    w.u8(familyOf(dst.version)).u8(full).u8(src ? full : 0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(dst.version === 4 ? RTM_F_LOOKUP_TABLE : 0);
    routeAttrs.encode(w, fields);
  });
}

const ROUTE_TYPES = new Set([RTM_NEWROUTE, RTM_DELROUTE]);

/** Decode a route message (a kernel reply or notification, or a request). */
export function decodeRoute(m: NlMsg): Route {
  expectType(m, ROUTE_TYPES, 'route');
  const base = m.offset + NLMSG_HDRLEN;
  const r = new Reader(m.payload, 'rtmsg', base);
  r.need(0, RTMSG_LEN, 'header');
  const family = versionOf(r.u8(0, 'rtm_family'));
  if (family === 0) throw new WireError('MALFORMED', 'rtmsg.rtm_family', base, `family ${m.payload[0]} is neither AF_INET nor AF_INET6`);
  const a = routeAttrs.decode(m.payload.subarray(RTMSG_LEN), base + RTMSG_LEN);
  const dstLen = r.u8(1, 'rtm_dst_len');
  const full = family === 4 ? 32 : 128;
  const dstAddr = a.dst as string | undefined;
  let dst: string;
  if (dstAddr === undefined) dst = dstLen === 0 ? 'default' : `${family === 4 ? '0.0.0.0' : '::'}/${dstLen}`;
  else dst = dstLen === full ? dstAddr : `${dstAddr}/${dstLen}`;
  const protocolNum = r.u8(5, 'rtm_protocol');
  const scopeNum = r.u8(6, 'rtm_scope');
  const typeNum = r.u8(7, 'rtm_type');
  const flags = r.u32(8, 'rtm_flags');
  const srcLen = r.u8(2, 'rtm_src_len');
  const out: Route = {
    family,
    dst,
    dstLen,
    srcLen,
    table: (a.table as number | undefined) ?? r.u8(4, 'rtm_table'),
    protocol: protocolName(protocolNum),
    protocolNum,
    scope: scopeName(scopeNum),
    scopeNum,
    type: routeTypeName(typeNum),
    typeNum,
    flags,
    flagNames: routeFlagNames(flags),
    tos: r.u8(3, 'rtm_tos'),
  };
  const gw = (a.gateway ?? a.via) as string | undefined;
  if (gw !== undefined) out.gateway = gw;
  if (a.oif !== undefined) out.oif = a.oif as number;
  if (a.iif !== undefined) out.iif = a.iif as number;
  if (a.src !== undefined) out.src = srcLen === full ? (a.src as string) : `${a.src as string}/${srcLen}`;
  if (a.uid !== undefined) out.uid = a.uid as number;
  if (a.pref !== undefined) out.pref = a.pref as number;
  if (a.metric !== undefined) out.metric = a.metric as number;
  if (a.prefsrc !== undefined) out.prefsrc = a.prefsrc as string;
  const metrics = a.metrics as Record<number, number> | undefined;
  if (metrics) {
    out.metrics = metrics;
    if (metrics[RTAX_MTU] !== undefined) out.mtu = metrics[RTAX_MTU];
  }
  return out;
}
