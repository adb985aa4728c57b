/**
 * `up` returns with its links started, not only set up. When a link gets carrier (a veth whose
 * peer came up, a bridge whose port began forwarding), the kernel finishes the change later, in
 * its linkwatch worker: it sets the operstate, activates the transmit queue (until then what the
 * link sends is dropped), lets a bridge port forward (and so gives its bridge carrier), and has
 * IPv6 configure the link (its link-local address, without which a router does not solicit a
 * neighbour for a packet it forwards, and the ff00::/8 route). The worker runs non-urgent events
 * at most once a second, and later on a loaded machine: a ping right after `up` went unanswered.
 *
 * A GETLINK of one device runs that device's pending linkwatch work at once (kernel 6.7 and later,
 * "net: core: synchronize link-watch when carrier is queried"). So: one GETLINK (LinkApi.state)
 * per link this apply started, ports before their bridges (a port's work is what turns its
 * bridge's carrier on). No dump and no pause on such a kernel. On an older one a reply can still
 * show the work pending (carrier, and an operstate that is not UP yet on a device whose operstate
 * follows its carrier); those are asked again, pausing as settle.ts does, until TIMEOUT_MS.
 */
import { NsnetError } from '../api/errors.js';
import type { LinkState } from '../wire/rtnl/index.js';
import type { Action } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import type { Handles } from './handles.js';
import { TIMEOUT_MS } from './settle.js';
import { openFilesLimit } from '../kernel/limits.js';

/** A link by namespace ('' = host) and kernel name or ifindex. */
interface Ref {
  ns: string;
  dev: string | number;
}

/** Per namespace ('' = host): the links the actions start (bring up, or give a bridge), and the bridges they name. */
export type StartedLinks = ReadonlyMap<string, { readonly links: readonly (string | number)[]; readonly bridges: readonly (string | number)[] }>;

/** What the actions start (applyPlan reads it once, for the runner's open handles and for finishStart). */
export function startedLinks(actions: readonly Action[]): StartedLinks {
  const out = new Map<string, { links: (string | number)[]; bridges: Set<string> }>();
  const at = (netns: string | undefined) => {
    const ns = netns ?? HOST;
    let x = out.get(ns);
    if (!x) out.set(ns, (x = { links: [], bridges: new Set() }));
    return x;
  };
  const add = (netns: string | undefined, name: string, master?: string | null) => {
    at(netns).links.push(name);
    if (typeof master === 'string') at(netns).bridges.add(master);
  };
  for (const a of actions) {
    if (a.op === 'create-veth') for (const e of [a.a, a.b]) add(e.netns, e.name, e.master);
    else if (a.op === 'create-macvlan' || a.op === 'create-vxlan') add(a.netns, a.name, a.master);
    else if (a.op === 'set-link' && (a.up === true || typeof a.master === 'string')) add(a.netns, a.name, a.master);
    else if (a.op === 'create-bridge') at(a.netns).bridges.add(a.name);
    else if (a.op === 'attach-uplink') at(undefined).bridges.add(a.bridge);
  }
  // Each bridge once, in the order first named (a star's 1000 ports name the same bridge).
  return new Map([...out].map(([ns, x]) => [ns, { links: x.links, bridges: [...x.bridges] }]));
}

/**
 * The namespaces (not the host) whose handles the runner may leave open for finishStart, which
 * asks a link of each: reopening one is a namespace file, two setns, a socket with its options
 * and two closes (~80 ms of the 1000-host star's up). Each open handle holds two descriptors, so
 * only while that stays within a quarter of the process's limit on open files; beyond it (or
 * when the limit cannot be read) none, and finishStart opens each as before.
 */
export function namespacesToKeepOpen(started: StartedLinks, limitOf: () => number | undefined = openFilesLimit): Set<string> {
  const ns = [...started.keys()].filter((x) => x !== HOST);
  if (!ns.length) return new Set();
  const limit = limitOf();
  return limit !== undefined && 2 * ns.length <= limit / 4 ? new Set(ns) : new Set();
}

/**
 * Whether the kernel has yet to finish the link's carrier change (seen only on kernels before
 * 6.7): carrier on and the operstate not UP, on a device whose operstate then becomes UP. A
 * veth's or a macvlan's always does; a bridge that never had a port keeps UNKNOWN with carrier
 * on, so for a bridge only DOWN or LOWERLAYERDOWN (its carrier loss was processed) counts. A
 * vxlan's operstate stays UNKNOWN.
 */
function pending(s: LinkState): boolean {
  if (s.carrier !== true || s.operstate === 'UP') return false;
  if (s.kind === 'veth' || s.kind === 'macvlan') return true;
  return s.kind === 'bridge' && s.operstate !== 'UNKNOWN';
}

/**
 * Make the kernel finish starting the links the actions started, a namespace at a time (a bridge
 * and its ports share one), ports first, then their bridges (those the actions name and those the
 * replies show); wait for any it has not finished. A namespace's handle is used as the runner
 * left it open (namespacesToKeepOpen), or opened for this; either way it is closed once asked.
 */
export async function finishStart(handles: Handles, started: StartedLinks, timeoutMs = TIMEOUT_MS): Promise<void> {
  const later: Ref[] = [];
  for (const [ns, { links, bridges: named }] of started) {
    const seen = new Set<number>();
    const bridges: (string | number)[] = [...named];
    const queued = new Set<number>(); // bridges found as a port's master
    const visit = (dev: string | number, bridge: boolean) => {
      if (typeof dev === 'number' && seen.has(dev)) return; // asked already, by its name
      const s = ask(handles, { ns, dev });
      if (!s || seen.has(s.index)) return;
      seen.add(s.index);
      if (!bridge && s.master !== undefined && !queued.has(s.master)) {
        queued.add(s.master);
        bridges.push(s.master);
      }
      if (pending(s)) later.push({ ns, dev: s.index });
    };
    for (const dev of links) visit(dev, false);
    // A bridge is asked after all its ports (their work gave it carrier), once: by its name when
    // the actions name it, else by the index its ports show (1000 ports, one GETLINK of it).
    for (let i = 0; i < bridges.length; i++) visit(bridges[i]!, true);
    // Asked: closed now unless a later pass needs it (a handle the runner kept included).
    if (ns !== HOST && !later.some((r) => r.ns === ns)) handles.close(ns);
  }
  await waitStarted(later, (r) => ask(handles, r), timeoutMs);
}

/** A link's state (its pending carrier change done, on kernels from 6.7); undefined when it is gone (a later action removed it). */
function ask(handles: Handles, r: Ref): LinkState | undefined {
  try {
    return handles.get(r.ns || undefined).link.state(r.dev);
  } catch (e) {
    if (e instanceof NsnetError && e.code === 'ENODEV') return undefined;
    throw e;
  }
}

/** Ask again, with a growing pause, until none is pending; an error naming them after `timeoutMs`. */
async function waitStarted(refs: Ref[], ask: (r: Ref) => LinkState | undefined, timeoutMs: number): Promise<void> {
  const start = Date.now();
  let pause = 1;
  let left = refs;
  while (left.length) {
    left = left.filter((r) => {
      const s = ask(r);
      return s !== undefined && pending(s);
    });
    if (!left.length) return;
    if (Date.now() - start > timeoutMs) {
      const names = left.map((r) => `link #${r.dev} in ${r.ns === HOST ? 'the host namespace' : r.ns}`).join(', ');
      throw new NsnetError('ETIMEDOUT', `the kernel did not finish starting ${names} within ${timeoutMs / 1000} s (carrier on, operstate not UP)`, names,
        'the kernel\'s linkwatch worker is stuck or the machine is overloaded; look at `dmesg`, then run up again');
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 10);
  }
}
