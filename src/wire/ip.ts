import { isIP } from 'node:net';
import { WireError } from './errors.js';

/** Format a 4- or 16-byte address the way iproute2 prints it (IPv6 compressed, lower case). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) throw new WireError('MALFORMED', 'address', 0, `${b.length} bytes is neither IPv4 nor IPv6`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  // As glibc's inet_ntop: IPv4-mapped ::ffff:a.b.c.d, and ::a.b.c.d when exactly the first six
  // words are zero (IPv4-compatible; ::1 and :: stay as they are).
  if (words.slice(0, 5).every((x) => x === 0) && words[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  if (words.slice(0, 6).every((x) => x === 0) && words[6] !== 0) {
    return `::${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  // longest run of zero words (length >= 2) becomes '::' (RFC 5952)
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parse an IPv4 or IPv6 address (no prefix) to its 4 or 16 bytes. */
export function parseIp(s: string): Buffer {
  const v = isIP(s);
  if (v === 4) return Buffer.from(s.split('.').map(Number));
  if (v !== 6) throw new WireError('BAD_VALUE', 'address', 0, `"${s}" is not an IPv4 or IPv6 address`);
  let str = s;
  const out = Buffer.alloc(16);
  // trailing dotted quad
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  let tail: number[] = [];
  if (m) {
    str = `${m[1]}0:0`;
    tail = m[2]!.split('.').map(Number);
  }
  const [head, rest] = str.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined ? (rest ? rest.split(':') : []) : [];
  const words = rest !== undefined ? [...h, ...Array(8 - h.length - r.length).fill('0'), ...r] : h;
  words.forEach((w, i) => out.writeUInt16BE(parseInt(w, 16), i * 2));
  if (tail.length) out.set(tail, 12);
  return out;
}

/** 4 for an IPv4 address string, 6 for IPv6, 0 otherwise. */
export const ipVersion = (s: string): 0 | 4 | 6 => isIP(s) as 0 | 4 | 6;
