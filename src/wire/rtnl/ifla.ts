/**
 * The link message body shared by link.ts and the veth peer (kinds/veth.ts): struct
 * ifinfomsg, the IFLA_* attribute numbers from <linux/if_link.h>, and interface-name rules.
 */
import { WireError } from '../errors.js';
import { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

// enum in <linux/if_link.h>; numbers written out so a missing row cannot renumber the rest.
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_QDISC = 6;
export const IFLA_STATS = 7;
export const IFLA_MASTER = 10;
export const IFLA_PROTINFO = 12;
export const IFLA_TXQLEN = 13;
export const IFLA_MAP = 14;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKMODE = 17;
export const IFLA_LINKINFO = 18;
export const IFLA_NET_NS_PID = 19;
export const IFLA_IFALIAS = 20;
export const IFLA_NUM_VF = 21;
export const IFLA_STATS64 = 23;
export const IFLA_AF_SPEC = 26;
export const IFLA_GROUP = 27;
export const IFLA_NET_NS_FD = 28;
export const IFLA_EXT_MASK = 29;
export const IFLA_PROMISCUITY = 30;
export const IFLA_NUM_TX_QUEUES = 31;
export const IFLA_NUM_RX_QUEUES = 32;
export const IFLA_CARRIER = 33;
export const IFLA_PHYS_PORT_ID = 34;
export const IFLA_CARRIER_CHANGES = 35;
export const IFLA_PHYS_SWITCH_ID = 36;
export const IFLA_LINK_NETNSID = 37;
export const IFLA_PHYS_PORT_NAME = 38;
export const IFLA_PROTO_DOWN = 39;
export const IFLA_GSO_MAX_SEGS = 40;
export const IFLA_GSO_MAX_SIZE = 41;
export const IFLA_PAD = 42;
export const IFLA_XDP = 43;
export const IFLA_EVENT = 44;
export const IFLA_NEW_NETNSID = 45;
export const IFLA_TARGET_NETNSID = 46; // alias of IFLA_IF_NETNSID
export const IFLA_CARRIER_UP_COUNT = 47;
export const IFLA_CARRIER_DOWN_COUNT = 48;
export const IFLA_NEW_IFINDEX = 49;
export const IFLA_MIN_MTU = 50;
export const IFLA_MAX_MTU = 51;
export const IFLA_PROP_LIST = 52;
export const IFLA_ALT_IFNAME = 53;
export const IFLA_PERM_ADDRESS = 54;
export const IFLA_PROTO_DOWN_REASON = 55;
export const IFLA_PARENT_DEV_NAME = 56;
export const IFLA_PARENT_DEV_BUS_NAME = 57;
export const IFLA_GRO_MAX_SIZE = 58;
export const IFLA_TSO_MAX_SIZE = 59;
export const IFLA_TSO_MAX_SEGS = 60;
export const IFLA_ALLMULTI = 61;

// IFLA_LINKINFO nest (enum in <linux/if_link.h>)
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
export const IFLA_INFO_XSTATS = 3;
export const IFLA_INFO_SLAVE_KIND = 4;
export const IFLA_INFO_SLAVE_DATA = 5;

/** sizeof(struct ifinfomsg): u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
export const IFINFOMSG_LEN = 16;

/** The fixed header of a link message, as written. */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}

export function writeIfInfoMsg(w: Writer, h: IfInfoMsg): void {
  w.u8(h.family).u8(0).u16(h.type).i32(h.index).u32(h.flags).u32(h.change);
}

export function readIfInfoMsg(buf: Buffer, base: number, what = 'ifinfomsg'): IfInfoMsg {
  const r = new Reader(buf, what, base);
  r.need(0, IFINFOMSG_LEN, 'header');
  return { family: r.u8(0, 'ifi_family'), type: r.u16(2, 'ifi_type'), index: r.i32(4, 'ifi_index'), flags: r.u32(8, 'ifi_flags'), change: r.u32(12, 'ifi_change') };
}

/** IFNAMSIZ - 1: the longest interface name the kernel accepts, in bytes. */
export const IFNAMSIZ_MAX = 15;
/** ALTIFNAMSIZ - 1: the longest alternative name. */
export const ALTIFNAMSIZ_MAX = 127;

/**
 * The bytes the kernel's isspace() is true for (lib/ctype.c: \t \n \v \f \r, space, and 0xa0,
 * Latin-1's no-break space, which is also the second byte of UTF-8 characters such as 'à').
 */
const KERNEL_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

/** Printable ASCII except '/' (0x2f), ':' (0x3a) and space: every such byte passes dev_valid_name(). */
const PLAIN_IFNAME = /^[!-.0-9;-~]+$/u;

/** The white-space bytes the kernel refuses, as a reader would name them. */
const SPACE_NAMES: Readonly<Record<number, string>> = {
  0x09: 'a tab', 0x0a: 'a newline', 0x0b: 'a vertical tab', 0x0c: 'a form feed', 0x0d: 'a carriage return', 0x20: 'a space',
  0xa0: "byte 0xa0 (a no-break space, or the second byte of a character such as 'à')",
};

/** What is wrong with an interface name, and what to do about it: one of each, for the first problem found. */
export interface IfnameIssue {
  /** Reads after "invalid NAME: ": "it contains ':'". */
  problem: string;
  hint: string;
}

/**
 * What is wrong with `name` as an interface name, or undefined when it is valid. The one rule for
 * interface names in nsnet: the kernel's dev_valid_name() (net/core/dev.c), on the UTF-8 bytes:
 * 1..`max` bytes, not '.' or '..', no '/', ':' or byte the kernel's isspace() accepts; and no NUL
 * (the kernel would cut the name there). One problem, said once, with its own hint.
 */
export function ifnameIssue(name: string, max = IFNAMSIZ_MAX): IfnameIssue | undefined {
  // Printable ASCII without '/', ':' or space (one byte per character): nothing to look at further.
  if (typeof name === 'string' && name.length <= max && PLAIN_IFNAME.test(name) && name !== '.' && name !== '..') return undefined;
  const other = `choose a name of 1 to ${max} bytes without '/', ':' or white space`;
  if (typeof name !== 'string' || name.length === 0) return { problem: 'it is empty', hint: other };
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > max) {
    return {
      problem: `it is ${bytes.length} bytes long (at most ${max} bytes)`,
      hint: max === IFNAMSIZ_MAX ? `choose a name of at most ${max} bytes and keep the long one as an altname` : `choose a name of at most ${max} bytes`,
    };
  }
  if (name === '.' || name === '..') return { problem: `'${name}' is not a name the kernel allows ('.' and '..' are taken)`, hint: other };
  if (bytes.includes(0)) return { problem: 'it contains a NUL byte', hint: other };
  for (const b of bytes) {
    if (b === 0x2f) return { problem: "it contains '/'", hint: other };
    if (b === 0x3a) return { problem: "it contains ':'", hint: other };
    if (KERNEL_SPACE.has(b)) return { problem: `it contains white space: ${SPACE_NAMES[b]}`, hint: other };
  }
  return undefined;
}

/** Why `name` is not a valid interface name (ifnameIssue's problem), or undefined when it is. */
export const ifnameProblem = (name: string, max = IFNAMSIZ_MAX): string | undefined => ifnameIssue(name, max)?.problem;

/** Throw WireError('BAD_VALUE') naming `what` when `name` breaks dev_valid_name(). */
export function checkIfname(name: string, what: string, max = IFNAMSIZ_MAX): void {
  const i = ifnameIssue(name, max);
  if (i) throw new WireError('BAD_VALUE', what, 0, `interface name ${JSON.stringify(name)} is invalid: ${i.problem}; ${i.hint}`);
}

/**
 * IFLA_IFALIAS is written without a terminating NUL, as iproute2 does: the kernel stores
 * the payload length as the alias length, and an empty payload deletes the alias.
 */
export function writeAlias(w: Writer, type: number, alias: string): void {
  w.attr(type, Buffer.from(alias, 'utf8'));
}
