/**
 * Writing the host namespace's per-link sysctls by a path relative to a directory opened once.
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
import { constants as fsc, openSync } from 'node:fs';
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

/**
 * Write `value` to `rel` under the /proc/sys directory `dir` of the host namespace
 * (writeUnder('/proc/sys/net/ipv6/conf', 'veth0/disable_ipv6', '1')). Throws a KernelError
 * naming the key when the kernel refuses (ENOENT: no such link).
 */
export function writeUnder(dir: string, rel: string, value: string): void {
  const what = `${dir}/${rel}`;
  const fd = n.openat(dirFd(dir), rel, fsc.O_WRONLY | n.O_CLOEXEC);
  if (fd < 0) throw syscallError(n.lastErrno(), 'open', what);
  try {
    const b = Buffer.from(value);
    if (n.write(fd, b, b.length) < 0) throw syscallError(n.lastErrno(), 'write', what);
  } finally {
    n.close(fd);
  }
}
