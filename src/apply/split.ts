/**
 * How a plan's actions are shared between threads (`up --workers N`): the main thread (0) and
 * N-1 worker threads (crew.ts). Pure: no I/O, so it is tested as a property (split.test.ts).
 *
 * A rank group (consecutive actions of one rank: src/plan/kinds/kind.ts) is split when it is
 * big enough (MIN_SPLIT actions) and every action in it is of a kind that says it may run on a
 * second thread (kinds/split.ts). Its actions are joined into clusters by the namespaces they
 * share (the host namespace does not join: objects of one rank in it have distinct names, and
 * the ones they refer to were made at an earlier rank); actions only in the host are one
 * cluster. A cluster runs on one thread, in plan order; clusters on different threads touch
 * disjoint namespaces, so they are independent. A group ends on every thread before the next
 * one starts. Everything else runs on the main thread, in plan order.
 *
 * A namespace keeps the thread it first got while the balance allows it, so its handle (and
 * its netlink socket) is opened once. Each thread closes a handle after the last action of
 * its own that uses it.
 */
import { opSign, type Action } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import { namespacesOf, orderOf } from '../plan/kinds/index.js';

/** The smallest rank group worth a second thread. */
export const MIN_SPLIT = 64;
/** At most this many clusters on one thread in a group (a worker's queue counts them in 16 bits: crew-wire.ts). */
export const MAX_CLUSTERS = 0xffff;

export interface Segment {
  /** Plan indices [start, end). */
  start: number;
  end: number;
  /** Whether the segment is shared between threads (else it is all the main thread's). */
  split: boolean;
  /** A split segment's clusters on each thread (main first), in plan order: each a list of plan indices. */
  shares?: number[][][];
}

export interface Layout {
  segments: Segment[];
  /** The thread of each action (0: main). */
  thread: number[];
  /** For each action: the namespaces whose handle its thread closes after it. */
  closeAfter: string[][];
}

const isRemoval = (a: Action): boolean => opSign(a.op) === '-';

/** Share `actions` between `threads` threads (1: all on the main thread). */
export function layoutActions(actions: readonly Action[], threads: number, canSplit: (a: Action) => boolean, minSplit = MIN_SPLIT): Layout {
  const thread = actions.map(() => 0);
  const segments: Segment[] = [];
  const owner = new Map<string, number>();
  for (let start = 0; start < actions.length;) {
    const rank = orderOf(actions[start]!);
    let end = start + 1;
    while (end < actions.length && orderOf(actions[end]!) === rank) end++;
    const group = actions.slice(start, end);
    const split = threads > 1 && group.length >= minSplit && group.every(canSplit);
    if (!split) {
      segments.push({ start, end, split });
    } else {
      const shares = shareGroup(group, threads, owner).map((cs) => cs.map((c) => c.map((k) => start + k)));
      shares.forEach((cs, t) => cs.forEach((c) => c.forEach((i) => (thread[i] = t))));
      segments.push({ start, end, split, shares });
    }
    start = end;
  }
  return { segments, thread, closeAfter: closeAfterLastUse(actions, thread) };
}

/** Whether any group of `actions` would be shared between `threads` threads. */
export function anySplit(actions: readonly Action[], threads: number, canSplit: (a: Action) => boolean, minSplit = MIN_SPLIT): boolean {
  return layoutActions(actions, threads, canSplit, minSplit).segments.some((s) => s.split);
}

/** The namespaces that tie an action to others of its group (the host's only when it has no other). */
function keysOf(a: Action): string[] {
  const ns = namespacesOf(a).filter((x) => x !== HOST);
  return ns.length ? ns : [HOST];
}

/** One group's clusters (by shared namespace; offsets in the group) on each thread. */
function shareGroup(group: Action[], threads: number, owner: Map<string, number>): number[][][] {
  // Union-find over namespaces.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? (parent.set(r, r), r);
    parent.set(x, r);
    return r;
  };
  for (const a of group) {
    const [k0, ...ks] = keysOf(a);
    for (const k of ks) parent.set(find(k), find(k0!));
    find(k0!);
  }
  const clusters = new Map<string, number[]>();
  group.forEach((a, i) => {
    const root = find(keysOf(a)[0]!);
    const c = clusters.get(root);
    if (c) c.push(i);
    else clusters.set(root, [i]);
  });
  const load = new Array<number>(threads).fill(0);
  const slack = Math.max(8, Math.ceil(group.length / (10 * threads)));
  const out: number[][][] = Array.from({ length: threads }, () => []);
  for (const members of clusters.values()) {
    const nss = members.flatMap((i) => keysOf(group[i]!));
    const lightest = load.indexOf(Math.min(...load));
    const had = nss.map((ns) => owner.get(ns)).find((t) => t !== undefined);
    const t = had !== undefined && load[had]! - load[lightest]! <= slack ? had : lightest;
    out[t]!.push(members);
    for (const ns of nss) if (ns !== HOST) owner.set(ns, t);
    load[t]! += members.length;
  }
  return out.map(capClusters);
}

/** Join neighbouring clusters of a share with more than MAX_CLUSTERS of them. */
function capClusters(cs: number[][]): number[][] {
  if (cs.length <= MAX_CLUSTERS) return cs;
  const per = Math.ceil(cs.length / MAX_CLUSTERS);
  const out: number[][] = [];
  for (let k = 0; k < cs.length; k += per) out.push(cs.slice(k, k + per).flat());
  return out;
}

/** Each thread closes a handle after its own last (non-removal) action in that namespace. */
function closeAfterLastUse(actions: readonly Action[], thread: number[]): string[][] {
  const last = new Map<string, number>();
  actions.forEach((a, i) => {
    if (!isRemoval(a)) for (const ns of namespacesOf(a)) if (ns !== HOST) last.set(`${thread[i]}\0${ns}`, i);
  });
  const out = actions.map((): string[] => []);
  for (const [k, i] of last) out[i]!.push(k.slice(k.indexOf('\0') + 1));
  return out;
}
