/**
 * A netlink socket that listens: it joins rtnetlink multicast groups and, with `allNsid`,
 * hears every namespace that has an nsid in the namespace it was opened in
 * (NETLINK_LISTEN_ALL_NSID; the kernel names the source namespace in each message's control
 * data). Reading never blocks the event loop: the socket is non-blocking and the process's one
 * poller (events-poller.ts) says when it is readable. Request/reply sockets stay in socket.ts.
 *
 *   const s = EventSocket.open({ groups: MONITOR_GROUPS, allNsid: true }, (batch) => ...);
 *   s.close();
 */
import { constants } from 'node:os';
import { WireError } from '../wire/errors.js';
import { parseMessages, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from '../wire/nlmsg.js';
import { cmsgNsid, decodeEvent, type RtnlEvent } from '../wire/rtnl/event.js';
import { syscallError, type KernelError } from './errors.js';
import { poller } from './events-poller.js';
import * as n from './native.js';
import { bindNetlink, setRcvbuf } from './socket.js';

const { EINTR, EAGAIN, ENOBUFS, EBADF } = constants.errno;

/** One notification: what happened, and where (undefined: the socket's own namespace). */
export interface KernelEvent {
  /** The source namespace's nsid as the listener's namespace numbers it. */
  nsid?: number;
  event: RtnlEvent;
}

/**
 * What a listener receives, in order: events, `overrun` when the kernel dropped notifications
 * because the socket's buffer was full (state must be read again), and `bad` for a message
 * that does not decode (it is skipped; the rest of the stream goes on).
 */
export type Delivery = KernelEvent | { overrun: true } | { bad: WireError };

/**
 * Called on the main thread with what one read returned; `drained`: the read stopped because
 * the socket was empty (every notification sent before it has been delivered).
 */
export type Deliver = (batch: Delivery[], drained: boolean) => void;

export interface EventSocketOptions {
  /** RTNLGRP_* numbers to join. */
  groups: readonly number[];
  /** Also hear every namespace with an nsid here (NETLINK_LISTEN_ALL_NSID). */
  allNsid?: boolean;
  /** Receive buffer in bytes (SO_RCVBUFFORCE, else SO_RCVBUF); default 8 MiB. */
  rcvbuf?: number;
}

const DATA_SIZE = 1 << 16;
const CONTROL_SIZE = 256;
/** Datagrams read per wake-up before polling again, so one busy socket cannot starve the loop. */
const BATCH = 256;
const data = Buffer.allocUnsafe(DATA_SIZE);
const control = Buffer.alloc(CONTROL_SIZE);

const int = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};

export class EventSocket {
  private closed = false;

  private constructor(readonly fd: number, private readonly deliver: Deliver, private readonly failed: (e: KernelError) => void) {}

  /**
   * Open a listening socket in the calling thread's current namespace (open it inside
   * `inNetns` to listen elsewhere); `deliver` is called on the main thread with each batch.
   * `failed` is called once if the socket can no longer be read (closed under it, poll() or
   * recvmsg() failing): the socket is then closed and nothing more is delivered.
   */
  static open(opts: EventSocketOptions, deliver: Deliver, failed?: (e: KernelError) => void): EventSocket {
    const fd = n.socket(n.AF_NETLINK, n.SOCK_RAW | n.SOCK_CLOEXEC | n.SOCK_NONBLOCK, n.NETLINK_ROUTE);
    if (fd < 0) throw syscallError(n.lastErrno(), 'open', 'netlink event socket');
    const fail = (what: string): never => {
      const e = n.lastErrno();
      n.close(fd);
      throw syscallError(e, what, 'netlink event socket');
    };
    setRcvbuf(fd, opts.rcvbuf ?? 8 << 20);
    bindNetlink(fd, 'netlink event socket');
    for (const g of opts.groups) {
      if (n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_ADD_MEMBERSHIP, int(g), 4) !== 0) fail(`join group ${g} of`);
    }
    if (opts.allNsid && n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_LISTEN_ALL_NSID, int(1), 4) !== 0) fail('listen to all namespaces on');
    const s = new EventSocket(fd, deliver, failed ?? ((e) => process.emitWarning(`nsnet: ${e.message}; a listener stopped`)));
    poller.add(fd, () => s.drain(), (e) => s.fail(e, false));
    return s;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stop listening; nothing is delivered after this returns. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    poller.removeAndClose(this.fd);
  }

  /** The socket cannot be read any more: stop, close it (unless it is no longer ours), tell the owner. */
  private fail(e: KernelError, close: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (close) poller.removeAndClose(this.fd);
    else poller.forget(this.fd);
    this.failed(e);
  }

  /** Read what is queued (without blocking), decode it, hand it over. */
  private drain(): void {
    const out: Delivery[] = [];
    let drained = false;
    for (let i = 0; i < BATCH && !this.closed; i++) {
      const msg: n.MsgHdr = { name: null, namelen: 0, iov: [{ base: data, len: DATA_SIZE }], iovlen: 1, control, controllen: CONTROL_SIZE, flags: 0 };
      const r = n.recvmsg(this.fd, msg, 0);
      if (r < 0) {
        const e = n.lastErrno();
        if (e === EINTR) continue;
        if (e === ENOBUFS) {
          out.push({ overrun: true });
          continue;
        }
        if (e === EAGAIN) {
          drained = true;
          break;
        }
        // EBADF (closed under us), ENOTSOCK, EFAULT: this socket is done. What was read goes first.
        if (out.length) this.deliver(out, false);
        this.fail(syscallError(e, 'read', `netlink event socket (fd ${this.fd})`), e !== EBADF);
        return;
      }
      this.decodeDatagram(Buffer.from(data.subarray(0, r)), control.subarray(0, Number(msg.controllen)), out);
    }
    if ((out.length || drained) && !this.closed) this.deliver(out, drained);
  }

  private decodeDatagram(dgram: Buffer, ctrl: Buffer, out: Delivery[]): void {
    try {
      const nsid = cmsgNsid(ctrl);
      for (const m of parseMessages(dgram)) {
        if (m.type === NLMSG_NOOP || m.type === NLMSG_DONE || m.type === NLMSG_ERROR) continue;
        if (m.type === NLMSG_OVERRUN) {
          out.push({ overrun: true });
          continue;
        }
        try {
          const event = decodeEvent(m);
          if (event) out.push(nsid === undefined ? { event } : { nsid, event });
        } catch (e) {
          if (e instanceof WireError) out.push({ bad: e });
          else throw e;
        }
      }
    } catch (e) {
      if (e instanceof WireError) out.push({ bad: e });
      else throw e;
    }
  }
}
