/**
 * rtnetlink numbers, written out from the uapi headers (<linux/rtnetlink.h>, <linux/if.h>,
 * <linux/if_addr.h>, <linux/neighbour.h>, <linux/pkt_sched.h>, <linux/if_arp.h>), and the
 * names iproute2 prints for them. Attribute numbers live next to the codec that uses them
 * (link.ts, addr.ts, ...); this file holds the message types, flags and enumerations that
 * several codecs and the api layer share.
 */

// ---- message types (enum in <linux/rtnetlink.h>) ----
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWNEIGH = 28;
export const RTM_DELNEIGH = 29;
export const RTM_GETNEIGH = 30;
export const RTM_NEWQDISC = 36;
export const RTM_DELQDISC = 37;
export const RTM_GETQDISC = 38;
export const RTM_NEWNSID = 88;
export const RTM_DELNSID = 89;
export const RTM_GETNSID = 90;
export const RTM_NEWLINKPROP = 108;
export const RTM_DELLINKPROP = 109;

/** The loopback device's ifindex in every network namespace (LOOPBACK_IFINDEX, <net/net_namespace.h>). */
export const LOOPBACK_IFINDEX = 1;

// ---- address families (<linux/socket.h>) ----
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;
export const AF_PACKET = 17;

// ---- net_device flags (<linux/if.h>) ----
export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_DEBUG = 0x4;
export const IFF_LOOPBACK = 0x8;
export const IFF_POINTOPOINT = 0x10;
export const IFF_NOTRAILERS = 0x20;
export const IFF_RUNNING = 0x40;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_ALLMULTI = 0x200;
export const IFF_MASTER = 0x400;
export const IFF_SLAVE = 0x800;
export const IFF_MULTICAST = 0x1000;
export const IFF_PORTSEL = 0x2000;
export const IFF_AUTOMEDIA = 0x4000;
export const IFF_DYNAMIC = 0x8000;
export const IFF_LOWER_UP = 0x10000;
export const IFF_DORMANT = 0x20000;
export const IFF_ECHO = 0x40000;

/**
 * Flag names in the order iproute2's print_link_flags prints them. RUNNING is never
 * printed by ip, and NO-CARRIER / M-DOWN are derived by ip, so neither appears here.
 */
const IFF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [IFF_LOOPBACK, 'LOOPBACK'], [IFF_BROADCAST, 'BROADCAST'], [IFF_POINTOPOINT, 'POINTOPOINT'],
  [IFF_MULTICAST, 'MULTICAST'], [IFF_NOARP, 'NOARP'], [IFF_ALLMULTI, 'ALLMULTI'], [IFF_PROMISC, 'PROMISC'],
  [IFF_MASTER, 'MASTER'], [IFF_SLAVE, 'SLAVE'], [IFF_DEBUG, 'DEBUG'], [IFF_DYNAMIC, 'DYNAMIC'],
  [IFF_AUTOMEDIA, 'AUTOMEDIA'], [IFF_PORTSEL, 'PORTSEL'], [IFF_NOTRAILERS, 'NOTRAILERS'], [IFF_UP, 'UP'],
  [IFF_LOWER_UP, 'LOWER_UP'], [IFF_DORMANT, 'DORMANT'], [IFF_ECHO, 'ECHO'],
];

/** iproute2's names for a link's IFF_* flags, in ip's order (e.g. ['BROADCAST','MULTICAST','UP','LOWER_UP']). */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of IFF_NAMES) if (flags & bit) out.push(name);
  return out;
}

// ---- operational state (IF_OPER_* in <linux/if.h>, RFC 2863) ----
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_NOTPRESENT = 1;
export const IF_OPER_DOWN = 2;
export const IF_OPER_LOWERLAYERDOWN = 3;
export const IF_OPER_TESTING = 4;
export const IF_OPER_DORMANT = 5;
export const IF_OPER_UP = 6;
const OPER_NAMES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
/** 'UP', 'DOWN', 'LOWERLAYERDOWN', ... as `ip -j link` prints operstate. */
export const operstateName = (n: number): string => OPER_NAMES[n] ?? String(n);

// ---- ARPHRD_* link types (<linux/if_arp.h>), the ones nsnet meets ----
export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NONE = 0xfffe;
export const ARPHRD_VOID = 0xffff;

// ---- IFLA_EXT_MASK values ----
export const RTEXT_FILTER_VF = 1;
export const RTEXT_FILTER_BRVLAN = 2;
export const RTEXT_FILTER_BRVLAN_COMPRESSED = 4;
export const RTEXT_FILTER_SKIP_STATS = 8;

// ---- routing tables ----
export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_COMPAT = 252;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
/** The table names iproute2 knows without /etc/iproute2/rt_tables (rtnl_rttable_n2a). */
const TABLE_NAMES = new Map<number, string>([[RT_TABLE_DEFAULT, 'default'], [RT_TABLE_MAIN, 'main'], [RT_TABLE_LOCAL, 'local']]);
const TABLE_NUMBERS = new Map<string, number>([...TABLE_NAMES].map(([n, s]) => [s, n]));
/** 'main', 'local', 'default', or the number itself, as `ip -j route` prints a table. */
export const tableName = (n: number): string | number => TABLE_NAMES.get(n) ?? n;
/** The number of a table given as ip prints or takes it ('main', 254, '254'); undefined when it is neither. */
export function tableNumber(t: string | number): number | undefined {
  if (typeof t === 'number') return Number.isInteger(t) && t >= 0 && t <= 0xffffffff ? t : undefined;
  const known = TABLE_NUMBERS.get(t);
  if (known !== undefined) return known;
  return /^(0|[1-9][0-9]{0,9})$/u.test(t) && Number(t) <= 0xffffffff ? Number(t) : undefined;
}
/** True for the main table, by number or name. */
export const isMainTable = (t: string | number | undefined): boolean => t === RT_TABLE_MAIN || t === 'main';

// ---- route protocols (RTPROT_*) ----
export const RTPROT_UNSPEC = 0;
export const RTPROT_REDIRECT = 1;
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;
export const RTPROT_GATED = 8;
export const RTPROT_RA = 9;
export const RTPROT_MRT = 10;
export const RTPROT_ZEBRA = 11;
export const RTPROT_BIRD = 12;
export const RTPROT_DNROUTED = 13;
export const RTPROT_XORP = 14;
export const RTPROT_NTK = 15;
export const RTPROT_DHCP = 16;
export const RTPROT_MROUTED = 17;
export const RTPROT_KEEPALIVED = 18;
export const RTPROT_BABEL = 42;
export const RTPROT_OPENR = 99;
export const RTPROT_BGP = 186;
export const RTPROT_ISIS = 187;
export const RTPROT_OSPF = 188;
export const RTPROT_RIP = 189;
export const RTPROT_EIGRP = 192;
/** iproute2's names (its built-in table, as /etc/iproute2/rt_protos ships it). */
const PROTO_NAMES = new Map<number, string>([
  [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'],
  [10, 'mrt'], [11, 'zebra'], [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'],
  [18, 'keepalived'], [42, 'babel'], [99, 'openr'], [186, 'bgp'], [187, 'isis'], [188, 'ospf'],
  [189, 'rip'], [192, 'eigrp'],
]);
/** 'kernel', 'boot', 'static', 'dhcp', ... or the number as a string, as `ip -j route` prints it. */
export const protocolName = (n: number): string => PROTO_NAMES.get(n) ?? String(n);

// ---- scopes (RT_SCOPE_*) ----
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;
const SCOPE_NAMES = new Map<number, string>([[0, 'global'], [200, 'site'], [253, 'link'], [254, 'host'], [255, 'nowhere']]);
/** 'global', 'site', 'link', 'host', 'nowhere', or the number as a string, as ip prints scopes. */
export const scopeName = (n: number): string => SCOPE_NAMES.get(n) ?? String(n);
/** The scope number of a name ip takes ('global', 'site', 'link', 'host', 'nowhere'). */
export const scopeNumber = (name: string): number | undefined => [...SCOPE_NAMES].find(([, s]) => s === name)?.[0];

// ---- route types (RTN_*) ----
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;
export const RTN_XRESOLVE = 11;
const RTN_NAMES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
/** 'unicast', 'local', 'broadcast', ... as `ip -j route` prints the type. */
export const routeTypeName = (n: number): string => RTN_NAMES[n] ?? String(n);

// ---- rtm_flags: next-hop flags (RTNH_F_*) and route flags (RTM_F_*) ----
export const RTNH_F_DEAD = 1;
export const RTNH_F_PERVASIVE = 2;
export const RTNH_F_ONLINK = 4;
export const RTNH_F_OFFLOAD = 8;
export const RTNH_F_LINKDOWN = 16;
export const RTNH_F_UNRESOLVED = 32;
export const RTNH_F_TRAP = 64;
export const RTM_F_NOTIFY = 0x100;
export const RTM_F_CLONED = 0x200;
export const RTM_F_EQUALIZE = 0x400;
export const RTM_F_PREFIX = 0x800;
export const RTM_F_LOOKUP_TABLE = 0x1000;
export const RTM_F_FIB_MATCH = 0x2000;
export const RTM_F_OFFLOAD = 0x4000;
export const RTM_F_TRAP = 0x8000;
export const RTM_F_OFFLOAD_FAILED = 0x20000000;
/** In the order iproute2's print_rt_flags prints them into "flags". */
const ROUTE_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [RTNH_F_DEAD, 'dead'], [RTNH_F_ONLINK, 'onlink'], [RTNH_F_PERVASIVE, 'pervasive'], [RTNH_F_OFFLOAD, 'offload'],
  [RTNH_F_TRAP, 'trap'], [RTM_F_NOTIFY, 'notify'], [RTNH_F_LINKDOWN, 'linkdown'], [RTNH_F_UNRESOLVED, 'unresolved'],
  [RTM_F_OFFLOAD, 'rt_offload'], [RTM_F_TRAP, 'rt_trap'], [RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];
/** 'onlink', 'linkdown', ... as `ip -j route` prints "flags". */
export function routeFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of ROUTE_FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

/** RTCF_* (<linux/in_route.h>): an IPv4 route the kernel made for a lookup, in the order ip prints them after "cache". */
const CACHE_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x80000000, 'local'], [0x40000000, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x08000000, 'dst-nat'],
  [0x00800000, 'src-nat'], [0x00400000, 'masq'], [0x00020000, 'dst-direct'], [0x04000000, 'src-direct'],
  [0x00040000, 'redirected'], [0x01000000, 'redirect'], [0x00200000, 'fastroute'], [0x00010000, 'notify'], [0x00080000, 'proxy'],
];
/** 'local', 'brd', ... as `ip -j route get` prints "cache" (the upper 16 bits of rtm_flags). */
export function cacheFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of CACHE_FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

// ---- RTAX_* (route metrics, inside RTA_METRICS) ----
export const RTAX_LOCK = 1;
export const RTAX_MTU = 2;
export const RTAX_WINDOW = 3;
export const RTAX_RTT = 4;
export const RTAX_ADVMSS = 8;
export const RTAX_HOPLIMIT = 10;

// ---- address flags (IFA_F_*, <linux/if_addr.h>) ----
export const IFA_F_SECONDARY = 0x01;
export const IFA_F_TEMPORARY = IFA_F_SECONDARY;
export const IFA_F_NODAD = 0x02;
export const IFA_F_OPTIMISTIC = 0x04;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_MANAGETEMPADDR = 0x100;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;
export const IFA_F_STABLE_PRIVACY = 0x800;
/** Lifetime value meaning "forever" (INFINITY_LIFE_TIME). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/**
 * Address flag names as `ip -j addr` prints them (each a boolean key in addr_info): ip
 * prints 'dynamic' when IFA_F_PERMANENT is absent and nothing when it is set; here
 * 'permanent' is listed too when set, so both states are visible. IFA_F_SECONDARY is
 * 'temporary' for IPv6, as ip names it.
 */
export function addrFlagNames(flags: number, family: 4 | 6): string[] {
  const rows: ReadonlyArray<readonly [number, string]> = [
    [IFA_F_SECONDARY, family === 6 ? 'temporary' : 'secondary'], [IFA_F_NODAD, 'nodad'],
    [IFA_F_OPTIMISTIC, 'optimistic'], [IFA_F_DADFAILED, 'dadfailed'], [IFA_F_HOMEADDRESS, 'home'],
    [IFA_F_DEPRECATED, 'deprecated'], [IFA_F_TENTATIVE, 'tentative'], [IFA_F_PERMANENT, 'permanent'],
    [IFA_F_MANAGETEMPADDR, 'mngtmpaddr'], [IFA_F_NOPREFIXROUTE, 'noprefixroute'], [IFA_F_MCAUTOJOIN, 'autojoin'],
    [IFA_F_STABLE_PRIVACY, 'stable-privacy'],
  ];
  const out: string[] = [];
  for (const [bit, name] of rows) {
    if (bit === IFA_F_PERMANENT && !(flags & bit)) out.push('dynamic');
    else if (flags & bit) out.push(name);
  }
  return out;
}

// ---- neighbour states (NUD_*) and flags (NTF_*), <linux/neighbour.h> ----
export const NUD_NONE = 0x00;
export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;
const NUD_NAMES: ReadonlyArray<readonly [number, string]> = [
  [NUD_INCOMPLETE, 'INCOMPLETE'], [NUD_REACHABLE, 'REACHABLE'], [NUD_STALE, 'STALE'], [NUD_DELAY, 'DELAY'],
  [NUD_PROBE, 'PROBE'], [NUD_FAILED, 'FAILED'], [NUD_NOARP, 'NOARP'], [NUD_PERMANENT, 'PERMANENT'],
];
/** ['REACHABLE'], ['STALE'], ['PERMANENT'] ... as `ip -j neigh` prints "state" (empty for NUD_NONE). */
export function nudStateNames(state: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of NUD_NAMES) if (state & bit) out.push(name);
  return out;
}
export const NTF_USE = 0x01;
export const NTF_SELF = 0x02;
export const NTF_MASTER = 0x04;
export const NTF_PROXY = 0x08;
export const NTF_EXT_LEARNED = 0x10;
export const NTF_OFFLOADED = 0x20;
export const NTF_STICKY = 0x40;
export const NTF_ROUTER = 0x80;

// ---- traffic control handles (<linux/pkt_sched.h>) ----
export const TC_H_UNSPEC = 0;
export const TC_H_ROOT = 0xffffffff;
export const TC_H_INGRESS = 0xfffffff1;
export const TC_H_CLSACT = TC_H_INGRESS;
/** Make a tc handle from major and minor numbers (TC_H_MAKE): `tcHandle(1, 0)` is "1:". */
export const tcHandle = (major: number, minor: number): number => (((major & 0xffff) << 16) | (minor & 0xffff)) >>> 0;

// ---- network namespace ids ----
/** NETNSA_NSID_NOT_ASSIGNED: the kernel's "no id" answer, and "assign one" in RTM_NEWNSID. */
export const NETNSA_NSID_NOT_ASSIGNED = -1;
