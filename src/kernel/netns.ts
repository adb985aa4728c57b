/**
 * Named network namespaces, made exactly as `ip netns add` makes them, so that iproute2 and
 * nsnet see each other's namespaces: a file /run/netns/NAME on which the namespace's nsfs
 * inode is bind-mounted, with /run/netns itself a shared mount (so an unmount in one mount
 * namespace propagates to the others), set up under an flock on /run/netns.
 *
 * All switching between namespaces is synchronous and on the calling thread: setns(X), work,
 * setns(home), with no await in between, so the thread is never left in another namespace.
 * setns and unshare act on the calling thread only, so a worker thread (apply/crew-worker.ts)
 * switches on its own, with its own home fd (read from /proc/thread-self).
 */
import * as fs from 'node:fs';
import { KernelError, NsnetError, syscallError } from './errors.js';
import { lockFd, unlockFd } from './flock.js';
import { netnsNameProblem } from './netnsname.js';
import * as n from './native.js';
import { writeNet } from './ownproc.js';

import { listNamed, NETNS_RUN_DIR, netnsPath } from './netnsdir.js';

export { listNamed, NETNS_RUN_DIR, netnsPath };
/**
 * The name rules of iproute2's `ip netns` (netnsNameProblem). Throws an NsnetError naming the problem.
 */
export function validateNetnsName(name: string): void {
  const why = netnsNameProblem(name);
  if (why) throw new NsnetError('INVALID_NAME', `invalid namespace name ${JSON.stringify(name)}: ${why}`, `namespace ${name}`, 'use letters, digits, dots, dashes or underscores');
}

let homeFd = -1;
/** An fd of the namespace this thread started in (opened once per thread: a worker thread has its own module state). */
export function homeNetnsFd(): number {
  if (homeFd < 0) homeFd = fs.openSync('/proc/thread-self/ns/net', fs.constants.O_RDONLY);
  return homeFd;
}

/** Close the home fd of a thread that ends (a crew worker: apply/crew-worker.ts). */
export function releaseHomeNetnsFd(): void {
  if (homeFd >= 0) fs.closeSync(homeFd);
  homeFd = -1;
}

let depth = 0;
/**
 * Run `fn` with the main thread inside the namespace `fd`, then return home, whatever `fn`
 * does. `fn` must be synchronous: a Promise result is refused, because awaiting while
 * switched would run unrelated callbacks in the wrong namespace.
 */
export function inNetns<T>(fd: number, what: string, fn: () => T): T {
  const home = homeNetnsFd();
  if (depth > 0) throw new NsnetError('NESTED_SETNS', `internal: nested namespace switch while entering ${what}`);
  if (n.setns(fd, n.CLONE_NEWNET) !== 0) {
    const e = n.lastErrno();
    throw new KernelError(e, 'enter', what, e === 22 ? 'not a network namespace (a stale file?)' : undefined);
  }
  depth++;
  try {
    const r = fn();
    if (r instanceof Promise) throw new NsnetError('ASYNC_IN_NETNS', `internal: async work inside ${what}`);
    return r;
  } finally {
    depth--;
    if (n.setns(home, n.CLONE_NEWNET) !== 0) {
      // Cannot happen with a valid home fd; if it does, staying in the wrong namespace is worse than dying.
      process.stderr.write(`nsnet: fatal: cannot return to the original network namespace (errno ${n.lastErrno()})\n`);
      process.exit(70);
    }
  }
}

let runDirReady = false;
/**
 * iproute2's preparation of /run/netns: create it, then under an exclusive flock make it a
 * shared mount, bind-mounting it onto itself first if it is not a mount point yet. Done once
 * per process (the result persists).
 */
export function prepareRunDir(): void {
  if (runDirReady) return;
  try {
    fs.mkdirSync(NETNS_RUN_DIR, { mode: 0o755, recursive: true });
  } catch (e) {
    throw new NsnetError('RUN_DIR', `cannot create ${NETNS_RUN_DIR}: ${(e as Error).message}`, NETNS_RUN_DIR, 'run as root');
  }
  const lock = fs.openSync(NETNS_RUN_DIR, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    lockFd(lock, NETNS_RUN_DIR);
    let madeMount = false;
    while (n.mount('', NETNS_RUN_DIR, 'none', n.MS_SHARED | n.MS_REC, null) !== 0) {
      const e = n.lastErrno();
      if (e !== 22 || madeMount) throw syscallError(e, 'make shared', NETNS_RUN_DIR);
      if (n.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', n.MS_BIND | n.MS_REC, null) !== 0) {
        throw syscallError(n.lastErrno(), 'bind-mount', NETNS_RUN_DIR);
      }
      madeMount = true;
    }
  } finally {
    unlockFd(lock);
    fs.closeSync(lock);
  }
  runDirReady = true;
}

export interface CreateOptions<T> {
  /** Write 1 to net.ipv6.conf.{all,default}.disable_ipv6 before anything else exists in it. */
  disableIpv6?: boolean;
  /** Write 0 to net.ipv6.conf.{all,default}.accept_dad before anything else exists in it. */
  noDad?: boolean;
  /** Runs inside the new namespace before returning home (e.g. open a netlink socket there). */
  inside?: () => T;
}

/**
 * `ip netns add NAME`: returns an fd of the new namespace (the caller closes it) and what
 * `inside` returned. On any failure nothing is left: no file, no mount.
 */
export function createNamed<T = undefined>(name: string, opts: CreateOptions<T> = {}): { fd: number; inside: T | undefined } {
  validateNetnsName(name);
  prepareRunDir();
  const path = netnsPath(name);
  let f: number;
  try {
    f = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new NsnetError('EEXIST', `namespace ${name} already exists`, `namespace ${name}`, { lib: `delete it first (netns.del('${name}')) or choose another name`, cli: `delete it first (nsnet netns del ${name}) or choose another name` });
    throw new NsnetError(code ?? 'EIO', `cannot create namespace file ${path}: ${(e as Error).message}`, `namespace ${name}`);
  }
  fs.closeSync(f);
  const home = homeNetnsFd();
  let fd = -1;
  let inside: T | undefined;
  let failure: unknown;
  if (n.unshare(n.CLONE_NEWNET) !== 0) {
    const e = n.lastErrno();
    fs.rmSync(path, { force: true });
    throw new KernelError(e, 'create', `namespace ${name}`);
  }
  // From here until setns(home) the main thread is in the new namespace.
  try {
    for (const conf of ['all', 'default']) {
      if (opts.disableIpv6) writeNet(`ipv6/conf/${conf}/disable_ipv6`, '1');
      if (opts.noDad) writeNet(`ipv6/conf/${conf}/accept_dad`, '0');
    }
    if (n.mount('/proc/thread-self/ns/net', path, 'none', n.MS_BIND, null) !== 0) {
      throw syscallError(n.lastErrno(), 'bind-mount', `namespace ${name} on ${path}`);
    }
    fd = fs.openSync('/proc/thread-self/ns/net', fs.constants.O_RDONLY);
    if (opts.inside) inside = opts.inside();
  } catch (e) {
    failure = e;
  }
  if (n.setns(home, n.CLONE_NEWNET) !== 0) {
    process.stderr.write(`nsnet: fatal: cannot return to the original network namespace (errno ${n.lastErrno()})\n`);
    process.exit(70);
  }
  if (failure !== undefined) {
    if (fd >= 0) fs.closeSync(fd);
    n.umount2(path, n.MNT_DETACH);
    fs.rmSync(path, { force: true });
    throw failure;
  }
  return { fd, inside };
}

/** `ip netns attach NAME PID`: give PID's network namespace a name. */
export function attachNamed(name: string, pid: number): void {
  validateNetnsName(name);
  if (!Number.isInteger(pid) || pid <= 0) throw new NsnetError('INVALID_PID', `invalid process id ${pid}`, `process ${pid}`);
  const src = `/proc/${pid}/ns/net`;
  if (!fs.existsSync(src)) throw new NsnetError('ESRCH', `process ${pid} does not exist`, `process ${pid}`, 'check the PID with ps');
  prepareRunDir();
  const path = netnsPath(name);
  try {
    fs.closeSync(fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new NsnetError('EEXIST', `namespace ${name} already exists`, `namespace ${name}`, 'choose another name');
    throw e;
  }
  if (n.mount(src, path, 'none', n.MS_BIND, null) !== 0) {
    const e = n.lastErrno();
    fs.rmSync(path, { force: true });
    throw new KernelError(e, 'attach', `namespace ${name} to process ${pid}`);
  }
}

/** `ip netns del NAME`: detach the bind mount and remove the file. The kernel frees the namespace (and its devices) once nothing else holds it. */
export function deleteNamed(name: string): void {
  const e = deleteNamedEach([name])[0];
  if (e) throw e;
}

/**
 * deleteNamed of each name, the detaches all in one burst before any file is removed: for each
 * name, undefined when it was deleted, else the error deleteNamed would throw (ENOENT: there was
 * no such namespace).
 *
 * The burst matters. Each detach lets the kernel start freeing that namespace in a worker, and
 * a detach (it ends in an expedited RCU grace period) that runs beside that work waits for it:
 * 1000 detaches take ~20 ms back to back, but 130-210 ms with 50-150 us of other work between
 * them, and the whole teardown settles ~0.1-0.25 s later (measured with a C loop on this kernel).
 */
export function deleteNamedEach(names: readonly string[]): (NsnetError | undefined)[] {
  const out: (NsnetError | undefined)[] = names.map((name) => {
    try {
      validateNetnsName(name);
      return undefined;
    } catch (e) {
      return e as NsnetError;
    }
  });
  const paths = names.map(netnsPath);
  for (let i = 0; i < names.length; i++) if (!out[i]) n.umount2(paths[i]!, n.MNT_DETACH); // an empty file (not mounted) is still removed below
  for (let i = 0; i < names.length; i++) {
    if (out[i]) continue;
    try {
      fs.unlinkSync(paths[i]!);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const name = names[i]!;
      out[i] =
        code === 'ENOENT'
          ? new NsnetError('ENOENT', `namespace ${name} does not exist`, `namespace ${name}`, { lib: 'netns.list() shows the namespaces there are', cli: 'nsnet netns list shows the namespaces there are' })
          : new NsnetError(code ?? 'EIO', `cannot remove ${paths[i]}: ${(e as Error).message}`, `namespace ${name}`);
    }
  }
  return out;
}

/** Open a named namespace; the caller closes the fd. */
export function openNamed(name: string): number {
  validateNetnsName(name);
  try {
    return fs.openSync(netnsPath(name), fs.constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NsnetError('ENOENT', `namespace ${name} does not exist`, `namespace ${name}`, { lib: `create it with netns.add('${name}')`, cli: `create it with nsnet netns add ${name}` });
    }
    throw new NsnetError((e as NodeJS.ErrnoException).code ?? 'EIO', `cannot open namespace ${name}: ${(e as Error).message}`, `namespace ${name}`);
  }
}

/** Identity of a namespace: device and inode of its nsfs file. */
export interface NsId {
  dev: number;
  ino: number;
}
const nsIdOf = (path: string): NsId | undefined => {
  try {
    const s = fs.statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
};
export const namedNsId = (name: string): NsId | undefined => nsIdOf(netnsPath(name));
export const pidNsId = (pid: number): NsId | undefined => nsIdOf(`/proc/${pid}/ns/net`);
const same = (a?: NsId, b?: NsId): boolean => !!a && !!b && a.dev === b.dev && a.ino === b.ino;

/** `ip netns identify PID`: the names under which PID's network namespace is mounted. */
export function identify(pid: number): string[] {
  const id = pidNsId(pid);
  if (!id) throw new NsnetError('ESRCH', `process ${pid} does not exist or its namespace cannot be read`, `process ${pid}`);
  return listNamed().filter((name) => same(namedNsId(name), id));
}

/** `ip netns pids NAME`: processes whose network namespace is NAME. */
export function pidsOf(name: string): number[] {
  validateNetnsName(name);
  const id = namedNsId(name);
  if (!id) throw new NsnetError('ENOENT', `namespace ${name} does not exist`, `namespace ${name}`);
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    if (same(nsIdOf(`/proc/${e}/ns/net`), id)) out.push(Number(e));
  }
  return out.sort((a, b) => a - b);
}
