/**
 * One poll(2) for every listening fd of the process, run off the main thread.
 *
 * Netlink sockets cannot be handed to libuv (it only adopts TCP, UDP and pipe fds), and a
 * blocking recv on the main thread would stop the event loop. So the fds are watched by one
 * poll() called through koffi's async mode, which runs it on a libuv threadpool thread; when it
 * returns, the main thread reads the ready sockets without blocking and polls again. However
 * many listeners there are, this takes exactly one of the pool's threads (4 by default,
 * shared with fs and dns), and only while something listens.
 *
 * An eventfd is always in the set: writing to it wakes the poll when the set changes, a
 * listener closes, or the process exits (libuv joins its threads at exit, so a poll left
 * blocked would hang `process.exit()`). An fd is closed only after the poll that watched it
 * has returned, so a number reused by a new file is never watched by mistake.
 *
 * Failures end the watch, never silently: an fd that poll() says is not open (POLLNVAL: it was
 * closed under its reader) is dropped and its owner told; when poll() itself fails (EINVAL,
 * ENOMEM) every owner is told and the fds are closed. An owner without a `failed` callback gets
 * a process warning instead.
 */
import { constants } from 'node:os';
import { syscallError, type KernelError } from './errors.js';
import * as n from './native.js';

const POLLFD = 8;
const POLLNVAL = 0x20;
const { EBADF, EIO } = constants.errno;

type Readable = () => void;
/** The fd is no longer watched (and, but for POLLNVAL, closed): nothing more will come. */
export type Failed = (e: KernelError) => void;

interface Watch {
  readable: Readable;
  failed?: Failed;
}

export class Poller {
  private readonly watched = new Map<number, Watch>();
  private readonly toClose: number[] = [];
  private wake = -1;
  private inflight = false;
  private armQueued = false;
  /** Kept referenced while the threadpool thread uses it. */
  private fdsBuf: Buffer | undefined;
  /** How many poll() calls have returned (for tests and the benchmark). */
  rounds = 0;

  private eventfd(): number {
    if (this.wake >= 0) return this.wake;
    const fd = n.eventfd(0, n.EFD_CLOEXEC | n.EFD_NONBLOCK);
    if (fd < 0) throw syscallError(n.lastErrno(), 'open', 'eventfd');
    this.wake = fd;
    process.once('exit', () => this.kick());
    return fd;
  }

  /**
   * Call `onReadable` on the main thread whenever `fd` has data (or an error) pending, and
   * `onFailed` once if watching it fails.
   */
  add(fd: number, onReadable: Readable, onFailed?: Failed): void {
    this.eventfd();
    this.watched.set(fd, onFailed ? { readable: onReadable, failed: onFailed } : { readable: onReadable });
    this.changed();
  }

  /** Stop watching `fd` without closing it (it is no longer the owner's file). */
  forget(fd: number): void {
    if (this.watched.delete(fd)) this.changed();
  }

  /** The fds watched now (for tests). */
  fds(): number[] {
    return [...this.watched.keys()];
  }

  /** Stop watching `fd` and close it once no poll() looks at it any more. */
  removeAndClose(fd: number): void {
    if (!this.watched.delete(fd)) return;
    if (this.inflight) {
      this.toClose.push(fd);
      this.kick();
    } else {
      n.close(fd);
    }
  }

  get size(): number {
    return this.watched.size;
  }

  private kick(): void {
    if (!this.inflight || this.wake < 0) return;
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(1n);
    n.write(this.wake, one, 8);
  }

  private changed(): void {
    if (this.inflight) this.kick();
    else if (!this.armQueued) {
      this.armQueued = true;
      queueMicrotask(() => {
        this.armQueued = false;
        this.arm();
      });
    }
  }

  private arm(): void {
    if (this.inflight || this.watched.size === 0) return;
    const fds = [this.wake, ...this.watched.keys()];
    const buf = Buffer.alloc(fds.length * POLLFD);
    fds.forEach((fd, i) => {
      buf.writeInt32LE(fd, i * POLLFD);
      buf.writeInt16LE(n.POLLIN, i * POLLFD + 4);
    });
    this.fdsBuf = buf;
    this.inflight = true;
    n.poll.async(buf, fds.length, -1, (_err, r) => this.returned(fds, buf, r));
  }

  private returned(fds: number[], buf: Buffer, r: number): void {
    this.inflight = false;
    this.fdsBuf = undefined;
    this.rounds++;
    for (const fd of this.toClose.splice(0)) n.close(fd);
    if (r > 0) {
      if (buf.readInt16LE(6) !== 0) n.read(this.wake, Buffer.alloc(8), 8);
      for (let i = 1; i < fds.length; i++) {
        const revents = buf.readInt16LE(i * POLLFD + 6);
        if (revents === 0) continue;
        const fd = fds[i]!;
        const w = this.watched.get(fd);
        if (!w) continue;
        if (revents & POLLNVAL) {
          // Closed under its reader: its number may belong to another file soon, so it is not closed here.
          this.watched.delete(fd);
          this.fail(w, syscallError(EBADF, 'poll', `fd ${fd} (closed while watched)`));
        } else {
          w.readable();
        }
      }
    } else if (r < 0) {
      // poll() itself failed: EINVAL (more fds than RLIMIT_NOFILE) or ENOMEM. Threadpool threads
      // block signals, so it is never EINTR; retrying would spin. The same call on this thread,
      // not waiting, says which errno.
      const errno = n.poll(buf, fds.length, 0) < 0 ? n.lastErrno() : EIO;
      const e = syscallError(errno, 'poll', `${fds.length - 1} event sockets`);
      for (const [fd, w] of [...this.watched]) {
        this.watched.delete(fd);
        n.close(fd);
        this.fail(w, e);
      }
      return;
    }
    this.arm();
  }

  private fail(w: Watch, e: KernelError): void {
    if (w.failed) w.failed(e);
    else process.emitWarning(`nsnet: ${e.message}; a listener stopped`);
  }
}

/** The process's one poller. */
export const poller = new Poller();
