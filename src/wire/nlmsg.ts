import { constants } from 'node:os';
import { WireError } from './errors.js';
import { Reader, attrStr, attrU32, parseAttrs } from './reader.js';
import { align4, Writer } from './writer.js';

// <linux/netlink.h>
export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
// GET requests
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_ATOMIC = 0x400;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
// NEW requests
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
// ACK flags
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

// enum nlmsgerr_attrs
export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;
export const NLMSGERR_ATTR_COOKIE = 3;
export const NLMSGERR_ATTR_POLICY = 4;
export const NLMSGERR_ATTR_MISS_TYPE = 5;
export const NLMSGERR_ATTR_MISS_NEST = 6;

/** One netlink message; `payload` is a view of the bytes after the 16-byte header. */
export interface NlMsg {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
  /** Offset of the header within the buffer it was parsed from. */
  offset: number;
}

/**
 * Start a request: writes the nlmsghdr with a zero length and sequence number. The socket
 * layer stamps the sequence number; `endMessage` fills in the length.
 */
export function beginMessage(w: Writer, type: number, flags: number): number {
  const at = w.length;
  w.u32(0).u16(type).u16(flags).u32(0).u32(0);
  return at;
}
export function endMessage(w: Writer, start: number): void {
  w.pad();
  w.setU32(start, w.length - start);
}

/** Build a complete message: header, then whatever `body` writes. */
export function message(type: number, flags: number, body: (w: Writer) => void, sizeHint = 128): Buffer {
  const w = new Writer(sizeHint);
  const at = beginMessage(w, type, flags);
  body(w);
  endMessage(w, at);
  return w.finish();
}

/**
 * Split a datagram into messages. A header whose length is below 16 or past the end of the
 * datagram is a WireError (TRUNCATED or MALFORMED), never a silent stop.
 */
export function parseMessages(buf: Buffer): NlMsg[] {
  const out: NlMsg[] = [];
  let o = 0;
  while (o < buf.length) {
    if (buf.length - o < NLMSG_HDRLEN) throw new WireError('TRUNCATED', 'nlmsghdr', o, `${buf.length - o} bytes left, a header needs 16`);
    const len = buf.readUInt32LE(o);
    if (len < NLMSG_HDRLEN) throw new WireError('MALFORMED', 'nlmsghdr.nlmsg_len', o, `length ${len} is below the header size`);
    if (o + len > buf.length) throw new WireError('TRUNCATED', 'nlmsghdr', o, `message of ${len} bytes, ${buf.length - o} left`);
    out.push({
      type: buf.readUInt16LE(o + 4),
      flags: buf.readUInt16LE(o + 6),
      seq: buf.readUInt32LE(o + 8),
      pid: buf.readUInt32LE(o + 12),
      payload: buf.subarray(o + NLMSG_HDRLEN, o + len),
      offset: o,
    });
    o += align4(len);
  }
  return out;
}

/** The decoded body of an NLMSG_ERROR message (an ACK when errno is 0). */
export interface NlError {
  /** Positive errno; 0 for an ACK. */
  errno: number;
  /** errno's symbolic name, e.g. 'EEXIST' ('' for an ACK). */
  code: string;
  /** The kernel's extended-ack text ("Unknown device type"), when it sent one. */
  extack?: string;
  /** Byte offset into the request of the attribute the kernel blames. */
  extackOffset?: number;
  /** Attribute type the kernel says is missing (NLMSGERR_ATTR_MISS_TYPE). */
  missingType?: number;
  /** Type and sequence number of the request this answers. */
  requestType: number;
  requestSeq: number;
}

const errnoNames = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) if (!errnoNames.has(num)) errnoNames.set(num, name);
// Linux gives 95 two names (ENOTSUP is glibc's alias) and 11 two (EWOULDBLOCK): take the ones the
// kernel returns, so that code and hint agree with what strace and iproute2 print.
for (const name of ['EOPNOTSUPP', 'EAGAIN'] as const) {
  const num = (constants.errno as Record<string, number | undefined>)[name];
  if (num !== undefined) errnoNames.set(num, name);
}
/** 'EEXIST' for 17, 'EOPNOTSUPP' for 95 (not its alias ENOTSUP), etc.; `E<n>` for numbers Node does not name. */
export const errnoName = (n: number): string => errnoNames.get(n) ?? `E${n}`;

/**
 * Decode struct nlmsgerr: int error, then the request's header (and its payload unless the
 * ACK is capped), then extended-ack TLVs when NLM_F_ACK_TLVS is set.
 */
export function decodeError(m: NlMsg): NlError {
  const r = new Reader(m.payload, 'nlmsgerr', m.offset + NLMSG_HDRLEN);
  const error = r.i32(0, 'error');
  const reqLen = r.u32(4, 'msg.nlmsg_len');
  const requestType = r.u16(8, 'msg.nlmsg_type');
  const requestSeq = r.u32(12, 'msg.nlmsg_seq');
  const errno = -error;
  const out: NlError = { errno, code: errno ? errnoName(errno) : '', requestType, requestSeq };
  if (!(m.flags & NLM_F_ACK_TLVS)) return out;
  // The echoed request: header only when capped, whole otherwise.
  const echoed = m.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : align4(reqLen);
  const tlvStart = 4 + echoed;
  if (tlvStart > m.payload.length) throw new WireError('TRUNCATED', 'nlmsgerr.msg', r.base + 4, `echoed request of ${echoed} bytes, ${m.payload.length - 4} present`);
  for (const a of parseAttrs(m.payload.subarray(tlvStart), 'nlmsgerr.tlv', r.base + tlvStart)) {
    switch (a.type) {
      case NLMSGERR_ATTR_MSG: out.extack = attrStr(a); break;
      case NLMSGERR_ATTR_OFFS: out.extackOffset = attrU32(a, 'nlmsgerr.offset'); break;
      case NLMSGERR_ATTR_MISS_TYPE: out.missingType = attrU32(a, 'nlmsgerr.miss_type'); break;
      default: break;
    }
  }
  return out;
}
