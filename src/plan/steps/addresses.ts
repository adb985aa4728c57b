/** Addresses: those the file no longer has go, those it adds are added. */
import type { Action } from '../actions.js';
import { HOST, linkTarget } from '../desired.js';
import { canonCidr } from '../keys.js';
import { key, type Planner } from '../planner.js';

export function addresses(p: Planner): void {
  const addrs = p.d.addrs;
  // Removals: on links of ours that stay, addresses the file does not have.
  for (const [ns, v] of p.views) {
    if (p.deletedNs.has(ns)) continue;
    const observed = ns === HOST ? p.o.host.addresses : p.nsObserved(ns).addresses;
    for (const a of observed) {
      if (p.gone.has(key(ns, a.dev))) continue;
      const l = v.byName.get(a.dev);
      if (!l) continue;
      if (ns === HOST && !p.ownedHost.has(a.dev)) continue;
      if (ns !== HOST && a.dev !== 'lo' && !p.d.links.get(ns)?.has(a.dev) && !p.knownInPrevious(ns, a.dev)) continue; // not ours to manage
      if (kernelMade(a.dev, a.family, a.scope, a.cidr)) continue;
      const cidr = canonCidr(a.cidr);
      if (addrs.get(ns)?.get(a.dev)?.has(cidr)) continue;
      const x: Action = { op: 'del-address', dev: a.dev, cidr, target: `address ${cidr} on ${linkTarget(ns, a.dev).slice(5)}`, reason: 'not in the file any more' };
      if (ns !== HOST) x.netns = ns;
      p.add(x);
    }
  }
  // Additions.
  for (const [ns, devs] of addrs) {
    if (ns !== HOST && !p.ours.has(ns)) continue;
    const observed = ns === HOST ? p.o.host.addresses : p.nsObserved(ns).addresses;
    const have = new Set<string>();
    for (const a of observed) if (!p.gone.has(key(ns, a.dev))) have.add(`${a.dev}\0${canonCidr(a.cidr)}`);
    for (const [dev, set] of devs) {
      if (dev !== 'lo' && !p.willExist(ns, dev)) continue;
      for (const want of set.values()) {
        if (have.has(`${dev}\0${want.cidr}`)) continue;
        const x: Action = { op: 'add-address', dev, cidr: want.cidr, target: `address ${want.cidr} on ${linkTarget(ns, dev).slice(5)}`, reason: p.making.has(key(ns, dev)) ? 'on a new link' : 'in the file, not on the link' };
        if (ns !== HOST) x.netns = ns;
        p.add(x);
      }
    }
  }
}

/** Addresses the kernel makes by itself, which the lab never adds or removes. */
function kernelMade(dev: string, family: 4 | 6, scope: string, cidr: string): boolean {
  if (family === 6 && (scope === 'link' || cidr.toLowerCase().startsWith('fe80:'))) return true;
  if (dev === 'lo' && (canonCidr(cidr) === '127.0.0.1/8' || canonCidr(cidr) === '::1/128')) return true;
  return false;
}
