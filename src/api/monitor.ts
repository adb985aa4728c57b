/**
 * monitor(): kernel events from many namespaces as one async iterator of typed events, each
 * naming its namespace (its /run/netns name, 'host', pid:N or inode:N).
 *
 *   const m = monitor({ netns: ['h1', 'r1'] });   // same as: ip -all netns exec ip monitor, but one stream
 *   for await (const e of m) console.log(e.netns, e.type, e.action);
 *
 * One listening socket in this process's namespace with NETLINK_LISTEN_ALL_NSID hears them all
 * (kernel/events.ts). It holds no reference to any other namespace, so watching never keeps a
 * deleted namespace alive; in exchange every watched namespace needs an nsid here, which
 * monitor assigns when missing (as `ip netns set NAME auto`). Namespaces appearing later are
 * found by watching /run/netns, by the kernel's RTM_NEWNSID and by a light rescan
 * (process-held ones in `all` mode); a namespace's end is the kernel's RTM_DELNSID.
 *
 * Nothing made in a namespace before it had an nsid here is heard, so a namespace found while
 * monitoring is read once after its nsid exists and what it already holds is emitted as 'new'
 * events right after its netns/new; the notifications that repeat that read are dropped
 * (monitor-catchup.ts). So a namespace's objects are never missed, however fast it is filled.
 */
import * as fs from 'node:fs';
import { NsnetError } from '../kernel/errors.js';
import { EventSocket, type Delivery } from '../kernel/events.js';
import { netnsLabel, openScanned, scanNetns, type ScannedNetns } from '../kernel/hostscan.js';
import { inNetns, NETNS_RUN_DIR } from '../kernel/netns.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { WireError } from '../wire/errors.js';
import { decodeEvent, MONITOR_GROUPS, type RtnlEvent } from '../wire/rtnl/event.js';
import { encodeAddrDump, encodeLinkDump, encodeNeighDump, encodeRouteDump } from '../wire/rtnl/index.js';
import { addrInfoOf } from './addresses.js';
import { handleFromFd, hostNetns } from './handle.js';
import { CatchUp } from './monitor-catchup.js';
import { linkInfoOf } from './links.js';
import { ensureNsidOfFd } from './namespaces.js';
import { neighInfoOf } from './neighbours.js';
import { routeInfoOf } from './routes.js';
import type { AddrInfo, LinkInfo, NeighInfo, RouteInfo } from './types.js';

export interface MonitorOptions {
  /** Namespaces to watch by /run/netns name (they may appear later). Omitted: every namespace on the host. */
  netns?: readonly string[];
  /** With `netns`, also the host's own namespace (default: false). */
  host?: boolean;
  /** How often to look again for namespaces the /run/netns watch cannot see, in ms (default 1000). */
  rescanMs?: number;
}

interface Common {
  /** The namespace: its /run/netns name, 'host' for this process's, pid:N or inode:N. */
  netns: string;
  /** Its nsfs inode, when known. */
  inode?: number;
}
export type MonitorEvent = Common & (
  | { type: 'link'; action: 'new' | 'del'; link: LinkInfo }
  | { type: 'addr'; action: 'new' | 'del'; addr: AddrInfo }
  | { type: 'route'; action: 'new' | 'del'; route: RouteInfo }
  | { type: 'neigh'; action: 'new' | 'del'; neigh: NeighInfo }
  /** A watched namespace appeared (after the monitor started) or was destroyed. */
  | { type: 'netns'; action: 'new' | 'del' }
  /** The kernel dropped events (the reader was too slow): state must be read again. */
  | { type: 'overrun' }
);

export interface Monitor extends AsyncIterableIterator<MonitorEvent> {
  /** Stop: the iterator ends, the socket and watches are released. Idempotent. */
  close(): void;
}

/** A notification about an object (a link, address, route or neighbour). */
type ObjectEvent = Exclude<RtnlEvent, { kind: 'nsid' }>;

interface Known {
  inode: number;
  label: string;
  scanned: ScannedNetns;
  /** ifindex -> name, learnt from link events, filled from a dump on a miss. */
  names?: Map<number, string>;
  /**
   * Its nsid, while the kernel's RTM_NEWNSID for it has not been read yet: the notifications
   * with that nsid read before it are of the namespace that had the number before (nsids are
   * reused at once), and so is an RTM_DELNSID read before it.
   */
  pending?: number;
}

class Watcher {
  private readonly byNsid = new Map<number, Known>();
  private readonly byInode = new Map<number, Known>();
  private host: Known | undefined;
  private readonly all: boolean;
  private readonly catchUp = new CatchUp();
  /** nsids of namespaces not found by the last mounts-only rescans (until the next full one). */
  private readonly sought = new Set<number>();
  /** nsids whose RTM_NEWNSID has been read (and no RTM_DELNSID since). */
  private readonly told = new Set<number>();
  /**
   * Namespaces waiting for their RTM_NEWNSID, with the batch they were found in. It was sent
   * before they were found, so once a later read has emptied the socket none is coming (an nsid
   * given before the monitor started) and they wait no more.
   */
  private readonly pending = new Map<Known, number>();
  private batches = 0;

  constructor(private readonly opts: MonitorOptions, private readonly emit: (e: MonitorEvent) => void) {
    this.all = opts.netns === undefined;
  }

  private wanted(ns: ScannedNetns): boolean {
    if (ns.self) return this.all || this.opts.host === true;
    return this.all || ns.names.some((n) => this.opts.netns!.includes(n));
  }

  /**
   * Find watched namespaces not known yet and give them nsids. With `announce` (the monitor is
   * running) say netns/new for each, then what it holds already (see catchUp). `full`: in `all`
   * mode also the namespaces only processes hold (a walk of /proc: the periodic rescan's job;
   * the others read only the mounts, which costs next to nothing).
   */
  rescan(announce: boolean, full: boolean): void {
    const h = hostNetns();
    if (full) this.sought.clear();
    for (const ns of scanNetns({ processes: full && this.all })) {
      const had = this.byInode.get(ns.inode);
      if (had) {
        // Seen first through a process (pid:N), as a namespace is between its creation and its
        // mount: once it has a name under /run/netns, its events carry that name.
        if (!had.scanned.names.length && ns.names.length) Object.assign(had, { label: netnsLabel(ns), scanned: ns });
        continue;
      }
      if (!this.wanted(ns)) continue;
      const known: Known = { inode: ns.inode, label: netnsLabel(ns), scanned: ns };
      let state: ObjectEvent[] = [];
      if (ns.self) this.host = known;
      else {
        const fd = openScanned(ns);
        if (fd === undefined) continue;
        let nsid: number | undefined;
        try {
          nsid = ensureNsidOfFd(h, fd, `namespace ${known.label}`);
          if (nsid !== undefined && announce) state = this.stateOf(fd, known);
        } finally {
          fs.closeSync(fd);
        }
        if (nsid === undefined) continue;
        if (announce && !this.told.has(nsid)) {
          known.pending = nsid;
          this.pending.set(known, this.batches);
        }
        this.byNsid.set(nsid, known);
      }
      this.byInode.set(ns.inode, known);
      if (!announce) continue;
      this.emit({ type: 'netns', action: 'new', netns: known.label, inode: known.inode });
      if (!ns.self) this.catchUpWith(known, state);
    }
  }

  /**
   * A namespace's links, addresses, routes and neighbours now, as the notifications that made
   * them would say (read after its nsid exists, so nothing made later is missed: catchUp).
   */
  private stateOf(fd: number, k: Known): ObjectEvent[] {
    const what = `namespace ${k.label}`;
    let sock: NetlinkSocket;
    try {
      sock = inNetns(fd, what, () => NetlinkSocket.open());
    } catch {
      return []; // it vanished: its netns/del follows
    }
    const out: ObjectEvent[] = [];
    try {
      for (const req of [encodeLinkDump(), encodeAddrDump(), encodeRouteDump(), encodeNeighDump()]) {
        for (const m of sock.request(req, { op: 'list', object: `the state of ${what}` })) {
          try {
            const ev = decodeEvent(m);
            if (ev && ev.kind !== 'nsid') out.push(ev);
          } catch (e) {
            if (!(e instanceof WireError)) throw e; // a family no event names (multicast routing): skipped
          }
        }
      }
    } catch {
      // it vanished mid-read: what was read stands, its netns/del follows
    } finally {
      sock.close();
    }
    return out;
  }

  /** Emit what namespace K held when found, and hold back the notifications that repeat it. */
  private catchUpWith(k: Known, state: ObjectEvent[]): void {
    k.names = new Map();
    const told: MonitorEvent[] = [];
    for (const ev of state) {
      const e = this.describe(k, ev);
      if (e) told.push(e);
    }
    this.catchUp.dumped(k.inode, told);
    for (const e of told) this.emit(e);
  }

  /** The namespace an nsid names; an unknown one is looked for among the mounts, once until the next full rescan. */
  private where(nsid: number | undefined): Known | undefined {
    if (nsid === undefined) return this.host;
    let k = this.byNsid.get(nsid);
    if (!k && this.all && !this.sought.has(nsid)) {
      this.sought.add(nsid);
      this.rescan(true, false);
      k = this.byNsid.get(nsid);
    }
    return k;
  }

  /** One batch read from the socket; `drained`: the read ended because the socket was empty. */
  deliver(batch: Delivery[], drained: boolean): void {
    this.catchUp.startBatch();
    this.batches++;
    for (const d of batch) {
      if ('overrun' in d) {
        // An RTM_NEWNSID may be among what was lost: no namespace waits for one any more.
        for (const k of this.pending.keys()) k.pending = undefined;
        this.pending.clear();
        this.emit({ type: 'overrun', netns: '*' });
      }
      else if ('event' in d) {
        try {
          this.one(d.nsid, d.event);
        } catch {
          // a namespace that vanished while its names were read: the event is skipped
        }
      }
    }
    this.catchUp.endBatch(drained);
    if (!drained) return;
    for (const [k, found] of this.pending) {
      if (found >= this.batches && k.pending !== undefined) continue;
      k.pending = undefined;
      this.pending.delete(k);
    }
  }

  private one(nsid: number | undefined, ev: RtnlEvent): void {
    if (ev.kind === 'nsid') {
      if (nsid === undefined) this.nsidChanged(ev.action, ev.nsid.nsid);
      return;
    }
    const k = this.where(nsid);
    if (!k || k.pending !== undefined || this.catchUp.stale(k.inode)) return;
    const e = this.describe(k, ev);
    if (e && !this.catchUp.copy(k.inode, e)) this.emit(e);
  }

  /** A notification of namespace K as a monitor event (undefined: not one a monitor shows). */
  private describe(k: Known, ev: ObjectEvent): MonitorEvent | undefined {
    const base = { netns: k.label, inode: k.inode };
    if (ev.kind === 'link') {
      const names = this.names(k);
      const info = linkInfoOf(ev.link, new Map(), () => undefined, new Map());
      if (ev.link.master) info.master = names.get(ev.link.master) ?? `if${ev.link.master}`;
      if (ev.action === 'new') names.set(ev.link.index, ev.link.name);
      else names.delete(ev.link.index);
      return { ...base, type: 'link', action: ev.action, link: info };
    }
    if (ev.kind === 'addr') {
      const names = this.names(k);
      if (ev.addr.label && !names.has(ev.addr.index)) names.set(ev.addr.index, ev.addr.label);
      return { ...base, type: 'addr', action: ev.action, addr: addrInfoOf(ev.addr, names) };
    }
    if (ev.kind === 'route') return { ...base, type: 'route', action: ev.action, route: routeInfoOf(ev.route, this.names(k)) };
    // (bridge fdb entries, AF_BRIDGE, are not neighbours: left out as ip neigh does)
    if (ev.neigh.family !== 2 && ev.neigh.family !== 10) return undefined;
    return { ...base, type: 'neigh', action: ev.action, neigh: neighInfoOf(ev.neigh, this.names(k)) };
  }

  private nsidChanged(action: 'new' | 'del', nsid: number): void {
    const k = this.byNsid.get(nsid);
    if (action === 'new') {
      this.told.add(nsid);
      if (k) {
        k.pending = undefined;
        this.pending.delete(k);
      } else {
        this.rescan(true, false);
      }
      return;
    }
    this.told.delete(nsid);
    if (!k || k.pending === nsid) return; // (the number's previous namespace ended)
    this.byNsid.delete(nsid);
    this.byInode.delete(k.inode);
    this.catchUp.forget(k.inode);
    this.emit({ type: 'netns', action: 'del', netns: k.label, inode: k.inode });
  }

  /** ifindex -> name in a namespace: one link dump through a socket opened there and closed. */
  private names(k: Known): Map<number, string> {
    if (k.names) return k.names;
    const fd = k.scanned.self ? undefined : openScanned(k.scanned);
    if (k.scanned.self) k.names = hostNetns().link.names();
    else if (fd === undefined) k.names = new Map();
    else {
      const h = handleFromFd(fd, undefined, `namespace ${k.label}`, inNetns(fd, `namespace ${k.label}`, () => NetlinkSocket.open()));
      try {
        k.names = h.link.names();
      } finally {
        h.close();
      }
    }
    return k.names;
  }
}

/**
 * Events waiting for the iterator, and how the stream ends: done, or a failure that the next
 * next() after the queued events rejects with (then done).
 */
class Feed {
  private readonly queue: MonitorEvent[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<MonitorEvent>) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;
  ended = false;

  push(e: MonitorEvent): void {
    if (this.ended) return;
    const w = this.waiting.shift();
    if (w) w.resolve({ value: e, done: false });
    else this.queue.push(e);
  }

  end(failure?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    for (const w of this.waiting.splice(0)) {
      if (this.failure) {
        w.reject(this.failure);
        this.failure = undefined;
      } else {
        w.resolve({ value: undefined, done: true });
      }
    }
  }

  next(): Promise<IteratorResult<MonitorEvent>> {
    const e = this.queue.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.failure) {
      const f = this.failure;
      this.failure = undefined;
      return Promise.reject(f);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}

/**
 * Events from the namespaces asked for (all on the host by default), until close(). If the
 * kernel's events can no longer be read (the socket failed), the iterator rejects once with an
 * NsnetError EVENTS_FAILED after the events already queued, and is done.
 */
export function monitor(opts: MonitorOptions = {}): Monitor {
  const feed = new Feed();
  const watcher = new Watcher(opts, (e) => feed.push(e));
  const timers: Array<NodeJS.Timeout | undefined> = [];
  let dirWatch: fs.FSWatcher | undefined;
  let every: NodeJS.Timeout | undefined;
  const close = (failure?: Error): void => {
    if (feed.ended) return;
    sock.close();
    dirWatch?.close();
    for (const t of timers) clearTimeout(t);
    clearInterval(every);
    feed.end(failure);
  };
  const failed = (e: Error): void => {
    close(new NsnetError('EVENTS_FAILED', `monitor: the kernel's events can no longer be read: ${e.message}`, 'monitor', 'start it again'));
  };
  const sock = EventSocket.open({ groups: MONITOR_GROUPS, allNsid: true }, (b, drained) => watcher.deliver(b, drained), failed);
  const rescan = (full: boolean): void => {
    if (!feed.ended) watcher.rescan(true, full);
  };
  try {
    watcher.rescan(false, true);
  } catch (e) {
    close();
    throw e;
  }
  // A new name under /run/netns is created before its namespace is mounted on it: look soon and
  // again a little later (one look per delay however many names come at once: `up` makes hundreds).
  const soon = (ms: number, slot: number): void => {
    if (timers[slot]) return;
    timers[slot] = setTimeout(() => {
      timers[slot] = undefined;
      rescan(false);
    }, ms).unref();
  };
  try {
    dirWatch = fs.watch(NETNS_RUN_DIR, { persistent: false }, () => [5, 50, 250].forEach(soon));
  } catch {
    // no /run/netns yet: the periodic rescan finds what appears
  }
  every = setInterval(() => rescan(true), opts.rescanMs ?? 1000).unref();
  const it: Monitor = {
    next: () => feed.next(),
    return: () => {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    close: () => close(),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
