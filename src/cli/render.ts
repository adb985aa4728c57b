/**
 * Text and JSON output in iproute2's shapes: `ip link show`, `ip addr show`, `ip route`,
 * `ip neigh`, `ip netns list`, and their `-j` field names. Pure: data in, string out.
 */
import type { AddrInfo, LinkInfo, NamespaceInfo, NeighInfo, RouteInfo, RouteLookup } from '../api/types.js';
import { isMainTable } from '../wire/rtnl/constants.js';
import { kindJson, kindText, type NameOf } from './render-kinds.js';
import { statsJson, statsLines } from './render-stats.js';

export interface RenderOptions {
  json?: boolean;
  pretty?: boolean;
  details?: boolean;
  /** -s: the counters (1), -s -s: and the error counters (2). */
  stats?: number;
}

/** One JSON document and a newline (`ip -j` is compact, `ip -j -p` indented). */
export function toJson(v: unknown, pretty = false): string {
  return `${JSON.stringify(v, null, pretty ? 2 : undefined)}\n`;
}

export type ByIndex = ReadonlyMap<number, LinkInfo>;
export const indexLinks = (links: readonly LinkInfo[]): ByIndex => new Map(links.map((l) => [l.ifindex, l]));
const namer = (byIndex: ByIndex): NameOf => (i) => byIndex.get(i)?.ifname;

/** The name ip prints after '@': the peer's ifindex when it lives in another namespace, else its name. */
export function linkRef(l: LinkInfo, byIndex: ByIndex): { at: string; key: 'link' | 'link_index'; value: string | number } | undefined {
  if (l.link_index === undefined) return undefined;
  if (l.link_netnsid !== undefined) return { at: `if${l.link_index}`, key: 'link_index', value: l.link_index };
  const name = l.peer ?? byIndex.get(l.link_index)?.ifname ?? `if${l.link_index}`;
  return { at: name, key: 'link', value: name };
}

/**
 * One link with `ip -j link show` field names and order (fields nsnet does not read are left
 * out); `linkinfo` (kind and kind data) only with details, as `ip -j -d`.
 */
export function linkJson(l: LinkInfo, byIndex: ByIndex = new Map(), details = false, stats = 0): Record<string, unknown> {
  const o: Record<string, unknown> = { ifindex: l.ifindex };
  const ref = linkRef(l, byIndex);
  if (ref) o[ref.key] = ref.value;
  o.ifname = l.ifname;
  o.flags = l.flags;
  if (l.mtu !== undefined) o.mtu = l.mtu;
  if (l.qdisc !== undefined) o.qdisc = l.qdisc;
  if (l.master !== undefined) o.master = l.master;
  o.operstate = l.operstate;
  if (l.linkmode !== undefined) o.linkmode = l.linkmode;
  if (l.group !== undefined) o.group = l.group;
  if (l.txqlen !== undefined) o.txqlen = l.txqlen;
  o.link_type = l.link_type;
  if (l.address !== undefined) o.address = l.address;
  if (l.broadcast !== undefined) o.broadcast = l.broadcast;
  if (l.link_netnsid !== undefined) o.link_netnsid = l.link_netnsid;
  if (l.ifalias !== undefined) o.ifalias = l.ifalias;
  if (stats && l.stats) o.stats64 = statsJson(l.stats, stats);
  if (l.altnames.length) o.altnames = l.altnames;
  if (details && l.kind !== undefined) {
    const data = kindJson(l.kind, l.info, namer(byIndex));
    o.linkinfo = data ? { info_kind: l.kind, info_data: data } : { info_kind: l.kind };
  }
  return o;
}

/** ip names the peer's namespace when it has a name under /run/netns; else it prints the nsid. */
const peerNetnsWords = (l: LinkInfo): string =>
  l.peerNetns !== undefined && l.peerNetns !== 'host' ? ` link-netns ${l.peerNetns}` : ` link-netnsid ${l.link_netnsid}`;

/** The lines `ip link show` prints for one link (header, link/TYPE line, alias, details, counters, altnames). */
export function linkLines(l: LinkInfo, byIndex: ByIndex, details = false, forAddr = false, stats = 0): string[] {
  const ref = linkRef(l, byIndex);
  let head = `${l.ifindex}: ${l.ifname}${ref ? `@${ref.at}` : ''}: <${l.flags.join(',')}>`;
  if (l.mtu !== undefined) head += ` mtu ${l.mtu}`;
  if (l.qdisc !== undefined) head += ` qdisc ${l.qdisc}`;
  if (l.master !== undefined) head += ` master ${l.master}`;
  head += ` state ${l.operstate}`;
  if (l.linkmode !== undefined && !forAddr) head += ` mode ${l.linkmode}`;
  if (l.group !== undefined) head += ` group ${l.group}`;
  if (l.txqlen !== undefined) head += ` qlen ${l.txqlen}`;
  let second = `    link/${l.link_type}`;
  if (l.address !== undefined) second += ` ${l.address}`;
  if (l.broadcast !== undefined) second += ` brd ${l.broadcast}`;
  if (l.link_netnsid !== undefined) second += peerNetnsWords(l);
  const out = [head, second];
  if (l.ifalias !== undefined) out.push(`    alias ${l.ifalias}`);
  if (details && l.kind !== undefined) {
    const data = kindText(l.kind, l.info, namer(byIndex));
    out.push(`    ${l.kind}${data ? ` ${data}` : ''}`);
  }
  if (stats && l.stats && !forAddr) out.push(...statsLines(l.stats, stats));
  for (const a of l.altnames) out.push(`    altname ${a}`);
  return out;
}

/** `ip link show` / `ip -j link show`. `all` resolves peer and parent names (defaults to `links`). */
export function renderLinks(links: readonly LinkInfo[], o: RenderOptions = {}, all: readonly LinkInfo[] = links): string {
  const byIndex = indexLinks(all);
  if (o.json) return toJson(links.map((l) => linkJson(l, byIndex, o.details, o.stats)), o.pretty);
  return links.map((l) => `${linkLines(l, byIndex, o.details, false, o.stats).join('\n')}\n`).join('');
}

/** One address with `ip -j addr` field names: flags become boolean keys, as ip prints them. */
export function addrJson(a: AddrInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { family: a.family, local: a.local, prefixlen: a.prefixlen };
  if (a.broadcast !== undefined) o.broadcast = a.broadcast;
  o.scope = a.scope;
  for (const f of a.flags) if (f !== 'permanent') o[f] = true;
  if (a.label !== undefined && a.family === 'inet') o.label = a.label;
  if (a.valid_life_time !== undefined) o.valid_life_time = a.valid_life_time;
  if (a.preferred_life_time !== undefined) o.preferred_life_time = a.preferred_life_time;
  return o;
}

const lifetime = (s: number): string => (s === 0xffffffff ? 'forever' : `${s}sec`);

/** `    inet 10.1.1.1/24 brd 10.1.1.255 scope global br0`, then its lifetimes, as ip prints them. */
export function addrLine(a: AddrInfo): string {
  // As ip: each word followed by a space, the label (IPv4 only) last without one.
  let s = `    ${a.family} ${a.local}/${a.prefixlen} `;
  if (a.broadcast !== undefined) s += `brd ${a.broadcast} `;
  s += `scope ${a.scope} `;
  for (const f of a.flags) if (f !== 'permanent') s += `${f} `;
  if (a.label !== undefined && a.family === 'inet') s += a.label;
  if (a.valid_life_time !== undefined && a.preferred_life_time !== undefined) {
    s += `\n       valid_lft ${lifetime(a.valid_life_time)} preferred_lft ${lifetime(a.preferred_life_time)}`;
  }
  return s;
}

/**
 * `ip addr show` / `ip -j addr show`: addresses grouped under their link, in link order.
 * With `onlyWithAddrs` (a -4/-6 filter, as ip does) links without a matching address are left out.
 */
export function renderAddrs(links: readonly LinkInfo[], addrs: readonly AddrInfo[], o: RenderOptions = {}, onlyWithAddrs = false, all: readonly LinkInfo[] = links): string {
  const byIndex = indexLinks(all);
  const per = new Map<number, AddrInfo[]>();
  for (const a of addrs) {
    const list = per.get(a.ifindex) ?? [];
    list.push(a);
    per.set(a.ifindex, list);
  }
  const shown = links.filter((l) => !onlyWithAddrs || per.has(l.ifindex));
  if (o.json) {
    return toJson(shown.map((l) => {
      const { linkmode: _mode, ...rest } = linkJson(l, byIndex);
      const withAddrs: Record<string, unknown> = { ...rest, addr_info: (per.get(l.ifindex) ?? []).map(addrJson) };
      if (o.stats && l.stats) withAddrs.stats64 = statsJson(l.stats, o.stats);
      return withAddrs;
    }), o.pretty);
  }
  // As ip -s addr: the counters after the addresses.
  const counters = (l: LinkInfo): string[] => (o.stats && l.stats ? statsLines(l.stats, o.stats) : []);
  return shown.map((l) => [...linkLines(l, byIndex, false, true), ...(per.get(l.ifindex) ?? []).map(addrLine), ...counters(l)].join('\n') + '\n').join('');
}

/** ip prints no protocol for boot (the default of `ip route add`) and unspec. */
const showProto = (p: string): boolean => p !== 'boot' && p !== 'unspec';
const showScope = (s: string): boolean => s !== 'global' && s !== 'universe';

/**
 * A route's fields in ip's order: the JSON key, its value, and the words of the text. A lookup's
 * answer (route get) adds from, uid, iif and pref, and has no proto or scope when the kernel made it.
 */
function routeFields(r: RouteInfo | RouteLookup): Array<[string, unknown, string[]]> {
  const f: Array<[string, unknown, string[]]> = [];
  const lookup = 'cloned' in r ? r : undefined;
  if (r.type !== 'unicast') f.push(['type', r.type, [r.type]]);
  f.push(['dst', r.dst, [r.dst]]);
  if (lookup?.from !== undefined) f.push(['from', lookup.from, ['from', lookup.from]]);
  if (r.gateway !== undefined) f.push(['gateway', r.gateway, ['via', r.gateway]]);
  if (r.dev !== undefined) f.push(['dev', r.dev, ['dev', r.dev]]);
  if (!isMainTable(r.table)) f.push(['table', String(r.table), ['table', String(r.table)]]);
  if (!lookup?.cloned) {
    if (showProto(r.protocol)) f.push(['protocol', r.protocol, ['proto', r.protocol]]);
    if (showScope(r.scope)) f.push(['scope', r.scope, ['scope', r.scope]]);
  }
  if (r.prefsrc !== undefined) f.push(['prefsrc', r.prefsrc, ['src', r.prefsrc]]);
  if (r.metric !== undefined) f.push(['metric', r.metric, ['metric', String(r.metric)]]);
  f.push(['flags', r.flags, r.flags]);
  if (lookup?.uid !== undefined) f.push(['uid', lookup.uid, ['uid', String(lookup.uid)]]);
  // (text: the cache flags go on a line of their own, see routeGetLines)
  if (lookup?.cache !== undefined) f.push(['cache', lookup.cache, []]);
  if (lookup?.iif !== undefined) f.push(['iif', lookup.iif, ['iif', lookup.iif]]);
  if (lookup?.pref !== undefined) f.push(['pref', lookup.pref, ['pref', lookup.pref]]);
  return f;
}

/** One route with `ip -j route` field names (type only when not unicast, table only when not main). */
export const routeJson = (r: RouteInfo | RouteLookup): Record<string, unknown> => Object.fromEntries(routeFields(r).map(([k, v]) => [k, v]));

/** `default via 10.1.1.1 dev veth1`, `10.1.1.0/24 dev veth1 proto kernel scope link src 10.1.1.2` */
export const routeLine = (r: RouteInfo | RouteLookup): string => routeFields(r).flatMap(([, , words]) => words).join(' ');

export function renderRoutes(routes: readonly RouteInfo[], o: RenderOptions = {}): string {
  if (o.json) return toJson(routes.map(routeJson), o.pretty);
  return routes.map((r) => `${routeLine(r)}\n`).join('');
}

/**
 * `ip route get`: the route's words; an IPv4 answer goes on with "    cache <flags>" on a line of
 * its own, and what ip prints after the cache flags (iif, pref) follows there. `-j`: a
 * one-element array, as ip.
 */
export function renderRouteGet(r: RouteLookup, o: RenderOptions = {}): string {
  if (o.json) return toJson([routeJson(r)], o.pretty);
  const fields = routeFields(r);
  const at = fields.findIndex(([k]) => k === 'cache');
  const words = (from: number, to?: number): string[] => fields.slice(from, to).flatMap(([, , w]) => w);
  if (at < 0 || r.cache === undefined) return `${words(0).join(' ')}\n`;
  const cache = ['    cache', ...(r.cache.length ? [`<${r.cache.join(',')}>`] : []), ...words(at + 1)];
  return `${words(0, at).join(' ')}\n${cache.join(' ')}\n`;
}

/** `ip -j neigh`: {dst, dev, lladdr, router: null (as ip prints a flag), state: [...]}. */
export function neighJson(n: NeighInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { dst: n.dst, dev: n.dev };
  if (n.lladdr !== undefined) o.lladdr = n.lladdr;
  if (n.router) o.router = null;
  o.state = n.state;
  return o;
}

/** `10.1.1.1 dev veth1 lladdr 02:00:00:00:00:01 REACHABLE` */
export function neighLine(n: NeighInfo): string {
  const p = [n.dst, 'dev', n.dev];
  if (n.lladdr !== undefined) p.push('lladdr', n.lladdr);
  if (n.router) p.push('router');
  p.push(...n.state);
  return p.join(' ');
}

export function renderNeighs(neighs: readonly NeighInfo[], o: RenderOptions = {}): string {
  if (o.json) return toJson(neighs.map(neighJson), o.pretty);
  return neighs.map((n) => `${neighLine(n)}\n`).join('');
}

/** `ip netns list`: `blue (id: 0)`; `-j`: [{"name":"blue","id":0}]. */
export function renderNetns(list: readonly NamespaceInfo[], o: RenderOptions = {}): string {
  if (o.json) return toJson(list.map((n) => (n.nsid === undefined ? { name: n.name } : { name: n.name, id: n.nsid })), o.pretty);
  return list.map((n) => `${n.name}${n.nsid === undefined ? '' : ` (id: ${n.nsid})`}\n`).join('');
}
