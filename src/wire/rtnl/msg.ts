/** Small helpers shared by the rtnetlink codecs. */
import { WireError } from '../errors.js';
import { ipVersion, parseIp } from '../ip.js';
import type { NlMsg } from '../nlmsg.js';
import { AF_INET, AF_INET6 } from './constants.js';

/** Throw WireError('MALFORMED') unless `m` is one of `types`. */
export function expectType(m: NlMsg, types: ReadonlySet<number>, what: string): void {
  if (!types.has(m.type)) throw new WireError('MALFORMED', what, m.offset, `message type ${m.type} is not a ${what} message`);
}

/** Throw WireError('BAD_VALUE') unless `v` is an integer in [min, max]. */
export function checkInt(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new WireError('BAD_VALUE', what, 0, `${String(v)} is not an integer in ${min}..${max}`);
}

/** Parse an address for `what`, returning its bytes and version; WireError('BAD_VALUE') if it is neither IPv4 nor IPv6. */
export function addrBytes(s: string, what: string): { bytes: Buffer; version: 4 | 6 } {
  const v = typeof s === 'string' ? ipVersion(s) : 0;
  if (v === 0) throw new WireError('BAD_VALUE', what, 0, `"${String(s)}" is not an IPv4 or IPv6 address`);
  return { bytes: parseIp(s), version: v };
}

export const familyOf = (version: 4 | 6): number => (version === 4 ? AF_INET : AF_INET6);
export const versionOf = (family: number): 4 | 6 | 0 => (family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0);
