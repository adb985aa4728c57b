/**
 * planLab(desired, observed): the ordered actions that make the kernel match the file, each
 * with its reason, or the refusals that stop it. Pure: no I/O, same input → same plan.
 *
 * Rules:
 * - Only objects the lab owns are changed or deleted: namespaces whose lo carries the mark
 *   `nsnet:<lab>`, host links with that ifalias, and what lives inside an owned namespace.
 *   What a killed `up` created but had not marked yet (listed as intended in the journal) is
 *   taken back with a `mark` action when it is clearly the lab's (an empty namespace; a host link
 *   of that name).
 * - A name the file needs that is held by something else is a refusal naming it, not an action.
 * - Inside an owned namespace, links the file never described are left alone; links an earlier
 *   version of the file made (`observed.previous`) and the file no longer has are deleted.
 *   Routes the lab adds carry protocol static; a static route the file does not have is deleted.
 * - Only what the file sets is compared ("not set" is not zero).
 * - Order: each action kind has its rank (./kinds/kind.ts): removals first (uplinks, namespaces,
 *   links, addresses, routes, NAT, host sysctls), then marks, namespaces, bridges, links, link
 *   settings, addresses, routes, sysctls, uplinks, exec.
 */
import type { LabSpec, NodeSpec, RouteSpec } from '../topology/model.js';
import type { Action, Plan, Refusal, VethEnd } from './actions.js';
import { IP_FORWARD, IPV6_SYSCTLS, natTableName } from './constants.js';
import { HOST, indexLab, linkTarget, tablesOf, type DesiredLab, type DesiredLink, type Path } from './desired.js';
import { canonCidr, canonIp, canonSysctl, describeRoute, routeFromObserved, routeKey } from './keys.js';
import { sortActions } from './kinds/index.js';
import { labOfMark, markFor, type ObservedLab, type ObservedLink, type ObservedNamespace } from './observed.js';

export { IPV6_SYSCTLS, IP_FORWARD, natTableName };

const key = (ns: string, name: string): string => `${ns}\0${name}`;

/** Observed links of one namespace by name and by index. */
interface NsView {
  ns: string;
  byName: Map<string, ObservedLink>;
  byIndex: Map<number, ObservedLink>;
}

export function planLab(desired: LabSpec, observed: ObservedLab): Plan {
  return new Planner(desired, observed).run();
}

class Planner {
  private readonly lab: string;
  private readonly mark: string;
  private readonly d: DesiredLab;
  private readonly prev: DesiredLab[];
  /** Actions as the steps plan them; sorted by their kinds' order at the end. */
  private readonly planned: Action[] = [];
  private readonly refusals: Refusal[] = [];
  /** Observed links per namespace we may look into (owned or adoptable), and the host. */
  private readonly views = new Map<string, NsView>();
  /** Namespaces this lab owns now (or takes back), that exist. */
  private readonly owned = new Set<string>();
  /** Namespaces that will exist after the plan and are ours (owned and kept, or created). */
  private readonly ours = new Set<string>();
  private readonly created = new Set<string>();
  private readonly deletedNs = new Set<string>();
  /** The lab's /run/netns files that are not namespaces (left by a killed up or down): removed, and made again if wanted. */
  private readonly staleOurs = new Set<string>();
  /** Links that will be gone by the time creation starts (deleted, or gone with a peer or a namespace). */
  private readonly gone = new Set<string>();
  /** Desired links that exist as they should (kind, peer) and are ours. */
  private readonly kept = new Set<string>();
  /** Host links this lab owns (marked, or taken back). */
  private readonly ownedHost = new Set<string>();

  constructor(desired: LabSpec, private readonly o: ObservedLab) {
    this.lab = desired.name;
    this.mark = markFor(desired.name);
    this.d = indexLab(desired);
    this.prev = o.previous.map(indexLab);
  }

  private add(a: Action): void {
    this.planned.push(a);
  }

  private refuse(r: Refusal): void {
    this.refusals.push(r);
  }

  run(): Plan {
    this.namespaces();
    this.hostLinks();
    this.linkStates();
    this.deleteStale();
    this.createNamespaces();
    this.createLinks();
    this.addresses();
    this.routes();
    this.sysctls();
    this.uplinks();
    this.exec();
    const actions = sortActions(this.planned);
    const spec = this.d.spec;
    return {
      lab: this.lab,
      actions,
      refusals: this.refusals,
      noop: actions.length === 0 && this.refusals.length === 0,
      counts: { nodes: spec.nodes.length, links: spec.links.length, bridges: spec.bridges.length },
    };
  }

  // ---------------------------------------------------------------- ownership

  private nsObserved(ns: string): ObservedNamespace {
    return this.o.namespaces[ns] ?? { name: ns, exists: false, links: [], addresses: [], routes: [], sysctls: {} };
  }

  private view(ns: string, links: ObservedLink[]): void {
    this.views.set(ns, { ns, byName: new Map(links.map((l) => [l.name, l])), byIndex: new Map(links.map((l) => [l.index, l])) });
  }

  /** Whether the namespace is ours to change, and refusals for desired ones that are not. */
  private namespaces(): void {
    const intended = new Set(this.o.intended.namespaces);
    const judge = (ns: string, node: NodeSpec | undefined): void => {
      const x = this.nsObserved(ns);
      if (!x.exists) return;
      const path: Path = node ? ['nodes', node.name] : [];
      const object = `namespace ${ns}`;
      if (x.stale) {
        // A file an up or down left when it was killed between making /run/netns/NAME and
        // mounting the namespace on it (or between unmounting and removing it): the lab's when
        // its journal or last applied spec names it. It is removed, and made again if wanted.
        if (intended.has(ns) || this.prev.some((p) => p.nodeOfNs.has(ns))) {
          this.staleOurs.add(ns);
          const a: Action = { op: 'delete-netns', netns: ns, frees: [], target: object, reason: `/run/netns/${ns} is a file left by an interrupted up or down, not a namespace; removing it` };
          if (node) a.node = node.name;
          this.add(a);
          return;
        }
        if (node) this.refuse({ code: 'STALE_NETNS', object, path, message: `namespace ${ns} (node ${node.name}): /run/netns/${ns} exists but is not a namespace; remove the file (ip netns del ${ns}) or rename the node` });
        return;
      }
      if (x.owner === this.lab) {
        this.owned.add(ns);
      } else if (x.owner !== undefined) {
        if (node) this.refuse({ code: 'OTHER_LAB', object, path, message: `namespace ${ns} (node ${node.name}) belongs to lab ${x.owner}; take that lab down (nsnet down --lab ${x.owner}) or rename the node` });
        return;
      } else if (intended.has(ns) && x.empty) {
        this.owned.add(ns);
        this.add({ op: 'mark', netns: ns, name: 'lo', target: object, reason: 'made by an earlier up that did not finish; taking it back' });
      } else {
        if (node) this.refuse({ code: 'FOREIGN_NETNS', object, path, message: `namespace ${ns} (node ${node.name}) exists and was not made by lab ${this.lab}; delete it (ip netns del ${ns}) or rename the node` });
        return;
      }
      this.view(ns, x.links);
    };
    for (const n of this.d.spec.nodes) judge(n.netns, n);
    for (const ns of Object.keys(this.o.namespaces)) if (!this.d.nodeOfNs.has(ns)) judge(ns, undefined);
    for (const n of this.d.spec.nodes) if (this.owned.has(n.netns) || this.staleOurs.has(n.netns) || !this.nsObserved(n.netns).exists) this.ours.add(n.netns);
  }

  /** Host links: which are ours, and refusals for names the file needs that something else holds. */
  private hostLinks(): void {
    const intended = new Set(this.o.intended.hostLinks);
    const wanted = this.d.links.get(HOST) ?? new Map<string, DesiredLink>();
    const byAlt = new Map<string, ObservedLink>();
    for (const l of this.o.host.links) for (const a of l.altnames ?? []) byAlt.set(a, l);
    for (const l of this.o.host.links) {
      if (l.alias === this.mark) this.ownedHost.add(l.name);
      else if (labOfMark(l.alias) === undefined && intended.has(l.name) && !this.d.spec.uplinks.some((u) => u.kind === 'bridge' && u.nic === l.name)) {
        this.ownedHost.add(l.name);
        this.add({ op: 'mark', name: l.name, target: linkTarget(HOST, l.name), reason: 'made by an earlier up that did not finish; taking it back' });
      }
    }
    this.view(HOST, this.o.host.links.filter((l) => this.ownedHost.has(l.name) || wanted.has(l.name)));
    for (const w of wanted.values()) {
      const l = this.views.get(HOST)!.byName.get(w.name) ?? byAlt.get(w.name);
      if (!l || this.ownedHost.has(l.name)) continue;
      const other = labOfMark(l.alias);
      const what = l.name === w.name ? `link ${w.name}` : `link ${l.name} (altname ${w.name})`;
      const object = `${what} in the host namespace`;
      if (other !== undefined) {
        this.refuse({ code: 'OTHER_LAB', object, path: w.path, message: `${object} belongs to lab ${other}; take that lab down (nsnet down --lab ${other}) or rename it in the file` });
      } else {
        this.refuse({ code: 'FOREIGN_LINK', object, path: w.path, message: `${object} exists and was not made by lab ${this.lab}; delete it (ip link del ${l.name}) or rename it in the file` });
      }
    }
  }

  // ---------------------------------------------------------------- links as they are

  /** Whether an observed veth is the pair the file wants (its peer verified in the right place). */
  private pairOk(l: ObservedLink, want: DesiredLink): boolean {
    if (!want.peer) return false;
    if (l.peerNetns !== want.peer.ns) return false;
    const pv = this.views.get(want.peer.ns);
    const p = pv?.byName.get(want.peer.name);
    return !!p && p.kind === 'veth' && p.index === l.peerIndex && p.peerIndex === l.index && p.peerNetns === want.ns;
  }

  private mismatch(l: ObservedLink, want: DesiredLink): string | undefined {
    if (l.kind !== want.kind) return `it is ${l.kind ? `a ${l.kind}` : 'a device of another kind'}, the file wants a ${want.kind}`;
    if (want.kind === 'veth' && !this.pairOk(l, want)) return `its peer is not ${want.peer!.name} in ${want.peer!.ns === HOST ? 'the host namespace' : want.peer!.ns}`;
    const link = want.link;
    if (link?.kind === 'vxlan' && l.vxlan) {
      const v = l.vxlan;
      if (v.vni !== undefined && v.vni !== link.vni) return `its VNI is ${v.vni}, the file says ${link.vni}`;
      if (v.port !== undefined && v.port !== link.port) return `its port is ${v.port}, the file says ${link.port}`;
      const ip = (s?: string) => (s === undefined ? undefined : canonIp(s));
      const remote = link.remote ?? link.group;
      const seen = v.remote ?? v.group;
      if (remote !== undefined && ip(seen) !== ip(remote)) return `its remote is ${seen ?? 'unset'}, the file says ${remote}`;
      if (link.local !== undefined && ip(v.local) !== ip(link.local)) return `its local address is ${v.local ?? 'unset'}, the file says ${link.local}`;
    }
    if (link?.kind === 'macvlan' && l.macvlanMode !== undefined && l.macvlanMode !== link.mode) return `its mode is ${l.macvlanMode}, the file says ${link.mode}`;
    return undefined;
  }

  /** Decide for each desired link in an existing namespace: keep (and adjust) or replace. */
  private readonly replace = new Map<string, string>();
  private linkStates(): void {
    for (const [ns, m] of this.d.links) {
      const v = this.views.get(ns);
      if (!v) continue;
      for (const want of m.values()) {
        const l = v.byName.get(want.name);
        if (!l) continue;
        if (ns === HOST && !this.ownedHost.has(l.name)) continue; // refused above
        const why = this.mismatch(l, want);
        if (why === undefined) this.kept.add(key(ns, want.name));
        else this.replace.set(key(ns, want.name), why);
      }
    }
  }

  // ---------------------------------------------------------------- removals

  private knownInPrevious(ns: string, name: string): boolean {
    return this.prev.some((p) => p.links.get(ns)?.has(name));
  }

  /** The observed peer of a veth, when it is in a namespace we look into. */
  private peerOf(ns: string, l: ObservedLink): { ns: string; link: ObservedLink } | undefined {
    if (l.kind !== 'veth' || l.peerNetns === undefined || l.peerIndex === undefined) return undefined;
    const p = this.views.get(l.peerNetns)?.byIndex.get(l.peerIndex);
    return p && p.peerIndex === l.index ? { ns: l.peerNetns, link: p } : undefined;
  }

  private deleteStale(): void {
    const o = this.o;
    // Uplink NICs the file no longer joins to a bridge: give them back as they were.
    const stillUplinked = new Set(this.d.spec.uplinks.flatMap((u) => (u.kind === 'bridge' ? [u.nic] : [])));
    for (const [nic, e] of Object.entries(o.effects.uplinks)) {
      if (stillUplinked.has(nic)) continue;
      this.add({ op: 'detach-uplink', nic, bridge: e.bridge, wasUp: e.wasUp, target: `host NIC ${nic}`, reason: `uplink to ${e.bridge} is not in the file any more; leaving ${e.bridge} and ${e.wasUp ? 'staying up' : 'going back down'} as before` });
    }

    // Our namespaces the file no longer has, with everything in them.
    for (const ns of this.owned) {
      if (this.d.nodeOfNs.has(ns)) continue;
      this.deletedNs.add(ns);
      const v = this.views.get(ns);
      const frees: { netns?: string; name: string; index: number }[] = [];
      for (const l of v?.byName.values() ?? []) {
        this.gone.add(key(ns, l.name));
        const p = this.peerOf(ns, l);
        if (p) {
          this.gone.add(key(p.ns, p.link.name));
          if (p.ns !== ns) frees.push(p.ns === HOST ? { name: p.link.name, index: p.link.index } : { netns: p.ns, name: p.link.name, index: p.link.index });
        }
      }
      const node = this.prev.map((p) => p.nodeOfNs.get(ns)?.name).find((x) => x !== undefined);
      const a: Action = { op: 'delete-netns', netns: ns, frees, target: `namespace ${ns}`, reason: node ? `node ${node} is not in the file any more` : 'left by an earlier up that did not finish' };
      if (node) a.node = node;
      this.add(a);
    }

    // Links: ours but not wanted any more, or wanted but not as they are.
    const del = (ns: string, l: ObservedLink, reason: string): void => {
      if (this.gone.has(key(ns, l.name))) return;
      this.gone.add(key(ns, l.name));
      const a: Action = { op: 'delete-link', name: l.name, target: linkTarget(ns, l.name), reason };
      if (ns !== HOST) a.netns = ns;
      const p = this.peerOf(ns, l);
      if (p) {
        this.gone.add(key(p.ns, p.link.name));
        a.peer = p.ns === HOST ? { name: p.link.name } : { netns: p.ns, name: p.link.name };
      }
      this.add(a);
    };
    for (const [ns, v] of this.views) {
      if (this.deletedNs.has(ns)) continue;
      const wanted = this.d.links.get(ns);
      for (const l of v.byName.values()) {
        if (l.name === 'lo') continue;
        const why = this.replace.get(key(ns, l.name));
        if (why !== undefined) {
          del(ns, l, `${why}; it is made again`);
        } else if (!wanted?.has(l.name)) {
          if (ns === HOST ? this.ownedHost.has(l.name) : this.knownInPrevious(ns, l.name)) del(ns, l, 'not in the file any more');
        }
      }
    }
    // A kept veth whose peer went away is not kept.
    for (const k of [...this.kept]) if (this.gone.has(k)) this.kept.delete(k);
  }

  // ---------------------------------------------------------------- creation

  private createNamespaces(): void {
    for (const n of this.d.spec.nodes) {
      if (this.nsObserved(n.netns).exists && !this.staleOurs.has(n.netns)) continue;
      this.created.add(n.netns);
      this.add({ op: 'create-netns', netns: n.netns, node: n.name, ipv6: n.ipv6, target: `namespace ${n.netns}`, reason: `new node ${n.name}${n.ipv6 ? '' : ' (IPv6 off)'}` });
    }
  }

  /** A desired link will exist after the plan (kept, or created by it). */
  private willExist(ns: string, name: string): boolean {
    return this.kept.has(key(ns, name)) || this.making.has(key(ns, name));
  }
  private readonly making = new Set<string>();

  private createLinks(): void {
    const inOurs = (ns: string) => ns === HOST || this.ours.has(ns);
    // Bridges first: ports need them.
    for (const b of this.d.spec.bridges) {
      const ns = b.node !== undefined ? this.d.nsOfNode.get(b.node)! : HOST;
      if (!inOurs(ns)) continue;
      const k = key(ns, b.name);
      if (this.kept.has(k)) continue;
      if (ns === HOST && this.views.get(HOST)?.byName.has(b.name) && !this.gone.has(k)) continue; // refused
      this.making.add(k);
      const a: Action = { op: 'create-bridge', name: b.name, target: `bridge ${b.name}${ns === HOST ? '' : ` in ${ns}`}`, reason: this.replace.has(k) ? `replacing: ${this.replace.get(k)}` : `new bridge ${b.logical}` };
      if (ns !== HOST) a.netns = ns;
      if (b.altname !== undefined) a.altname = b.altname;
      if (b.mtu !== undefined) a.mtu = b.mtu;
      if (b.stp !== undefined) a.stp = b.stp;
      this.add(a);
    }
    const blocked = (ns: string, name: string) => ns === HOST && this.views.get(HOST)?.byName.has(name) && !this.ownedHost.has(name);
    for (const link of this.d.spec.links) {
      const ends = this.d.ends.get(link.id) ?? [];
      if (ends.some((e) => !inOurs(e.ns) || blocked(e.ns, e.name))) continue;
      if (ends.every((e) => this.kept.has(key(e.ns, e.name)))) continue;
      for (const e of ends) this.making.add(key(e.ns, e.name));
      const why = ends.map((e) => this.replace.get(key(e.ns, e.name))).find((x) => x !== undefined);
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
        this.add({ op: 'create-veth', id: link.id, a: end(a), b: end(b), target: `veth ${where(a)} -- ${where(b)}`, reason });
      } else {
        const e = ends[0]!;
        const base = end(e);
        if (link.kind === 'macvlan') {
          this.add({ op: 'create-macvlan', id: link.id, ...base, parent: link.parent, mode: link.mode, target: `macvlan ${where(e)} on ${link.parent}`, reason });
        } else {
          const a: Action = { op: 'create-vxlan', id: link.id, ...base, vni: link.vni, port: link.port, target: `vxlan ${where(e)} (VNI ${link.vni})`, reason };
          if (link.remote !== undefined) a.remote = link.remote;
          if (link.group !== undefined) a.group = link.group;
          if (link.local !== undefined) a.local = link.local;
          if (link.dev !== undefined) a.dev = link.dev;
          this.add(a);
        }
      }
    }
    // Settings of links that stay.
    for (const [ns, m] of this.d.links) {
      const v = this.views.get(ns);
      for (const want of m.values()) {
        if (!this.kept.has(key(ns, want.name))) continue;
        const l = v!.byName.get(want.name)!;
        const changes: string[] = [];
        const a: Action = { op: 'set-link', name: want.name, target: linkTarget(ns, want.name), reason: '' };
        if (ns !== HOST) a.netns = ns;
        if (want.mtu !== undefined && l.mtu !== want.mtu) {
          a.mtu = want.mtu;
          changes.push(`mtu is ${l.mtu ?? 'unknown'}, the file says ${want.mtu}`);
        }
        if (want.mac !== undefined && l.mac?.toLowerCase() !== want.mac.toLowerCase()) {
          a.mac = want.mac;
          changes.push(`MAC is ${l.mac ?? 'unknown'}, the file says ${want.mac}`);
        }
        if (want.master !== undefined && l.master !== want.master) {
          a.master = want.master;
          changes.push(l.master ? `it is a port of ${l.master}, the file says ${want.master}` : `it is not a port of ${want.master}`);
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
          this.add(a);
        }
      }
    }
    // lo of each existing namespace of ours is up.
    for (const ns of this.owned) {
      if (this.deletedNs.has(ns)) continue;
      const lo = this.views.get(ns)?.byName.get('lo');
      if (lo && !lo.up) this.add({ op: 'set-link', netns: ns, name: 'lo', up: true, target: linkTarget(ns, 'lo'), reason: 'it is down' });
    }
  }

  // ---------------------------------------------------------------- addresses, routes, sysctls

  private addresses(): void {
    const addrs = this.d.addrs;
    // Removals: on links of ours that stay, addresses the file does not have.
    for (const [ns, v] of this.views) {
      if (this.deletedNs.has(ns)) continue;
      const observed = ns === HOST ? this.o.host.addresses : this.nsObserved(ns).addresses;
      for (const a of observed) {
        if (this.gone.has(key(ns, a.dev))) continue;
        const l = v.byName.get(a.dev);
        if (!l) continue;
        if (ns === HOST && !this.ownedHost.has(a.dev)) continue;
        if (ns !== HOST && a.dev !== 'lo' && !this.d.links.get(ns)?.has(a.dev) && !this.knownInPrevious(ns, a.dev)) continue; // not ours to manage
        if (kernelMade(a.dev, a.family, a.scope, a.cidr)) continue;
        const cidr = canonCidr(a.cidr);
        if (addrs.get(ns)?.get(a.dev)?.has(cidr)) continue;
        const x: Action = { op: 'del-address', dev: a.dev, cidr, target: `address ${cidr} on ${linkTarget(ns, a.dev).slice(5)}`, reason: 'not in the file any more' };
        if (ns !== HOST) x.netns = ns;
        this.add(x);
      }
    }
    // Additions.
    for (const [ns, devs] of addrs) {
      if (ns !== HOST && !this.ours.has(ns)) continue;
      const observed = ns === HOST ? this.o.host.addresses : this.nsObserved(ns).addresses;
      const have = new Set<string>();
      for (const a of observed) if (!this.gone.has(key(ns, a.dev))) have.add(`${a.dev}\0${canonCidr(a.cidr)}`);
      for (const [dev, set] of devs) {
        if (dev !== 'lo' && !this.willExist(ns, dev)) continue;
        for (const want of set.values()) {
          if (have.has(`${dev}\0${want.cidr}`)) continue;
          const x: Action = { op: 'add-address', dev, cidr: want.cidr, target: `address ${want.cidr} on ${linkTarget(ns, dev).slice(5)}`, reason: this.making.has(key(ns, dev)) ? 'on a new link' : 'in the file, not on the link' };
          if (ns !== HOST) x.netns = ns;
          this.add(x);
        }
      }
    }
  }

  private routes(): void {
    for (const n of this.d.spec.nodes) {
      const ns = n.netns;
      if (!this.ours.has(ns)) continue;
      const x = this.nsObserved(ns);
      const fresh = this.created.has(ns);
      const seen = new Map<string, (typeof x.routes)[number]>();
      if (!fresh) for (const r of x.routes) if (r.dev === undefined || !this.gone.has(key(ns, r.dev))) seen.set(routeKey(r), r);
      const want = new Map<string, RouteSpec>();
      n.routes.forEach((r) => want.set(routeKey(r), r));
      // Removals: static routes (the lab's protocol) the file does not have, in the tables it uses.
      const tables = new Set([...tablesOf(n.routes), ...this.prev.flatMap((p) => tablesOf(p.nodes.get(n.name)?.routes ?? []))]);
      for (const [k, r] of seen) {
        if (r.protocol !== 'static' || want.has(k) || !tables.has(r.table)) continue;
        this.add({ op: 'del-route', netns: ns, route: routeFromObserved(r), target: `route ${describeRoute(r)} in ${ns}`, reason: 'not in the file any more' });
      }
      for (const [k, r] of want) {
        const s = seen.get(k);
        const target = `route ${describeRoute(r)} in ${ns}`;
        if (!s) {
          this.add({ op: 'add-route', netns: ns, route: r, target, reason: fresh ? `new node ${n.name}` : 'in the file, not in the kernel' });
          continue;
        }
        const diffs: string[] = [];
        if (r.via !== undefined && (s.via === undefined || canonIp(s.via) !== canonIp(r.via))) diffs.push(`the kernel has ${s.via ? `via ${s.via}` : 'no gateway'}, the file says via ${r.via}`);
        if (r.via === undefined && s.via !== undefined) diffs.push(`the kernel has via ${s.via}, the file says no gateway`);
        if (r.dev !== undefined && s.dev !== r.dev) diffs.push(`the kernel has dev ${s.dev ?? 'none'}, the file says dev ${r.dev}`);
        if (diffs.length) this.add({ op: 'replace-route', netns: ns, route: r, target, reason: diffs.join('; ') });
      }
    }
  }

  private sysctls(): void {
    for (const n of this.d.spec.nodes) {
      const ns = n.netns;
      if (!this.ours.has(ns)) continue;
      const fresh = this.created.has(ns);
      const seen = fresh ? {} : this.nsObserved(ns).sysctls;
      const set = (k: string, v: string, why: string) => this.add({ op: 'set-sysctl', netns: ns, key: k, value: v, target: `sysctl ${k} in ${ns}`, reason: why });
      if (!fresh) {
        // net.ipv6.conf.all.disable_ipv6 tells; both keys are set when it differs.
        const v = n.ipv6 ? '0' : '1';
        const cur = seen[IPV6_SYSCTLS[0]];
        if (cur !== undefined && canonSysctl(cur) !== v) {
          for (const k of IPV6_SYSCTLS) set(k, v, `IPv6 is ${n.ipv6 ? 'on' : 'off'} for node ${n.name} in the file`);
        }
      }
      for (const [k, v] of Object.entries(n.sysctls)) {
        const cur = seen[k];
        if (cur !== undefined && canonSysctl(cur) === canonSysctl(v)) continue;
        set(k, v, fresh ? `new node ${n.name}` : cur === undefined ? 'in the file' : `it is ${canonSysctl(cur)}, the file says ${v}`);
      }
    }
  }

  // ---------------------------------------------------------------- host side

  private uplinks(): void {
    const { host, effects } = this.o;
    const spec = this.d.spec;
    const nicMissing = (nic: string, path: Path, what: string) => {
      this.refuse({ code: 'MISSING_NIC', object: `host NIC ${nic}`, path, message: `${what} names host interface ${nic}, which does not exist; check the name with ip link (or nsnet link list)` });
    };
    spec.links.forEach((l, i) => {
      if (l.kind === 'macvlan' && host.nics[l.parent]?.exists === false) nicMissing(l.parent, ['links', i, 'parent'], `macvlan ${l.end.name}`);
      if (l.kind === 'vxlan' && l.dev !== undefined && host.nics[l.dev]?.exists === false) nicMissing(l.dev, ['links', i, 'dev'], `vxlan ${l.end.name}`);
    });
    let natWanted = false;
    spec.uplinks.forEach((u, i) => {
      const path: Path = ['uplinks', i];
      const br = this.d.bridges.get(u.bridge);
      if (br?.node !== undefined) {
        this.refuse({ code: 'UNSUPPORTED', object: `uplink ${i}`, path, message: `uplink on bridge ${u.bridge}: the bridge is in node ${br.node}; uplinks need a bridge in the host namespace (drop node: from the bridge)` });
        return;
      }
      const brName = br?.name ?? u.bridge;
      if (u.kind === 'bridge') {
        const nic = host.nics[u.nic];
        if (!nic || !nic.exists) return nicMissing(u.nic, [...path, 'interface'], `uplink ${i}`);
        if (this.d.links.get(HOST)?.has(u.nic)) {
          this.refuse({ code: 'NIC_IN_USE', object: `host NIC ${u.nic}`, path, message: `uplink ${i}: ${u.nic} is also a link of this lab; name a physical NIC` });
          return;
        }
        if (nic.master === brName && !this.gone.has(key(HOST, brName))) {
          if (!nic.up) this.add({ op: 'attach-uplink', nic: u.nic, bridge: brName, target: `host NIC ${u.nic}`, reason: 'it is down' });
          return;
        }
        if (nic.master !== undefined && nic.masterAlias !== this.mark) {
          this.refuse({ code: 'NIC_IN_USE', object: `host NIC ${u.nic}`, path, message: `host NIC ${u.nic} is a port of ${nic.master}, which lab ${this.lab} does not own; remove it from there (ip link set ${u.nic} nomaster) or name another NIC` });
          return;
        }
        this.add({ op: 'attach-uplink', nic: u.nic, bridge: brName, target: `host NIC ${u.nic}`, reason: nic.master ? `it is a port of ${nic.master}, the file joins it to ${brName}` : `uplink: joins bridge ${brName}` });
      } else {
        natWanted = true;
        if (host.nft === false) {
          this.refuse({ code: 'NO_NFT', object: `uplink ${i}`, path, message: `NAT uplink on ${u.bridge} needs the nft command, which is not installed; install the nftables package (apt-get install nftables)` });
          return;
        }
        if (u.out !== undefined && host.nics[u.out]?.exists === false) nicMissing(u.out, [...path, 'out'], `NAT uplink ${i}`);
        const table = natTableName(this.lab);
        const have = effects.nat;
        const same = have !== undefined && have.table === table && (have.out ?? '') === (u.out ?? '') && [...have.subnets].sort().join(',') === [...u.subnets].sort().join(',');
        if (!host.natTables.includes(table) || !same) {
          const a: Action = { op: 'add-nat', table, subnets: u.subnets, target: `nftables table ip ${table}`, reason: host.natTables.includes(table) ? 'the NAT rule differs from the file' : `NAT uplink: masquerade ${u.subnets.join(', ')}${u.out ? ` out of ${u.out}` : ''}` };
          if (u.out !== undefined) a.out = u.out;
          this.add(a);
        }
        // The lab holds ip_forward even when it is 1 already (another lab with NAT set it): the
        // last lab holding it restores it, so one lab's down never cuts another's NAT.
        const fwd = host.sysctls[IP_FORWARD];
        if (fwd !== undefined && (canonSysctl(fwd) !== '1' || effects.sysctls[IP_FORWARD] === undefined)) {
          this.add({
            op: 'set-sysctl', key: IP_FORWARD, value: '1', target: `host sysctl ${IP_FORWARD}`,
            reason: canonSysctl(fwd) !== '1' ? 'NAT uplink: the host must forward (restored on down)' : 'NAT uplink: the host forwards already; the lab records it, so it is restored only when no lab needs it',
          });
        }
      }
    });
    const table = natTableName(this.lab);
    if (!natWanted && host.natTables.includes(table)) this.add({ op: 'del-nat', table, target: `nftables table ip ${table}`, reason: 'no NAT uplink in the file any more' });
    if (!natWanted) {
      for (const [k, v] of Object.entries(effects.sysctls)) this.add({ op: 'restore-sysctl', key: k, value: v, target: `host sysctl ${k}`, reason: `no NAT uplink any more; back to ${v}` });
    }
  }

  private exec(): void {
    for (const n of this.d.spec.nodes) {
      if (!n.exec.length || !this.ours.has(n.netns)) continue;
      const done = this.o.execDone[n.name];
      const fresh = this.created.has(n.netns);
      if (!fresh && done !== undefined && JSON.stringify(done) === JSON.stringify(n.exec)) continue;
      this.add({ op: 'run-exec', node: n.name, netns: n.netns, commands: n.exec, target: `node ${n.name}`, reason: fresh ? 'new node' : done === undefined ? 'its commands have not run yet' : 'its commands changed in the file' });
    }
  }
}

/** Addresses the kernel makes by itself, which the lab never adds or removes. */
function kernelMade(dev: string, family: 4 | 6, scope: string, cidr: string): boolean {
  if (family === 6 && (scope === 'link' || cidr.toLowerCase().startsWith('fe80:'))) return true;
  if (dev === 'lo' && (canonCidr(cidr) === '127.0.0.1/8' || canonCidr(cidr) === '::1/128')) return true;
  return false;
}

