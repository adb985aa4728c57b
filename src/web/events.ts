/**
 * One event source per subject (a lab, or the whole host), shared by every WebSocket that
 * watches it: each event is serialized once and sent to all. A source starts with its first
 * watcher and stops with its last. A watcher that cannot keep up (more than MAX_BUFFERED bytes
 * waiting) is closed with 1013, never silently given a stream with holes. A source that fails
 * (the kernel's events can no longer be read) is logged, its watchers get one
 * `{"type":"error","message":...}` and are closed with 1011; a page that reconnects starts a new source.
 */
import type { WebSocket } from 'ws';

export type Source = (signal: AbortSignal) => AsyncIterable<unknown>;

export const MAX_BUFFERED = 16 * 1024 * 1024;

interface Feed {
  watchers: Set<WebSocket>;
  abort: AbortController;
  sent: number;
}

export class EventHub {
  private readonly feeds = new Map<string, Feed>();
  /** Events sent (per watcher), for the torture figures. */
  delivered = 0;

  constructor(
    private readonly sourceFor: (subject: string) => Source,
    /** Where a failing source is reported (the server's stderr). */
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  get watchers(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.watchers.size;
    return n;
  }

  /** Send SUBJECT's events to ws until it closes. */
  watch(subject: string, ws: WebSocket): void {
    let feed = this.feeds.get(subject);
    if (!feed) {
      feed = { watchers: new Set(), abort: new AbortController(), sent: 0 };
      this.feeds.set(subject, feed);
      void this.pump(subject, feed);
    }
    feed.watchers.add(ws);
    ws.on('close', () => this.leave(subject, ws));
  }

  private leave(subject: string, ws: WebSocket): void {
    const feed = this.feeds.get(subject);
    if (!feed || !feed.watchers.has(ws)) return;
    feed.watchers.delete(ws);
    if (feed.watchers.size === 0) {
      feed.abort.abort();
      this.feeds.delete(subject);
    }
  }

  private async pump(subject: string, feed: Feed): Promise<void> {
    try {
      for await (const ev of this.sourceFor(subject)(feed.abort.signal)) {
        if (feed.abort.signal.aborted) break;
        this.broadcast(feed, JSON.stringify(ev));
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!feed.abort.signal.aborted) {
        this.log(`nsnet ui: the events of ${subject} stopped: ${message}`);
        this.broadcast(feed, JSON.stringify({ type: 'error', message }));
      }
    }
    if (!feed.abort.signal.aborted) {
      // The next watcher of this subject starts a new source.
      if (this.feeds.get(subject) === feed) this.feeds.delete(subject);
      for (const ws of feed.watchers) ws.close(1011, 'the event source ended');
    }
  }

  private broadcast(feed: Feed, text: string): void {
    feed.sent++;
    for (const ws of feed.watchers) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.close(1013, 'too slow: events were waiting; reconnect');
        continue;
      }
      ws.send(text);
      this.delivered++;
    }
  }

  close(): void {
    for (const [subject, feed] of this.feeds) {
      feed.abort.abort();
      for (const ws of feed.watchers) ws.close(1001, 'the ui server stops');
      this.feeds.delete(subject);
    }
  }
}
