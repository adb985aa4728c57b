/**
 * The subnets a NAT uplink masquerades: the bridge's own IPv4 networks by default; a listed
 * subnet that is not the bridge's sits behind a router on the bridge, and the host routes it via
 * that router's address on the bridge (found from the lab's links, or named with `via`).
 */
import { maskBytes, parseCidr, parseAddress, type Cidr, type Ip } from '../../wire/cidr.js';
import { show } from '../issues.js';
import type { Path } from '../registry.js';
import type { BridgeState, Checker } from './checker.js';

type Entry = string | { to: string; via: string };

/** Whether address (or network) `a` lies in network `n`. */
function within(a: Ip & { len?: number }, n: Cidr): boolean {
  return a.family === n.family && (a.len ?? 32) >= n.len && maskBytes(a.bytes, n.len).join('.') === maskBytes(n.bytes, n.len).join('.');
}

/** The addresses on the bridge's subnets of the lab nodes attached to `bridge` that have an interface in `net`. */
function routersTo(c: Checker, bridge: string, own: readonly Cidr[], net: Cidr): string[] {
  const found = new Set<string>();
  for (const l of c.links) {
    if (l.kind !== 'veth') continue;
    for (const [port, end] of [[l.a, l.b], [l.b, l.a]] as const) {
      if (port.bridge !== bridge || end.node === undefined) continue;
      const node = c.nodes.get(end.node);
      if (!node) continue;
      const objs = [...node.ifaces, ...node.bridges.map((b) => b.obj)];
      if (!objs.some((o) => (o.addresses ?? []).some((a) => within(a, net)))) continue;
      for (const a of end.obj.addresses ?? []) if (own.some((n) => within(a, n))) found.add(a.text);
    }
  }
  return [...found].sort();
}

/** The gateway named with `via`: an IPv4 address on one of the bridge's subnets; undefined after an error. */
function namedVia(c: Checker, via: string, bridge: string, own: readonly Cidr[], path: Path): string | undefined {
  const v = parseAddress(via);
  if (typeof v === 'string') return void c.out.error('BAD_VALUE', path, `bad gateway: ${v}`);
  if (v.family !== 4 || !own.some((n) => within(v, n))) {
    return void c.out.error('BAD_VALUE', path, `gateway ${v.text} is not on a subnet of bridge ${show(bridge)} (${own.map((n) => n.network).join(', ')}); name a router's address on the bridge`);
  }
  return v.text;
}

/** Subnets (network form) and the host routes to those behind a router; undefined after an error. */
export function natSubnets(c: Checker, b: BridgeState, entries: readonly Entry[] | undefined, path: Path): { subnets: string[]; routes: { to: string; via: string }[] } | undefined {
  const own = (b.obj.addresses ?? []).filter((a) => a.family === 4);
  const ownNets = [...new Set(own.map((a) => a.network))];
  if (entries === undefined) return { subnets: ownNets, routes: [] };
  const subnets: string[] = [];
  const routes: { to: string; via: string }[] = [];
  let ok = true;
  entries.forEach((e, i) => {
    const at: Path = typeof e === 'string' ? [...path, 'subnets', i] : [...path, 'subnets', i, 'to'];
    const to = typeof e === 'string' ? e : e.to;
    const n = parseCidr(to);
    const bad = typeof n === 'string' ? `bad subnet: ${n}` : n.family !== 4 ? `subnet ${n.network} is IPv6; NAT masquerades IPv4 only` : n.hostBits ? `subnet ${to} has host bits set: write ${n.network}` : undefined;
    if (bad !== undefined || typeof n === 'string') {
      ok = false;
      return void c.out.error('BAD_VALUE', at, bad!);
    }
    if (subnets.includes(n.network)) return;
    subnets.push(n.network);
    if (ownNets.includes(n.network)) return;
    if (typeof e !== 'string') {
      const via = namedVia(c, e.via, b.name, own, [...path, 'subnets', i, 'via']);
      if (via === undefined) ok = false;
      else routes.push({ to: n.network, via });
      return;
    }
    const gws = routersTo(c, b.name, own, n);
    if (gws.length === 1) return void routes.push({ to: n.network, via: gws[0]! });
    ok = false;
    c.out.error('NAT_NO_ROUTER', at, gws.length === 0
      ? `subnet ${n.network} is not a subnet of bridge ${show(b.name)} and no lab node on ${show(b.name)} has an interface in it: add a router (a node with an interface on ${b.name} and one in ${n.network}), or name the gateway: { to: ${n.network}, via: ADDRESS }`
      : `subnet ${n.network} is behind several nodes on bridge ${show(b.name)} (${gws.join(', ')}): name one: { to: ${n.network}, via: ${gws[0]} }`);
  });
  return ok ? { subnets, routes } : undefined;
}
