/**
 * Public types of the nsnet library API. The vocabulary follows iproute2: links, addresses,
 * routes, neighbours; each method's doc says which `ip` command it matches.
 */

/**
 * A namespace reference: a name under /run/netns (as `ip netns` uses), a Handle, or a process
 * whose namespace is meant (`{ pid }`).
 */
export type NsRef = string | { pid: number } | { handle: import('./handle.js').Handle };

/** A device reference: its name (or altname) or its ifindex. */
export type DevRef = string | number;

interface LinkAddCommon {
  /** Kernel name, at most 15 bytes. */
  name: string;
  mtu?: number;
  /** MAC address, 'aa:bb:cc:dd:ee:ff'. */
  address?: string;
  /** Bring the link up as it is created. */
  up?: boolean;
  /** Bridge to join (`master BR`), in the namespace where the link is made. */
  master?: DevRef;
  /** Interface alias (IFLA_IFALIAS), shown by `ip link` as "alias ...". */
  alias?: string;
  /** Alternative names (`ip link property add dev X altname Y`), up to 127 bytes each. */
  altnames?: string[];
  /** Create the link straight into this namespace instead of the handle's. */
  netns?: NsRef;
  txqlen?: number;
}

export interface VethPeerSpec {
  name: string;
  /** Namespace of the peer end; default: the same as the link. */
  netns?: NsRef;
  mtu?: number;
  address?: string;
  up?: boolean;
  alias?: string;
}

/** What `ip link add` can make. A union keyed by kind. */
export type LinkAddSpec = LinkAddCommon & (
  /** Without `peer`, the kernel names the peer (veth0, veth1, ...), as `ip link add NAME type veth`. */
  | { kind: 'veth'; peer?: VethPeerSpec }
  | { kind: 'bridge'; stp?: boolean; forwardDelay?: number; ageingTime?: number; vlanFiltering?: boolean; multicastSnooping?: boolean }
  | { kind: 'macvlan' | 'macvtap'; parent: DevRef; mode?: 'private' | 'vepa' | 'bridge' | 'passthru' | 'source' }
  | { kind: 'vxlan'; id: number; remote?: string; group?: string; local?: string; dev?: DevRef; port?: number; ttl?: number; learning?: boolean }
  | { kind: 'vlan'; parent: DevRef; id: number; protocol?: '802.1Q' | '802.1ad' }
  | { kind: 'dummy' | 'ifb' | 'bond' | 'vrf' }
);

/** What `ip link set` can change. Only the fields given are changed ("not set" is not zero). */
export interface LinkSetSpec {
  up?: boolean;
  mtu?: number;
  address?: string;
  /** Rename (`name NEW`). */
  name?: string;
  /** `master BR`; null means `nomaster`. */
  master?: DevRef | null;
  /** Move to another namespace (`netns NS`). */
  netns?: NsRef;
  alias?: string;
  txqlen?: number;
}

/** One link as `ip -j link show` describes it, plus what nsnet resolves for you. */
export interface LinkInfo {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu?: number;
  /** Queueing discipline of the device (`qdisc noqueue`). */
  qdisc?: string;
  operstate: string;
  /** 'DEFAULT' or 'DORMANT', as ip prints `mode`. */
  linkmode?: string;
  /** Device group: 'default' for group 0, else its number, as ip prints it. */
  group?: string | number;
  /** link_type as ip -j prints it: 'ether', 'loopback', 'none', ... */
  link_type: string;
  address?: string;
  broadcast?: string;
  /** Kind from IFLA_INFO_KIND: 'veth', 'bridge', 'vxlan', 'macvlan', ...; undefined for physical NICs and lo. */
  kind?: string;
  /** Name of the bridge this link is a port of. */
  master?: string;
  altnames: string[];
  ifalias?: string;
  /** IFLA_LINK: for a veth, the peer's ifindex (in peerNetns when that is set). */
  link_index?: number;
  /** For a veth whose peer is in another namespace: that namespace's nsid as seen from here. */
  link_netnsid?: number;
  /** For a veth: the peer's namespace by name, when it is a named namespace (or 'host' for this process's own). */
  peerNetns?: string;
  /** For a veth: the peer's name, when it could be resolved. */
  peer?: string;
  txqlen?: number;
  /** Kind-specific data: vxlan id/remote/port, macvlan mode, bridge settings. */
  info?: Record<string, unknown>;
  /** The link's counters (IFLA_STATS64), as `ip -s link show` prints them. */
  stats?: LinkStats;
}

/**
 * A link's counters: struct rtnl_link_stats64 under the kernel's field names (exact as numbers
 * up to 2^53), and how often the carrier changed (IFLA_CARRIER_CHANGES, ip's "transns").
 */
export interface LinkStats {
  rx_packets: number;
  tx_packets: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
  multicast: number;
  collisions: number;
  rx_length_errors: number;
  rx_over_errors: number;
  rx_crc_errors: number;
  rx_frame_errors: number;
  rx_fifo_errors: number;
  rx_missed_errors: number;
  tx_aborted_errors: number;
  tx_carrier_errors: number;
  tx_fifo_errors: number;
  tx_heartbeat_errors: number;
  tx_window_errors: number;
  rx_compressed: number;
  tx_compressed: number;
  rx_nohandler: number;
  rx_otherhost_dropped: number;
  carrier_changes?: number;
}

export interface AddrInfo {
  ifindex: number;
  ifname: string;
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  /** 'a.b.c.d/n' as you would write it. */
  cidr: string;
  broadcast?: string;
  scope: string;
  label?: string;
  flags: string[];
  /** Seconds; 4294967295 is forever (ip's valid_life_time / preferred_life_time). */
  valid_life_time?: number;
  preferred_life_time?: number;
}

export interface RouteSpec {
  /** 'default' or a CIDR ('10.0.0.0/8', '2001:db8::/32') or a host address. */
  to: string;
  via?: string;
  dev?: DevRef;
  table?: number;
  metric?: number;
  src?: string;
  /** 'link' | 'host' | 'global' (default: link without a gateway, global with one, as ip does). */
  scope?: 'global' | 'link' | 'host';
  protocol?: 'boot' | 'static' | 'kernel' | number;
  onlink?: boolean;
  mtu?: number;
  type?: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'local';
}

export interface RouteInfo {
  dst: string;
  gateway?: string;
  dev?: string;
  table: number | string;
  metric?: number;
  protocol: string;
  scope: string;
  type: string;
  prefsrc?: string;
  flags: string[];
  family: 'inet' | 'inet6';
}

/** The answer to a route lookup (`ip route get`): the route a packet to one address takes. */
export interface RouteLookup extends RouteInfo {
  /** The source the lookup was for (`from`), when the kernel names one. */
  from?: string;
  /** The incoming device the lookup was for (`iif`). */
  iif?: string;
  /** The uid the lookup was made for. */
  uid?: number;
  /** An IPv6 route's router preference: 'medium', 'high' or 'low'. */
  pref?: string;
  /** The kernel made this route for the lookup (an IPv4 answer): then ip prints no proto or scope. */
  cloned: boolean;
  /** An IPv4 answer's cache flags ('local', 'brd', ...), as ip prints after "cache". */
  cache?: string[];
}

/** What to look up: the route to `to` (one address) for a packet from `from`, arriving on `iif` or leaving by `oif`. */
export interface RouteQuery {
  from?: string;
  iif?: DevRef;
  oif?: DevRef;
}

export interface NeighInfo {
  dst: string;
  dev: string;
  lladdr?: string;
  state: string[];
  router?: boolean;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal. */
  code: number | null;
  /** The signal that killed it ('SIGKILL', ...); null when it exited. */
  signal: string | null;
}

export interface ExecOptions {
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill after this many milliseconds. */
  timeoutMs?: number;
}

/** A readable stream of a started command (Node's Readable at run time). */
export interface OutputStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  setEncoding(encoding: 'utf8'): this;
}

/**
 * A started command (`Handle.spawn`): Node's ChildProcess at run time, declared here with the
 * members a caller needs so that nsnet's types compile without @types/node (with them, cast it
 * to ChildProcess for the rest).
 */
export interface SpawnedProcess {
  readonly pid?: number | undefined;
  readonly stdin: { write(chunk: string | Uint8Array): boolean; end(chunk?: string | Uint8Array): unknown } | null;
  readonly stdout: OutputStream | null;
  readonly stderr: OutputStream | null;
  readonly exitCode: number | null;
  kill(signal?: number | string): boolean;
  on(event: 'close' | 'exit', listener: (code: number | null, signal: string | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'close' | 'exit', listener: (code: number | null, signal: string | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
}

export interface NamespaceInfo {
  name: string;
  /** The nsid the current namespace has for it, when one is assigned (`ip netns list` shows "(id: N)"). */
  nsid?: number;
}
