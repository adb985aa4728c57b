/**
 * Namespace-id messages (RTM_NEWNSID, RTM_GETNSID, RTM_DELNSID): a one-byte struct rtgenmsg,
 * padded to 4, followed by NETNSA_* attributes (<linux/net_namespace.h>).
 */
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { attrI32, parseAttrs } from '../reader.js';
import type { Writer } from '../writer.js';
import { AF_UNSPEC, NETNSA_NSID_NOT_ASSIGNED, RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID } from './constants.js';
import { expectType } from './msg.js';

export const NETNSA_NSID = 1;
export const NETNSA_PID = 2;
export const NETNSA_FD = 3;
export const NETNSA_TARGET_NSID = 4;
export const NETNSA_CURRENT_NSID = 5;

/** NLMSG_ALIGN(sizeof(struct rtgenmsg)) */
export const RTGENMSG_LEN = 4;

export type NsRef = { fd: number } | { pid: number };

export interface NsidEntry {
  /** -1 (NETNSA_NSID_NOT_ASSIGNED) when the namespace has no id here. */
  nsid: number;
  /** NETNSA_CURRENT_NSID: the id in the namespace the dump was asked for (with a target nsid). */
  currentNsid?: number;
}

function rtgenmsg(w: Writer): void {
  w.u8(AF_UNSPEC).zeros(3);
}

function ref(w: Writer, by: NsRef): void {
  if ('fd' in by) w.attrU32(NETNSA_FD, by.fd);
  else if ('pid' in by) w.attrU32(NETNSA_PID, by.pid);
  else throw new WireError('BAD_VALUE', 'namespace reference', 0, 'give { fd } or { pid }');
}

/** RTM_GETNSID: the id this namespace has for the namespace open on `fd` (or of process `pid`). */
export function encodeGetNsid(by: NsRef): Buffer {
  return message(RTM_GETNSID, 0, (w) => {
    rtgenmsg(w);
    ref(w, by);
  });
}

/** RTM_NEWNSID: assign `nsid` (-1: the kernel picks one) to the namespace open on `fd` (or of `pid`). */
export function encodeNewNsid(nsid: number, by: NsRef): Buffer {
  if (!Number.isInteger(nsid) || nsid < -1 || nsid > 0x7fffffff) throw new WireError('BAD_VALUE', 'nsid', 0, `${String(nsid)} is not -1 or a non-negative 32-bit integer`);
  return message(RTM_NEWNSID, 0, (w) => {
    rtgenmsg(w);
    w.attrI32(NETNSA_NSID, nsid);
    ref(w, by);
  });
}

// No encoder for RTM_DELNSID: the kernel only sends it (as a notification); an id lives as long as its namespace.

/** RTM_GETNSID dump: every namespace id this namespace has assigned. */
export function encodeNsidDump(): Buffer {
  return message(RTM_GETNSID, NLM_F_DUMP, rtgenmsg);
}

const NSID_TYPES = new Set([RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID]);

/** Decode an nsid reply, dump entry or notification. A missing NETNSA_NSID is -1. */
export function decodeNsid(m: NlMsg): NsidEntry {
  expectType(m, NSID_TYPES, 'nsid');
  const base = m.offset + NLMSG_HDRLEN;
  if (m.payload.length < 1) throw new WireError('TRUNCATED', 'rtgenmsg', base, 'need 1 byte, have 0');
  const out: NsidEntry = { nsid: NETNSA_NSID_NOT_ASSIGNED };
  const attrs = m.payload.length > RTGENMSG_LEN ? m.payload.subarray(RTGENMSG_LEN) : Buffer.alloc(0);
  for (const a of parseAttrs(attrs, 'nsid', base + RTGENMSG_LEN)) {
    if (a.type === NETNSA_NSID) out.nsid = attrI32(a, 'nsid');
    else if (a.type === NETNSA_CURRENT_NSID) out.currentNsid = attrI32(a, 'current nsid');
  }
  return out;
}

/** Same as decodeNsid, named for dump entries. */
export const decodeNsidEntry = decodeNsid;
