/**
 * Random labs and random edits of them for the differential convergence test (model.ts holds
 * the model and its rendering). Everything is drawn from one seeded PRNG, so a seed is a case.
 */
import { LAB, type Member, type MNode, type Model, type MRoute, type Segment } from './model.js';

export type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

const MTUS = [1280, 1300, 1400, 1450, 9000];
const SYSCTLS: Record<string, string[]> = {
  'net.ipv4.ip_forward': ['0', '1'],
  'net.ipv4.conf.all.rp_filter': ['0', '1', '2'],
  'net.ipv4.icmp_echo_ignore_all': ['0', '1'],
  'net.ipv6.conf.all.forwarding': ['0', '1'],
};

function freeNet(m: Model, r: Rand): number {
  const used = new Set(m.segs.map((s) => s.net));
  for (;;) {
    const n = 1 + int(r, 200);
    if (!used.has(n)) return n;
  }
}

function freeHost(s: Segment, r: Rand): number {
  const used = new Set(s.members.map((x) => x.host));
  for (;;) {
    const h = 2 + int(r, 200);
    if (!used.has(h)) return h;
  }
}

function freeIf(m: Model, node: string): string {
  const used = new Set(m.segs.flatMap((s) => s.members.filter((x) => x.node === node).map((x) => x.ifname)));
  for (let i = 0; ; i++) if (!used.has(`e${i}`)) return `e${i}`;
}

const hex2 = (r: Rand): string => int(r, 256).toString(16).padStart(2, '0');
const randomMac = (r: Rand): string => `02:00:00:${hex2(r)}:${hex2(r)}:${hex2(r)}`;

function member(m: Model, s: Segment, node: string, r: Rand): Member {
  const x: Member = { node, ifname: freeIf(m, node), host: freeHost(s, r) };
  if (chance(r, 0.15)) x.mtu = pick(r, MTUS);
  if (chance(r, 0.1)) x.mac = randomMac(r);
  if (s.kind === 'bridge' && chance(r, 0.1)) x.linkMtu = pick(r, MTUS);
  return x;
}

function freeLo(m: Model, r: Rand): number {
  const used = new Set(m.nodes.map((n) => n.lo));
  for (;;) {
    const x = 1 + int(r, 250);
    if (!used.has(x)) return x;
  }
}

function freeNode(m: Model): string {
  const used = new Set(m.nodes.map((n) => n.name));
  for (let i = 1; ; i++) if (!used.has(`n${i}`)) return `n${i}`;
}

function newNode(m: Model, r: Rand): MNode {
  const n: MNode = { name: freeNode(m), sysctls: {}, routes: [] };
  if (chance(r, 0.2)) n.ipv6 = chance(r, 0.5);
  for (const [k, vs] of Object.entries(SYSCTLS)) if (chance(r, 0.2)) n.sysctls[k] = pick(r, vs);
  if (chance(r, 0.15)) n.lo = freeLo(m, r);
  m.nodes.push(n);
  return n;
}

/** A new segment joining some of `candidates` (a p2p needs two). */
function newSegment(m: Model, r: Rand, candidates: string[]): Segment | undefined {
  const id = m.next++;
  const kind = candidates.length >= 2 && chance(r, 0.5) ? 'p2p' : 'bridge';
  const s: Segment = { id, net: freeNet(m, r), v6: chance(r, 0.35), kind, members: [] };
  if (chance(r, 0.15)) s.mtu = pick(r, MTUS);
  let ports: string[];
  if (kind === 'p2p') {
    const a = pick(r, candidates);
    ports = [a, pick(r, candidates.filter((c) => c !== a))];
  } else {
    const inNode = candidates.length >= 2 && chance(r, 0.3) ? pick(r, candidates) : undefined;
    s.bridge = { name: `${inNode ? 'nb' : 'cvb'}${id}`, addr: chance(r, 0.7) };
    if (inNode !== undefined) s.bridge.node = inNode;
    if (chance(r, 0.1)) s.bridge.stp = chance(r, 0.5);
    const pool = candidates.filter((c) => c !== inNode);
    ports = pool.filter(() => chance(r, 0.6));
    if (ports.length === 0 && pool.length) ports = [pick(r, pool)];
  }
  m.segs.push(s);
  for (const p of ports) s.members.push(member(m, s, p, r));
  return s;
}

/** A random route for node n, through one of its segments. */
function newRoute(m: Model, r: Rand, n: MNode): MRoute | undefined {
  const mine = m.segs.filter((s) => s.members.some((x) => x.node === n.name));
  if (!mine.length) return undefined;
  const gs = pick(r, mine);
  const whos = [...gs.members.map((x) => x.node).filter((x) => x !== n.name), ...(gs.bridge?.addr ? ['#bridge'] : [])];
  if (!whos.length) return undefined;
  const family: 4 | 6 = gs.v6 && chance(r, 0.4) ? 6 : 4;
  const route: MRoute = { family, via: { seg: gs.id, who: pick(r, whos) } };
  const others = m.segs.filter((s) => !s.members.some((x) => x.node === n.name));
  if (others.length && chance(r, 0.5)) route.to = pick(r, others).id;
  if (chance(r, 0.2)) route.metric = pick(r, [10, 100, 200]);
  return route;
}

export function randomLab(r: Rand): Model {
  const m: Model = { nodes: [], segs: [], next: 1 };
  const count = 2 + int(r, 3);
  for (let i = 0; i < count; i++) newNode(m, r);
  const names = m.nodes.map((n) => n.name);
  const segs = 1 + int(r, 4);
  for (let i = 0; i < segs; i++) newSegment(m, r, names);
  for (const n of m.nodes) {
    const k = int(r, 3);
    for (let i = 0; i < k; i++) {
      const x = newRoute(m, r, n);
      if (x) n.routes.push(x);
    }
  }
  const natable = m.segs.filter((s) => s.bridge && s.bridge.node === undefined && s.bridge.addr);
  if (natable.length && chance(r, 0.3)) m.nat = { seg: pick(r, natable).id, out: chance(r, 0.5) };
  return m;
}

// ------------------------------------------------------------------------------------ edits

type Edit = (m: Model, r: Rand) => string | undefined;

const someSeg = (m: Model, r: Rand, f: (s: Segment) => boolean = () => true): Segment | undefined => {
  const xs = m.segs.filter(f);
  return xs.length ? pick(r, xs) : undefined;
};
const someMember = (m: Model, r: Rand): { s: Segment; x: Member } | undefined => {
  const xs = m.segs.flatMap((s) => s.members.map((x) => ({ s, x })));
  return xs.length ? pick(r, xs) : undefined;
};
const mtuEdit = (r: Rand, cur: number | undefined): number | undefined => (cur !== undefined && chance(r, 0.5) ? undefined : pick(r, MTUS.filter((x) => x !== cur)));
const show = (v: number | undefined): string => (v === undefined ? 'unset' : String(v));

export const EDITS: Record<string, Edit> = {
  renumber(m, r) {
    const s = someSeg(m, r);
    if (!s) return undefined;
    const old = s.net;
    s.net = freeNet(m, r);
    return `renumber segment ${s.id}: 10.80.${old}.0/24 -> 10.80.${s.net}.0/24`;
  },
  readdress(m, r) {
    const p = someMember(m, r);
    if (!p) return undefined;
    const old = p.x.host;
    p.x.host = freeHost(p.s, r);
    return `readdress ${p.x.node}:${p.x.ifname} in segment ${p.s.id}: .${old} -> .${p.x.host}`;
  },
  ifaceMtu(m, r) {
    const p = someMember(m, r);
    if (!p) return undefined;
    const old = p.x.mtu;
    p.x.mtu = mtuEdit(r, old);
    if (p.x.mtu === undefined) delete p.x.mtu;
    return `mtu of ${p.x.node}:${p.x.ifname}: ${show(old)} -> ${show(p.x.mtu)}`;
  },
  linkMtu(m, r) {
    const s = someSeg(m, r);
    if (!s) return undefined;
    if (s.kind === 'bridge' && s.members.length && chance(r, 0.5)) {
      const x = pick(r, s.members);
      const old = x.linkMtu;
      x.linkMtu = mtuEdit(r, old);
      if (x.linkMtu === undefined) delete x.linkMtu;
      return `link mtu of ${x.node}:${x.ifname} -- ${s.bridge!.name}: ${show(old)} -> ${show(x.linkMtu)}`;
    }
    const old = s.mtu;
    s.mtu = mtuEdit(r, old);
    if (s.mtu === undefined) delete s.mtu;
    return `${s.kind === 'p2p' ? 'link' : `bridge ${s.bridge!.name}`} mtu of segment ${s.id}: ${show(old)} -> ${show(s.mtu)}`;
  },
  ipv6Segment(m, r) {
    const s = someSeg(m, r);
    if (!s) return undefined;
    s.v6 = !s.v6;
    return `IPv6 ${s.v6 ? 'on' : 'off'} in segment ${s.id}`;
  },
  ipv6Node(m, r) {
    const n = pick(r, m.nodes);
    const old = n.ipv6;
    n.ipv6 = pick(r, [true, false, undefined].filter((x) => x !== old));
    if (n.ipv6 === undefined) delete n.ipv6;
    return `node ${n.name} ipv6: ${String(old)} -> ${String(n.ipv6)}`;
  },
  addSegment(m, r) {
    const s = newSegment(m, r, m.nodes.map((n) => n.name));
    return s && `add segment ${s.id} (${s.kind}${s.bridge ? ` ${s.bridge.name}${s.bridge.node ? ` in ${s.bridge.node}` : ''}` : ''}: ${s.members.map((x) => x.node).join(', ')})`;
  },
  removeSegment(m, r) {
    const s = someSeg(m, r);
    if (!s) return undefined;
    m.segs = m.segs.filter((x) => x !== s);
    return `remove segment ${s.id}`;
  },
  addNode(m, r) {
    const n = newNode(m, r);
    const s = someSeg(m, r, (x) => x.kind === 'bridge' && x.bridge!.node !== n.name);
    if (s && chance(r, 0.6)) s.members.push(member(m, s, n.name, r));
    else newSegment(m, r, [n.name, ...(m.nodes.length > 1 ? [pick(r, m.nodes.filter((x) => x !== n)).name] : [])]);
    const x = newRoute(m, r, n);
    if (x) n.routes.push(x);
    return `add node ${n.name}`;
  },
  removeNode(m, r) {
    if (m.nodes.length <= 1) return undefined;
    const n = pick(r, m.nodes);
    m.nodes = m.nodes.filter((x) => x !== n);
    m.segs = m.segs.filter((s) => s.bridge?.node !== n.name && !(s.kind === 'p2p' && s.members.some((x) => x.node === n.name)));
    for (const s of m.segs) s.members = s.members.filter((x) => x.node !== n.name);
    return `remove node ${n.name}`;
  },
  moveGateway(m, r) {
    const n = pick(r, m.nodes);
    const i = n.routes.length ? int(r, n.routes.length) : -1;
    const x = newRoute(m, r, n);
    if (!x) return undefined;
    if (i >= 0 && chance(r, 0.7)) {
      n.routes[i] = { ...n.routes[i]!, via: x.via, family: x.family };
      return `node ${n.name}: route ${i} now via ${x.via.who} in segment ${x.via.seg}`;
    }
    n.routes.push(x);
    return `node ${n.name}: new route via ${x.via.who} in segment ${x.via.seg}`;
  },
  removeRoute(m, r) {
    const withRoutes = m.nodes.filter((x) => x.routes.length);
    if (!withRoutes.length) return undefined;
    const n = pick(r, withRoutes);
    n.routes.splice(int(r, n.routes.length), 1);
    return `node ${n.name}: a route removed`;
  },
  bridgeMembers(m, r) {
    const s = someSeg(m, r, (x) => x.kind === 'bridge');
    if (!s) return undefined;
    const out = s.members.length && chance(r, 0.5) ? pick(r, s.members) : undefined;
    if (out) {
      s.members = s.members.filter((x) => x !== out);
      const to = someSeg(m, r, (x) => x.kind === 'bridge' && x !== s && x.bridge!.node !== out.node && !x.members.some((y) => y.node === out.node));
      if (to && chance(r, 0.6)) {
        to.members.push({ ...out, host: freeHost(to, r) });
        return `${out.node}:${out.ifname} moves from ${s.bridge!.name} to ${to.bridge!.name}`;
      }
      return `${out.node}:${out.ifname} leaves ${s.bridge!.name}`;
    }
    const cand = m.nodes.filter((n) => n.name !== s.bridge!.node && !s.members.some((x) => x.node === n.name));
    if (!cand.length) return undefined;
    const n = pick(r, cand);
    s.members.push(member(m, s, n.name, r));
    return `${n.name} joins ${s.bridge!.name}`;
  },
  bridgeAddr(m, r) {
    const s = someSeg(m, r, (x) => x.kind === 'bridge');
    if (!s) return undefined;
    s.bridge!.addr = !s.bridge!.addr;
    return `bridge ${s.bridge!.name} address ${s.bridge!.addr ? 'added' : 'removed'}`;
  },
  sysctl(m, r) {
    const n = pick(r, m.nodes);
    const k = pick(r, Object.keys(SYSCTLS));
    const old = n.sysctls[k];
    if (old !== undefined && chance(r, 0.5)) delete n.sysctls[k];
    else n.sysctls[k] = pick(r, SYSCTLS[k]!.filter((v) => v !== old));
    return `node ${n.name} ${k}: ${old ?? 'unset'} -> ${n.sysctls[k] ?? 'unset'}`;
  },
  mac(m, r) {
    const p = someMember(m, r);
    if (!p) return undefined;
    const old = p.x.mac;
    if (old !== undefined && chance(r, 0.5)) delete p.x.mac;
    else p.x.mac = randomMac(r);
    return `mac of ${p.x.node}:${p.x.ifname}: ${old ?? 'unset'} -> ${p.x.mac ?? 'unset'}`;
  },
  impair(m, r) {
    const p = someMember(m, r);
    if (!p) return undefined;
    const old = p.x.impair;
    if (old !== undefined && chance(r, 0.4)) delete p.x.impair;
    else p.x.impair = { ...(chance(r, 0.7) ? { rate: pick(r, ['10mbit', '100mbit', '1gbit']) } : {}), ...(chance(r, 0.5) ? { loss: '0%' } : {}) };
    if (p.x.impair && Object.keys(p.x.impair).length === 0) p.x.impair = { rate: '100mbit' };
    const show = (x?: Member['impair']) => (x ? JSON.stringify(x) : 'none');
    return `impairment of ${p.x.node}:${p.x.ifname}: ${show(old)} -> ${show(p.x.impair)}`;
  },
  loopback(m, r) {
    const n = pick(r, m.nodes);
    const old = n.lo;
    if (old !== undefined && chance(r, 0.5)) delete n.lo;
    else n.lo = freeLo(m, r);
    return `node ${n.name} lo: ${old ?? 'unset'} -> ${n.lo ?? 'unset'}`;
  },
  nat(m, r) {
    const natable = m.segs.filter((s) => s.bridge && s.bridge.node === undefined && s.bridge.addr);
    if (m.nat && chance(r, 0.4)) {
      delete m.nat;
      return 'NAT uplink removed';
    }
    if (!natable.length) return undefined;
    m.nat = { seg: pick(r, natable).id, out: chance(r, 0.5) };
    return `NAT uplink on segment ${m.nat.seg}${m.nat.out ? ' out of the stand-in NIC' : ''}`;
  },
};

/** One to three random edits of a copy of m; their descriptions. */
export function randomEdit(m: Model, r: Rand, kinds: readonly string[] = Object.keys(EDITS)): { model: Model; edits: string[] } {
  const out = structuredClone(m);
  const edits: string[] = [];
  const n = 1 + int(r, 3);
  for (let tries = 0; edits.length < n && tries < 20; tries++) {
    const e = EDITS[pick(r, kinds)]!(out, r);
    if (e !== undefined) edits.push(e);
  }
  return { model: out, edits };
}

export { LAB };
