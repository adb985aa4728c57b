/**
 * The one parser of addresses and prefixes ("10.0.0.1/24", "2001:db8::/64") in nsnet, and their
 * canonical form: the address as iproute2 prints it (formatIp: dotted quad, RFC 5952 IPv6 as
 * glibc's inet_ntop writes it), the prefix length in decimal. Strict, so nothing is misread:
 * only dotted-quad IPv4 without leading zeros and plain IPv6 (no zone ids, no "10.1" shorthand),
 * prefix lengths in plain decimal (iproute2 reads "/024" as octal 20).
 * Pure; used by the wire route encoder, api, topology, plan and cli.
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type ipaddrLib from 'ipaddr.js';
import { formatIp, parseIp } from './ip.js';

/**
 * ipaddr.js, loaded by require on first use: an ESM import of this CommonJS package has Node scan
 * its source for exports (cjs-module-lexer), about 160M instructions, a third of Node's own
 * start-up (callgrind); require skips that scan.
 */
let ipaddrLoaded: typeof ipaddrLib | undefined;
const ipaddr = (): typeof ipaddrLib => (ipaddrLoaded ??= createRequire(import.meta.url)('ipaddr.js') as typeof ipaddrLib);

export interface Ip {
  family: 4 | 6;
  /** Canonical text, as iproute2 prints the address. */
  text: string;
  bytes: number[];
  /** ipaddr.js range name: 'unicast', 'multicast', 'linkLocal', 'unspecified', 'broadcast', ... */
  range: string;
}

export interface Cidr extends Ip {
  len: number;
  /** "addr/len" with the host bits kept (canonical address). */
  cidr: string;
  /** The network, "net/len" with host bits cleared. */
  network: string;
  /** True when host bits were set. */
  hostBits: boolean;
}

/** The full prefix length of a family: 32 or 128. */
export const fullLen = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** Parse an address without a prefix length, or return why it is not one. */
export function parseAddress(s: string): Ip | string {
  if (typeof s !== 'string') return `${JSON.stringify(s)} is not an IPv4 or IPv6 address`;
  if (s.includes('%')) return `"${s}" has a zone id ('%'); write the address only and use dev`;
  const family = isIP(s);
  if (family !== 4 && family !== 6) return `"${s}" is not an IPv4 or IPv6 address`;
  // Our own parser for the bytes: ipaddr.js reads "::1.2.3.4" as "::ffff:1.2.3.4".
  const raw = parseIp(s);
  const bytes = [...raw];
  return { family, text: formatIp(raw), bytes, range: ipaddr().fromByteArray(bytes).range() };
}

/**
 * Parse "addr/len". Without "/len": a host prefix (/32, /128) when `bareIsHost` (as ip takes a
 * bare address), else an answer that asks for the prefix length.
 */
export function parseCidr(s: string, bareIsHost = false): Cidr | string {
  if (typeof s !== 'string') return `${JSON.stringify(s)} is not an address with a prefix length`;
  const slash = s.indexOf('/');
  const ip = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (typeof ip === 'string') return ip;
  const max = fullLen(ip.family);
  let len = max;
  if (slash < 0) {
    if (!bareIsHost) return `"${s}" has no prefix length; write it as ${ip.text}/${ip.family === 4 ? 24 : 64} (or whatever the subnet is)`;
  } else {
    const lenText = s.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
      return `"${s}" has a bad prefix length; IPv${ip.family} prefixes are 0..${max}`;
    }
    len = Number(lenText);
  }
  const net = maskBytes(ip.bytes, len);
  return {
    ...ip,
    len,
    cidr: `${ip.text}/${len}`,
    network: `${formatBytes(net)}/${len}`,
    hostBits: net.some((b, i) => b !== ip.bytes[i]),
  };
}

/** `bytes` with every bit after the first `len` cleared. */
export function maskBytes(bytes: readonly number[], len: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    return bits === 8 ? b : b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** The canonical text of 4 or 16 address bytes. */
export const formatBytes = (bytes: readonly number[]): string => formatIp(Uint8Array.from(bytes));

/**
 * Dotted-quad IPv4 text that is canonical already (no leading zeros), with an optional plain
 * decimal prefix length: canonCidr and canonIp return it without parsing (a lab's addresses
 * are canonicalized thousands of times per plan).
 */
const CANON_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(?:3[0-2]|[12]?\d))?$/u;

/** An address in canonical text; `s` unchanged when it is not an address. */
export function canonIp(s: string): string {
  if (typeof s === 'string' && CANON_V4.test(s) && !s.includes('/')) return s;
  const ip = parseAddress(s);
  return typeof ip === 'string' ? s : ip.text;
}

/** "addr/len" in canonical text (a bare address gets its full length); `s` unchanged when it is not one. */
export function canonCidr(s: string): string {
  if (typeof s === 'string' && CANON_V4.test(s)) return s.includes('/') ? s : `${s}/32`;
  const c = parseCidr(s, true);
  return typeof c === 'string' ? s : c.cidr;
}
