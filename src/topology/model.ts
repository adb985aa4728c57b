/**
 * The normalized, validated lab: what `parseTopology()` / `validateTopology()` return when a
 * topology file is correct, and what src/plan turns into kernel objects.
 *
 * Plain data only (JSON-serializable). Every reference is resolved: interface names are the
 * kernel names (≤ 15 bytes) in the namespace the object lives in, addresses are normalized CIDRs,
 * and every interface a link creates in a node is listed in that node's `interfaces`.
 * Optional fields are omitted (never `undefined`) when the user did not set them: "not set" means
 * "leave the kernel's default", not zero.
 */
import type { ImpairSpec } from '../api/impairspec.js';

export type { ImpairSpec };

/** A whole lab. Arrays keep the order of the file. */
export interface LabSpec {
  /** Lab name (^[a-z0-9][a-z0-9_-]{0,23}$), used in state file names and ownership marks. */
  name: string;
  /** Prefix of every namespace name (namespace = prefix + node name). */
  prefix: string;
  nodes: NodeSpec[];
  bridges: BridgeSpec[];
  links: LinkSpec[];
  uplinks: UplinkSpec[];
}

/**
 * One node = one named network namespace (`ip netns add <netns>`).
 *
 * IPv6 rule: `ipv6` is the node's own `ipv6:` if written, else the lab's `ipv6:`, else true if any
 * address or route of the node (including bridges that live in it) is IPv6, else false. A node
 * with `ipv6: false` gets net.ipv6.conf.{all,default}.disable_ipv6=1 in its namespace before its
 * links are made (as Docker does for containers): no link-local addresses, DAD or MLD traffic,
 * which makes big labs much faster. Those two sysctls are not copied into `sysctls`; the plan
 * derives them from this flag.
 */
export interface NodeSpec {
  name: string;
  /** The namespace name: prefix + name. */
  netns: string;
  ipv6: boolean;
  /** Listed interfaces first (file order), then the ones that only links create (link order). */
  interfaces: IfaceSpec[];
  routes: RouteSpec[];
  /** Namespace-scoped sysctls ("net.*"), values as strings (true → "1", false → "0"). */
  sysctls: Record<string, string>;
  /** Commands run in the namespace after it is up, each an argv. */
  exec: string[][];
}

/** An interface in a node's namespace (created by a link, or `lo`). */
export interface IfaceSpec {
  /** The name written in the file (≤ 127 bytes). */
  logical: string;
  /** Kernel name (≤ 15 bytes): `logical` itself when it fits, else a generated name. */
  name: string;
  /** Set to `logical` when `name` was generated. */
  altname?: string;
  /** CIDRs with host bits kept ("10.0.1.10/24", IPv6 in RFC 5952 form). */
  addresses: string[];
  mtu?: number;
  /** Lower-case "02:00:00:00:01:10". */
  mac?: string;
  /** Impairment of the traffic leaving this interface (wins over its link's `impair`). */
  impair?: ImpairSpec;
}

/** A Linux bridge, in the host namespace or in a node's. */
export interface BridgeSpec {
  logical: string;
  name: string;
  altname?: string;
  /** The node whose namespace holds the bridge; undefined = host namespace. */
  node?: string;
  addresses: string[];
  mtu?: number;
  stp?: boolean;
  /** 'ovs': an Open vSwitch bridge (made by ovs-vswitchd, in the host namespace); absent: a Linux bridge. */
  type?: 'ovs';
}

/** One end of a link: which interface, in which namespace, joined to which bridge. */
export interface Endpoint {
  /** undefined = host namespace (a host:IF end, or a port of a host bridge). */
  node?: string;
  /** Kernel name in that namespace. */
  name: string;
  /** The name written in the file, or the generated base for a bridge port nobody named. */
  logical: string;
  /** Set to `logical` when `name` was generated from a long logical name. */
  altname?: string;
  /** Logical name of the bridge this end is a port of. */
  bridge?: string;
}

export type LinkSpec =
  /**
   * A veth pair. `id` is stable across runs, e.g. 'h1:eth0--r1:eth0'. An interface's own mtu wins
   * over the link's. `vlan`: its bridge end is an access port of that VLAN; `trunks`: both ends
   * (each an OVS bridge port) carry those VLANs tagged. `impair`: both directions are impaired
   * so (an interface's own `impair` wins for traffic leaving it). `failable`: this veth is one
   * half of the failable link with that id (see topology/failable.ts): its `b` is a port of the
   * link's middle bridge in the lab's hidden node.
   */
  | { kind: 'veth'; id: string; a: Endpoint; b: Endpoint; mtu?: number; vlan?: number; trunks?: number[]; impair?: ImpairSpec; failable?: string }
  /** A macvlan on host NIC `parent`, moved into `end`'s namespace. */
  | { kind: 'macvlan'; id: string; end: Endpoint; parent: string; mode: 'bridge' | 'private' | 'vepa' | 'passthru' }
  /** A vxlan device made in the host namespace (underlay), then moved to `end`'s namespace / bridge. */
  | { kind: 'vxlan'; id: string; end: Endpoint; vni: number; remote?: string; group?: string; local?: string; dev?: string; port: number };

export type UplinkSpec =
  /** Host NIC `nic` becomes a port of host bridge `bridge` (restored on down). */
  | { kind: 'bridge'; bridge: string; nic: string; trunks?: number[]; force?: boolean }
  /**
   * Masquerade `subnets` (network form; default the bridge's IPv4 subnets) out of `out` or the
   * host's default route. `routes`: host routes to the subnets behind a router on the bridge.
   */
  | { kind: 'nat'; bridge: string; subnets: string[]; out?: string; routes?: { to: string; via: string }[] };

export interface RouteSpec {
  /** 'default' or a CIDR in network form. */
  to: string;
  via?: string;
  /** Kernel name of the output interface. */
  dev?: string;
  metric?: number;
  table?: number;
  family: 4 | 6;
}
