/**
 * For unit tests only (it does not ship): a small in-memory kernel that runs plan actions the
 * way src/apply does (marks included) and reports what it holds as an ObservedLab, so tests can
 * check that "apply the plan, plan again" gives nothing to do, and that an edit changes only what
 * it must. What each action does to it is said by its kind (src/plan/kinds/*.ts, `sim`).
 */
import type { Features } from '../../src/api/featureset.js';
import type { LabSpec } from '../../src/topology/model.js';
import type { Action, Plan } from '../../src/plan/actions.js';
import { planLab } from '../../src/plan/plan.js';
import { refusalText } from '../../src/plan/render.js';
import { IP_FORWARD, IPV6_SYSCTLS } from '../../src/plan/constants.js';
import { HOST, indexLab, tablesOf } from '../../src/plan/desired.js';
import { MAIN_TABLE } from '../../src/plan/keys.js';
import { simulate, type SimLink, type SimNs, type SimWorld } from '../../src/plan/kinds/index.js';
import { removedSysctls } from '../../src/plan/steps/sysctls.js';
import { emptyEffects, markFor, type HostEffects, type ObservedLab, type ObservedLink } from '../../src/plan/observed.js';

export class SimKernel implements SimWorld {
  readonly ns = new Map<string, SimNs>();
  readonly natTables = new Set<string>();
  effects: HostEffects = emptyEffects();
  execDone: Record<string, string[][]> = {};
  previous: LabSpec[] = [];
  intended = { namespaces: [] as string[], hostLinks: [] as string[] };
  /** Every action run, in order. */
  readonly log: Action[] = [];
  nft = true;
  /** What the kernel offers for impairments (observe probes it when the file has any); this machine's by default. */
  features: Features | undefined = { netem: false, tbf: true, htb: true, clsact: true, cls_bpf: true, ifb: true };

  constructor() {
    this.ns.set(HOST, this.makeNs());
    this.hostLink({ name: 'eth0', kind: undefined, up: true, mtu: 1500 });
  }

  makeNs(): SimNs {
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

  link(ns: string, name: string): SimLink {
    const l = this.get(ns).links.get(name);
    if (!l) throw new Error(`sim: no link ${name} in ${ns || 'host'}`);
    return l;
  }

  deleteLink(ns: string, name: string): void {
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
      simulate(this, a, mark);
    }
  }

  create(ns: string, l: Omit<SimLink, 'index'>, mark: string): SimLink {
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
      ...(this.features ? { features: this.features } : {}),
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
      const tables = new Set([MAIN_TABLE, ...tablesOf(node?.routes ?? [])]);
      const prev = this.previous.map(indexLab);
      const removed = removedSysctls(d, prev, name);
      const keys = [...IPV6_SYSCTLS, ...Object.keys(node?.sysctls ?? {}), ...removed];
      for (const k of removed) (out.freshSysctls ??= {})[k] = this.makeNs().sysctls[k] ?? '0';
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

/** Plan `s` against the sim, check it refuses nothing, run it, record it as applied; returns the plan. */
export function simUp(k: SimKernel, s: LabSpec): Plan {
  const p = planLab(s, k.observe(s));
  if (p.refusals.length) throw new Error(`sim: the plan refuses: ${p.refusals.map((r) => refusalText(r)).join('; ')}`);
  k.run(p.actions, s.name);
  k.applied(s);
  return p;
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
