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
 * a bridge's MAC follows its ports after its link-local address is made, so there every one is "fe80::LL"), address and route flags, lifetimes, nft handles and counters (traffic is not state),
 * and IPv6's ff00::/8 route on a link without carrier (history, not state: historyRoute below).
 * The state is a flat list of lines "where: what", so a difference reads as lines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

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

/**
 * The one route compared only on a link with carrier: IPv6's ff00::/8 in the local table. The
 * kernel adds it when addrconf first configures a link that is up (an IPv6 address added, or the
 * link getting carrier) and removes it only when the link goes down, so on a link without carrier
 * it tells the link's history, not its state: a bridge whose IPv6 address an edit removed keeps
 * it, a fresh one has none until its ports forward (with STP, 2 x forward_delay later), and then
 * both have it (checked: seed 65536470, the edited and the fresh cvb3 alike 32 s on). Neither nsnet
 * nor the file sets it. With carrier it is compared like every other route.
 */
const historyRoute = (r: J, noCarrier: ReadonlySet<string>): boolean => r.dst === 'ff00::/8' && r.table === 'local' && noCarrier.has(r.dev as string);

/** The links of a namespace that are up without carrier. */
function noCarrier(raw: RawNs): Set<string> {
  return new Set(raw.links.filter((l) => !(l.flags as string[]).includes('LOWER_UP')).map((l) => l.ifname as string));
}

function routeLines(ns: string | undefined, devs: Set<string> | undefined, carrierless: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const fam of ['-4', '-6']) {
    for (const r of ipj(ns, fam, 'route', 'show', 'table', 'all')) {
      if (devs && !devs.has(r.dev as string)) continue;
      if (historyRoute(r, carrierless)) continue;
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
  for (const ns of nss) lines.push(...addrLines(ns, undefined), ...routeLines(ns, undefined, noCarrier(all.get(ns)!)), ...sysctlLines(ns), ...qdiscLines(ns));
  lines.push(...qdiscLines(undefined, hostDevs));
  lines.push(...addrLines(undefined, hostDevs), ...routeLines(undefined, hostDevs, noCarrier(all.get(HOST)!)), ...nftLines());
  lines.push(...sysctlLines(undefined).filter((l) => l.includes('ipv4.ip_forward')));
  return lines.sort();
}

/**
 * What of a namespace is still settling: an IPv6 address tentative (DAD; the sandbox's own
 * namespace has accept_dad 1, the lab's have 0), or a link with carrier in a namespace with IPv6
 * on (lo has ::1) without its link-local address yet (the kernel adds it when its linkwatch work
 * handles the carrier change; up finishes that for the links it starts, apply/linkwatch.ts).
 */
function settling(ns: string | undefined): string[] {
  const links = ipj(ns, 'addr', 'show');
  const v6on = links.some((l) => l.ifname === 'lo' && ((l.addr_info as J[]) ?? []).some((a) => a.local === '::1'));
  const out: string[] = [];
  for (const l of links) {
    if (!(l.flags as string[]).includes('LOWER_UP')) continue;
    const addrs = (l.addr_info as J[]) ?? [];
    const where = `${ns ?? 'the sandbox namespace'} link ${l.ifname}`;
    const tentative = addrs.filter((a) => a.tentative === true && a.dadfailed !== true).map((a) => a.local as string);
    if (tentative.length) out.push(`${where}: ${tentative.join(', ')} still tentative`);
    else if (v6on && l.ifname !== 'lo' && !linkIpv6Off(ns, l.ifname as string) && !addrs.some((a) => a.family === 'inet6' && a.scope === 'link')) out.push(`${where}: carrier but no IPv6 link-local address`);
  }
  return out;
}

/**
 * Whether a link has IPv6 off by its own sysctl. nsnet turns it off only on the bridge ports it
 * makes in the host namespace (the sandbox's here), so only there is it read; a node's links
 * follow the node's all/default setting, which lo's ::1 tells.
 */
function linkIpv6Off(ns: string | undefined, dev: string): boolean {
  if (ns !== undefined) return false;
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`, 'utf8').trim() === '1';
  } catch {
    return false; // gone meanwhile
  }
}

/**
 * Wait until no namespace of the lab (nor the sandbox's own) is settling, at most `ms`; what is
 * still settling then, each naming its namespace and link (a problem of the case: a snapshot of
 * a kernel still at work would compare timing, not state). Empty when all settled.
 */
export async function settle(prefix: string, ms = 5000): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const left = [...labNamespaces(prefix), undefined].flatMap(settling);
    if (!left.length) return [];
    if (Date.now() >= end) return left;
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
