/**
 * Reading and writing the host namespace's sysctls by a path relative to a directory opened once
 * (readUnder, writeUnder); readAt and writeAt do it under any directory fd (ownproc.ts: a
 * namespace's keys under nsnet's own procfs instance).
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

/** Open `rel` under the directory fd `at` (n.AT_FDCWD for an absolute `rel`); throws a KernelError naming `key`, its path as a user knows it (ENOENT: no such key). */
function openAt(at: number, rel: string, flags: number, key: string): number {
  const fd = n.openat(at, rel, flags | n.O_CLOEXEC);
  if (fd < 0) throw syscallError(n.lastErrno(), 'open', key);
  return fd;
}

/** The value of the sysctl file `rel` under the directory fd `at`, trimmed; errors name `key`. */
export function readAt(at: number, rel: string, key: string): string {
  const fd = openAt(at, rel, fsc.O_RDONLY, key);
  try {
    return readFileSync(fd, 'utf8').trim();
  } finally {
    n.close(fd);
  }
}

/** Write `value` to the sysctl file `rel` under the directory fd `at`; errors name `key`. */
export function writeAt(at: number, rel: string, value: string, key: string): void {
  const fd = openAt(at, rel, fsc.O_WRONLY, key);
  try {
    const b = Buffer.from(value);
    if (n.write(fd, b, b.length) < 0) throw syscallError(n.lastErrno(), 'write', key);
  } finally {
    n.close(fd);
  }
}

/** The value of `rel` under the host's /proc/sys directory `dir`, trimmed (readUnder('/proc/sys/net', 'ipv4/ip_forward')). */
export function readUnder(dir: string, rel: string): string {
  return readAt(dirFd(dir), rel, `${dir}/${rel}`);
}

/** Write `value` to `rel` under the host's /proc/sys directory `dir` (writeUnder('/proc/sys/net', 'ipv6/conf/veth0/disable_ipv6', '1')). */
export function writeUnder(dir: string, rel: string, value: string): void {
  writeAt(dirFd(dir), rel, value, `${dir}/${rel}`);
}
