/**
 * Link messages (RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_NEWLINKPROP,
 * RTM_DELLINKPROP): struct ifinfomsg followed by IFLA_* attributes. The attribute table
 * below serves both directions; IFLA_LINKINFO is hand-written because IFLA_INFO_DATA's
 * shape depends on its sibling IFLA_INFO_KIND (see kinds/).
 */
import { AttrTable, type CustomCodec } from '../attr.js';
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { attrStr, parseAttrs, type RawAttr } from '../reader.js';
import { Writer } from '../writer.js';
import {
  flagNames, operstateName, RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_SETLINK,
} from './constants.js';
import {
  ALTIFNAMSIZ_MAX, checkIfname, IFINFOMSG_LEN, IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER,
  IFLA_CARRIER_CHANGES, IFLA_EXT_MASK, IFLA_GROUP, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND,
  IFLA_INFO_SLAVE_KIND, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MASTER, IFLA_MAX_MTU,
  IFLA_MIN_MTU, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID, IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_NUM_RX_QUEUES,
  IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PERM_ADDRESS, IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTO_DOWN,
  IFLA_QDISC, IFLA_STATS64, IFLA_TARGET_NETNSID, IFLA_TXQLEN, readIfInfoMsg, writeAlias, writeIfInfoMsg,
} from './ifla.js';
import { boolU8 } from './kinds/bool.js';
import { expectType } from './msg.js';
import { kindCodecs, type BridgeInfo, type MacvlanInfo, type VethInfo, type VlanInfo, type VxlanInfo } from './kinds/index.js';

export type { VethPeer, VethInfo, BridgeInfo, VxlanInfo, MacvlanInfo, MacvlanMode, VlanInfo } from './kinds/index.js';

/** struct ifinfomsg as a request sets it. `change` defaults to `flags`: only the flags you set are changed. */
export interface LinkHeader {
  family?: number;
  type?: number;
  index?: number;
  flags?: number;
  /**
   * Mask of the flags to change. Left out, it equals `flags`, so `{ flags: IFF_UP }` brings a
   * link up and touches nothing else; to bring it down pass `{ flags: 0, change: IFF_UP }`.
   * (The kernel reads change = 0 as "every flag", which would reset the others.)
   */
  change?: number;
}

/** A kind nsnet does not model: IFLA_INFO_DATA passes through as raw bytes. */
export type RawLinkInfo = {
  kind: 'bond' | 'dummy' | 'vrf' | 'ifb' | 'tun' | 'wireguard' | string;
  data?: Buffer;
};
export type LinkInfo = VethInfo | BridgeInfo | VxlanInfo | MacvlanInfo | VlanInfo | RawLinkInfo;

export interface LinkAttrs {
  name?: string;
  mtu?: number;
  address?: string;
  broadcast?: string;
  /** IFLA_MASTER: ifindex of the bridge (or bond); 0 = nomaster. */
  master?: number;
  netnsFd?: number;
  netnsPid?: number;
  /** IFLA_TARGET_NETNSID: act on the link in the namespace with this id (as seen from the socket's). */
  targetNetnsId?: number;
  /** IFLA_LINK: lower device (vlan, macvlan, vxlan). */
  link?: number;
  linkNetnsId?: number;
  /** IFLA_IFALIAS; '' deletes the alias. */
  alias?: string;
  txqlen?: number;
  group?: number;
  operstate?: number;
  info?: LinkInfo;
  /** Only for RTM_NEWLINKPROP / RTM_DELLINKPROP: IFLA_PROP_LIST nest of IFLA_ALT_IFNAME. */
  altnames?: string[];
  /** Only for RTM_GETLINK (and DELLINK): find the device by one of its alternative names (IFLA_ALT_IFNAME). */
  altName?: string;
  /** IFLA_EXT_MASK (RTEXT_FILTER_*) for RTM_GETLINK. */
  extMask?: number;
}

/**
 * struct rtnl_link_stats64 (<linux/if_link.h>), field for field in the kernel's order. A field
 * the kernel's struct is too short to carry reads as 0, as ip reads it.
 */
export interface LinkStats {
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxDropped: bigint;
  txDropped: bigint;
  multicast: bigint;
  collisions: bigint;
  rxLengthErrors: bigint;
  rxOverErrors: bigint;
  rxCrcErrors: bigint;
  rxFrameErrors: bigint;
  rxFifoErrors: bigint;
  rxMissedErrors: bigint;
  txAbortedErrors: bigint;
  txCarrierErrors: bigint;
  txFifoErrors: bigint;
  txHeartbeatErrors: bigint;
  txWindowErrors: bigint;
  rxCompressed: bigint;
  txCompressed: bigint;
  rxNohandler: bigint;
  rxOtherhostDropped: bigint;
}

/** The u64 fields of struct rtnl_link_stats64 in the kernel's order. */
export const LINK_STATS64_FIELDS: ReadonlyArray<keyof LinkStats> = [
  'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped', 'multicast',
  'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors', 'rxFifoErrors', 'rxMissedErrors',
  'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors', 'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed',
  'txCompressed', 'rxNohandler', 'rxOtherhostDropped',
];

export interface Link {
  index: number;
  name: string;
  flags: number;
  flagNames: string[];
  /** ARPHRD_* */
  type: number;
  mtu?: number;
  minMtu?: number;
  maxMtu?: number;
  address?: string;
  broadcast?: string;
  permAddress?: string;
  master?: number;
  /** 'UP' | 'DOWN' | 'UNKNOWN' | 'LOWERLAYERDOWN' | ... as ip -j prints it ('UNKNOWN' when absent). */
  operstate: string;
  kind?: string;
  /** Decoded IFLA_LINKINFO incl. INFO_DATA for known kinds; for a veth the kernel sends no peer data. */
  info?: LinkInfo;
  /** IFLA_LINK: for a veth, the peer's ifindex (in the peer's namespace). */
  link?: number;
  /** IFLA_LINK_NETNSID: namespace id of the peer/lower device as seen from here. */
  linkNetnsId?: number;
  altnames: string[];
  alias?: string;
  txqlen?: number;
  group?: number;
  qdisc?: string;
  /** IFLA_LINKMODE: 0 default, 1 dormant. */
  linkmode?: number;
  carrier?: boolean;
  /** IFLA_TARGET_NETNSID: the namespace id the reply was asked for. */
  netnsId?: number;
  /** IFLA_NEW_NETNSID: in RTM_DELLINK notifications, the namespace id the link moved to. */
  newNetnsId?: number;
  /** IFLA_NEW_IFINDEX: the link's index in the namespace it moved to. */
  newIndex?: number;
  /** IFLA_INFO_SLAVE_KIND, e.g. 'bridge' when enslaved. */
  slaveKind?: string;
  promiscuity?: number;
  numTxQueues?: number;
  numRxQueues?: number;
  carrierChanges?: number;
  protoDown?: boolean;
  /** Only in requests (a decoded RTM_NEWLINK): IFLA_NET_NS_FD / IFLA_NET_NS_PID. */
  netnsFd?: number;
  netnsPid?: number;
  stats?: LinkStats;
}

// ---- IFLA_LINKINFO ----

const linkinfoCodec: CustomCodec = {
  encode(w: Writer, type: number, v: unknown): void {
    const info = v as LinkInfo;
    if (typeof info?.kind !== 'string' || info.kind === '') throw new WireError('BAD_VALUE', 'link info', w.length, 'a link kind is required');
    const at = w.nest(type);
    w.attrStr(IFLA_INFO_KIND, info.kind);
    const codec = kindCodecs.get(info.kind);
    if (codec) {
      const inner = new Writer(64);
      codec.encode(inner, info);
      if (inner.length) w.attr(IFLA_INFO_DATA, inner.finish());
    } else if ('data' in info && info.data) {
      w.attr(IFLA_INFO_DATA, info.data);
    }
    w.end(at);
  },
  decode(a: RawAttr): { kind?: string; info?: LinkInfo; slaveKind?: string } {
    let kind: string | undefined;
    let slaveKind: string | undefined;
    let data: RawAttr | undefined;
    for (const b of parseAttrs(a.data, 'link info', a.offset + 4)) {
      if (b.type === IFLA_INFO_KIND) kind = attrStr(b);
      else if (b.type === IFLA_INFO_DATA) data = b;
      else if (b.type === IFLA_INFO_SLAVE_KIND) slaveKind = attrStr(b);
    }
    const out: { kind?: string; info?: LinkInfo; slaveKind?: string } = {};
    if (slaveKind !== undefined) out.slaveKind = slaveKind;
    if (kind === undefined) return out;
    out.kind = kind;
    const codec = kindCodecs.get(kind);
    if (codec) out.info = codec.decode(data ? data.data : Buffer.alloc(0), data ? data.offset + 4 : a.offset, kind) as LinkInfo;
    else out.info = data ? { kind, data: Buffer.from(data.data) } : { kind };
    return out;
  },
};

/** IFLA_PROP_LIST: a nest (with NLA_F_NESTED, as iproute2 sends it) of IFLA_ALT_IFNAME strings. */
const propListCodec: CustomCodec = {
  encode(w: Writer, type: number, v: unknown): void {
    const names = v as string[];
    const at = w.nest(type, true);
    for (const n of names) {
      checkIfname(n, 'altname', ALTIFNAMSIZ_MAX);
      w.attrStr(IFLA_ALT_IFNAME, n);
    }
    w.end(at);
  },
  decode(a: RawAttr): string[] {
    return parseAttrs(a.data, 'link property list', a.offset + 4).filter((b) => b.type === IFLA_ALT_IFNAME).map(attrStr);
  },
};

const aliasCodec: CustomCodec = {
  encode: (w: Writer, type: number, v: unknown): void => writeAlias(w, type, String(v)),
  decode: (a: RawAttr): string => attrStr(a),
};

/** struct rtnl_link_stats64: every counter the kernel sends (at least the first eight), the rest 0. */
const stats64Codec: CustomCodec = {
  encode(): void {
    throw new WireError('BAD_VALUE', 'link stats', 0, 'IFLA_STATS64 is read-only');
  },
  decode(a: RawAttr, what: string): LinkStats {
    if (a.data.length < 64) throw new WireError('MALFORMED', what, a.offset, `payload is ${a.data.length} bytes, expected at least 64`);
    const out = {} as LinkStats;
    LINK_STATS64_FIELDS.forEach((k, i) => {
      out[k] = (i + 1) * 8 <= a.data.length ? a.data.readBigUInt64LE(i * 8) : 0n;
    });
    return out;
  },
};

/**
 * IFLA_* attributes. Row names are the LinkAttrs / Link field names; encoding writes them in
 * this order. Numbers from <linux/if_link.h>.
 */
export const linkAttrs = new AttrTable('link', [
  [IFLA_IFNAME, 'name', 'string'],
  [IFLA_ADDRESS, 'address', 'mac'],
  [IFLA_BROADCAST, 'broadcast', 'mac'],
  [IFLA_MTU, 'mtu', 'u32'],
  [IFLA_LINK, 'link', 'u32'],
  [IFLA_QDISC, 'qdisc', 'string'],
  [IFLA_MASTER, 'master', 'u32'],
  [IFLA_TXQLEN, 'txqlen', 'u32'],
  [IFLA_OPERSTATE, 'operstate', 'u8'],
  [IFLA_LINKMODE, 'linkmode', 'u8'],
  [IFLA_NET_NS_PID, 'netnsPid', 'u32'],
  [IFLA_NET_NS_FD, 'netnsFd', 's32'],
  [IFLA_TARGET_NETNSID, 'targetNetnsId', 's32'],
  [IFLA_LINK_NETNSID, 'linkNetnsId', 's32'],
  [IFLA_IFALIAS, 'alias', { custom: aliasCodec }],
  [IFLA_GROUP, 'group', 'u32'],
  [IFLA_EXT_MASK, 'extMask', 'u32'],
  [IFLA_LINKINFO, 'info', { custom: linkinfoCodec }],
  [IFLA_PROP_LIST, 'altnames', { custom: propListCodec }],
  [IFLA_ALT_IFNAME, 'altName', 'string'],
  [IFLA_STATS64, 'stats', { custom: stats64Codec }],
  [IFLA_PROMISCUITY, 'promiscuity', 'u32'],
  [IFLA_NUM_TX_QUEUES, 'numTxQueues', 'u32'],
  [IFLA_NUM_RX_QUEUES, 'numRxQueues', 'u32'],
  [IFLA_CARRIER, 'carrier', boolU8],
  [IFLA_CARRIER_CHANGES, 'carrierChanges', 'u32'],
  [IFLA_PROTO_DOWN, 'protoDown', boolU8],
  [IFLA_NEW_NETNSID, 'newNetnsId', 's32'],
  [IFLA_NEW_IFINDEX, 'newIndex', 's32'],
  [IFLA_MIN_MTU, 'minMtu', 'u32'],
  [IFLA_MAX_MTU, 'maxMtu', 'u32'],
  [IFLA_PERM_ADDRESS, 'permAddress', 'mac'],
]);

/** The LinkAttrs fields a request may carry; anything else in the object is ignored. */
const WRITABLE: ReadonlyArray<keyof LinkAttrs> = [
  'name', 'mtu', 'address', 'broadcast', 'master', 'netnsFd', 'netnsPid', 'targetNetnsId', 'link', 'linkNetnsId',
  'alias', 'txqlen', 'group', 'operstate', 'info', 'altnames', 'extMask', 'altName',
];

const LINK_TYPES = new Set([RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_NEWLINKPROP, RTM_DELLINKPROP]);

/**
 * A complete link request: nlmsghdr (sequence number 0; the socket stamps it), ifinfomsg and
 * attributes. Throws WireError('BAD_VALUE') for an interface name (or veth peer name) the
 * kernel would refuse: empty, over 15 bytes, '.', '..', or containing '/', ':' or whitespace.
 */
export function encodeLink(type: number, flags: number, hdr: LinkHeader, attrs: LinkAttrs = {}): Buffer {
  if (!LINK_TYPES.has(type)) throw new WireError('BAD_VALUE', 'link message type', 0, `${type} is not a link message type`);
  if (attrs.name !== undefined) checkIfname(attrs.name, 'link name');
  if (attrs.altName !== undefined) {
    if (type !== RTM_GETLINK && type !== RTM_DELLINK) throw new WireError('BAD_VALUE', 'link altName', 0, 'a lookup by altname is for RTM_GETLINK and RTM_DELLINK only');
    checkIfname(attrs.altName, 'altname', ALTIFNAMSIZ_MAX);
  }
  if (attrs.altnames !== undefined && type !== RTM_NEWLINKPROP && type !== RTM_DELLINKPROP) {
    throw new WireError('BAD_VALUE', 'link altnames', 0, 'altnames are set with RTM_NEWLINKPROP and removed with RTM_DELLINKPROP');
  }
  const fields: Record<string, unknown> = {};
  for (const k of WRITABLE) if (attrs[k] !== undefined) fields[k] = attrs[k];
  return message(type, flags, (w) => {
    const f = hdr.flags ?? 0;
    writeIfInfoMsg(w, { family: hdr.family ?? 0, type: hdr.type ?? 0, index: hdr.index ?? 0, flags: f, change: hdr.change ?? f });
    linkAttrs.encode(w, fields);
  });
}

/**
 * RTM_GETLINK dump. With strict checking (the socket sets NETLINK_GET_STRICT_CHK) the kernel
 * filters by master ifindex and by kind; the header must stay all zero.
 */
export function encodeLinkDump(filter: { master?: number; kind?: string; extMask?: number } = {}): Buffer {
  return message(RTM_GETLINK, NLM_F_DUMP, (w) => {
    writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 });
    if (filter.extMask !== undefined) w.attrU32(IFLA_EXT_MASK, filter.extMask);
    if (filter.master !== undefined) w.attrU32(IFLA_MASTER, filter.master);
    if (filter.kind !== undefined) {
      const at = w.nest(IFLA_LINKINFO);
      w.attrStr(IFLA_INFO_KIND, filter.kind);
      w.end(at);
    }
  });
}

/** The fields of a link that observing a lab reads (decodeLinkBrief). */
export type LinkBrief = Pick<Link, 'index' | 'name' | 'flags' | 'altnames' | 'mtu' | 'address' | 'master' | 'link' | 'linkNetnsId' | 'alias' | 'kind' | 'info'>;

const BRIEF_TYPES: ReadonlySet<number> = new Set([IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_MASTER, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_IFALIAS, IFLA_LINKINFO, IFLA_PROP_LIST]);

/**
 * decodeLink's answer for the LinkBrief fields only, the same values: the other attributes (a
 * link message has some forty, IPv6's settings among them) are skipped unread.
 */
export function decodeLinkBrief(m: NlMsg): LinkBrief {
  expectType(m, LINK_TYPES, 'link');
  const base = m.offset + NLMSG_HDRLEN;
  const h = readIfInfoMsg(m.payload, base);
  const a = linkAttrs.decodeOnly(m.payload.subarray(IFINFOMSG_LEN), base + IFINFOMSG_LEN, BRIEF_TYPES);
  const out: LinkBrief = { index: h.index, name: (a.name as string | undefined) ?? '', flags: h.flags, altnames: (a.altnames as string[] | undefined) ?? [] };
  if (a.mtu !== undefined) out.mtu = a.mtu as number;
  if (a.address !== undefined) out.address = a.address as string;
  if (a.master !== undefined) out.master = a.master as number;
  if (a.link !== undefined) out.link = a.link as number;
  if (a.linkNetnsId !== undefined) out.linkNetnsId = a.linkNetnsId as number;
  if (a.alias !== undefined) out.alias = a.alias as string;
  const li = a.info as { kind?: string; info?: LinkInfo } | undefined;
  if (li?.kind !== undefined) out.kind = li.kind;
  if (li?.info !== undefined) out.info = li.info;
  return out;
}

/** Decode a link message: a kernel reply or notification (RTM_NEWLINK/RTM_DELLINK), or a request. */
export function decodeLink(m: NlMsg): Link {
  expectType(m, LINK_TYPES, 'link');
  const base = m.offset + NLMSG_HDRLEN;
  const h = readIfInfoMsg(m.payload, base);
  const a = linkAttrs.decode(m.payload.subarray(IFINFOMSG_LEN), base + IFINFOMSG_LEN);
  const out: Link = {
    index: h.index,
    name: (a.name as string | undefined) ?? '',
    flags: h.flags,
    flagNames: flagNames(h.flags),
    type: h.type,
    operstate: operstateName((a.operstate as number | undefined) ?? 0),
    altnames: (a.altnames as string[] | undefined) ?? [],
  };
  const copy = <K extends keyof Link>(k: K, from: string = k): void => {
    if (a[from] !== undefined) out[k] = a[from] as Link[K];
  };
  copy('mtu');
  copy('minMtu');
  copy('maxMtu');
  copy('address');
  copy('broadcast');
  copy('permAddress');
  copy('master');
  copy('link');
  copy('linkNetnsId');
  copy('alias');
  copy('txqlen');
  copy('group');
  copy('qdisc');
  copy('linkmode');
  copy('carrier');
  copy('netnsId', 'targetNetnsId');
  copy('newNetnsId');
  copy('newIndex');
  copy('promiscuity');
  copy('numTxQueues');
  copy('numRxQueues');
  copy('carrierChanges');
  copy('protoDown');
  copy('netnsFd');
  copy('netnsPid');
  copy('stats');
  const li = a.info as { kind?: string; info?: LinkInfo; slaveKind?: string } | undefined;
  if (li?.kind !== undefined) out.kind = li.kind;
  if (li?.info !== undefined) out.info = li.info;
  if (li?.slaveKind !== undefined) out.slaveKind = li.slaveKind;
  return out;
}

/** What `up` needs to know of a link it has just started (apply/linkwatch.ts), without decoding the rest. */
export interface LinkState {
  index: number;
  /** IFLA_OPERSTATE as ip prints it: 'UP', 'DOWN', 'UNKNOWN', ... */
  operstate: string;
  /** IFLA_CARRIER; undefined when the kernel does not say. */
  carrier?: boolean;
  /** IFLA_MASTER: the ifindex of its bridge; undefined without one. */
  master?: number;
  /** IFLA_INFO_KIND: 'veth', 'bridge', ...; undefined for a device without one. */
  kind?: string;
}

const STATE_TYPES: ReadonlySet<number> = new Set([IFLA_OPERSTATE, IFLA_CARRIER, IFLA_MASTER, IFLA_LINKINFO]);

/** decodeLink's answer for the LinkState fields only, the other attributes skipped unread (as decodeLinkBrief). */
export function decodeLinkState(m: NlMsg): LinkState {
  expectType(m, LINK_TYPES, 'link');
  const base = m.offset + NLMSG_HDRLEN;
  const a = linkAttrs.decodeOnly(m.payload.subarray(IFINFOMSG_LEN), base + IFINFOMSG_LEN, STATE_TYPES);
  const out: LinkState = { index: readIfInfoMsg(m.payload, base).index, operstate: operstateName((a.operstate as number | undefined) ?? 0) };
  if (a.carrier !== undefined) out.carrier = a.carrier as boolean;
  if (a.master !== undefined && a.master !== 0) out.master = a.master as number;
  const kind = (a.info as { kind?: string } | undefined)?.kind;
  if (kind !== undefined) out.kind = kind;
  return out;
}
