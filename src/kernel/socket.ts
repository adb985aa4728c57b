import { constants } from 'node:os';
import { WireError } from '../wire/errors.js';
import {
  decodeError, NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
  NLMSG_OVERRUN, parseMessages, type NlMsg,
} from '../wire/nlmsg.js';
import { KernelError, syscallError, type Hint } from './errors.js';
import * as n from './native.js';

const { EINTR, EAGAIN, ENOBUFS, EBADF, ENAMETOOLONG } = constants.errno;

/** The receive buffer: SO_RCVBUFFORCE (root), else SO_RCVBUF (capped by the kernel). */
export function setRcvbuf(fd: number, bytes: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(bytes);
  if (n.setsockopt(fd, n.SOL_SOCKET, n.SO_RCVBUFFORCE, b, 4) !== 0) n.setsockopt(fd, n.SOL_SOCKET, n.SO_RCVBUF, b, 4);
}

/** bind() a netlink socket to a kernel-chosen port; on failure the fd is closed and the error thrown. */
export function bindNetlink(fd: number, what: string): void {
  const sa = Buffer.alloc(12);
  sa.writeUInt16LE(n.AF_NETLINK, 0);
  if (n.bind(fd, sa, 12) === 0) return;
  const e = n.lastErrno();
  n.close(fd);
  throw syscallError(e, 'bind', what);
}

/**
 * What a request is about, for error messages: "create link veth0"; `hints`: what to do, by errno
 * name, for this request. A function is called only when the kernel refuses: the hints of a call
 * made a thousand times in an up (link, address and route adds) are not built for each success.
 */
export interface Ctx {
  op: string;
  object: string;
  hints?: Readonly<Record<string, Hint>> | (() => Readonly<Record<string, Hint>>);
}

/** The kernel's refusal of a request: its errno, with the request's words and hints. */
export function kernelRefusal(errno: number, ctx: Ctx, extack?: string): KernelError {
  return new KernelError(errno, ctx.op, ctx.object, extack, typeof ctx.hints === 'function' ? ctx.hints() : ctx.hints);
}

/** A reply to one request: the data messages (for a GET or dump) before the ACK or DONE. */
export type Reply = NlMsg[];

/** The option values every socket sets (read-only: made once, not per socket). */
const ONE = Buffer.from(new Int32Array([1]).buffer);
/** struct timeval of 30 s: a request the kernel never answers becomes ETIMEDOUT. */
const RECV_TIMEOUT = Buffer.from(new BigInt64Array([30n, 0n]).buffer);

/** SIOCGIFINDEX from <linux/sockios.h>; struct ifreq is 40 bytes: the name (IFNAMSIZ 16), then ifr_ifindex. */
const SIOCGIFINDEX = 0x8933;
/** One struct ifreq for every ifindex() call of the process (each call fills it and reads it back at once). */
let sharedIfreq: Buffer | undefined;

const RECV_SIZE = 1 << 18;
/**
 * One receive buffer for every socket of the process. Safe because every request is
 * synchronous and `collect` copies each message out before returning; it saves a 256 KiB
 * allocation per socket (a lab of 1000 namespaces otherwise spends ~0.1 s collecting them).
 */
let sharedRecv: Buffer | undefined;
const recvBuffer = (): Buffer => (sharedRecv ??= Buffer.allocUnsafe(RECV_SIZE));

/**
 * A netlink socket, bound to the network namespace it was opened in for its whole life.
 * Requests are synchronous: rtnetlink handles a request inside sendto(), so its answer is
 * already queued when recv() runs. Sequence numbers pair answers with requests; stale
 * answers from an earlier aborted request are skipped.
 */
export class NetlinkSocket {
  private seq = Math.floor(Math.random() * 0x7fffffff);
  private closed = false;

  private constructor(readonly fd: number, readonly protocol: number) {}

  /** Open a socket in the calling thread's current network namespace. */
  static open(protocol = n.NETLINK_ROUTE): NetlinkSocket {
    const fd = n.socket(n.AF_NETLINK, n.SOCK_RAW | n.SOCK_CLOEXEC, protocol);
    if (fd < 0) throw syscallError(n.lastErrno(), 'open', 'netlink socket');
    // Extended ACK text, capped ACKs (no echo of our request), strict dump filtering.
    // Older kernels may lack some: those are optional.
    n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_EXT_ACK, ONE, 4);
    n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_CAP_ACK, ONE, 4);
    n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_GET_STRICT_CHK, ONE, 4);
    setRcvbuf(fd, 4 << 20);
    // A bounded wait: a request the kernel never answers becomes ETIMEDOUT, not a hang.
    n.setsockopt(fd, n.SOL_SOCKET, n.SO_RCVTIMEO, RECV_TIMEOUT, 16);
    bindNetlink(fd, 'netlink socket');
    return new NetlinkSocket(fd, protocol);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    n.close(this.fd);
  }

  /**
   * The ifindex of the device named `name` (a name or a short altname, 1 to 15 bytes) in the
   * socket's namespace: SIOCGIFINDEX (what if_nametoindex does), which the kernel answers for any
   * socket in the namespace's name table. One call, where an RTM_GETLINK by name is a request, two
   * receives and a decoded link message (~1.5 KB) for one number. On failure the negated errno
   * (-ENODEV: no such device), for the caller to word: nothing is built on this hot path unless
   * it fails.
   */
  ifindex(name: string): number {
    if (this.closed) return -EBADF;
    const req = (sharedIfreq ??= Buffer.alloc(40));
    req.fill(0);
    if (req.write(name, 0, 15, 'utf8') !== Buffer.byteLength(name)) return -ENAMETOOLONG;
    for (;;) {
      if (n.ioctl(this.fd, SIOCGIFINDEX, req) === 0) return req.readInt32LE(16);
      const e = n.lastErrno();
      if (e !== EINTR) return -e;
    }
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  private send(buf: Buffer, ctx: Ctx): void {
    for (;;) {
      const r = n.sendto(this.fd, buf, buf.length, 0, null, 0);
      if (r >= 0) return;
      const e = n.lastErrno();
      if (e !== EINTR) throw new KernelError(e, ctx.op, ctx.object);
    }
  }

  /** One datagram; retries EINTR, maps a timeout to ETIMEDOUT. */
  private recvOnce(ctx: Ctx): Buffer {
    for (;;) {
      const buf = recvBuffer();
      const r = n.recv(this.fd, buf, RECV_SIZE, n.MSG_TRUNC);
      if (r >= 0) {
        if (r > RECV_SIZE) throw new WireError('TRUNCATED', 'netlink datagram', 0, `${r} bytes do not fit the ${RECV_SIZE}-byte buffer`);
        return buf.subarray(0, r);
      }
      const e = n.lastErrno();
      if (e === EINTR) continue;
      if (e === EAGAIN) throw new KernelError(110, ctx.op, ctx.object, 'no answer from the kernel within 30 s');
      throw new KernelError(e, ctx.op, ctx.object);
    }
  }

  private stamp(msg: Buffer, flags: number): number {
    const seq = this.nextSeq();
    msg.writeUInt16LE(msg.readUInt16LE(6) | flags, 6);
    msg.writeUInt32LE(seq, 8);
    return seq;
  }

  /**
   * Send one request and wait for its ACK (or, for a dump, its DONE). Returns the data
   * messages that came before; copies them out of the receive buffer.
   */
  request(msg: Buffer, ctx: Ctx): Reply {
    return this.exchange(msg, ctx, copyOut);
  }

  /**
   * request() for a dump (or GET) whose data messages of type `type` are decoded as they arrive,
   * straight from the receive buffer: no copy of each message. `decode` must copy what it keeps
   * (the wire decoders do: strings, numbers, and Buffer.from for binary attributes), since the
   * buffer is reused by the next receive. Messages of other types are skipped.
   */
  requestEach<T>(msg: Buffer, ctx: Ctx, type: number, decode: (m: NlMsg) => T): T[] {
    return this.exchange(msg, ctx, (m) => (m.type === type ? decode(m) : undefined));
  }

  private exchange<T>(msg: Buffer, ctx: Ctx, take: (m: NlMsg) => T | undefined): T[] {
    if (this.closed) throw new KernelError(9, ctx.op, ctx.object, 'the netlink socket is closed');
    const dump = (msg.readUInt16LE(6) & 0x300) === 0x300;
    for (let attempt = 0; ; attempt++) {
      const seq = this.stamp(msg, NLM_F_REQUEST | NLM_F_ACK);
      this.send(msg, ctx);
      try {
        return this.collect(seq, ctx, take);
      } catch (e) {
        // A dump that the kernel interrupted (state changed under it) or that overran our
        // buffer is simply asked again, a few times.
        if (dump && attempt < 5 && e instanceof KernelError && (e.code === 'ENOBUFS' || e.code === 'EINTR')) continue;
        throw e;
      }
    }
  }

  private collect<T>(seq: number, ctx: Ctx, take: (m: NlMsg) => T | undefined): T[] {
    const out: T[] = [];
    let interrupted = false;
    // A `take` that throws: the rest of the answer is still read (an unread dump keeps running in
    // the kernel, which refuses the socket's next dump with EBUSY), then its error is thrown.
    let failed: { error: unknown } | undefined;
    for (;;) {
      const dgram = this.recvOnce(ctx);
      const msgs = parseMessages(dgram);
      let finished = false;
      for (const m of msgs) {
        if (m.seq !== seq) continue; // stale answer to an earlier request
        if (m.flags & NLM_F_DUMP_INTR) interrupted = true;
        if (m.type === NLMSG_ERROR) {
          const err = decodeError(m);
          if (err.errno !== 0) throw kernelRefusal(err.errno, ctx, err.extack);
          finished = true;
        } else if (m.type === NLMSG_DONE) {
          finished = true;
        } else if (m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) {
          continue;
        } else if (!failed) {
          // A data message (a dump entry, or the one answer to a GET, whose ACK follows).
          try {
            const x = take(m);
            if (x !== undefined) out.push(x);
          } catch (error) {
            failed = { error };
          }
        }
      }
      if (finished) {
        if (failed) throw failed.error;
        if (interrupted) throw new KernelError(EINTR, ctx.op, ctx.object, 'dump interrupted');
        return out;
      }
    }
  }
}

/** A data message copied out of the receive buffer, which the next receive reuses. */
const copyOut = (m: NlMsg): NlMsg => ({ ...m, payload: Buffer.from(m.payload) });

export { ENOBUFS };
