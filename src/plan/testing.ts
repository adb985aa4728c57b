/**
 * For unit tests only: a small in-memory kernel that runs plan actions the way src/apply does
 * (marks included) and reports what it holds as an ObservedLab, so tests can check that
 * "apply the plan, plan again" gives nothing to do, and that an edit changes only what it must.
 */
import type { LabSpec } from '../topology/model.js';
import type { Action } from './actions.js';
import { HOST, indexLab, tablesOf } from './desired.js';
import { canonCidr, canonDst, routeKey } from './keys.js';
import { emptyEffects, markFor, type HostEffects, type ObservedLab, type ObservedLink, type ObservedRoute } from './observed.js';
import { IP_FORWARD, IPV6_SYSCTLS } from './plan.js';

interface SimLink extends Omit<ObservedLink, 'peerIndex' | 'peerNetns'> {
  peer?: { ns: string; index: number };
}
interface SimNs {
  links: Map<string, SimLink>;
  addrs: { dev: string; cidr: string; family: 4 | 6; scope: string }[];
  routes: ObservedRoute[];
  sysctls: Record<string, string>;
  next: number;
}

export class SimKernel {
  readonly ns = new Map<string, SimNs>();
  readonly natTables = new Set<string>();
  effects: HostEffects = emptyEffects();
  execDone: Record<string, string[][]> = {};
  previous: LabSpec[] = [];
  intended = { namespaces: [] as string[], hostLinks: [] as string[] };
  /** Every action run, in order. */
  readonly log: Action[] = [];
  nft = true;

  constructor() {
    this.ns.set(HOST, this.makeNs());
    this.hostLink({ name: 'eth0', kind: undefined, up: true, mtu: 1500 });
  }

  private makeNs(): SimNs {
    const s: SimNs = { links: new Map(), addrs: [], routes: [], sysctls: { [IPV6_SYSCTLS[0]]: '0', [IPV6_SYSCTLS[1]]: '0', [IP_FORWARD]: '0' }, next: 1 };
    s.links.set('lo', { name: 'lo', index: s.next++, up: false, mtu: 65536 });
    s.addrs.push({ dev: 'lo', cidr: '127.0.0.1/8', family: 4, scope: 'host' });
    return s;
  }

  /** Add a link to a namespace as someone else would (no mark unless given). */
  addLink(ns: string, l: Omit<SimLink, 'index'>): SimLink {
    const s = this.get(ns);
    const x: SimLink = { ...l, index: s.next++ };
    s.links.set(x.name, x);
    return x;
  }
  hostLink(l: Omit<SimLink, 'index'>): SimLink {
    return this.addLink(HOST, l);
  }
  /** A namespace made by someone else (or by an up killed before it marked it). */
  addNs(name: string, owner?: string): void {
    this.ns.set(name, this.makeNs());
    if (owner) this.get(name).links.get('lo')!.alias = markFor(owner);
  }

  get(ns: string): SimNs {
    const s = this.ns.get(ns);
    if (!s) throw new Error(`sim: no namespace ${JSON.stringify(ns)}`);
    return s;
  }

  private link(ns: string, name: string): SimLink {
    const l = this.get(ns).links.get(name);
    if (!l) throw new Error(`sim: no link ${name} in ${ns || 'host'}`);
    return l;
  }

  private deleteLink(ns: string, name: string): void {
    const s = this.get(ns);
    const l = s.links.get(name);
    if (!l) throw new Error(`sim: delete of missing link ${name} in ${ns || 'host'}`);
    s.links.delete(name);
    s.addrs = s.addrs.filter((a) => a.dev !== name);
    s.routes = s.routes.filter((r) => r.dev !== name);
    for (const o of s.links.values()) if (o.master === name) delete o.master;
    if (l.peer) {
      const ps = this.ns.get(l.peer.ns);
      const p = ps && [...ps.links.values()].find((x) => x.index === l.peer!.index);
      if (p) {
        delete p.peer;
        this.deleteLink(l.peer.ns, p.name);
      }
    }
  }

  run(actions: Action[], lab: string): void {
    const mark = markFor(lab);
    for (const a of actions) {
      this.log.push(a);
      const ns = 'netns' in a && typeof a.netns === 'string' ? a.netns : HOST;
      switch (a.op) {
        case 'create-netns': {
          if (this.ns.has(a.netns)) throw new Error(`sim: namespace ${a.netns} exists`);
          this.ns.set(a.netns, this.makeNs());
          const s = this.get(a.netns);
          if (!a.ipv6) for (const k of IPV6_SYSCTLS) s.sysctls[k] = '1';
          Object.assign(s.links.get('lo')!, { up: true, alias: mark });
          break;
        }
        case 'delete-netns':
          for (const l of [...this.get(a.netns).links.values()]) if (l.peer && l.peer.ns !== a.netns) this.deleteLink(a.netns, l.name);
          this.ns.delete(a.netns);
          break;
        case 'mark':
          this.link(ns, a.name).alias = mark;
          break;
        case 'create-bridge':
          this.create(ns, { name: a.name, kind: 'bridge', up: true, mtu: a.mtu ?? 1500 }, mark);
          break;
        case 'create-veth': {
          const an = a.a.netns ?? HOST;
          const bn = a.b.netns ?? HOST;
          const x = this.create(an, { name: a.a.name, kind: 'veth', up: true, mtu: a.a.mtu ?? 1500, mac: a.a.mac, master: a.a.master }, mark);
          const y = this.create(bn, { name: a.b.name, kind: 'veth', up: true, mtu: a.b.mtu ?? 1500, mac: a.b.mac, master: a.b.master }, mark);
          x.peer = { ns: bn, index: y.index };
          y.peer = { ns: an, index: x.index };
          break;
        }
        case 'create-macvlan':
          this.create(ns, { name: a.name, kind: 'macvlan', up: true, mtu: a.mtu ?? 1500, macvlanMode: a.mode, master: a.master }, mark);
          break;
        case 'create-vxlan':
          this.create(ns, { name: a.name, kind: 'vxlan', up: true, mtu: a.mtu ?? 1450, vxlan: { vni: a.vni, port: a.port, remote: a.remote, group: a.group, local: a.local }, master: a.master }, mark);
          break;
        case 'delete-link':
          this.deleteLink(ns, a.name);
          break;
        case 'set-link': {
          const l = this.link(ns, a.name);
          if (a.mtu !== undefined) l.mtu = a.mtu;
          if (a.mac !== undefined) l.mac = a.mac;
          if (a.master === null) delete l.master;
          else if (a.master !== undefined) l.master = a.master;
          if (a.up) l.up = true;
          break;
        }
        case 'add-address': {
          const s = this.get(ns);
          const cidr = canonCidr(a.cidr);
          if (s.addrs.some((x) => x.dev === a.dev && x.cidr === cidr)) throw new Error(`sim: address ${cidr} exists on ${a.dev}`);
          const family = cidr.includes(':') ? 6 : 4;
          s.addrs.push({ dev: a.dev, cidr, family, scope: 'global' });
          if (family === 4 && a.dev !== 'lo') {
            const [ip, len] = cidr.split('/') as [string, string];
            const n = ip.split('.').map(Number).reduce((x, y) => x * 256 + y, 0);
            const m = Number(len) === 0 ? 0 : (n >>> (32 - Number(len))) * 2 ** (32 - Number(len));
            const net = [24, 16, 8, 0].map((sh) => Math.floor(m / 2 ** sh) % 256).join('.');
            s.routes.push({ to: `${net}/${len}`, dev: a.dev, table: 254, family: 4, protocol: 'kernel' });
          }
          break;
        }
        case 'del-address': {
          const s = this.get(ns);
          const before = s.addrs.length;
          s.addrs = s.addrs.filter((x) => !(x.dev === a.dev && x.cidr === canonCidr(a.cidr)));
          if (s.addrs.length === before) throw new Error(`sim: no address ${a.cidr} on ${a.dev}`);
          break;
        }
        case 'add-route':
        case 'replace-route': {
          const s = this.get(a.netns);
          const k = routeKey(a.route);
          const i = s.routes.findIndex((r) => routeKey(r) === k);
          if (i >= 0 && a.op === 'add-route') throw new Error(`sim: route ${a.route.to} exists`);
          const r: ObservedRoute = { to: a.route.to === 'default' ? 'default' : canonDst(a.route.to, a.route.family), family: a.route.family, table: a.route.table ?? 254, protocol: 'static' };
          if (a.route.via) r.via = a.route.via;
          if (a.route.dev) r.dev = a.route.dev;
          else if (a.route.via) r.dev = [...s.links.keys()].find((d) => d !== 'lo');
          if (a.route.metric !== undefined) r.metric = a.route.metric;
          if (i >= 0) s.routes[i] = r;
          else s.routes.push(r);
          break;
        }
        case 'del-route': {
          const s = this.get(a.netns);
          const k = routeKey(a.route);
          const i = s.routes.findIndex((r) => routeKey(r) === k);
          if (i < 0) throw new Error(`sim: no route ${a.route.to}`);
          s.routes.splice(i, 1);
          break;
        }
        case 'set-sysctl':
          if (ns === HOST && this.effects.sysctls[a.key] === undefined) this.effects.sysctls[a.key] = this.get(HOST).sysctls[a.key] ?? '';
          this.get(ns).sysctls[a.key] = a.value;
          break;
        case 'restore-sysctl':
          this.get(HOST).sysctls[a.key] = a.value;
          delete this.effects.sysctls[a.key];
          break;
        case 'attach-uplink': {
          const l = this.link(HOST, a.nic);
          if (!this.effects.uplinks[a.nic]) this.effects.uplinks[a.nic] = { bridge: a.bridge, wasUp: l.up };
          this.effects.uplinks[a.nic]!.bridge = a.bridge;
          l.master = a.bridge;
          l.up = true;
          break;
        }
        case 'detach-uplink': {
          const l = this.link(HOST, a.nic);
          delete l.master;
          l.up = a.wasUp;
          delete this.effects.uplinks[a.nic];
          break;
        }
        case 'add-nat':
          this.natTables.add(a.table);
          this.effects.nat = { table: a.table, subnets: a.subnets, ...(a.out ? { out: a.out } : {}) };
          break;
        case 'del-nat':
          this.natTables.delete(a.table);
          delete this.effects.nat;
          break;
        case 'run-exec':
          this.execDone[a.node] = a.commands;
          break;
      }
    }
  }

  private create(ns: string, l: Omit<SimLink, 'index'>, mark: string): SimLink {
    const s = this.get(ns);
    if (s.links.has(l.name)) throw new Error(`sim: link ${l.name} exists in ${ns || 'host'}`);
    const clean = Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Omit<SimLink, 'index'>;
    if (ns === HOST) clean.alias = mark;
    return this.addLink(ns, clean);
  }

  /** What observe would report for `spec` (plus what earlier specs and the journal name). */
  observe(spec: LabSpec): ObservedLab {
    const lab = spec.name;
    const d = indexLab(spec);
    const names = new Set([...spec.nodes.map((n) => n.netns), ...this.previous.flatMap((p) => p.nodes.map((n) => n.netns)), ...this.intended.namespaces]);
    const view = (ns: string, l: SimLink): ObservedLink => {
      const { peer, ...rest } = l;
      const o: ObservedLink = { ...rest };
      if (peer) {
        o.peerIndex = peer.index;
        o.peerNetns = peer.ns;
      }
      return o;
    };
    const out: ObservedLab = {
      lab,
      namespaces: {},
      host: { links: [], addresses: [], nics: {}, sysctls: {}, natTables: [...this.natTables].filter((t) => t === `nsnet-${lab}`), nft: this.nft },
      previous: this.previous,
      intended: this.intended,
      effects: structuredClone(this.effects),
      execDone: structuredClone(this.execDone),
    };
    for (const name of names) {
      const s = this.ns.get(name);
      if (!s) {
        out.namespaces[name] = { name, exists: false, links: [], addresses: [], routes: [], sysctls: {} };
        continue;
      }
      const lo = s.links.get('lo')!;
      const owner = lo.alias?.startsWith('nsnet:') ? lo.alias.slice(6) : undefined;
      const node = d.nodeOfNs.get(name);
      const tables = new Set([254, ...tablesOf(node?.routes ?? [])]);
      const keys = [...IPV6_SYSCTLS, ...Object.keys(node?.sysctls ?? {})];
      const x = {
        name, exists: true, links: [...s.links.values()].map((l) => view(name, l)), addresses: [...s.addrs],
        routes: s.routes.filter((r) => tables.has(r.table)), sysctls: Object.fromEntries(keys.filter((k) => s.sysctls[k] !== undefined).map((k) => [k, s.sysctls[k]!])),
        empty: s.links.size === 1 && !lo.alias,
      } as ObservedLab['namespaces'][string];
      if (owner) x.owner = owner;
      out.namespaces[name] = x;
    }
    const h = this.get(HOST);
    out.host.links = [...h.links.values()].filter((l) => l.name !== 'lo').map((l) => view(HOST, l));
    const aliasOf = (n?: string) => (n ? h.links.get(n)?.alias : undefined);
    out.host.addresses = h.addrs.filter((a) => a.dev !== 'lo');
    const nics = new Set<string>();
    for (const u of spec.uplinks) if (u.kind === 'bridge') nics.add(u.nic); else if (u.out) nics.add(u.out);
    for (const l of spec.links) if (l.kind === 'macvlan') nics.add(l.parent); else if (l.kind === 'vxlan' && l.dev) nics.add(l.dev);
    for (const n of nics) {
      const l = h.links.get(n);
      out.host.nics[n] = l ? { exists: true, index: l.index, up: l.up, ...(l.master ? { master: l.master, masterAlias: aliasOf(l.master) } : {}) } : { exists: false };
    }
    if (spec.uplinks.some((u) => u.kind === 'nat') || this.effects.sysctls[IP_FORWARD] !== undefined) out.host.sysctls[IP_FORWARD] = h.sysctls[IP_FORWARD]!;
    return out;
  }

  /** Plan-apply bookkeeping as src/apply does it: the applied spec becomes `previous`. */
  applied(spec: LabSpec): void {
    this.previous = [spec];
    this.intended = { namespaces: [], hostLinks: [] };
  }
}

// ---------------------------------------------------------------- spec builders

type Ep = { node?: string; name: string; bridge?: string };

/** A LabSpec by hand, shaped as the topology layer normalizes it. */
export function spec(name: string, parts: Partial<Omit<LabSpec, 'name'>> = {}): LabSpec {
  return { name, prefix: '', nodes: [], bridges: [], links: [], uplinks: [], ...parts };
}

export function node(name: string, o: { ifaces?: Record<string, string[]>; routes?: LabSpec['nodes'][number]['routes']; sysctls?: Record<string, string>; ipv6?: boolean; prefix?: string; exec?: string[][]; mtu?: Record<string, number> } = {}): LabSpec['nodes'][number] {
  return {
    name,
    netns: `${o.prefix ?? ''}${name}`,
    ipv6: o.ipv6 ?? false,
    interfaces: Object.entries(o.ifaces ?? {}).map(([n, addresses]) => ({ logical: n, name: n, addresses, ...(o.mtu?.[n] ? { mtu: o.mtu[n] } : {}) })),
    routes: o.routes ?? [],
    sysctls: o.sysctls ?? {},
    exec: o.exec ?? [],
  };
}

export function veth(a: Ep, b: Ep, mtu?: number): LabSpec['links'][number] {
  const ep = (e: Ep) => ({ ...e, logical: e.name });
  const id = (e: Ep) => `${e.node ?? e.bridge ?? 'host'}:${e.name}`;
  return { kind: 'veth', id: `${id(a)}--${id(b)}`, a: ep(a), b: ep(b), ...(mtu ? { mtu } : {}) };
}

/** h1 — r1 — h2, as examples/router.yaml. */
export function routerLab(name = 'router'): LabSpec {
  return spec(name, {
    nodes: [
      node('h1', { ifaces: { eth0: ['10.0.1.10/24'] }, routes: [{ to: 'default', via: '10.0.1.1', family: 4 }] }),
      node('r1', { ifaces: { eth0: ['10.0.1.1/24'], eth1: ['10.0.2.1/24'] }, sysctls: { 'net.ipv4.ip_forward': '1' } }),
      node('h2', { ifaces: { eth0: ['10.0.2.10/24'] }, routes: [{ to: 'default', via: '10.0.2.1', family: 4 }] }),
    ],
    links: [veth({ node: 'h1', name: 'eth0' }, { node: 'r1', name: 'eth0' }), veth({ node: 'r1', name: 'eth1' }, { node: 'h2', name: 'eth0' })],
  });
}

/** N hosts on one host bridge, as the star benchmark. */
export function starLab(n: number, name = 'star'): LabSpec {
  const nodes = [];
  const links = [];
  for (let i = 1; i <= n; i++) {
    nodes.push(node(`h${i}`, { ifaces: { eth0: [`10.0.${Math.floor(i / 256)}.${i % 256}/16`] } }));
    links.push(veth({ node: `h${i}`, name: 'eth0' }, { name: `h${i}-eth0`, bridge: 'br0' }));
  }
  return spec(name, { nodes, bridges: [{ logical: 'br0', name: 'br0', addresses: ['10.0.255.254/16'] }], links });
}
