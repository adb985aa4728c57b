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
import * as n from './native.js';
import { readAt, writeAt } from './procsys.js';

/** Lookups per instance: a chain of at most this many, against one fsopen+fsmount each time (8 to 64 namespaces measured alike). */
const USES = 64;

/** False once the kernel or libc refused an instance: then /proc/sys for the rest of the process. */
let usable = true;
let mnt = -1;
let uses = 0;
/** Bursts under way (usingOwnProc): the instance is kept between lookups only while one is. */
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

/** A new procfs instance's root, or -1 (ENOSYS; EPERM without CAP_SYS_ADMIN over this mount namespace; ...). */
function mountProc(f: n.MountApi): number {
  const ctx = f.fsopen('proc', n.FSOPEN_CLOEXEC);
  if (ctx < 0) return -1;
  try {
    return f.fsconfig(ctx, n.FSCONFIG_CMD_CREATE, null, null, 0) < 0 ? -1 : f.fsmount(ctx, n.FSMOUNT_CLOEXEC, 0);
  } finally {
    n.close(ctx);
  }
}

/** The current instance's root, a new one after USES lookups, or -1 when none can be made here. */
function instance(): number {
  if (mnt >= 0 && uses < USES) return mnt;
  release();
  const f = usable ? n.newMountApi() : undefined;
  const m = f ? mountProc(f) : -1;
  if (m < 0) usable = false;
  else mnt = m;
  return m;
}

/** Close the current instance (its dentries go with it). */
function release(): void {
  if (mnt >= 0) n.close(mnt);
  mnt = -1;
  uses = 0;
}

/**
 * Where `rel` under the calling thread's /proc/sys/net is opened from: during a burst, the own
 * instance's root (one lookup counted against its USES); else the absolute /proc path.
 */
function at(rel: string): [number, string] {
  const root = bursts > 0 ? instance() : -1;
  if (root < 0) return [n.AT_FDCWD, `/proc/sys/net/${rel}`];
  uses++;
  return [root, `sys/net/${rel}`];
}

/** The value of `rel` (e.g. 'ipv4/ip_forward') under the calling thread's /proc/sys/net, trimmed; a KernelError naming it (ENOENT: no such key). */
export function readNet(rel: string): string {
  const [dir, path] = at(rel);
  return readAt(dir, path, `/proc/sys/net/${rel}`);
}

/** Write `value` to `rel` under the calling thread's /proc/sys/net; a KernelError naming it. */
export function writeNet(rel: string, value: string): void {
  const [dir, path] = at(rel);
  writeAt(dir, path, value, `/proc/sys/net/${rel}`);
}
