/** Links: which stay, which go (with their namespaces), which are made, and the settings of those that stay. */
import type { Action, FreedLink, VethEnd } from '../actions.js';
import { VETH_DEFAULT_MTU } from '../constants.js';
import { HOST, linkTarget, type DesiredLink } from '../desired.js';
import { bridgeCarrierRule, bridgeMtuRule } from '../bridges/linux.js';
import type { ObservedLink } from '../observed.js';
import { key, type Planner } from '../planner.js';

/** Decide for each desired link in an existing namespace: keep (and adjust) or replace. */
export function linkStates(p: Planner): void {
  for (const [ns, m] of p.d.links) {
    const v = p.views.get(ns);
    if (!v) continue;
    for (const want of m.values()) {
      const l = v.byName.get(want.name);
      if (!l) continue;
      if (ns === HOST && !p.ownedHost.has(l.name)) continue; // refused above
      const rule = bridgeMtuRule(p, want, l);
      const why = p.mismatch(l, want) ?? (typeof rule === 'object' ? rule.replace : undefined) ?? bridgeCarrierRule(p, want, l)?.replace;
      if (why === undefined) p.kept.add(key(ns, want.name));
      else p.replace.set(key(ns, want.name), why);
    }
  }
}

/** Removals: uplinks given back, namespaces and links of the lab the file no longer has (or has otherwise). */
export function deleteStale(p: Planner): void {
  const o = p.o;
  // Uplink NICs the file no longer joins to a bridge: give them back as they were.
  const stillUplinked = new Set(p.d.spec.uplinks.flatMap((u) => (u.kind === 'bridge' ? [u.nic] : [])));
  for (const [nic, e] of Object.entries(o.effects.uplinks)) {
    if (stillUplinked.has(nic)) continue;
    p.add({ op: 'detach-uplink', nic, bridge: e.bridge, wasUp: e.wasUp, ...(e.mtu !== undefined ? { mtu: e.mtu } : {}), target: `host NIC ${nic}`, reason: `uplink to ${e.bridge} is not in the file any more; leaving ${e.bridge} and ${e.wasUp ? 'staying up' : 'going back down'} as before` });
  }

  // Our namespaces the file no longer has, with everything in them.
  for (const ns of p.owned) {
    if (p.d.nodeOfNs.has(ns)) continue;
    p.deletedNs.add(ns);
    const v = p.views.get(ns);
    const frees: FreedLink[] = [];
    for (const l of v?.byName.values() ?? []) {
      p.gone.add(key(ns, l.name));
      const peer = p.peerOf(ns, l);
      if (peer) {
        p.gone.add(key(peer.ns, peer.link.name));
        if (peer.ns !== ns) frees.push(peer.ns === HOST ? { name: peer.link.name, index: peer.link.index } : { netns: peer.ns, name: peer.link.name, index: peer.link.index });
      }
    }
    const node = p.prev.map((x) => x.nodeOfNs.get(ns)?.name).find((x) => x !== undefined);
    const a: Action = { op: 'delete-netns', netns: ns, frees, target: `namespace ${ns}`, reason: node ? `node ${node} is not in the file any more` : 'left by an earlier up that did not finish' };
    if (node) a.node = node;
    p.add(a);
  }

  // Links: ours but not wanted any more, or wanted but not as they are.
  const del = (ns: string, l: ObservedLink, reason: string): void => {
    if (p.gone.has(key(ns, l.name))) return;
    p.gone.add(key(ns, l.name));
    const a: Action = { op: 'delete-link', name: l.name, target: linkTarget(ns, l.name), reason };
    if (ns !== HOST) a.netns = ns;
    const peer = p.peerOf(ns, l);
    if (peer) {
      p.gone.add(key(peer.ns, peer.link.name));
      a.peer = peer.ns === HOST ? { name: peer.link.name } : { netns: peer.ns, name: peer.link.name };
    }
    p.add(a);
  };
  for (const [ns, v] of p.views) {
    if (p.deletedNs.has(ns)) continue;
    const wanted = p.d.links.get(ns);
    for (const l of v.byName.values()) {
      if (l.name === 'lo') continue;
      const why = p.replace.get(key(ns, l.name));
      if (why !== undefined) {
        del(ns, l, `${why}; it is made again`);
      } else if (!wanted?.has(l.name)) {
        if (ns === HOST ? p.ownedHost.has(l.name) : p.knownInPrevious(ns, l.name)) del(ns, l, 'not in the file any more');
      }
    }
  }
  // A kept veth whose peer went away is not kept.
  for (const k of [...p.kept]) if (p.gone.has(k)) p.kept.delete(k);
}

export function createNamespaces(p: Planner): void {
  for (const n of p.d.spec.nodes) {
    if (p.nsObserved(n.netns).exists && !p.staleOurs.has(n.netns)) continue;
    p.created.add(n.netns);
    p.add({ op: 'create-netns', netns: n.netns, node: n.name, ipv6: n.ipv6, target: `namespace ${n.netns}`, reason: `new node ${n.name}${n.ipv6 ? '' : ' (IPv6 off)'}` });
  }
}

/** Links of the file that are not there as they should be (a veth pair, a macvlan, a vxlan). */
export function createLinkEnds(p: Planner): void {
  const inOurs = (ns: string) => ns === HOST || p.ours.has(ns);
  const blocked = (ns: string, name: string) => ns === HOST && p.views.get(HOST)?.byName.has(name) && !p.ownedHost.has(name);
  for (const link of p.d.spec.links) {
    const ends = p.d.ends.get(link.id) ?? [];
    if (ends.some((e) => !inOurs(e.ns) || blocked(e.ns, e.name))) continue;
    if (ends.every((e) => p.kept.has(key(e.ns, e.name)))) continue;
    for (const e of ends) p.making.add(key(e.ns, e.name));
    const why = ends.map((e) => p.replace.get(key(e.ns, e.name))).find((x) => x !== undefined);
    const reason = why !== undefined ? `replacing: ${why}` : `new link ${link.id}`;
    const end = (e: DesiredLink): VethEnd => {
      const v: VethEnd = { name: e.name };
      if (e.ns !== HOST) v.netns = e.ns;
      if (e.master !== undefined) v.master = e.master;
      if (e.mtu !== undefined) v.mtu = e.mtu;
      if (e.mac !== undefined) v.mac = e.mac;
      if (e.altname !== undefined) v.altname = e.altname;
      return v;
    };
    const where = (e: DesiredLink) => (e.ns === HOST ? e.name : `${e.ns}:${e.name}`);
    if (link.kind === 'veth') {
      const [a, b] = ends as [DesiredLink, DesiredLink];
      p.add({ op: 'create-veth', id: link.id, a: end(a), b: end(b), target: `veth ${where(a)} -- ${where(b)}`, reason });
    } else {
      const e = ends[0]!;
      const base = end(e);
      if (link.kind === 'macvlan') {
        p.add({ op: 'create-macvlan', id: link.id, ...base, parent: link.parent, mode: link.mode, target: `macvlan ${where(e)} on ${link.parent}`, reason });
      } else {
        const a: Action = { op: 'create-vxlan', id: link.id, ...base, vni: link.vni, port: link.port, target: `vxlan ${where(e)} (VNI ${link.vni})`, reason };
        if (link.remote !== undefined) a.remote = link.remote;
        if (link.group !== undefined) a.group = link.group;
        if (link.local !== undefined) a.local = link.local;
        if (link.dev !== undefined) a.dev = link.dev;
        p.add(a);
      }
    }
  }
}

/** Settings of links that stay: mtu, MAC, bridge, up; lo of each existing namespace of ours is up. */
export function linkSettings(p: Planner): void {
  for (const [ns, m] of p.d.links) {
    const v = p.views.get(ns);
    for (const want of m.values()) {
      if (!p.kept.has(key(ns, want.name))) continue;
      const l = v!.byName.get(want.name)!;
      const changes: string[] = [];
      const a: Action = { op: 'set-link', name: want.name, target: linkTarget(ns, want.name), reason: '' };
      if (ns !== HOST) a.netns = ns;
      // The file is the whole desired state: a veth whose file sets no MTU has the kernel's default.
      if (want.mtu !== undefined && l.mtu !== want.mtu) {
        a.mtu = want.mtu;
        changes.push(`mtu is ${l.mtu ?? 'unknown'}, the file says ${want.mtu}`);
      } else if (want.mtu !== undefined && bridgeMtuRule(p, want, l) === 'pin') {
        a.mtu = want.mtu;
        a.pinMtu = true;
        changes.push(`mtu ${want.mtu} comes from its ports; set, so that it stays as the file says`);
      } else if (want.mtu === undefined && want.kind === 'veth' && l.mtu !== undefined && l.mtu !== VETH_DEFAULT_MTU) {
        a.mtu = VETH_DEFAULT_MTU;
        changes.push(`mtu is ${l.mtu}, the file sets none (a new veth has ${VETH_DEFAULT_MTU})`);
      }
      const mac = l.mac?.toLowerCase();
      if (want.mac !== undefined && mac !== want.mac.toLowerCase()) {
        a.mac = want.mac;
        changes.push(`MAC is ${l.mac ?? 'unknown'}, the file says ${want.mac}`);
      } else if (want.mac === undefined && mac !== undefined && p.prev.some((x) => x.links.get(ns)?.get(want.name)?.mac?.toLowerCase() === mac)) {
        a.randomMac = true;
        changes.push(`its MAC ${l.mac} was the file's, which sets none now: a new random one, as a new link gets`);
      }
      if (want.master !== undefined && (l.master !== want.master || p.making.has(key(ns, want.master)))) {
        a.master = want.master;
        changes.push(l.master === want.master ? `its bridge ${want.master} is made again` : l.master ? `it is a port of ${l.master}, the file says ${want.master}` : `it is not a port of ${want.master}`);
      } else if (want.master === undefined && l.master !== undefined && want.kind !== 'bridge') {
        a.master = null;
        changes.push(`it is a port of ${l.master}, the file says it is no bridge port`);
      }
      if (!l.up) {
        a.up = true;
        changes.push('it is down');
      }
      if (changes.length) {
        a.reason = changes.join('; ');
        p.add(a);
      }
    }
  }
  // lo of each existing namespace of ours is up.
  for (const ns of p.owned) {
    if (p.deletedNs.has(ns)) continue;
    const lo = p.views.get(ns)?.byName.get('lo');
    if (lo && !lo.up) p.add({ op: 'set-link', netns: ns, name: 'lo', up: true, target: linkTarget(ns, 'lo'), reason: 'it is down' });
  }
}
