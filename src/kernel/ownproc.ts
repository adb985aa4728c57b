/**
 * The sysctls of the calling thread's network namespace (not the host's: procsys.ts), read and
 * written through a procfs instance of nsnet's own while a lab is applied.
 *
 * Why: the kernel keeps one dentry named "net" under /proc/sys for every network namespace that
 * has looked inside its /proc/sys/net, all on one hash chain of the /proc the system mounted
 * (procsys.ts says more). A new namespace's first lookup there misses: it compares the name
 * against every entry of that chain, twice (the fast walk, then the one that adds the dentry),
 * taking the sysctl lock per entry. So building N namespaces that each write a sysctl costs the
 * kernel O(N^2): in the 1000-host star, ~140 us per write; with 3000 namespaces present, 2.9 ms.
 * shared/bench/floor.c pays it too.
 *
 * A procfs instance of our own (fsopen("proc") + fsmount: a mount in no directory, freed when its
 * last fd closes, so a killed nsnet leaves nothing) has its own dentries: its chain holds only the
 * namespaces looked up through it. One instance serves USES lookups, then is closed (its
 * dentries go with it) and the next one made, so a chain never holds more than USES entries.
 * What a path under it shows is the calling thread's namespace, as under /proc.
 *
 * Outside a burst (usingOwnProc), or where the kernel or libc lacks fsopen (before Linux 5.2,
 * glibc 2.36) or refuses it, the paths are those under /proc/sys. The descriptors are this thread's (a crew worker has
 * its own module state).
 */
import { constants as fsc, readFileSync } from 'node:fs';
import { syscallError } from './errors.js';
import * as n from './native.js';

/** Lookups per instance: a chain of at most this many, against one fsopen+fsmount each time (8 to 64 measured alike). */
const USES = 64;
const AT_FDCWD = -100;

/** False once the kernel or libc refused an instance: then /proc/sys for the rest of the process. */
let usable = true;
let mnt = -1;
let uses = 0;
/** Bursts under way (usingOwnProc): the instance is kept between namespaces only while one is. */
let bursts = 0;

/**
 * Run `fn`, a burst (applying or observing a lab): readNet and writeNet go through an own procfs
 * instance until the last burst under way ends, which closes it. Outside a burst they go through
 * /proc/sys: a process holds no descriptor of this module's between calls of the library.
 */
export async function usingOwnProc<T>(fn: () => Promise<T>): Promise<T> {
  bursts++;
  try {
    return await fn();
  } finally {
    if (--bursts === 0) release();
  }
}

/** A procfs instance's root, or -1 when none can be made here. */
function instance(): number {
  if (mnt >= 0 && uses < USES) return mnt;
  release();
  const f = usable ? n.newMountApi() : undefined;
  if (!f) {
    usable = false;
    return -1;
  }
  const ctx = f.fsopen('proc', n.FSOPEN_CLOEXEC);
  if (ctx < 0) {
    usable = false; // ENOSYS, EPERM (no CAP_SYS_ADMIN over this mount namespace), ...
    return -1;
  }
  try {
    if (f.fsconfig(ctx, n.FSCONFIG_CMD_CREATE, null, null, 0) < 0) {
      usable = false;
      return -1;
    }
    const m = f.fsmount(ctx, n.FSMOUNT_CLOEXEC, 0);
    if (m < 0) {
      usable = false;
      return -1;
    }
    mnt = m;
    uses = 0;
    return mnt;
  } finally {
    n.close(ctx);
  }
}

/** Close the current instance (its dentries go with it). */
function release(): void {
  if (mnt >= 0) n.close(mnt);
  mnt = -1;
  uses = 0;
}

/**
 * `rel` under /proc/sys/net (e.g. 'ipv6/conf/all/disable_ipv6') of the calling thread's network
 * namespace, opened: during a burst through the own procfs instance where one can be made, else
 * through /proc/sys/net. Each call counts as one lookup against the instance's USES. Throws
 * the KernelError of the open (ENOENT: no such key).
 */
function openNet(rel: string, flags: number): number {
  const root = bursts > 0 ? instance() : -1;
  if (root >= 0) uses++;
  const fd = root >= 0 ? n.openat(root, `sys/net/${rel}`, flags | n.O_CLOEXEC) : n.openat(AT_FDCWD, `/proc/sys/net/${rel}`, flags | n.O_CLOEXEC);
  if (fd < 0) throw syscallError(n.lastErrno(), 'open', `/proc/sys/net/${rel}`);
  return fd;
}

/** The value of `rel` under the calling thread's /proc/sys/net, trimmed (see openNet). */
export function readNet(rel: string): string {
  const fd = openNet(rel, fsc.O_RDONLY);
  try {
    return readFileSync(fd, 'utf8').trim();
  } finally {
    n.close(fd);
  }
}

/** Write `value` to `rel` under the calling thread's /proc/sys/net (see openNet). */
export function writeNet(rel: string, value: string): void {
  const fd = openNet(rel, fsc.O_WRONLY);
  try {
    const b = Buffer.from(value);
    if (n.write(fd, b, b.length) < 0) throw syscallError(n.lastErrno(), 'write', `/proc/sys/net/${rel}`);
  } finally {
    n.close(fd);
  }
}

/** Write each `[rel, value]` in the calling thread's network namespace, a new one (writeNet). */
export function writeNewNamespace(writes: ReadonlyArray<readonly [string, string]>): void {
  for (const [k, v] of writes) writeNet(k, v);
}
