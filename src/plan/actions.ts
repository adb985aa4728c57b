/**
 * The plan: an ordered list of actions, each with its target and the reason for it. One plan
 * object serves `nsnet plan`, `nsnet up --dry-run` and `nsnet up`. Plain data (JSON).
 *
 * A namespace field `netns` is a /run/netns name; absent means the host namespace.
 */
import type { RouteSpec } from '../topology/model.js';

interface Base {
  /** What it acts on, for people: "namespace h1", "link eth0 in h1", "route default in h1". */
  target: string;
  /** Why: "new node h1", "not in the file any more", "mtu is 1500, the file says 9000". */
  reason: string;
}

/** One end of a veth pair to create. */
export interface VethEnd {
  netns?: string;
  name: string;
  /** Bridge (kernel name, in the same namespace) the end joins. */
  master?: string;
  mtu?: number;
  mac?: string;
  altname?: string;
}

export type Action = Base & (
  // ---- removals (first) ----
  | { op: 'detach-uplink'; nic: string; bridge: string; wasUp: boolean }
  | { op: 'delete-netns'; netns: string; node?: string; /** links elsewhere that go with it (veth peers): apply waits until they are gone */ frees: { netns?: string; name: string; index: number }[] }
  | { op: 'delete-link'; netns?: string; name: string; /** its veth peer, which goes with it */ peer?: { netns?: string; name: string } }
  | { op: 'del-address'; netns?: string; dev: string; cidr: string }
  | { op: 'del-route'; netns: string; route: RouteSpec }
  | { op: 'del-nat'; table: string }
  | { op: 'restore-sysctl'; key: string; value: string }
  // ---- taking back what a killed `up` left unmarked ----
  | { op: 'mark'; netns?: string; name: string }
  // ---- creation ----
  | { op: 'create-netns'; netns: string; node: string; ipv6: boolean }
  | { op: 'create-bridge'; netns?: string; name: string; altname?: string; mtu?: number; stp?: boolean }
  | { op: 'create-veth'; id: string; a: VethEnd; b: VethEnd }
  | { op: 'create-macvlan'; id: string; netns?: string; name: string; altname?: string; parent: string; mode: string; mtu?: number; mac?: string; master?: string }
  | { op: 'create-vxlan'; id: string; netns?: string; name: string; altname?: string; vni: number; remote?: string; group?: string; local?: string; dev?: string; port: number; mtu?: number; mac?: string; master?: string }
  | { op: 'set-link'; netns?: string; name: string; mtu?: number; mac?: string; master?: string | null; up?: boolean }
  | { op: 'add-address'; netns?: string; dev: string; cidr: string }
  | { op: 'add-route'; netns: string; route: RouteSpec }
  | { op: 'replace-route'; netns: string; route: RouteSpec }
  | { op: 'set-sysctl'; netns?: string; key: string; value: string }
  | { op: 'attach-uplink'; nic: string; bridge: string }
  | { op: 'add-nat'; table: string; subnets: string[]; out?: string }
  | { op: 'run-exec'; node: string; netns: string; commands: string[][] }
);

export type Op = Action['op'];

/**
 * Something `up` will not do because it would take over or change an object the lab does not
 * own, or because the host lacks what the file refers to. A plan with refusals is not applied.
 */
export interface Refusal {
  code: 'FOREIGN_NETNS' | 'FOREIGN_LINK' | 'OTHER_LAB' | 'STALE_NETNS' | 'MISSING_NIC' | 'NIC_IN_USE' | 'UNSUPPORTED' | 'NO_NFT';
  /** The object: "namespace h1", "link br0 in the host namespace". */
  object: string;
  /** One line: what is wrong and what to do. */
  message: string;
  /** Where in the topology file the object comes from: ['nodes', 'h1'], ['links', 3]. */
  path: (string | number)[];
}

export interface Plan {
  lab: string;
  actions: Action[];
  refusals: Refusal[];
  /** Nothing to do and nothing refused: the kernel matches the file. */
  noop: boolean;
  /** Size of the desired lab, for messages ("lab X is up to date (N nodes, M links)"). */
  counts: { nodes: number; links: number; bridges: number };
}

/** How an op shows in a rendered plan: + makes, ~ changes, - removes. */
export function opSign(op: Op): '+' | '~' | '-' {
  switch (op) {
    case 'detach-uplink':
    case 'delete-netns':
    case 'delete-link':
    case 'del-address':
    case 'del-route':
    case 'del-nat':
    case 'restore-sysctl':
      return '-';
    case 'set-link':
    case 'replace-route':
    case 'set-sysctl':
    case 'mark':
      return '~';
    default:
      return '+';
  }
}
