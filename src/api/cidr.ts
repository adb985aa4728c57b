import { isIP } from 'node:net';
import { NsnetError } from '../kernel/errors.js';

export interface Cidr {
  address: string;
  prefixLen: number;
  family: 4 | 6;
}

/** '10.0.0.1/24' → { address, prefixLen: 24, family: 4 }; a bare address gets the full length. */
export function parseCidr(s: string, what = 'address'): Cidr {
  const [addr, len, extra] = String(s).split('/');
  const family = isIP(addr ?? '');
  if (!addr || family === 0 || extra !== undefined) {
    throw new NsnetError('INVALID_ADDRESS', `invalid ${what} ${JSON.stringify(s)}: expected an IPv4 or IPv6 address, optionally with /prefix`, `${what} ${s}`);
  }
  const max = family === 4 ? 32 : 128;
  let prefixLen = max;
  if (len !== undefined) {
    if (!/^\d{1,3}$/.test(len) || Number(len) > max) {
      throw new NsnetError('INVALID_ADDRESS', `invalid ${what} ${JSON.stringify(s)}: prefix length must be 0..${max}`, `${what} ${s}`);
    }
    prefixLen = Number(len);
  }
  return { address: addr.toLowerCase(), prefixLen, family: family as 4 | 6 };
}
