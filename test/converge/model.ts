/**
 * The differential convergence test's lab model: segments (a veth between two nodes, or a bridge
 * in the host or in a node with node ports), nodes with routes by reference (a gateway is "member
 * X of segment S", a destination is "segment T"), sysctls, loopback addresses and a NAT uplink.
 * Routes hold references, not addresses, so renumbering a segment moves its routes' gateways too.
 * `render` turns a model into a topology file object; a route whose references no longer hold
 * (its node left the segment, IPv6 went) is left out, so every rendering is a valid file.
 */
import type { TopologyInput } from '../../src/topology/schema.js';

export const LAB = 'cv';
export const PREFIX = 'cv-';
/** The host NIC that stands in for the real uplink in the sandbox (NAT `out`). */
export const WAN = 'cvwan0';

export interface Member {
  node: string;
  ifname: string;
  /** Host part of the address in the segment (2..250). */
  host: number;
  mtu?: number;
  mac?: string;
  /** Bridge segments: the veth's own mtu (object form), both ends unless the interface says. */
  linkMtu?: number;
  /** The impairment of traffic leaving the interface (a rate; loss 0% puts the drop filter in place without dropping). */
  impair?: { rate?: string; loss?: string };
}

export interface Segment {
  id: number;
  /** Subnet index: 10.80.NET.0/24, fd00:80:NET::/64. */
  net: number;
  v6: boolean;
  kind: 'p2p' | 'bridge';
  members: Member[];
  /** p2p: the link's mtu; bridge: the bridge's. */
  mtu?: number;
  /** Bridge segments: where the bridge is and its own address (host part 1), if any. */
  bridge?: { name: string; node?: string; addr: boolean; stp?: boolean };
}

/** A gateway: a member (by node) or the bridge itself ('#bridge'). */
export interface Via {
  seg: number;
  who: string;
}

export interface MRoute {
  family: 4 | 6;
  /** undefined: default route; else the id of the segment routed to. */
  to?: number;
  via: Via;
  metric?: number;
}

export interface MNode {
  name: string;
  /** Explicit `ipv6:`; rendered only when it agrees with the node's addresses. */
  ipv6?: boolean;
  sysctls: Record<string, string>;
  routes: MRoute[];
  /** A /32 on lo: 10.255.LO.1 */
  lo?: number;
}

export interface Model {
  nodes: MNode[];
  segs: Segment[];
  nat?: { seg: number; out: boolean };
  next: number;
}

export const v4 = (net: number, host: number): string => `10.80.${net}.${host}`;
export const v6 = (net: number, host: number): string => `fd00:80:${net.toString(16)}::${host.toString(16)}`;

/** The address of `who` in segment s, or undefined when it has none there. */
export function addrOf(s: Segment, who: string, family: 4 | 6): string | undefined {
  if (family === 6 && !s.v6) return undefined;
  const host = who === '#bridge' ? (s.bridge?.addr ? 1 : undefined) : s.members.find((m) => m.node === who)?.host;
  if (host === undefined) return undefined;
  return family === 4 ? v4(s.net, host) : v6(s.net, host);
}

/** Whether node n has an address in segment s (a port, or the bridge in its namespace). */
export function onSeg(s: Segment, n: string): boolean {
  return s.members.some((m) => m.node === n) || (s.bridge?.node === n && s.bridge.addr);
}

/** The route as the file says it, or undefined when its references do not hold. */
export function routeOf(m: Model, n: MNode, r: MRoute): { to: string; via: string; metric?: number } | undefined {
  const gs = m.segs.find((s) => s.id === r.via.seg);
  if (!gs || !onSeg(gs, n.name)) return undefined;
  if (r.via.who === n.name || (r.via.who === '#bridge' && gs.bridge?.node === n.name)) return undefined;
  const via = addrOf(gs, r.via.who, r.family);
  if (via === undefined) return undefined;
  let to = 'default';
  if (r.to !== undefined) {
    const ts = m.segs.find((s) => s.id === r.to);
    if (!ts || onSeg(ts, n.name) || (r.family === 6 && !ts.v6)) return undefined;
    to = r.family === 4 ? `10.80.${ts.net}.0/24` : `fd00:80:${ts.net.toString(16)}::/64`;
  } else if (r.family === 6) {
    to = '::/0';
  }
  const out: { to: string; via: string; metric?: number } = { to, via };
  if (r.metric !== undefined) out.metric = r.metric;
  return out;
}

function hasV6(m: Model, n: string): boolean {
  return m.segs.some((s) => s.v6 && onSeg(s, n));
}

type Json = Record<string, unknown>;

export function render(m: Model): TopologyInput {
  const nodes: Record<string, Json> = {};
  for (const n of m.nodes) {
    const interfaces: Record<string, Json> = {};
    for (const s of m.segs) {
      for (const mem of s.members) {
        if (mem.node !== n.name) continue;
        const i: Json = { addresses: [`${v4(s.net, mem.host)}/24`, ...(s.v6 ? [`${v6(s.net, mem.host)}/64`] : [])] };
        if (mem.mtu !== undefined) i.mtu = mem.mtu;
        if (mem.mac !== undefined) i.mac = mem.mac;
        if (mem.impair !== undefined) i.impair = mem.impair;
        interfaces[mem.ifname] = i;
      }
    }
    if (n.lo !== undefined) interfaces.lo = { addresses: [`10.255.${n.lo}.1/32`] };
    const routes: Json[] = [];
    const seen = new Set<string>();
    for (const r of n.routes) {
      const x = routeOf(m, n, r);
      if (!x) continue;
      const k = `${x.to} ${x.metric ?? ''}`;
      if (seen.has(k)) continue;
      seen.add(k);
      routes.push(x);
    }
    const node: Json = { interfaces, routes, sysctls: { ...n.sysctls } };
    if (n.ipv6 === true || (n.ipv6 === false && !hasV6(m, n.name))) node.ipv6 = n.ipv6;
    nodes[n.name] = node;
  }
  const bridges: Record<string, Json> = {};
  const links: unknown[] = [];
  for (const s of m.segs) {
    if (s.kind === 'p2p') {
      const ends = s.members.map((x) => `${x.node}:${x.ifname}`);
      links.push(s.mtu !== undefined ? { endpoints: ends, mtu: s.mtu } : ends);
      continue;
    }
    const b = s.bridge!;
    const br: Json = { addresses: b.addr ? [`${v4(s.net, 1)}/24`, ...(s.v6 ? [`${v6(s.net, 1)}/64`] : [])] : [] };
    if (b.node !== undefined) br.node = b.node;
    if (s.mtu !== undefined) br.mtu = s.mtu;
    if (b.stp !== undefined) br.stp = b.stp;
    bridges[b.name] = br;
    for (const mem of s.members) {
      const ends = [`${mem.node}:${mem.ifname}`, b.name];
      links.push(mem.linkMtu !== undefined ? { endpoints: ends, mtu: mem.linkMtu } : ends);
    }
  }
  const out: Json = { name: LAB, prefix: PREFIX, nodes, bridges, links };
  const ns = m.nat && m.segs.find((s) => s.id === m.nat!.seg);
  if (ns?.bridge && ns.bridge.node === undefined && ns.bridge.addr) {
    out.uplinks = [m.nat!.out ? { type: 'nat', bridge: ns.bridge.name, out: WAN } : { type: 'nat', bridge: ns.bridge.name }];
  }
  return out as TopologyInput;
}
