/**
 * The kernel state of a lab as iproute2 and /proc/sys show it, independent of nsnet's observer:
 * every namespace under /run/netns with the lab's prefix (links, addresses, routes of every
 * table, IPv4/IPv6 sysctls read inside it) and the host side (every link but lo and the stand-in
 * NICs, their addresses, the routes on them, the nftables ruleset, ip_forward).
 *
 * Normalised so that what the kernel chooses does not count: ifindexes (a veth's peer is named
 * "NS:IF"), MACs nobody set (only 02:00:00:... ones, the generator's, are kept; a bridge's MAC
 * follows its ports and is dropped), IPv6 link-local addresses (derived from the MAC: kept as
 * "fe80::LL" when they are the MAC's EUI-64 one, as the kernel makes it, "fe80::OTHER" when not;
 * a bridge's MAC follows its ports after its link-local address is made, so there every one is "fe80::LL"), address and route flags, lifetimes, nft handles and counters (traffic is not state).
 * The state is a flat list of lines "where: what", so a difference reads as lines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const HOST = 'host';
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ipj(ns: string | undefined, ...args: string[]): J[] {
  const a = ns === undefined ? ['-j', ...args] : ['-j', '-n', ns, ...args];
  const out = execFileSync('ip', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() ? (JSON.parse(out) as J[]) : [];
}

export function labNamespaces(prefix: string): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)).sort() : [];
}

const ll = (a: string): string => (/^fe80:/i.test(a) ? 'fe80::LL' : a);

/** Links of one namespace, raw, with their ifindex, for peer naming. */
interface RawNs {
  ns: string;
  links: J[];
  /** nsid → namespace name, as seen from this namespace. */
  ids: Map<number, string>;
}

function readNs(ns: string | undefined, skip: Set<string>): RawNs {
  const links = ipj(ns, '-d', 'link', 'show').filter((l) => !skip.has(l.ifname as string));
  const ids = new Map<number, string>();
  for (const x of ipj(ns, 'netns', 'list-id')) ids.set(x.nsid as number, (x.name as string | undefined) ?? HOST);
  return { ns: ns ?? HOST, links, ids };
}

function linkLines(raw: RawNs, all: Map<string, RawNs>): string[] {
  const out: string[] = [];
  const where = raw.ns;
  for (const l of raw.links) {
    const kind = (l.linkinfo?.info_kind as string | undefined) ?? 'device';
    const parts = [`kind=${kind}`, `mtu=${l.mtu}`, `up=${(l.flags as string[]).includes('UP')}`];
    if (l.master) parts.push(`master=${l.master}`);
    if (l.ifalias) parts.push(`alias=${l.ifalias}`);
    if (kind !== 'bridge' && typeof l.address === 'string' && l.address.startsWith('02:00:00:')) parts.push(`mac=${l.address}`);
    if (l.altnames) parts.push(`altnames=${(l.altnames as string[]).join(',')}`);
    if (kind === 'bridge') parts.push(`stp=${l.linkinfo?.info_data?.stp_state ?? '?'}`);
    if (kind === 'veth') {
      let peer = '?';
      if (typeof l.link === 'string') peer = `${where}:${l.link}`;
      else if (l.link_index !== undefined) {
        const pns = l.link_netnsid === undefined ? where : raw.ids.get(l.link_netnsid as number) ?? `nsid${l.link_netnsid}`;
        const p = all.get(pns)?.links.find((x) => x.ifindex === l.link_index);
        peer = p ? `${pns}:${p.ifname}` : `${pns}:#${l.link_index}`;
      }
      parts.push(`peer=${peer}`);
    }
    out.push(`${where} link ${l.ifname}: ${parts.join(' ')}`);
  }
  return out;
}

/** The link-local address the kernel derives from a MAC (EUI-64), as 8 16-bit groups. */
function eui64(mac: string): number[] {
  const m = mac.split(':').map((x) => parseInt(x, 16));
  return [0xfe80, 0, 0, 0, ((m[0]! ^ 2) << 8) | m[1]!, (m[2]! << 8) | 0xff, 0xfe00 | m[3]!, (m[4]! << 8) | m[5]!];
}

/** An IPv6 address as 8 16-bit groups. */
function groups(a: string): number[] {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const mid = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...mid, ...t].map((x) => parseInt(x, 16));
}

function addrLines(ns: string | undefined, devs: Set<string> | undefined): string[] {
  const out: string[] = [];
  for (const l of ipj(ns, '-d', 'addr', 'show')) {
    if (devs && !devs.has(l.ifname as string)) continue;
    const mac = l.linkinfo?.info_kind !== 'bridge' && typeof l.address === 'string' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(l.address) ? (l.address as string) : undefined;
    const own = mac === undefined ? undefined : eui64(mac).join(':');
    for (const a of (l.addr_info as J[]) ?? []) {
      const x = a.local as string;
      const shown = /^fe80:/i.test(x) && own !== undefined && groups(x).join(':') !== own ? 'fe80::OTHER' : ll(x);
      out.push(`${ns ?? HOST} addr ${l.ifname}: ${shown}/${a.prefixlen} scope ${a.scope}`);
    }
  }
  return out;
}

function routeLines(ns: string | undefined, devs: Set<string> | undefined): string[] {
  const out: string[] = [];
  for (const fam of ['-4', '-6']) {
    for (const r of ipj(ns, fam, 'route', 'show', 'table', 'all')) {
      if (devs && !devs.has(r.dev as string)) continue;
      const parts = [r.type ?? 'unicast', ll(r.dst as string)];
      if (r.gateway) parts.push(`via ${r.gateway}`);
      if (r.dev) parts.push(`dev ${r.dev}`);
      for (const k of ['table', 'protocol', 'scope', 'metric', 'prefsrc']) if (r[k] !== undefined) parts.push(`${k} ${ll(String(r[k]))}`);
      out.push(`${ns ?? HOST} route ${fam}: ${parts.join(' ')}`);
    }
  }
  return out;
}

const SYSCTL_GLOBS = [
  '/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv4/icmp_echo_ignore_all', '/proc/sys/net/ipv4/conf/*/forwarding', '/proc/sys/net/ipv4/conf/*/rp_filter',
  '/proc/sys/net/ipv6/conf/*/disable_ipv6', '/proc/sys/net/ipv6/conf/*/forwarding', '/proc/sys/net/ipv6/conf/*/mtu',
];

function sysctlLines(ns: string | undefined): string[] {
  const script = `grep -H . ${SYSCTL_GLOBS.join(' ')} 2>/dev/null; true`;
  const cmd = ns === undefined ? ['sh', ['-c', script]] as const : ['ip', ['netns', 'exec', ns, 'sh', '-c', script]] as const;
  const out = execFileSync(cmd[0], [...cmd[1]], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((l) => {
    const [path, v] = l.split(/:(?=[^:]*$)/);
    return `${ns ?? HOST} sysctl ${path!.replace('/proc/sys/', '').replaceAll('/', '.')}=${v}`;
  });
}

/** Qdiscs nsnet makes (tbf, netem, clsact: impairments), per device; the kernel's defaults are left out. */
function qdiscLines(ns: string | undefined, only?: Set<string>): string[] {
  const a = ns === undefined ? ['-j', 'qdisc', 'show'] : ['-j', '-n', ns, 'qdisc', 'show'];
  const out = execFileSync('tc', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const qs = (out.trim() ? JSON.parse(out) : []) as J[];
  return qs
    .filter((q) => ['tbf', 'netem', 'clsact'].includes(q.kind as string) && (!only || only.has(q.dev as string)))
    .map((q) => `${ns ?? HOST}: qdisc ${q.kind} dev ${q.dev} ${JSON.stringify(q.options ?? {})}`);
}

function nftLines(): string[] {
  const r = spawnSync('nft', ['-j', 'list', 'ruleset'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  const items = ((JSON.parse(r.stdout) as { nftables: J[] }).nftables ?? []).filter((x) => !x.metainfo);
  return items.map((x) => `host nft: ${JSON.stringify(x, (k, v) => (k === 'handle' || k === 'packets' || k === 'bytes' ? undefined : v))}`);
}

/** The kernel state of everything under `prefix` and the host (but `hostSkip`), as sorted lines. */
export function snapshot(prefix: string, hostSkip: readonly string[]): string[] {
  const skip = new Set(['lo', ...hostSkip]);
  const all = new Map<string, RawNs>();
  const nss = labNamespaces(prefix);
  for (const ns of nss) all.set(ns, readNs(ns, new Set()));
  all.set(HOST, readNs(undefined, skip));
  const hostDevs = new Set(all.get(HOST)!.links.map((l) => l.ifname as string));
  const lines = [`namespaces: ${nss.join(' ')}`];
  for (const raw of all.values()) lines.push(...linkLines(raw, all));
  for (const ns of nss) lines.push(...addrLines(ns, undefined), ...routeLines(ns, undefined), ...sysctlLines(ns), ...qdiscLines(ns));
  lines.push(...qdiscLines(undefined, hostDevs));
  lines.push(...addrLines(undefined, hostDevs), ...routeLines(undefined, hostDevs), ...nftLines());
  lines.push(...sysctlLines(undefined).filter((l) => l.includes('ipv4.ip_forward')));
  return lines.sort();
}

/**
 * Whether a namespace is still settling: an IPv6 address is tentative (DAD), or a link with
 * carrier in a namespace with IPv6 on (lo has ::1) has no link-local address yet (the kernel adds
 * it when the carrier change reaches addrconf through linkwatch, up to a second after up returns).
 */
function settling(ns: string | undefined): boolean {
  const links = ipj(ns, 'addr', 'show');
  const v6on = links.some((l) => l.ifname === 'lo' && ((l.addr_info as J[]) ?? []).some((a) => a.local === '::1'));
  return links.some((l) => {
    if (!(l.flags as string[]).includes('LOWER_UP')) return false;
    const addrs = (l.addr_info as J[]) ?? [];
    if (addrs.some((a) => a.tentative === true && a.dadfailed !== true)) return true;
    return v6on && l.ifname !== 'lo' && !addrs.some((a) => a.family === 'inet6' && a.scope === 'link');
  });
}

/** Wait until no namespace of the lab (nor the host) is settling, at most `ms`. */
export async function settle(prefix: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (![...labNamespaces(prefix), undefined].some(settling)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lines only in a, and only in b. */
export function diff(a: string[], b: string[]): { onlyA: string[]; onlyB: string[] } {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  const onlyA = a.filter((x) => (cb.get(x) ?? 0) < (ca.get(x) ?? 0));
  const onlyB = b.filter((x) => (ca.get(x) ?? 0) < (cb.get(x) ?? 0));
  return { onlyA: [...new Set(onlyA)], onlyB: [...new Set(onlyB)] };
}
