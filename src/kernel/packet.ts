/**
 * A packet socket (AF_PACKET, SOCK_RAW) on one interface of one namespace, for capture: opened
 * inside the namespace (the socket stays bound to it), bound to the interface's index, and
 * read without blocking the event loop (the process's one poll() thread, events-poller.ts,
 * says when it is readable; the main thread then drains it with non-blocking recv). Each
 * packet's kernel receive time comes from SIOCGSTAMPNS.
 *
 * Opened with protocol 0 (nothing is queued) and bound with ETH_P_ALL and the ifindex, so no
 * packet of another interface slips in between socket() and bind().
 */
import { constants } from 'node:os';
import { AF_PACKET } from '../wire/rtnl/constants.js';
import { KernelError, syscallError } from './errors.js';
import { poller } from './events-poller.js';
import { inNetns } from './netns.js';
import * as n from './native.js';

const ETH_P_ALL = 0x0003;
const SOCK_NONBLOCK = 0o4000;
/** SIOCGSTAMPNS(_OLD) from <asm-generic/sockios.h>: struct timespec of the last packet read. */
const SIOCGSTAMPNS = 0x8907;
const { EAGAIN, EINTR } = constants.errno;
const SNAPLEN = 65_536;

export interface RawPacket {
  /** Kernel receive time, microseconds since the epoch. */
  timestampUs: bigint;
  data: Buffer;
  /** Length on the wire (larger than data when cut to the snap length). */
  length: number;
}

/** sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]. */
function sockaddrLl(ifindex: number): Buffer {
  const sa = Buffer.alloc(20);
  sa.writeUInt16LE(AF_PACKET, 0);
  sa.writeUInt16BE(ETH_P_ALL, 2);
  sa.writeInt32LE(ifindex, 4);
  return sa;
}

export class PacketSocket {
  private closed = false;
  private readonly buf = Buffer.alloc(SNAPLEN);
  private readonly ts = Buffer.alloc(16);

  private constructor(readonly fd: number, private readonly what: string) {}

  /**
   * Open a packet socket inside the namespace `nsFd` on interface `ifindex`; `onPackets` gets
   * each batch read, on the main thread, until close().
   */
  static open(nsFd: number, ifindex: number, what: string, onPackets: (p: RawPacket[]) => void): PacketSocket {
    const fd = inNetns(nsFd, what, () => n.socket(AF_PACKET, n.SOCK_RAW | n.SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd < 0) throw syscallError(n.lastErrno(), 'open', `packet socket on ${what}`);
    const rcv = Buffer.alloc(4);
    rcv.writeInt32LE(8 << 20);
    if (n.setsockopt(fd, n.SOL_SOCKET, n.SO_RCVBUFFORCE, rcv, 4) !== 0) n.setsockopt(fd, n.SOL_SOCKET, n.SO_RCVBUF, rcv, 4);
    if (n.bind(fd, sockaddrLl(ifindex), 20) !== 0) {
      const e = n.lastErrno();
      n.close(fd);
      throw new KernelError(e, 'bind', `packet socket on ${what}`);
    }
    const s = new PacketSocket(fd, what);
    poller.add(fd, () => {
      const got = s.drain();
      if (got.length) onPackets(got);
    });
    return s;
  }

  /** Read every packet queued now, without waiting. */
  drain(): RawPacket[] {
    const out: RawPacket[] = [];
    while (!this.closed) {
      const r = n.recv(this.fd, this.buf, SNAPLEN, n.MSG_DONTWAIT | n.MSG_TRUNC);
      if (r < 0) {
        const e = n.lastErrno();
        if (e === EINTR) continue;
        if (e === EAGAIN) break;
        throw new KernelError(e, 'read', `packet socket on ${this.what}`);
      }
      let us = BigInt(Date.now()) * 1000n;
      if (n.ioctl(this.fd, SIOCGSTAMPNS, this.ts) === 0) us = this.ts.readBigInt64LE(0) * 1_000_000n + this.ts.readBigInt64LE(8) / 1000n;
      out.push({ timestampUs: us, data: Buffer.from(this.buf.subarray(0, Math.min(r, SNAPLEN))), length: r });
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    poller.removeAndClose(this.fd);
  }
}
