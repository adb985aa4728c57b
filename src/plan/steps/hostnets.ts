/**
 * The host's own connection. An uplink NIC that carries the host's default route or an address
 * is refused unless the file says `force: true` (as a bridge port it stops carrying them: the
 * host loses that connection). A lab subnet that overlaps a host interface's subnet is warned
 * about (the host's routes to the two collide).
 */
import { maskBytes, parseCidr } from '../../wire/cidr.js';
import type { Planner } from '../planner.js';

/** Whether two CIDRs share addresses: one holds the other. */
function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (typeof x === 'string' || typeof y === 'string' || x.family !== y.family) return false;
  const len = Math.min(x.len, y.len);
  return maskBytes(x.bytes, len).join('.') === maskBytes(y.bytes, len).join('.');
}

/** The subnet of an address in CIDR form ("10.0.1.0/24"); undefined for link-local and loopback ones. */
function subnetOf(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (typeof c === 'string') return undefined;
  if (c.range === 'loopback' || c.range === 'linkLocal') return undefined;
  return c.network;
}

export function hostNets(p: Planner): void {
  p.d.spec.uplinks.forEach((u, i) => {
    if (u.kind !== 'bridge' || u.force) return;
    const nic = p.o.host.nics[u.nic];
    // Missing, or a port already (of this lab's bridge since an earlier up, or refused elsewhere).
    if (!nic?.exists || nic.master !== undefined) return;
    const what: string[] = [];
    if (nic.defaultRoute) what.push("the host's default route");
    if (nic.addresses?.length) what.push(`address${nic.addresses.length > 1 ? 'es' : ''} ${nic.addresses.join(', ')}`);
    if (!what.length) return;
    p.refuse({
      code: 'NIC_CARRIES_HOST', object: `host NIC ${u.nic}`, path: ['uplinks', i, 'interface'],
      detail: `host NIC ${u.nic} carries ${what.join(' and ')}: as a port of bridge ${u.bridge} it would stop carrying them and the host would lose that connection`,
      hint: 'name a NIC the host does not use, or add force: true to the uplink if that is what you want',
    });
  });
  const nets = p.o.host.nets ?? [];
  if (!nets.length) return;
  const seen = new Set<string>();
  for (const devs of p.d.addrs.values()) {
    for (const m of devs.values()) {
      for (const a of m.values()) {
        const net = subnetOf(a.cidr);
        if (net === undefined || seen.has(net)) continue;
        seen.add(net);
        const hit = nets.find((h) => overlaps(h.cidr, net));
        if (!hit) continue;
        p.warn({
          code: 'HOST_SUBNET_OVERLAP', object: `subnet ${net}`, path: a.path,
          detail: `subnet ${net} of the lab overlaps ${hit.cidr} of host interface ${hit.dev}: the host's routes to the two collide, so the host (and a NAT uplink) may reach the wrong one`,
          hint: 'renumber the lab into a range the host does not use',
        });
      }
    }
  }
}
