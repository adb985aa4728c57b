/**
 * What an action kind is, on the plan side: one file per kind in this folder (its data type,
 * its place in the order, its sign, the namespaces it works in, what it creates for the journal,
 * how the simulated kernel of the unit tests applies it, where in the topology file it comes
 * from), registered with one line in ./index.ts. How the kind is applied to the kernel lives in
 * src/apply/kinds/<same name>.ts (so plan code never imports I/O); a test checks that every plan
 * kind has its apply kind.
 *
 * Order: actions run sorted by `order` (stable: a planner step's own order is kept within a
 * rank). The ranks in use, lowest first:
 *
 *   10 detach-uplink   15 down-backend (down only)   20 delete-netns   30 delete-link, delete-ovs-bridge    40 del-address   50 del-route
 *   60 del-nat         70 restore-sysctl 80 mark          100 create-netns 105 set-sysctl (IPv6
 *   turned on in a node)   110 create-bridge
 *   120 create-veth, create-macvlan, create-vxlan         125 create-ovs-bridge
 *   130 set-link     135 set-impair, clear-impair     140 add-address
 *   150 add-route, replace-route         160 set-sysctl (a node's)         170 attach-uplink,
 *   add-nat, set-sysctl (the host's)     180 run-exec
 *
 * A new kind picks a rank between these and says why in its file.
 */
import type { LabSpec } from '../../topology/model.js';
import { HOST } from '../desired.js';
import type { SimWorld } from './sim.js';

/** What every action has. A field `netns` is a /run/netns name; absent means the host namespace. */
export interface ActionBase {
  /** What it acts on, for people: "namespace h1", "link eth0 in h1", "route default in h1". */
  target: string;
  /** Why: "new node h1", "not in the file any more", "mtu is 1500, the file says 9000". */
  reason: string;
}

/** A place in the topology file, as a document path: ['nodes', 'r1', 'sysctls', 'net.ipv4.ip_forward']. */
export type DocPath = (string | number)[];

/** How an action shows in a rendered plan and counts in a result: + makes, ~ changes, - removes. */
export type Sign = '+' | '~' | '-';

export interface PlanKind<A extends ActionBase & { op: string }> {
  op: A['op'];
  sign: Sign;
  /** Rank in the plan (see the table above); a number, or a function of the action. */
  order: number | ((a: A) => number);
  /** The namespaces it works in (netns names; '' for the host): apply opens handles for them and closes each after its last use. */
  namespaces(a: A): string[];
  /** What it creates that may exist unmarked if `up` is killed right after (the journal's `intended`). */
  creates?(a: A): { namespaces?: string[]; hostLinks?: string[] };
  /** The simulated kernel's effect (unit tests): as apply does it, marks included. */
  sim(w: SimWorld, a: A, mark: string): void;
  /** Where in the file the object comes from; undefined for removals (the file no longer has it). */
  locate(spec: LabSpec, a: A): DocPath | undefined;
}

/** A kind, typed by its action: `export default defineKind<MyAction>({ op: 'my-op', ... })`. */
export function defineKind<A extends ActionBase & { op: string }>(k: PlanKind<A>): PlanKind<A> {
  return k;
}

/** The action type of a kind. */
export type ActionOf<K> = K extends PlanKind<infer A> ? A : never;

/** The namespace of an action with an optional `netns` (absent: the host, ''). */
export const inNetns = (a: { netns?: string }): string[] => [a.netns ?? HOST];
