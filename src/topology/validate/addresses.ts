/**
 * Interface settings (addresses, mtu, mac) of node interfaces and bridges: each address parsed,
 * unicast and unique in the lab, each MAC unicast (a shared one warns); and the prefix lengths
 * of the two ends of a veth.
 */
import { maskBytes, parseCidr, type Cidr } from '../cidr.js';
import { show } from '../issues.js';
import { MAC_RE } from '../names.js';
import type { NamedObj, Path } from '../registry.js';
import type { Checker } from './checker.js';

/** `a` and `b` are in the same network of prefix length `len`. */
const sameNetwork = (a: Cidr, b: Cidr, len: number): boolean => {
  const x = maskBytes(a.bytes, len);
  const y = maskBytes(b.bytes, len);
  return x.every((v, i) => v === y[i]);
};

/**
 * addresses, mtu and mac of a node interface or a bridge. False when an address could not be
 * read (its subnet is unknown). A duplicate is an error but still a known subnet of `obj`, so
 * it does not keep the node's gateways from being checked.
 */
export function ifaceSettings(c: Checker, obj: NamedObj, data: { addresses?: string[] | null; mtu?: number; mac?: string }, path: Path): boolean {
  obj.addresses = [];
  const seen = new Set<string>();
  let complete = true;
  (data.addresses ?? []).forEach((a, i) => {
    const cidr = address(c, a, [...path, 'addresses', i], obj);
    if (!cidr) return void (complete = false);
    if (seen.has(cidr.text)) {
      c.out.error('DUPLICATE_ADDRESS', [...path, 'addresses', i], `address ${cidr.text} is listed twice on ${obj.label}: remove one`);
      return;
    }
    seen.add(cidr.text);
    obj.addresses!.push(cidr);
  });
  if (data.mtu !== undefined) obj.mtu = data.mtu;
  if (data.mac !== undefined) macSetting(c, obj, data.mac, [...path, 'mac']);
  return complete;
}

/** A MAC address: unicast, not all zeros; one used twice in the lab warns. */
function macSetting(c: Checker, obj: NamedObj, text: string, mp: Path): void {
  const mac = text.toLowerCase();
  if (!MAC_RE.test(text)) c.out.error('BAD_MAC', mp, `mac ${show(text)} is not a MAC address: write six hex pairs, e.g. "02:00:00:00:01:10"`);
  else if (parseInt(mac.slice(0, 2), 16) & 1) c.out.error('BAD_MAC', mp, `mac ${mac} is a multicast address (first byte odd): use a unicast one, e.g. 02:...`);
  else if (mac === '00:00:00:00:00:00') c.out.error('BAD_MAC', mp, 'mac 00:00:00:00:00:00 is not usable: use a unicast one, e.g. 02:00:00:00:00:01');
  else {
    obj.mac = mac;
    const prev = c.macOwners.get(mac);
    if (prev) c.out.warn('DUPLICATE_MAC', mp, `mac ${mac} is also used by ${prev}: two interfaces on one segment must not share a MAC`);
    else c.macOwners.set(mac, obj.label);
  }
}

/** One interface address: parsed, unicast, unique in the lab. */
function address(c: Checker, text: string, path: Path, obj: NamedObj): Cidr | undefined {
  const a = parseCidr(text);
  if (typeof a === 'string') {
    c.out.error('BAD_CIDR', path, `bad address on ${obj.label}: ${a}`);
    return undefined;
  }
  if (a.range === 'multicast' || a.range === 'unspecified' || a.range === 'broadcast') {
    c.out.error('BAD_CIDR', path, `${a.text} is a ${a.range} address; an interface needs a unicast address`);
    return undefined;
  }
  if (a.family === 4 && a.len < 31) {
    const hostMask = a.bytes.map((_, i) => 0xff >> Math.min(8, Math.max(0, a.len - i * 8)));
    if (!a.hostBits) c.out.warn('NETWORK_ADDRESS', path, `${a.cidr} is the network address of its subnet; hosts usually take .1 and up`);
    else if (a.bytes.every((x, i) => (x & hostMask[i]!) === hostMask[i])) {
      c.out.warn('BROADCAST_ADDRESS', path, `${a.cidr} is the broadcast address of its subnet`);
    }
  }
  const key = a.range === 'linkLocal' && a.family === 6 ? `${obj.ns ?? ''}|${obj.logical}|${a.text}` : a.text;
  const prev = c.addrOwners.get(key);
  if (prev) c.out.error('DUPLICATE_ADDRESS', path, `address ${a.text} is already on ${prev.label}: each address may be used once in the lab`);
  else c.addrOwners.set(key, { label: obj.label, path });
  return a;
}

/**
 * The two ends of a veth with addresses in one subnet but different prefix lengths (10.0.0.1/24
 * and 10.0.0.2/16): each end then takes a different set of addresses as on-link. A warning.
 */
export function checkPrefixLengths(c: Checker): void {
  for (const l of c.links) {
    if (l.kind !== 'veth') continue;
    for (const a of l.a.obj.addresses ?? []) {
      for (const b of l.b.obj.addresses ?? []) {
        if (a.family !== b.family || a.len === b.len || !sameNetwork(a, b, Math.min(a.len, b.len))) continue;
        c.out.warn('PREFIX_MISMATCH', l.path, `the ends of this link disagree on the subnet: ${l.a.label} has ${a.cidr}, ${l.b.label} has ${b.cidr}; give both the same prefix length`);
      }
    }
  }
}
