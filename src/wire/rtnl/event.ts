/**
 * rtnetlink notifications: the multicast groups a listener joins, one decoder from a kernel
 * notification to a typed event, and the ancillary data that names the namespace a
 * notification came from (NETLINK_LISTEN_ALL_NSID). Pure: bytes in, objects out.
 */
import { WireError } from '../errors.js';
import type { NlMsg } from '../nlmsg.js';
import { decodeAddr, type Addr } from './addr.js';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_DELNSID, RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH,
  RTM_NEWNSID, RTM_NEWROUTE,
} from './constants.js';
import { decodeLink, type Link } from './link.js';
import { decodeNeigh, type Neigh } from './neigh.js';
import { decodeNsid, type NsidEntry } from './nsid.js';
import { decodeRoute, type Route } from './route.js';

// enum rtnetlink_groups, <linux/rtnetlink.h>
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_NSID = 28;

/** The groups `ip monitor` joins for links, addresses, routes, neighbours and namespace ids. */
export const MONITOR_GROUPS: readonly number[] = [
  RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH, RTNLGRP_NSID,
];

export type EventAction = 'new' | 'del';
export type RtnlEvent =
  | { kind: 'link'; action: EventAction; link: Link }
  | { kind: 'addr'; action: EventAction; addr: Addr }
  | { kind: 'route'; action: EventAction; route: Route }
  | { kind: 'neigh'; action: EventAction; neigh: Neigh }
  | { kind: 'nsid'; action: EventAction; nsid: NsidEntry };

/**
 * A notification as a typed event; undefined for message types a monitor does not ask for
 * (the kernel sends none on the groups above, but a listener must not die of one).
 * A malformed message is a WireError, as for every decoder.
 */
export function decodeEvent(m: NlMsg): RtnlEvent | undefined {
  switch (m.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return { kind: 'link', action: m.type === RTM_NEWLINK ? 'new' : 'del', link: decodeLink(m) };
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return { kind: 'addr', action: m.type === RTM_NEWADDR ? 'new' : 'del', addr: decodeAddr(m) };
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return { kind: 'route', action: m.type === RTM_NEWROUTE ? 'new' : 'del', route: decodeRoute(m) };
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      return { kind: 'neigh', action: m.type === RTM_NEWNEIGH ? 'new' : 'del', neigh: decodeNeigh(m) };
    case RTM_NEWNSID:
    case RTM_DELNSID:
      return { kind: 'nsid', action: m.type === RTM_NEWNSID ? 'new' : 'del', nsid: decodeNsid(m) };
    default:
      return undefined;
  }
}

const SOL_NETLINK = 270;
const NETLINK_LISTEN_ALL_NSID = 8;
/** struct cmsghdr on 64-bit Linux: size_t cmsg_len, int cmsg_level, int cmsg_type; data 8-aligned. */
const CMSG_HDR = 16;
const align8 = (n: number): number => (n + 7) & ~7;

/**
 * The nsid in a recvmsg's control data (SOL_NETLINK / NETLINK_LISTEN_ALL_NSID, an int), or
 * undefined when there is none: the kernel adds it only for notifications from another
 * namespace that has an id in the listener's namespace, so undefined means "the listener's own".
 */
export function cmsgNsid(control: Buffer): number | undefined {
  let off = 0;
  while (off + CMSG_HDR <= control.length) {
    const len = Number(control.readBigUInt64LE(off));
    if (len < CMSG_HDR || off + len > control.length) throw new WireError('MALFORMED', 'control message', off, `cmsg_len ${len} does not fit ${control.length - off} bytes`);
    const level = control.readInt32LE(off + 8);
    const type = control.readInt32LE(off + 12);
    if (level === SOL_NETLINK && type === NETLINK_LISTEN_ALL_NSID) {
      if (len < CMSG_HDR + 4) throw new WireError('TRUNCATED', 'nsid control message', off, `cmsg_len ${len}, need ${CMSG_HDR + 4}`);
      return control.readInt32LE(off + CMSG_HDR);
    }
    off += align8(len);
  }
  return undefined;
}
