/**
 * Advisory file locks (flock(2)) on an open fd: the lock iproute2 takes on /run/netns, and the
 * per-lab and host-effects locks of labs. Errors are KernelErrors naming what was locked.
 */
import { KernelError } from './errors.js';
import * as n from './native.js';

const EWOULDBLOCK = 11;

/** Wait for an exclusive lock on `fd`. */
export function lockFd(fd: number, what: string): void {
  if (n.flock(fd, n.LOCK_EX) !== 0) throw new KernelError(n.lastErrno(), 'lock', what);
}

/** Take an exclusive lock on `fd` if nobody holds one; false when it is held elsewhere. */
export function tryLockFd(fd: number, what: string): boolean {
  if (n.flock(fd, n.LOCK_EX | n.LOCK_NB) === 0) return true;
  const e = n.lastErrno();
  if (e === EWOULDBLOCK) return false;
  throw new KernelError(e, 'lock', what);
}

export function unlockFd(fd: number): void {
  n.flock(fd, n.LOCK_UN);
}
