/**
 * planDown: what `down` removes and restores, as a plan of removal actions, from what apply saw
 * (the lab's record, its namespaces' marks, the host's links) and the ownership rule
 * (ownership.ts), the same rule `up` plans by. Pure: apply/down.ts observes, this decides, and
 * the runner of `up` applies it.
 *
 * Order: host effects first (an uplink NIC leaves the lab's bridge before the bridge goes; host
 * sysctls; the NAT table), then the lab's bridges in backends outside the kernel's links (OVS),
 * then the host links that do not go with a namespace (its Linux bridges among them), then its
 * namespaces (the kernel frees all their devices in one batch, the veth peers in the host with
 * them). Bridges go before the namespaces: a bridge deleted whole lets its ports go without the
 * kernel recomputing the bridge (MTU, features, headroom, bridge id: a walk of all its ports) as
 * each of them leaves, as it does when the namespaces' batch removes the ports of a live bridge
 * (a 1000-port star: down 1.46-1.59 s against 1.60-1.88 s, interleaved, at load 4-8).
 */
import type { Action, FreedLink } from './actions.js';
import type { HostEffects } from './observed.js';
import { hostLinkOwnership, namespaceOwnership } from './ownership.js';

/** A namespace down may remove, as apply found it. */
export interface DownNamespace {
  name: string;
  /** Its nsfs identity is the one the record holds: made by the lab. */
  recorded?: boolean;
  /**
   * It could not be opened: `message` when that was nsnet's error (said when the record names
   * it), `emptyFile` when the file is an empty file and not a namespace (what an up or down
   * killed between making the file and mounting on it, or unmounting and removing it, leaves).
   */
  openFailed?: { message?: string; emptyFile: boolean };
  /** Its links could not be read (the kernel's message). */
  unreadable?: string;
  /** The lab its lo's mark names; `loUnmarked`: lo has no alias; `onlyLo`: nothing else is in it. */
  owner?: string;
  loUnmarked?: boolean;
  onlyLo?: boolean;
}

/** A link of the host namespace, as the link dump shows it. */
export interface DownHostLink {
  index: number;
  name: string;
  kind?: string;
  alias?: string;
  /** A veth's peer is in another namespace (it goes with that namespace). */
  peerElsewhere?: boolean;
  /** A veth's peer's ifindex (both ends in the host: one delete removes both). */
  peer?: number;
}

export interface DownObserved {
  lab: string;
  /** The lab's record, if there is one: its host effects and journal. */
  record?: { effects: HostEffects; intended: { namespaces: string[]; hostLinks: string[] } };
  /** Without a record: the lab's NAT table exists (nft looked). */
  natTable?: string;
  /** Bridge backends outside the kernel's links that can remove what a lab owns (OVS). */
  backends: string[];
  namespaces: DownNamespace[];
  hostLinks: DownHostLink[];
}

export interface DownPlan {
  lab: string;
  /** In down's order (see above). */
  actions: Action[];
  /** Host veths that go with the lab's namespaces: down waits until they are gone. */
  going: FreedLink[];
  /** Objects named by the record that are not the lab's (any more), left alone, with why. */
  skipped: string[];
}

/** A host link is the lab's to remove: its mark, or (unmarked) named by the journal. */
export function downsHostLink(lab: string, l: { name: string; alias?: string }, intended: ReadonlySet<string>): boolean {
  const own = hostLinkOwnership(lab, l.alias, intended.has(l.name));
  return own.is === 'ours' || own.is === 'take-back';
}

export function planDown(o: DownObserved): DownPlan {
  const { lab, record } = o;
  const plan: DownPlan = { lab, actions: [], going: [], skipped: [] };
  const removal = { reason: `lab ${lab} goes down` };
  if (record) {
    for (const [nic, e] of Object.entries(record.effects.uplinks)) {
      plan.actions.push({ op: 'detach-uplink', target: `uplink ${nic}`, ...removal, nic, bridge: e.bridge, wasUp: e.wasUp, ...(e.mtu !== undefined ? { mtu: e.mtu } : {}) });
    }
    for (const [key, value] of Object.entries(record.effects.sysctls)) {
      plan.actions.push({ op: 'restore-sysctl', target: `host sysctl ${key}`, ...removal, key, value });
    }
    for (const [to, r] of Object.entries(record.effects.routes ?? {})) {
      plan.actions.push({ op: 'del-host-route', target: `host route ${to}`, ...removal, to, via: r.via, dev: r.dev });
    }
    if (record.effects.nat) plan.actions.push({ op: 'del-nat', target: `nftables table ${record.effects.nat.table}`, ...removal, table: record.effects.nat.table });
  }
  for (const backend of o.backends) plan.actions.push({ op: 'down-backend', target: `${backend} bridges of lab ${lab}, if any`, ...removal, backend });
  if (!record && o.natTable !== undefined) plan.actions.push({ op: 'del-nat', target: `nftables table ${o.natTable}`, ...removal, table: o.natTable });
  hostLinks(lab, o.hostLinks, new Set(record?.intended.hostLinks ?? []), plan);
  const intendedNs = new Set(record?.intended.namespaces ?? []);
  for (const ns of o.namespaces) {
    if (downsNamespace(lab, ns, record !== undefined, intendedNs.has(ns.name), plan.skipped)) {
      plan.actions.push({ op: 'delete-netns', target: `namespace ${ns.name}`, ...removal, netns: ns.name, frees: [] });
    }
  }
  return plan;
}

/** Whether down removes namespace `ns`; why not goes to `skipped` (when the record names it, or its links cannot be read). */
function downsNamespace(lab: string, ns: DownNamespace, hasRecord: boolean, inJournal: boolean, skipped: string[]): boolean {
  if (ns.recorded) return true;
  if (ns.openFailed) {
    if (hasRecord && ns.openFailed.emptyFile) return true;
    if (hasRecord && ns.openFailed.message !== undefined) skipped.push(`namespace ${ns.name}: ${ns.openFailed.message}`);
    return false;
  }
  if (ns.unreadable !== undefined) {
    skipped.push(`namespace ${ns.name}: ${ns.unreadable}`);
    return false;
  }
  const own = namespaceOwnership(lab, ns.owner, inJournal, ns.loUnmarked === true && inJournal && ns.onlyLo === true);
  if (own.is === 'ours' || own.is === 'take-back') return true;
  if (hasRecord) skipped.push(`namespace ${ns.name}: ${own.is === 'other-lab' ? `belongs to lab ${own.lab}` : `not made by lab ${lab}`}, left alone`);
  return false;
}

/** The lab's host links: a veth whose peer is in another namespace goes with it (waited for); the rest are deleted (a veth with both ends here once). */
function hostLinks(lab: string, links: readonly DownHostLink[], intended: ReadonlySet<string>, plan: DownPlan): void {
  const deleted = new Set<number>();
  for (const l of links) {
    if (!downsHostLink(lab, l, intended) || deleted.has(l.index)) continue;
    if (l.kind === 'veth' && l.peerElsewhere) {
      plan.going.push({ index: l.index, name: l.name });
      continue;
    }
    deleted.add(l.index);
    const peer = l.kind === 'veth' && l.peer ? links.find((p) => p.index === l.peer) : undefined;
    if (l.kind === 'veth' && l.peer) deleted.add(l.peer);
    plan.actions.push({
      op: 'delete-link', target: `host link ${l.name}`, reason: `lab ${lab} goes down`, name: l.name, index: l.index,
      ...(peer ? { peer: { name: peer.name } } : {}),
    });
  }
}
