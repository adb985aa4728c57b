/**
 * A throwaway network namespace: made with unshare(CLONE_NEWNET) on the main thread, left at
 * once (setns home), named nowhere, so it vanishes with the last fd or socket that holds it.
 * For probing what the kernel offers without touching any namespace that matters.
 */
import { KernelError } from './errors.js';
import { homeNetnsFd } from './netns.js';
import * as n from './native.js';

/** Run `fn` (synchronous) inside a new, unnamed network namespace, then return home. */
export function inScratchNetns<T>(fn: () => T): T {
  const home = homeNetnsFd();
  if (n.unshare(n.CLONE_NEWNET) !== 0) throw new KernelError(n.lastErrno(), 'create', 'a scratch network namespace');
  try {
    return fn();
  } finally {
    if (n.setns(home, n.CLONE_NEWNET) !== 0) {
      process.stderr.write(`nsnet: fatal: cannot return to the original network namespace (errno ${n.lastErrno()})\n`);
      process.exit(70);
    }
  }
}
