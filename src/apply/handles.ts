/**
 * Open handles on the namespaces a lab uses, so that observing and applying open each one once.
 * The host namespace ('' or undefined) is the shared host handle.
 */
import { hostNetns, openNetnsSync, type Handle } from '../api/handle.js';

export class Handles {
  private readonly open = new Map<string, Handle>();

  /** A handle on `ns` ('' or undefined = host), opened on first use. */
  get(ns: string | undefined): Handle {
    if (ns === undefined || ns === '') return hostNetns();
    let h = this.open.get(ns);
    if (!h || h.isClosed) {
      h = openNetnsSync(ns);
      this.open.set(ns, h);
    }
    return h;
  }

  /** Keep a handle made elsewhere (netns.create returns one whose socket was opened inside). */
  put(ns: string, h: Handle): void {
    const old = this.open.get(ns);
    if (old && old !== h) old.close();
    this.open.set(ns, h);
  }

  close(ns: string): void {
    this.open.get(ns)?.close();
    this.open.delete(ns);
  }

  closeAll(): void {
    for (const h of this.open.values()) h.close();
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}
