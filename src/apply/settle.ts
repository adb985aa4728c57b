/**
 * Waiting until links the kernel frees by itself are gone (the veth peers of a deleted
 * namespace; it frees them after an RCU grace period), so that their names can be used again:
 * one definition for `up` (an edit that deletes namespaces) and `down`.
 *
 * Each link is checked by ifindex (one GETLINK, ENODEV once it is gone), not by a dump. A peer of
 * a namespace that a process still holds open never goes by itself: after FORCE_AFTER_MS the
 * links still there (the lab's) are deleted instead. After the timeout it is an error.
 */
import { KernelError, NsnetError } from '../api/errors.js';
import type { FreedLink } from '../plan/actions.js';
import type { Handles } from './handles.js';

export const FORCE_AFTER_MS = 2_000;
export const TIMEOUT_MS = 30_000;

export interface WaitOptions {
  /** Give up after this long (default TIMEOUT_MS). */
  timeoutMs?: number;
  /** When all are gone: any more to wait for (a last look); none ends the wait. */
  more?: () => FreedLink[];
  /** The error when the time is up, from what is left. */
  timeout(left: FreedLink[], ms: number): Error;
}

/** Wait until `links` are gone; returns the names of those deleted because they did not go by themselves. */
export async function waitFreed(handles: Handles, links: FreedLink[], opts: WaitOptions): Promise<string[]> {
  const going = [...links];
  const forced: string[] = [];
  const timeout = opts.timeoutMs ?? TIMEOUT_MS;
  const start = Date.now();
  let pause = 1;
  let force = true;
  for (;;) {
    while (going.length && !exists(handles, going[going.length - 1]!)) going.pop();
    if (!going.length) {
      const more = opts.more?.() ?? [];
      if (!more.length) return forced;
      going.push(...more);
    }
    if (force && Date.now() - start > FORCE_AFTER_MS) {
      force = false;
      for (const l of going) {
        try {
          await handles.get(l.netns).link.del(l.index);
          forced.push(l.name);
        } catch (e) {
          if (!(e instanceof NsnetError)) throw e; // gone meanwhile, or its namespace with it
        }
      }
      continue;
    }
    if (Date.now() - start > timeout) throw opts.timeout(going, timeout);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 10);
  }
}

function exists(handles: Handles, l: FreedLink): boolean {
  try {
    handles.get(l.netns).link.raw(l.index);
    return true;
  } catch (e) {
    if (e instanceof KernelError && e.code === 'ENODEV') return false;
    if (e instanceof NsnetError && (e.code === 'ENOENT' || e.code === 'EINVAL')) return false; // its namespace went too
    throw e;
  }
}
