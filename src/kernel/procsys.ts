/**
 * Reading and writing the host namespace's sysctls by a path relative to a directory opened once.
 *
 * Why not the full path: the kernel keeps one dentry named "net" under /proc/sys for every
 * network namespace that has looked inside its /proc/sys/net, all on one hash chain, and each
 * lookup compares the name against that chain, taking the sysctl lock per entry
 * (proc_sys_compare). With 3000 namespaces present an open of a fresh namespace's
 * /proc/sys/net/ipv6/conf/all/disable_ipv6 took 2.9 ms, against 63 us with none
 * (shared/bench/floor.c beside a 3000-node lab: 63% of its time in that lookup, perf). The
 * host's own "net" dentry is an old one, deep in the chain, so every full-path write in the host
 * pays it. An openat() under the directory opened once starts past "net".
 *
 * The directories are those of the thread's namespace when first used: callers are on the host
 * side (not inside a namespace switch); a crew worker thread has its own module state and so its
 * own directory fds.
 */
import { constants as fsc, openSync, readFileSync } from 'node:fs';
import { syscallError } from './errors.js';
import * as n from './native.js';

const dirs = new Map<string, number>();

function dirFd(dir: string): number {
  let fd = dirs.get(dir);
  if (fd === undefined) {
    fd = openSync(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
    dirs.set(dir, fd);
  }
  return fd;
}

/** Open `rel` under the host's /proc/sys directory `dir`; throws a KernelError naming it (ENOENT: no such key). */
function openUnder(dir: string, rel: string, flags: number): number {
  const fd = n.openat(dirFd(dir), rel, flags | n.O_CLOEXEC);
  if (fd < 0) throw syscallError(n.lastErrno(), 'open', `${dir}/${rel}`);
  return fd;
}

/** The value of `rel` under the host's /proc/sys directory `dir`, trimmed (readUnder('/proc/sys/net', 'ipv4/ip_forward')). */
export function readUnder(dir: string, rel: string): string {
  const fd = openUnder(dir, rel, fsc.O_RDONLY);
  try {
    return readFileSync(fd, 'utf8').trim();
  } finally {
    n.close(fd);
  }
}

/** Write `value` to `rel` under the host's /proc/sys directory `dir` (writeUnder('/proc/sys/net', 'ipv6/conf/veth0/disable_ipv6', '1')). */
export function writeUnder(dir: string, rel: string, value: string): void {
  const fd = openUnder(dir, rel, fsc.O_WRONLY);
  try {
    const b = Buffer.from(value);
    if (n.write(fd, b, b.length) < 0) throw syscallError(n.lastErrno(), 'write', `${dir}/${rel}`);
  } finally {
    n.close(fd);
  }
}
