/**
 * Addresses and prefixes for validation: the parser and canonical form are the wire layer's one
 * rule (wire/cidr.ts); here only the index of subnets that validation needs.
 */
import { formatBytes, maskBytes, type Cidr, type Ip } from '../wire/cidr.js';

export { parseAddress as parseIp, parseCidr, maskBytes, formatBytes, type Cidr, type Ip } from '../wire/cidr.js';

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
