/**
 * What the kernel has now, as plain data: the input of planLab() next to the desired LabSpec.
 * src/apply/observe.ts fills it from the kernel (only what the lab owns or would own); unit
 * tests build it by hand. Namespaces are keyed by their /run/netns name; the host namespace
 * is never a key (its objects are under `host`).
 */
import type { Hint } from '../api/errors.js';
import type { Features } from '../api/featureset.js';
import type { ImpairSpec } from '../api/impairspec.js';
import type { ObservedBridge } from '../api/ovs/switch.js';
import type { LabSpec } from '../topology/model.js';

/** The ownership mark a lab puts on what it makes: ifalias of host links and of each namespace's lo. */
export const markFor = (lab: string): string => `nsnet:${lab}`;

/** The lab a mark names, or undefined when `alias` is not an nsnet mark. */
export function labOfMark(alias: string | undefined): string | undefined {
  return alias !== undefined && alias.startsWith('nsnet:') && alias.length > 6 ? alias.slice(6) : undefined;
}

export interface ObservedLink {
  name: string;
  index: number;
  /** 'veth', 'bridge', 'macvlan', 'vxlan'; undefined for lo and physical NICs. */
  kind?: string;
  mtu?: number;
  /** Lower-case MAC. */
  mac?: string;
  /** IFF_UP is set. */
  up: boolean;
  /**
   * For a bridge: IFF_LOWER_UP. A bridge whose last port left stays without carrier until one
   * joins, where a new bridge with no port has it (see bridgeCarrierRule).
   */
  carrier?: boolean;
  /** Name of the bridge it is a port of (in the same namespace). */
  master?: string;
  /** IFLA_IFALIAS (the ownership mark on host links and on lo). */
  alias?: string;
  altnames?: string[];
  /** For a veth: the peer's ifindex (in the peer's namespace). */
  peerIndex?: number;
  /**
   * For a veth: the peer's namespace when observe verified it (a netns name, or '' for the host
   * namespace); undefined when it is elsewhere or was not checked.
   */
  peerNetns?: string;
  /** For a vxlan: vni, port, remote, group, local as the kernel reports them. */
  vxlan?: { vni?: number; port?: number; remote?: string; group?: string; local?: string };
  /** For a macvlan: its mode. */
  macvlanMode?: string;
  /** What its root qdiscs impose on the traffic leaving it (tbf, netem), in tc's units; absent: nothing. */
  qdisc?: ImpairSpec;
  /** The loss nsnet's drop filter imposes at its ingress ("20%": its veth peer's loss, dropped where a wire would). */
  drop?: string;
}

export interface ObservedAddr {
  dev: string;
  /** "10.0.1.10/24": the address with host bits and its prefix length. */
  cidr: string;
  family: 4 | 6;
  scope: string;
}

export interface ObservedRoute {
  /** 'default' or a CIDR ('10.0.2.0/24'; a host route may come without its /32). */
  to: string;
  via?: string;
  dev?: string;
  metric?: number;
  table: number;
  family: 4 | 6;
  /** 'kernel', 'boot', 'static', ...: the lab adds its routes with protocol static. */
  protocol: string;
  type?: string;
}

export interface ObservedNamespace {
  name: string;
  exists: boolean;
  /** The lab named by the mark on its lo; undefined when lo carries no nsnet mark. */
  owner?: string;
  /** /run/netns/NAME exists but is not a namespace (a stale file). */
  stale?: boolean;
  /** The namespace holds nothing but lo (with no mark): what a killed `up` may leave between create and mark. */
  empty?: boolean;
  /**
   * Only for namespaces owned by this lab (or adoptable): every link, the addresses on them
   * (link-local IPv6 and lo's defaults included; the planner skips them), the routes of the
   * tables the lab uses, the sysctls the lab sets.
   */
  links: ObservedLink[];
  addresses: ObservedAddr[];
  routes: ObservedRoute[];
  sysctls: Record<string, string>;
}

export interface ObservedNic {
  exists: boolean;
  index?: number;
  kind?: string;
  up?: boolean;
  master?: string;
  /** The mark on its master, if any (to tell this lab's bridge from a foreign one). */
  masterAlias?: string;
  /** Its addresses (not link-local), for uplink NICs: the host's connection a bridge port loses. */
  addresses?: string[];
  /** A default route of the host's main table goes out of it (uplink NICs). */
  defaultRoute?: boolean;
}

export interface ObservedHost {
  /** Host links that matter: marked as this lab's, named as the lab would name one, or listed as intended. */
  links: ObservedLink[];
  /** Addresses on those links. */
  addresses: ObservedAddr[];
  /** Host NICs the lab refers to (uplinks, macvlan parents, vxlan underlay devices, NAT out). */
  nics: Record<string, ObservedNic>;
  /** Host sysctls the lab sets (net.ipv4.ip_forward for NAT). */
  sysctls: Record<string, string>;
  /** nftables tables named nsnet-<lab> that exist (family ip). */
  natTables: string[];
  /** Subnets of host interfaces that are not the lab's (lo and link-local aside): overlaps are warned about. */
  nets?: { dev: string; cidr: string }[];
  /** Whether the nft command is available (only checked when the lab needs it). */
  nft?: boolean;
  /** IPv4 routes of the host's main table, when the lab routes subnets behind a NAT uplink (or did). */
  routes?: { to: string; via?: string; dev?: string }[];
}

/** Host-side changes the lab made that `down` must undo: what the state record keeps. */
export interface HostEffects {
  /** Uplink NICs made ports of a lab bridge, with their state before. */
  uplinks: Record<string, { bridge: string; wasUp: boolean; master?: string; mtu?: number }>;
  /** Host sysctls changed, with their value before. */
  sysctls: Record<string, string>;
  /** The NAT table made, and what it holds. */
  nat?: { table: string; subnets: string[]; out?: string };
  /** Host main-table routes made (NAT uplink subnets behind a router), by destination. */
  routes?: Record<string, { via: string; dev: string }>;
}

export interface ObservedLab {
  lab: string;
  /** Every namespace the desired spec names, plus those of `previous` and `intended`. */
  namespaces: Record<string, ObservedNamespace>;
  host: ObservedHost;
  /** Specs whose objects may exist: the last one applied and the one a killed `up` was applying. */
  previous: LabSpec[];
  /** What an `up` that did not finish said it would create (journal): may exist without a mark. */
  intended: { namespaces: string[]; hostLinks: string[] };
  /** Host-side effects recorded so far. */
  effects: HostEffects;
  /** Commands already run per node (node name → argv list), as recorded. */
  execDone: Record<string, string[][]>;
  /**
   * What a new namespace has for the sysctls an earlier file set on a node and this one does not
   * (removedSysctls in steps/sysctls.ts): what such a key goes back to, as a fresh build has it.
   */
  freshSysctls?: Record<string, string>;
  /** Open vSwitch, observed when the file (or an earlier one) has OVS bridges. */
  ovs?: ObservedOvs;
  /** What the kernel offers for impairments, probed when the file has any. */
  features?: Features;
}

/** What Open vSwitch holds, as far as the lab's plan needs it. */
export interface ObservedOvs {
  /** Why OVS cannot be used (not installed) and what to do; undefined when it can. */
  missing?: { detail: string; hint: Hint };
  /** Whether an ovsdb-server answers (the host's or nsnet's); if not, there are no bridges yet. */
  running: boolean;
  /** Every bridge, with its ports and owners. */
  bridges: ObservedBridge[];
}

export function emptyEffects(): HostEffects {
  return { uplinks: {}, sysctls: {} };
}

/** An ObservedLab for a host that has none of the lab's objects yet (plain; tests start from it). */
export function nothingObserved(lab: string): ObservedLab {
  return {
    lab,
    namespaces: {},
    host: { links: [], addresses: [], nics: {}, sysctls: {}, natTables: [] },
    previous: [],
    intended: { namespaces: [], hostLinks: [] },
    effects: emptyEffects(),
    execDone: {},
  };
}
