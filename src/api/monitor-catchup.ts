/**
 * Catching up with a namespace that appears while monitoring. Its notifications reach the
 * listener only once it has an nsid here, so what happened in it before (its first links,
 * addresses, routes) was never heard. When the monitor finds such a namespace it reads the
 * namespace's state and emits it as 'new' events (monitor.ts); this class decides which of the
 * notifications that arrive around that read are stale copies of it. Pure: no I/O.
 *
 * A batch is what one read of the listening socket returned. For a namespace read ("dumped")
 * while batch b was the latest:
 *   - its notifications in batches up to b were read before the dump: the dump shows their
 *     effect (or a later state), so they are stale and dropped;
 *   - in later batches, until one read that empties the socket, a notification may predate the
 *     dump or follow it: one whose event equals what the dump emitted for the same object is a
 *     copy (dropped); any other is news, and that object's notifications pass from then on;
 *   - after that read every earlier notification has been read: nothing of it is held back.
 * A change made between the last stale batch and the dump may thus be told twice in a row with
 * states in between (a link set down then up shows up, down, up): the last one is right.
 */
import type { MonitorEvent } from './monitor.js';

interface Window {
  /** The latest batch when the dump was read. */
  batch: number;
  /** Object key → the event the dump emitted for it, as JSON. */
  dumped: Map<string, string>;
}

/** Which kernel object an event is about: the same key for its new and del, undefined for the rest. */
export function objectKey(e: MonitorEvent): string | undefined {
  switch (e.type) {
    case 'link':
      return `link ${e.link.ifindex}`;
    case 'addr':
      return `addr ${e.addr.family} ${e.addr.ifindex} ${e.addr.local}/${e.addr.prefixlen}`;
    case 'route': {
      const r = e.route;
      return `route ${r.family} ${r.table} ${r.type} ${r.dst} ${r.metric ?? 0} ${r.dev ?? ''}`;
    }
    case 'neigh':
      return `neigh ${e.neigh.dev} ${e.neigh.dst}`;
    default:
      return undefined;
  }
}

export class CatchUp {
  private readonly windows = new Map<number, Window>();
  private batch = 0;

  /** Namespaces whose notifications are still being compared with their dump. */
  get open(): number {
    return this.windows.size;
  }

  /** A batch of notifications read from the socket is about to be handled. */
  startBatch(): void {
    this.batch++;
  }

  /** The batch is handled; `drained`: its read ended because the socket was empty. */
  endBatch(drained: boolean): void {
    if (!drained) return;
    for (const [ns, w] of this.windows) if (w.batch < this.batch) this.windows.delete(ns);
  }

  /** Namespace `ns` (its inode) was just read: `events` are what that read emitted. */
  dumped(ns: number, events: readonly MonitorEvent[]): void {
    const dumped = new Map<string, string>();
    for (const e of events) {
      const key = objectKey(e);
      if (key !== undefined) dumped.set(key, JSON.stringify(e));
    }
    this.windows.set(ns, { batch: this.batch, dumped });
  }

  /** Whether `ns`'s notifications in the batch being handled were read before its dump. */
  stale(ns: number): boolean {
    const w = this.windows.get(ns);
    return w !== undefined && this.batch <= w.batch;
  }

  /** Whether `e` (a notification of `ns` read after its dump) repeats what the dump emitted. */
  copy(ns: number, e: MonitorEvent): boolean {
    const w = this.windows.get(ns);
    const key = w && objectKey(e);
    if (!w || key === undefined) return false;
    const had = w.dumped.get(key);
    if (had === undefined) return false;
    w.dumped.delete(key);
    return had === JSON.stringify(e);
  }

  /** `ns` is gone. */
  forget(ns: number): void {
    this.windows.delete(ns);
  }
}
