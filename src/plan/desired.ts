/**
 * A LabSpec seen per namespace: which links, addresses and routes each namespace (and the
 * host) should hold. Namespaces are keyed by netns name; HOST ('') is the host namespace.
 */
import type { BridgeSpec, Endpoint, ImpairSpec, LabSpec, LinkSpec, NodeSpec, RouteSpec } from '../topology/model.js';
import { bridgeBackend } from './bridges/index.js';
import { endpointNs, HOST } from './host.js';
import { canonCidr, MAIN_TABLE } from './keys.js';

export { endpointNs, HOST };

export type Path = (string | number)[];

export interface DesiredLink {
  ns: string;
  name: string;
  kind: 'veth' | 'bridge' | 'macvlan' | 'vxlan';
  /** Bridge (kernel name, same namespace) it joins. */
  master?: string;
  mtu?: number;
  mac?: string;
  altname?: string;
  /** For a veth: where its other end is. */
  peer?: { ns: string; name: string };
  /** For a veth end: the impairment of the traffic leaving it (its interface's, else its link's). */
  impair?: ImpairSpec;
  /** Where that impairment is written in the file. */
  impairPath?: Path;
  /** The link or bridge it comes from. */
  link?: LinkSpec;
  bridge?: BridgeSpec;
  path: Path;
}

export interface DesiredAddr {
  ns: string;
  dev: string;
  /** Canonical CIDR. */
  cidr: string;
  path: Path;
}

/** Read-only to every reader (the compiler holds them to it): observe hands its index to the planner. */
export interface DesiredLab {
  readonly spec: LabSpec;
  readonly nodes: ReadonlyMap<string, NodeSpec>;
  /** Node name → netns name. */
  readonly nsOfNode: ReadonlyMap<string, string>;
  /** netns name → node. */
  readonly nodeOfNs: ReadonlyMap<string, NodeSpec>;
  readonly bridges: ReadonlyMap<string, BridgeSpec>;
  /** ns → link name → desired link. */
  readonly links: ReadonlyMap<string, ReadonlyMap<string, Readonly<DesiredLink>>>;
  /** ns → dev → cidr → address (lo included). */
  readonly addrs: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Readonly<DesiredAddr>>>>;
  /** The ends each link makes, in order (a, b for a veth), by link id. */
  readonly ends: ReadonlyMap<string, readonly Readonly<DesiredLink>[]>;
}

const sub = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
};

export function describeNs(ns: string): string {
  return ns === HOST ? 'the host namespace' : `namespace ${ns}`;
}

/** "link eth0 in h1", "link br0 in the host namespace" */
export function linkTarget(ns: string, name: string): string {
  return `link ${name} in ${ns === HOST ? 'the host namespace' : ns}`;
}

/** The indexes of a lab's file and of its earlier specs (ObservedLab.previous), as observe made them for the planner. */
export interface LabIndex {
  readonly desired: DesiredLab;
  readonly previous: readonly DesiredLab[];
}

export function indexLab(spec: LabSpec): DesiredLab {
  const nodes = new Map(spec.nodes.map((n) => [n.name, n]));
  const nsOfNode = new Map(spec.nodes.map((n) => [n.name, n.netns]));
  const nodeOfNs = new Map(spec.nodes.map((n) => [n.netns, n]));
  const bridges = new Map(spec.bridges.map((b) => [b.logical, b]));
  const links = new Map<string, Map<string, DesiredLink>>();
  const addrs = new Map<string, Map<string, Map<string, DesiredAddr>>>();
  const ends = new Map<string, DesiredLink[]>();
  const d: DesiredLab = { spec, nodes, nsOfNode, nodeOfNs, bridges, links, addrs, ends };

  const addLink = (l: DesiredLink) => sub(links, l.ns, () => new Map()).set(l.name, l);
  const addAddrs = (ns: string, dev: string, list: string[], path: Path) => {
    for (const [i, a] of list.entries()) {
      const cidr = canonCidr(a);
      sub(sub(addrs, ns, () => new Map()), dev, () => new Map()).set(cidr, { ns, dev, cidr, path: [...path, i] });
    }
  };

  for (const b of spec.bridges) {
    if (!bridgeBackend(b).kernelMaster) continue; // not a kernel link: its backend plans it
    const ns = b.node !== undefined ? (nsOfNode.get(b.node) ?? b.node) : HOST;
    const path = ['bridges', b.logical];
    addLink({ ns, name: b.name, kind: 'bridge', mtu: b.mtu, altname: b.altname, bridge: b, path });
    addAddrs(ns, b.name, b.addresses, [...path, 'addresses']);
  }

  // Interfaces that links make in nodes: their settings and addresses come from the node.
  const ifaceOf = (ep: Endpoint) => (ep.node !== undefined && ep.bridge === undefined ? nodes.get(ep.node)?.interfaces.find((i) => i.name === ep.name) : undefined);
  const inLink = new Set<string>();
  spec.links.forEach((link, i) => {
    const path = ['links', i];
    const eps = link.kind === 'veth' ? [link.a, link.b] : [link.end];
    const nsOf = (ep: Endpoint) => endpointNs(d, ep);
    const made = eps.map((ep) => {
      const iface = ifaceOf(ep);
      const ns = nsOf(ep);
      if (iface && ep.node !== undefined) {
        inLink.add(`${ep.node}\0${iface.name}`);
        addAddrs(ns, ep.name, iface.addresses, ['nodes', ep.node, 'interfaces', iface.logical, 'addresses']);
      }
      // Membership by IFLA_MASTER only for backends whose ports join that way (the Linux bridge).
      const br = ep.bridge !== undefined ? bridges.get(ep.bridge) : undefined;
      const master = br && bridgeBackend(br).kernelMaster ? br.name : undefined;
      const l: DesiredLink = {
        ns, name: ep.name, kind: link.kind, link, path,
        mtu: iface?.mtu ?? (link.kind === 'veth' ? link.mtu : undefined),
      };
      if (master !== undefined) l.master = master;
      if (iface?.mac !== undefined) l.mac = iface.mac;
      const alt = ep.altname ?? iface?.altname;
      if (alt !== undefined) l.altname = alt;
      if (iface?.impair !== undefined && ep.node !== undefined) {
        l.impair = iface.impair;
        l.impairPath = ['nodes', ep.node, 'interfaces', iface.logical, 'impair'];
      } else if (link.kind === 'veth' && link.impair !== undefined) {
        l.impair = link.impair;
        l.impairPath = [...path, 'impair'];
      }
      return l;
    });
    if (link.kind === 'veth') {
      made[0]!.peer = { ns: made[1]!.ns, name: made[1]!.name };
      made[1]!.peer = { ns: made[0]!.ns, name: made[0]!.name };
      // An end whose file sets no MTU takes its peer's, as one wire has one MTU: both ends are
      // then made, and kept, with it (whichever end the kernel's request creates first).
      const own = made.map((l) => l.mtu);
      made.forEach((l, i) => {
        const mtu = own[i] ?? own[1 - i];
        if (mtu !== undefined) l.mtu = mtu;
      });
    }
    for (const l of made) addLink(l);
    ends.set(link.id, made);
  });

  // Addresses on lo (loopback addresses of routers) are the only ones on an interface no link makes.
  for (const n of spec.nodes) {
    for (const iface of n.interfaces) {
      if (iface.name === 'lo' && !inLink.has(`${n.name}\0lo`)) {
        addAddrs(n.netns, 'lo', iface.addresses, ['nodes', n.name, 'interfaces', iface.logical, 'addresses']);
      }
    }
  }
  return d;
}

/** Interfaces listed for a node that no link makes (and that are not lo): nothing creates them. */
export function orphanInterfaces(d: DesiredLab): { node: string; iface: string }[] {
  const made = new Set<string>();
  for (const [ns, m] of d.links) for (const name of m.keys()) made.add(`${ns}\0${name}`);
  const out: { node: string; iface: string }[] = [];
  for (const n of d.spec.nodes) {
    for (const i of n.interfaces) if (i.name !== 'lo' && !made.has(`${n.netns}\0${i.name}`)) out.push({ node: n.name, iface: i.logical });
  }
  return out;
}

/** The routing tables a node's routes use (main always). */
export function tablesOf(routes: RouteSpec[]): number[] {
  return [...new Set([MAIN_TABLE, ...routes.map((r) => r.table ?? MAIN_TABLE)])].sort((a, b) => a - b);
}
