/**
 * The planner's working state, shared by its steps (./steps/): what the file wants (indexed),
 * what the kernel has, which namespaces and links are the lab's, and what the plan so far
 * removes, keeps and makes. Steps read it and add actions and refusals; planLab runs them in
 * order and sorts the actions by their kinds' ranks. Pure.
 */
import type { LabSpec } from '../topology/model.js';
import { hintOf } from '../api/errors.js';
import type { Action, Draft, Plan, PlanWarning, Refusal } from './actions.js';
import { HOST, indexLab, type DesiredLab, type DesiredLink, type LabIndex } from './desired.js';
import { linkKey } from './host.js';
import { canonIp } from './keys.js';
import { sortActions } from './kinds/index.js';
import { markFor, type ObservedLab, type ObservedLink, type ObservedNamespace } from './observed.js';

/** A link's key in the planner's sets: namespace and name. */
export const key = linkKey;

/** Observed links of one namespace by name and by index. */
export interface NsView {
  ns: string;
  byName: Map<string, ObservedLink>;
  byIndex: Map<number, ObservedLink>;
}

export class Planner {
  readonly lab: string;
  readonly mark: string;
  readonly d: DesiredLab;
  readonly prev: readonly DesiredLab[];
  /** Actions as the steps plan them; sorted by their kinds' order at the end. */
  readonly planned: Action[] = [];
  readonly refusals: Refusal[] = [];
  readonly warnings: PlanWarning[] = [];
  /** Observed links per namespace we may look into (owned or adoptable), and the host. */
  readonly views = new Map<string, NsView>();
  /** Namespaces this lab owns now (or takes back), that exist. */
  readonly owned = new Set<string>();
  /** Namespaces that will exist after the plan and are ours (owned and kept, or created). */
  readonly ours = new Set<string>();
  readonly created = new Set<string>();
  readonly deletedNs = new Set<string>();
  /** The lab's /run/netns files that are not namespaces (left by a killed up or down): removed, and made again if wanted. */
  readonly staleOurs = new Set<string>();
  /** Links that will be gone by the time creation starts (deleted, or gone with a peer or a namespace). */
  readonly gone = new Set<string>();
  /** Desired links that exist as they should (kind, peer) and are ours. */
  readonly kept = new Set<string>();
  /** Desired links that exist but not as the file wants them, with why: deleted and made again. */
  readonly replace = new Map<string, string>();
  /** Desired links the plan makes. */
  readonly making = new Set<string>();
  /** Host links this lab owns (marked, or taken back). */
  readonly ownedHost = new Set<string>();

  /** `index`: observe's indexes of these very spec objects, used when they are (else each is indexed here). */
  constructor(desired: LabSpec, readonly o: ObservedLab, index?: LabIndex) {
    this.lab = desired.name;
    this.mark = markFor(desired.name);
    const same = index !== undefined && index.desired.spec === desired && index.previous.length === o.previous.length && index.previous.every((p, i) => p.spec === o.previous[i]);
    this.d = same ? index.desired : indexLab(desired);
    this.prev = same ? index.previous : o.previous.map(indexLab);
  }

  add(a: Action): void {
    this.planned.push(a);
  }

  refuse(r: Draft<Refusal>): void {
    this.refusals.push({ ...r, hint: hintOf(r.hint) });
  }

  warn(w: Draft<PlanWarning>): void {
    this.warnings.push({ ...w, hint: hintOf(w.hint) });
  }

  plan(): Plan {
    // A link taken back (marked) that the plan then removes, itself or with its peer or its
    // namespace, needs no mark: the mark would find it gone.
    const marksGone = (a: Action): boolean => a.op === 'mark' && a.name !== 'lo' && this.gone.has(key(a.netns ?? HOST, a.name));
    const actions = sortActions(this.planned.filter((a) => !marksGone(a)));
    const spec = this.d.spec;
    return {
      lab: this.lab,
      actions,
      refusals: this.refusals,
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
      noop: actions.length === 0 && this.refusals.length === 0,
      counts: { nodes: spec.nodes.length, links: spec.links.length, bridges: spec.bridges.length },
    };
  }

  nsObserved(ns: string): ObservedNamespace {
    return this.o.namespaces[ns] ?? { name: ns, exists: false, links: [], addresses: [], routes: [], sysctls: {} };
  }

  view(ns: string, links: ObservedLink[]): void {
    this.views.set(ns, { ns, byName: new Map(links.map((l) => [l.name, l])), byIndex: new Map(links.map((l) => [l.index, l])) });
  }

  /** A desired link will exist after the plan (kept, or created by it). */
  willExist(ns: string, name: string): boolean {
    return this.kept.has(key(ns, name)) || this.making.has(key(ns, name));
  }

  /** An earlier version of the file (applied, or being applied when up was killed) has this link. */
  knownInPrevious(ns: string, name: string): boolean {
    return this.prev.some((p) => p.links.get(ns)?.has(name));
  }

  /** The observed peer of a veth, when it is in a namespace we look into. */
  peerOf(ns: string, l: ObservedLink): { ns: string; link: ObservedLink } | undefined {
    if (l.kind !== 'veth' || l.peerNetns === undefined || l.peerIndex === undefined) return undefined;
    const p = this.views.get(l.peerNetns)?.byIndex.get(l.peerIndex);
    return p && p.peerIndex === l.index ? { ns: l.peerNetns, link: p } : undefined;
  }

  /** Whether an observed veth is the pair the file wants (its peer verified in the right place). */
  pairOk(l: ObservedLink, want: DesiredLink): boolean {
    if (!want.peer) return false;
    if (l.peerNetns !== want.peer.ns) return false;
    const pv = this.views.get(want.peer.ns);
    const p = pv?.byName.get(want.peer.name);
    return !!p && p.kind === 'veth' && p.index === l.peerIndex && p.peerIndex === l.index && p.peerNetns === want.ns;
  }

  /** Why an observed link is not the one the file wants (kind, peer, VNI, mode...), or undefined. */
  mismatch(l: ObservedLink, want: DesiredLink): string | undefined {
    if (l.kind !== want.kind) return `it is ${l.kind ? `a ${l.kind}` : 'a device of another kind'}, the file wants a ${want.kind}`;
    if (want.kind === 'veth' && !this.pairOk(l, want)) return `its peer is not ${want.peer!.name} in ${want.peer!.ns === HOST ? 'the host namespace' : want.peer!.ns}`;
    const link = want.link;
    if (link?.kind === 'vxlan' && l.vxlan) {
      const v = l.vxlan;
      if (v.vni !== undefined && v.vni !== link.vni) return `its VNI is ${v.vni}, the file says ${link.vni}`;
      if (v.port !== undefined && v.port !== link.port) return `its port is ${v.port}, the file says ${link.port}`;
      const ip = (s?: string) => (s === undefined ? undefined : canonIp(s));
      const remote = link.remote ?? link.group;
      const seen = v.remote ?? v.group;
      if (remote !== undefined && ip(seen) !== ip(remote)) return `its remote is ${seen ?? 'unset'}, the file says ${remote}`;
      if (link.local !== undefined && ip(v.local) !== ip(link.local)) return `its local address is ${v.local ?? 'unset'}, the file says ${link.local}`;
    }
    if (link?.kind === 'macvlan' && l.macvlanMode !== undefined && l.macvlanMode !== link.mode) return `its mode is ${l.macvlanMode}, the file says ${link.mode}`;
    return undefined;
  }
}
