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
}

class Watcher {
  private readonly byNsid = new Map<number, Known>();
  private readonly inodes = new Set<number>();
  private host: Known | undefined;
  private readonly all: boolean;
  private readonly catchUp = new CatchUp();

  constructor(private readonly opts: MonitorOptions, private readonly emit: (e: MonitorEvent) => void) {
    this.all = opts.netns === undefined;
  }

  private wanted(ns: ScannedNetns): boolean {
    if (ns.self) return this.all || this.opts.host === true;
    return this.all || ns.names.some((n) => this.opts.netns!.includes(n));
  }

  /**
   * Find watched namespaces not known yet and give them nsids. With `announce` (the monitor is
   * running) say netns/new for each, then what it holds already (see catchUp).
   */
  rescan(announce: boolean): void {
    const h = hostNetns();
    for (const ns of scanNetns({ processes: this.all })) {
      if (this.inodes.has(ns.inode) || !this.wanted(ns)) continue;
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
        this.byNsid.set(nsid, known);
      }
      this.inodes.add(ns.inode);
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

  private where(nsid: number | undefined): Known | undefined {
    if (nsid === undefined) return this.host;
    let k = this.byNsid.get(nsid);
    if (!k && this.all) {
      this.rescan(true);
      k = this.byNsid.get(nsid);
    }
    return k;
  }

  /** One batch read from the socket; `drained`: the read ended because the socket was empty. */
  deliver(batch: Delivery[], drained: boolean): void {
    this.catchUp.startBatch();
    for (const d of batch) {
      if ('overrun' in d) this.emit({ type: 'overrun', netns: '*' });
      else if ('event' in d) {
        try {
          this.one(d.nsid, d.event);
        } catch {
          // a namespace that vanished while its names were read: the event is skipped
        }
      }
    }
    this.catchUp.endBatch(drained);
  }

  private one(nsid: number | undefined, ev: RtnlEvent): void {
    if (ev.kind === 'nsid') {
      if (nsid === undefined) this.nsidChanged(ev.action, ev.nsid.nsid);
      return;
    }
    const k = this.where(nsid);
    if (!k || this.catchUp.stale(k.inode)) return;
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
    if (action === 'new') {
      if (!this.byNsid.has(nsid)) this.rescan(true);
      return;
    }
    const k = this.byNsid.get(nsid);
    if (!k) return;
    this.byNsid.delete(nsid);
    this.inodes.delete(k.inode);
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

/** Events from the namespaces asked for (all on the host by default), until close(). */
export function monitor(opts: MonitorOptions = {}): Monitor {
  const queue: MonitorEvent[] = [];
  const waiting: Array<(r: IteratorResult<MonitorEvent>) => void> = [];
  let closed = false;
  const emit = (e: MonitorEvent): void => {
    if (closed) return;
    const w = waiting.shift();
    if (w) w({ value: e, done: false });
    else queue.push(e);
  };
  const watcher = new Watcher(opts, emit);
  const sock = EventSocket.open({ groups: MONITOR_GROUPS, allNsid: true }, (b, drained) => watcher.deliver(b, drained));
  const timers: NodeJS.Timeout[] = [];
  let dirWatch: fs.FSWatcher | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    sock.close();
    dirWatch?.close();
    for (const t of timers) clearTimeout(t);
    clearInterval(every);
    for (const w of waiting.splice(0)) w({ value: undefined, done: true });
  };
  const rescan = (): void => {
    if (!closed) watcher.rescan(true);
  };
  try {
    watcher.rescan(false);
  } catch (e) {
    close();
    throw e;
  }
  // A new name under /run/netns is created before its namespace is mounted on it: look now and again shortly.
  try {
    dirWatch = fs.watch(NETNS_RUN_DIR, { persistent: false }, () => {
      for (const ms of [5, 50, 250]) timers.push(setTimeout(rescan, ms).unref());
      if (timers.length > 60) timers.splice(0, timers.length - 60);
    });
  } catch {
    // no /run/netns yet: the periodic rescan finds what appears
  }
  const every = setInterval(rescan, opts.rescanMs ?? 1000).unref();
  const it: Monitor = {
    next: () => {
      const e = queue.shift();
      if (e) return Promise.resolve({ value: e, done: false });
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((r) => waiting.push(r));
    },
    return: () => {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    close,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
