/**
 * A link's MAC changed as a new link would have it. The kernel gives a new link a random address
 * (eth_random_addr: locally administered, unicast) and, with IPv6 on, the link-local address
 * derived from it (EUI-64, addr_gen_mode eui64, the default). Changing the MAC of an up link
 * later keeps the old link-local address (addrconf derives one only when the link comes up), so
 * setMac moves it: the new MAC's link-local address is added and the old MAC's removed.
 */
import { randomBytes } from 'node:crypto';
import { formatIp, parseIp } from '../wire/ip.js';
import type { Handle } from './handle.js';

/** A random MAC as the kernel makes one (eth_random_addr): locally administered, unicast. */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The IPv6 link-local address the kernel derives from an Ethernet MAC (fe80::/64 + EUI-64). */
export function linkLocalOf(mac: string): string {
  const m = mac.split(':').map((x) => parseInt(x, 16));
  const b = new Uint8Array(16);
  b[0] = 0xfe;
  b[1] = 0x80;
  b.set([m[0]! ^ 0x02, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!], 8);
  return formatIp(b);
}

const sameIp = (a: string, b: string): boolean => Buffer.compare(parseIp(a), parseIp(b)) === 0;

/**
 * Same as: ip link set DEV address MAC, then the link-local address of the old MAC (if the link
 * has it) replaced by the new MAC's, as a link made with MAC has. The new one is added first, so
 * the fe80::/64 route stays. Returns the MAC set.
 */
export async function setMac(h: Handle, index: number, mac: string): Promise<string> {
  const old = h.link.raw(index).address;
  await h.link.set(index, { address: mac });
  if (old === undefined || old.toLowerCase() === mac.toLowerCase()) return mac;
  const was = linkLocalOf(old);
  const had = h.addr.rawList(6).some((a) => a.index === index && a.scope === 'link' && sameIp(a.address, was));
  if (had) {
    await h.addr.add(index, `${linkLocalOf(mac)}/64`);
    await h.addr.del(index, `${was}/64`);
  }
  return mac;
}
