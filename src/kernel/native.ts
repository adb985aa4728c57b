/**
 * The one native boundary: libc calls through koffi. Nothing else in nsnet calls native code.
 * Each function returns the raw result and leaves errno to `lastErrno()`, read right after.
 * Everything here is synchronous and acts on the calling (main) thread, except `poll.async`
 * (koffi runs it on a libuv threadpool thread; only kernel/events-poller.ts uses it).
 */
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');

// Buffers are passed as void*: koffi hands Node's Buffer memory straight to libc.
export const socket = libc.func('int socket(int domain, int type, int protocol)') as (d: number, t: number, p: number) => number;
export const bind = libc.func('int bind(int fd, void *addr, uint32_t len)') as (fd: number, addr: Buffer, len: number) => number;
export const getsockname = libc.func('int getsockname(int fd, void *addr, _Inout_ uint32_t *len)') as (fd: number, addr: Buffer, len: number[]) => number;
export const setsockopt = libc.func('int setsockopt(int fd, int level, int name, void *val, uint32_t len)') as (fd: number, level: number, name: number, val: Buffer, len: number) => number;
export const sendto = libc.func('intptr_t sendto(int fd, void *buf, size_t len, int flags, void *addr, uint32_t alen)') as (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer | null, alen: number) => number;
export const recv = libc.func('intptr_t recv(int fd, void *buf, size_t len, int flags)') as (fd: number, buf: Buffer, len: number, flags: number) => number;
export const close = libc.func('int close(int fd)') as (fd: number) => number;
/** openat's "relative to the working directory" (an absolute path ignores it). */
export const AT_FDCWD = -100;
/** O_CLOEXEC for openat (node:fs's constants omit it: libuv adds it to its own opens). */
export const O_CLOEXEC = 0o2000000;
export const openat = libc.func('int openat(int dirfd, const char *path, int flags)') as (dirfd: number, path: string, flags: number) => number;
export const setns = libc.func('int setns(int fd, int nstype)') as (fd: number, nstype: number) => number;
export const unshare = libc.func('int unshare(int flags)') as (flags: number) => number;
export const mount = libc.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)') as (
  src: string | null, target: string, fstype: string | null, flags: number, data: string | null) => number;
export const umount2 = libc.func('int umount2(const char *target, int flags)') as (target: string, flags: number) => number;
export const flock = libc.func('int flock(int fd, int op)') as (fd: number, op: number) => number;

// recvmsg(2) with its control data: koffi fills the Buffers named in the struct in place.
const iovec = koffi.struct('nsnet_iovec', { base: 'void *', len: 'size_t' });
koffi.struct('nsnet_msghdr', {
  name: 'void *', namelen: 'uint32_t', iov: koffi.pointer(iovec), iovlen: 'size_t', control: 'void *', controllen: 'size_t', flags: 'int',
});
export interface MsgHdr {
  name: null;
  namelen: 0;
  iov: { base: Buffer; len: number }[];
  iovlen: number;
  control: Buffer;
  /** In: the control buffer's size; out: how much of it the kernel filled. */
  controllen: number | bigint;
  flags: number;
}
export const recvmsg = libc.func('intptr_t recvmsg(int fd, _Inout_ nsnet_msghdr *msg, int flags)') as (fd: number, msg: MsgHdr, flags: number) => number;
/** poll(2) over a Buffer of struct pollfd { int fd; short events; short revents; }. */
export const poll = libc.func('int poll(void *fds, uint64_t nfds, int timeout)') as {
  (fds: Buffer, nfds: number, timeout: number): number;
  async(fds: Buffer, nfds: number, timeout: number, cb: (err: unknown, r: number) => void): void;
};
export const eventfd = libc.func('int eventfd(unsigned int initval, int flags)') as (initval: number, flags: number) => number;
export const read = libc.func('intptr_t read(int fd, void *buf, size_t len)') as (fd: number, buf: Buffer, len: number) => number;
export const write = libc.func('intptr_t write(int fd, void *buf, size_t len)') as (fd: number, buf: Buffer, len: number) => number;
export const ioctl = libc.func('int ioctl(int fd, unsigned long req, void *arg)') as (fd: number, req: number, arg: Buffer) => number;

export const lastErrno = (): number => koffi.errno();

/** The new mount API (Linux 5.2, glibc 2.36): bound on first use, undefined where libc lacks it (nsnet still loads). */
export interface MountApi {
  fsopen(name: string, flags: number): number;
  fsconfig(fd: number, cmd: number, key: string | null, value: Buffer | null, aux: number): number;
  fsmount(fd: number, flags: number, attrs: number): number;
}
let mountApi: MountApi | null | undefined;
export function newMountApi(): MountApi | undefined {
  if (mountApi === undefined) {
    try {
      mountApi = {
        fsopen: libc.func('int fsopen(const char *name, unsigned int flags)'),
        fsconfig: libc.func('int fsconfig(int fd, unsigned int cmd, const char *key, void *value, int aux)'),
        fsmount: libc.func('int fsmount(int fd, unsigned int flags, unsigned int attrs)'),
      } as MountApi;
    } catch {
      mountApi = null;
    }
  }
  return mountApi ?? undefined;
}
export const FSOPEN_CLOEXEC = 1;
export const FSCONFIG_CMD_CREATE = 6;
export const FSMOUNT_CLOEXEC = 1;

// <bits/socket.h>, <linux/netlink.h>
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const SOCK_NONBLOCK = 0o4000;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const POLLIN = 1;
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_RCVTIMEO = 20;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const SOL_NETLINK = 270;
export const NETLINK_ROUTE = 0;
export const NETLINK_NETFILTER = 12;
export const NETLINK_ADD_MEMBERSHIP = 1;
export const NETLINK_DROP_MEMBERSHIP = 2;
export const NETLINK_LISTEN_ALL_NSID = 8;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const NETLINK_GET_STRICT_CHK = 12;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;

// <sched.h>
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWNET = 0x40000000;

// <sys/mount.h>
export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MS_PRIVATE = 1 << 18;
export const MS_SLAVE = 1 << 19;
export const MS_SHARED = 1 << 20;
export const MNT_DETACH = 2;

// <sys/file.h>
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;
