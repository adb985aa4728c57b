/**
 * map(): every network namespace on the host as one network. One scan finds the namespaces
 * (kernel/hostscan.ts); each is read with one link and one address dump through a socket
 * opened inside it and closed at once (no handle is kept, so nothing is held alive); veth ends
 * are then joined across namespaces. A namespace that vanishes mid-scan is left out.
 *
 *   const m = await map();   // same as: lsns -t net, then ip -n NS -j addr for each, joined
 */
import * as fs from 'node:fs';
import { netnsLabel, openScanned, scanNetns, type ScannedNetns } from '../kernel/hostscan.js';
import { inNetns } from '../kernel/netns.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { decodeLink, encodeLink, IFF_UP, RTM_GETLINK, RTM_NEWLINK, type Addr, type Link } from '../wire/rtnl/index.js';
import { handleFromFd, type Handle } from './handle.js';

export interface MapLink {
  ifindex: number;
  name: string;
  /** 'veth', 'bridge', 'vxlan', ...; undefined for lo and physical NICs. */
  kind?: string;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Operational state as ip prints it: 'UP', 'DOWN', 'LOWERLAYERDOWN', 'UNKNOWN'. */
  state: string;
  mtu?: number;
  mac?: string;
  /** CIDRs, IPv4 first (IPv6 link-local left out). */
  addresses: string[];
  /** The bridge this link is a port of. */
  master?: string;
  /** For a veth: its other end, by namespace id and link name, when found. */
  peer?: { netns: string; name: string };
}

export interface MapNetns {
  /** 'inode:N': unique on the host. */
  id: string;
  inode: number;
  /** The name output uses: its first /run/netns name, 'host', pid:N or inode:N. */
  label: string;
  /** This process's own namespace: the root of the picture. */
  host: boolean;
  names: string[];
  mounts: string[];
  /** Processes holding it, grouped by command. */
  processes: { comm: string; pids: number[] }[];
  links: MapLink[];
  bridges: { name: string; ports: string[] }[];
}

export interface HostMap {
  netns: MapNetns[];
  /** Each veth pair once, as [a, b] ends. */
  veths: Array<[{ netns: string; name: string }, { netns: string; name: string }]>;
}

interface Read {
  ns: ScannedNetns;
  id: string;
  links: Link[];
  addrs: Addr[];
  /** For a veth whose peer is in another namespace: the peer's MAC, asked of the kernel by nsid. */
  peerMac: Map<number, string>;
}

function readOne(ns: ScannedNetns): Read | undefined {
  const fd = openScanned(ns);
  if (fd === undefined) return undefined;
  let h: Handle | undefined;
  try {
    h = handleFromFd(fd, ns.names[0], `namespace ${netnsLabel(ns)}`, inNetns(fd, `namespace ${netnsLabel(ns)}`, () => NetlinkSocket.open()));
    const links = h.link.rawList();
    return { ns, id: `inode:${ns.inode}`, links, addrs: h.addr.rawList(), peerMac: peerMacs(h, links) };
  } catch {
    return undefined; // it went away between the scan and the read
  } finally {
    if (h) h.close();
    else fs.closeSync(fd);
  }
}

/**
 * The MAC of each cross-namespace veth's peer, read from here through the peer's nsid
 * (RTM_GETLINK with IFLA_TARGET_NETNSID): ifindexes repeat across namespaces, MACs do not.
 */
function peerMacs(h: Handle, links: Link[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of links) {
    if (l.kind !== 'veth' || !l.link || l.linkNetnsId === undefined) continue;
    try {
      const r = h.sock.request(encodeLink(RTM_GETLINK, 0, { index: l.link }, { targetNetnsId: l.linkNetnsId }), { op: 'find', object: `peer of ${l.name}` });
      const m = r.find((x) => x.type === RTM_NEWLINK);
      const mac = m ? decodeLink(m).address : undefined;
      if (mac) out.set(l.index, mac);
    } catch {
      // the peer went, or is not ours to read: matched by index alone
    }
  }
  return out;
}

function groupProcesses(ns: ScannedNetns): { comm: string; pids: number[] }[] {
  const by = new Map<string, number[]>();
  for (const p of ns.pids) by.set(p.comm, [...(by.get(p.comm) ?? []), p.pid]);
  return [...by].map(([comm, pids]) => ({ comm, pids })).sort((a, b) => a.comm.localeCompare(b.comm));
}

function describe(r: Read): MapNetns {
  const names = new Map(r.links.map((l) => [l.index, l.name]));
  const links: MapLink[] = r.links.map((l) => {
    const addrs = r.addrs.filter((a) => a.index === l.index && !(a.family === 6 && a.scope === 'link'));
    addrs.sort((a, b) => a.family - b.family);
    const m: MapLink = { ifindex: l.index, name: l.name, up: (l.flags & IFF_UP) !== 0, state: l.operstate, addresses: addrs.map((a) => `${a.address}/${a.prefixLen}`) };
    if (l.kind !== undefined) m.kind = l.kind;
    if (l.mtu !== undefined) m.mtu = l.mtu;
    if (l.address !== undefined) m.mac = l.address;
    if (l.master) m.master = names.get(l.master) ?? `if${l.master}`;
    return m;
  });
  const bridges = links.filter((l) => l.kind === 'bridge').map((b) => ({ name: b.name, ports: links.filter((l) => l.master === b.name).map((l) => l.name) }));
  return {
    id: r.id, inode: r.ns.inode, label: netnsLabel(r.ns), host: r.ns.self, names: r.ns.names, mounts: r.ns.mounts,
    processes: groupProcesses(r.ns), links, bridges,
  };
}

/**
 * Join veth ends. An end's IFLA_LINK is its peer's ifindex, in the peer's namespace, which it
 * names by an nsid local to it; the peer must point back at it and have the MAC the kernel
 * gave for it (peerMacs). An end whose peer cannot be told apart is left unjoined.
 */
function joinVeths(reads: Read[], out: Map<string, MapNetns>): HostMap['veths'] {
  const veths = reads.flatMap((r) => r.links.filter((l) => l.kind === 'veth' && l.link).map((l) => ({ r, l })));
  const byPeerIndex = new Map<number, typeof veths>();
  for (const v of veths) byPeerIndex.set(v.l.index, [...(byPeerIndex.get(v.l.index) ?? []), v]);
  const pairs: HostMap['veths'] = [];
  const done = new Set<string>();
  const key = (id: string, i: number): string => `${id}/${i}`;
  for (const v of veths) {
    if (done.has(key(v.r.id, v.l.index))) continue;
    const mac = v.r.peerMac.get(v.l.index);
    const fits = (byPeerIndex.get(v.l.link!) ?? []).filter((w) => w.l.link === v.l.index && (mac === undefined || w.l.address === mac) &&
      (v.l.linkNetnsId === undefined ? w.r === v.r : w.r !== v.r && w.l.linkNetnsId !== undefined));
    const peer = fits.length === 1 ? fits[0] : undefined;
    if (!peer) continue;
    done.add(key(v.r.id, v.l.index));
    done.add(key(peer.r.id, peer.l.index));
    const a = { netns: v.r.id, name: v.l.name };
    const b = { netns: peer.r.id, name: peer.l.name };
    pairs.push([a, b]);
    const la = out.get(a.netns)?.links.find((x) => x.ifindex === v.l.index);
    const lb = out.get(b.netns)?.links.find((x) => x.ifindex === peer.l.index);
    if (la) la.peer = b;
    if (lb) lb.peer = a;
  }
  return pairs;
}

/** Every network namespace on the host with its names, holders, links, bridges and veth peers; the host's own first. */
export async function map(opts: { processes?: boolean } = {}): Promise<HostMap> {
  const reads = scanNetns(opts).flatMap((ns) => readOne(ns) ?? []);
  const out = new Map(reads.map((r) => [r.id, describe(r)]));
  const veths = joinVeths(reads, out);
  return { netns: [...out.values()], veths };
}
