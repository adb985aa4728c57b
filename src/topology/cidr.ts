/**
 * Address and CIDR parsing and the little prefix maths validation needs (ipaddr.js for the
 * parsing, byte arrays for masks). Strict: only dotted-quad IPv4 and plain IPv6 (no zone ids,
 * no "10.1" shorthands).
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface Ip {
  family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 IPv6. */
  text: string;
  bytes: number[];
  /** ipaddr.js range name: 'unicast', 'multicast', 'linkLocal', 'unspecified', ... */
  range: string;
}

export interface Cidr extends Ip {
  len: number;
  /** "addr/len" with the host bits kept. */
  cidr: string;
  /** The network, "net/len" with host bits cleared. */
  network: string;
  /** True when host bits were set. */
  hostBits: boolean;
}

/** Parse an address without a prefix length, or return why it is not one. */
export function parseIp(s: string): Ip | string {
  if (s.includes('%')) return `"${s}" has a zone id ('%'); write the address only and use dev`;
  const family = isIP(s);
  if (family !== 4 && family !== 6) return `"${s}" is not an IPv4 or IPv6 address`;
  const a = ipaddr.parse(s);
  const text = a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
  return { family, text, bytes: a.toByteArray(), range: a.range() };
}

/**
 * Parse "addr/len". Without "/len": a host prefix (/32, /128) when `bareIsHost`, else an error
 * that asks for the prefix length.
 */
export function parseCidr(s: string, bareIsHost = false): Cidr | string {
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(addrText);
  if (typeof ip === 'string') return ip;
  const max = ip.family === 4 ? 32 : 128;
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
  const netText = formatBytes(net);
  return {
    ...ip,
    len,
    cidr: `${ip.text}/${len}`,
    network: `${netText}/${len}`,
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

export function formatBytes(bytes: number[]): string {
  const a = ipaddr.fromByteArray(bytes);
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/**
 * The subnets of one namespace (or one interface), indexed by prefix length so that "which
 * subnet holds this address" costs one map lookup per distinct prefix length, not one per subnet.
 */
export class SubnetIndex<T> {
  private readonly byLen = new Map<number, Map<string, T>>();

  /** Add a subnet; returns the owner of the same subnet added before, if any. */
  add(c: Cidr, owner: T): T | undefined {
    const key = c.len + c.family * 1000;
    let m = this.byLen.get(key);
    if (!m) this.byLen.set(key, (m = new Map()));
    const prev = m.get(c.network);
    if (prev === undefined) m.set(c.network, owner);
    return prev;
  }

  /** The owner of a subnet that contains `ip` (the longest such prefix), if any. */
  find(ip: Ip, exceptLen?: number): T | undefined {
    let best: T | undefined;
    let bestLen = -1;
    for (const [key, m] of this.byLen) {
      const family = Math.floor(key / 1000);
      const len = key % 1000;
      if (family !== ip.family || len <= bestLen || len === exceptLen) continue;
      const hit = m.get(`${formatBytes(maskBytes(ip.bytes, len))}/${len}`);
      if (hit !== undefined) {
        best = hit;
        bestLen = len;
      }
    }
    return best;
  }

  /**
   * The owner of a shorter subnet that contains `c`, if any. Called for every subnet once all are
   * added, this finds each overlapping pair exactly once (from the longer prefix).
   */
  overlapping(c: Cidr): T | undefined {
    for (const [key, m] of this.byLen) {
      const family = Math.floor(key / 1000);
      const len = key % 1000;
      if (family !== c.family || len === c.len) continue;
      if (len < c.len) {
        const hit = m.get(`${formatBytes(maskBytes(c.bytes, len))}/${len}`);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }
}
