/**
 * Neighbour messages (RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH): struct ndmsg (u8 family,
 * u8 pad1, u16 pad2, s32 ifindex, u16 state, u8 flags, u8 type) followed by NDA_*
 * attributes (<linux/neighbour.h>).
 */
import { AttrTable } from '../attr.js';
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { AF_UNSPEC, NTF_ROUTER, NUD_PERMANENT, nudStateNames, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from './constants.js';
import { addrBytes, checkInt, expectType, familyOf } from './msg.js';

export const NDA_DST = 1;
export const NDA_LLADDR = 2;
export const NDA_CACHEINFO = 3;
export const NDA_PROBES = 4;
export const NDA_VLAN = 5;
export const NDA_PORT = 6;
export const NDA_VNI = 7;
export const NDA_IFINDEX = 8;
export const NDA_MASTER = 9;
export const NDA_PROTOCOL = 12;
export const NDA_FLAGS_EXT = 15;

/** sizeof(struct ndmsg) */
export const NDMSG_LEN = 12;

export interface NeighSpec {
  index: number;
  address: string;
  lladdr?: string;
  /** NUD_* state; default NUD_PERMANENT, as `ip neigh add`. */
  state?: number;
  /** Default: from the address. */
  family?: 4 | 6;
  /** NTF_* flags (e.g. NTF_ROUTER). */
  flags?: number;
}

export interface Neigh {
  /** AF_INET, AF_INET6 (or AF_BRIDGE for fdb entries). */
  family: number;
  index: number;
  /** NDA_DST; '' when absent (bridge fdb entries have only a link-layer address). */
  address: string;
  lladdr?: string;
  /** ['REACHABLE'], ['PERMANENT'], ... as ip -j "state". */
  state: string[];
  stateNum: number;
  flags: number;
  router: boolean;
  probes?: number;
  vlan?: number;
  master?: number;
}

/** NDA_* attributes; numbers from <linux/neighbour.h>. */
export const neighAttrs = new AttrTable('neighbour', [
  [NDA_DST, 'dst', 'ip'],
  [NDA_LLADDR, 'lladdr', 'mac'],
  [NDA_PROBES, 'probes', 'u32'],
  [NDA_VLAN, 'vlan', 'u16'],
  [NDA_IFINDEX, 'ifindex', 'u32'],
  [NDA_MASTER, 'master', 'u32'],
  [NDA_PROTOCOL, 'protocol', 'u8'],
]);

function ndmsg(w: Writer, family: number, index: number, state: number, flags: number): void {
  w.u8(family).u8(0).u16(0).i32(index).u16(state).u8(flags).u8(0);
}

/** A complete neighbour request (`ip neigh add|replace|del`). */
export function encodeNeigh(type: number, flags: number, n: NeighSpec): Buffer {
  if (type !== RTM_NEWNEIGH && type !== RTM_DELNEIGH && type !== RTM_GETNEIGH) throw new WireError('BAD_VALUE', 'neighbour message type', 0, `${type} is not a neighbour message type`);
  const dst = addrBytes(n.address, 'neighbour address');
  if (n.family !== undefined && n.family !== dst.version) throw new WireError('BAD_VALUE', 'neighbour address', 0, `${n.address} is not an IPv${n.family} address`);
  checkInt(n.index, 1, 0x7fffffff, `interface index for neighbour ${n.address}`);
  const fields: Record<string, unknown> = { dst: n.address };
  if (n.lladdr !== undefined) fields.lladdr = n.lladdr;
  return message(type, flags, (w) => {
    ndmsg(w, familyOf(dst.version), n.index, n.state ?? NUD_PERMANENT, n.flags ?? 0);
    neighAttrs.encode(w, fields);
  });
}

/**
 * RTM_GETNEIGH dump. With strict checking the kernel wants ndm_ifindex = 0 and takes the
 * device filter from NDA_IFINDEX.
 */
export function encodeNeighDump(family = AF_UNSPEC, index?: number): Buffer {
  return message(RTM_GETNEIGH, NLM_F_DUMP, (w) => {
    ndmsg(w, family, 0, 0, 0);
    if (index !== undefined && index !== 0) w.attrU32(NDA_IFINDEX, index);
  });
}

const NEIGH_TYPES = new Set([RTM_NEWNEIGH, RTM_DELNEIGH]);

/** Decode a neighbour message (a kernel reply or notification, or a request). */
export function decodeNeigh(m: NlMsg): Neigh {
  expectType(m, NEIGH_TYPES, 'neighbour');
  const base = m.offset + NLMSG_HDRLEN;
  const r = new Reader(m.payload, 'ndmsg', base);
  r.need(0, NDMSG_LEN, 'header');
  const a = neighAttrs.decode(m.payload.subarray(NDMSG_LEN), base + NDMSG_LEN);
  const stateNum = r.u16(8, 'ndm_state');
  const flags = r.u8(10, 'ndm_flags');
  const out: Neigh = {
    family: r.u8(0, 'ndm_family'),
    index: r.i32(4, 'ndm_ifindex'),
    address: (a.dst as string | undefined) ?? '',
    state: nudStateNames(stateNum),
    stateNum,
    flags,
    router: (flags & NTF_ROUTER) !== 0,
  };
  if (typeof a.lladdr === 'string' && a.lladdr !== '') out.lladdr = a.lladdr;
  if (a.probes !== undefined) out.probes = a.probes as number;
  if (a.vlan !== undefined) out.vlan = a.vlan as number;
  if (a.master !== undefined) out.master = a.master as number;
  return out;
}
