import * as fs from 'node:fs';
import { NsnetError } from '../kernel/errors.js';
import { homeNetnsFd, inNetns, openNamed, validateNetnsName } from '../kernel/netns.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { Addresses } from './addresses.js';
import { runExec, spawnIn } from './exec.js';
import { Links } from './links.js';
import { Neighbours } from './neighbours.js';
import { Routes } from './routes.js';
import { Sysctls } from './sysctl.js';
import { openPidNs } from './nsref.js';
import type { ExecOptions, ExecResult, NsRef, SpawnedProcess } from './types.js';

export { nsFdFor, openPidNs } from './nsref.js';

/**
 * A handle on one network namespace: one netlink socket opened inside it, and the verbs of
 * `ip link`, `ip addr`, `ip route`, `ip neigh`, `sysctl` and `ip netns exec` for it.
 *
 *   const blue = await openNetns('blue');          // same as: ip -n blue ...
 *   await blue.link.set('veth1', { up: true });    // ip -n blue link set veth1 up
 *   await blue.addr.add('veth1', '10.1.1.2/24');   // ip -n blue addr add 10.1.1.2/24 dev veth1
 *   blue.close();
 *
 * A handle holds an fd of its namespace, so the namespace lives at least as long as the handle.
 */
export class Handle {
  readonly link: Links;
  readonly addr: Addresses;
  readonly route: Routes;
  readonly neigh: Neighbours;
  readonly sysctl: Sysctls;
  private closed = false;

  /** @internal use openNetns() / hostNetns(). */
  constructor(
    /** The /run/netns name, or undefined for the host (this process's) namespace or a PID's. */
    readonly name: string | undefined,
    /** An fd of the namespace (owned by the handle unless it is the host's). */
    readonly fd: number,
    /** @internal */
    readonly sock: NetlinkSocket,
    private readonly ownsFd: boolean,
    /** Human label for messages: "namespace blue", "host namespace", "namespace of process 42". */
    readonly label: string,
    /** Shared by every caller (the host handle): close() leaves it open. */
    private readonly shared = false,
  ) {
    this.link = new Links(this, openNetnsSync);
    this.addr = new Addresses(this);
    this.route = new Routes(this);
    this.neigh = new Neighbours(this);
    this.sysctl = new Sysctls(this);
  }

  /** Whether this is the namespace the process itself runs in. */
  get isHost(): boolean {
    return this.fd === homeNetnsFd();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Run a command in this namespace and collect its output (same as: ip netns exec NAME CMD). */
  exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.check();
    return runExec(this, cmd, opts);
  }

  /** Start a command in this namespace with streams (stdio pipes); see SpawnedProcess. */
  spawn(cmd: string[], opts: ExecOptions & { stdio?: 'pipe' | 'inherit' } = {}): SpawnedProcess {
    this.check();
    return spawnIn(this, cmd, opts);
  }

  /** Run `fn` synchronously with the main thread inside this namespace. */
  inside<T>(fn: () => T): T {
    this.check();
    return inNetns(this.fd, this.label, fn);
  }

  close(): void {
    if (this.closed || this.shared) return;
    this.closed = true;
    this.sock.close();
    if (this.ownsFd) fs.closeSync(this.fd);
  }

  /** @internal */
  check(): void {
    if (this.closed) throw new NsnetError('CLOSED', `the handle on ${this.label} is closed`, this.label, 'open a new one');
  }
}

let host: Handle | undefined;
/** The namespace this process runs in (shared; closing it is a no-op until process exit). */
export function hostNetns(): Handle {
  if (!host) {
    host = new Handle(undefined, homeNetnsFd(), NetlinkSocket.open(), false, 'host namespace', true);
  }
  return host;
}

/** Close this thread's host handle (a crew worker that ends: apply/crew-worker.ts). @internal */
export function releaseHostNetns(): void {
  host?.sock.close();
  host = undefined;
}

/** Open a handle from an fd of a namespace (takes ownership of the fd). @internal */
export function handleFromFd(fd: number, name: string | undefined, label: string, sock?: NetlinkSocket): Handle {
  try {
    const s = sock ?? inNetns(fd, label, () => NetlinkSocket.open());
    return new Handle(name, fd, s, true, label);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Open a handle synchronously: a namespace name, `{ pid }`, or `{ handle }` (returned as is). */
export function openNetnsSync(ref: NsRef | undefined): Handle {
  if (ref === undefined) return hostNetns();
  if (typeof ref === 'string') {
    validateNetnsName(ref);
    return handleFromFd(openNamed(ref), ref, `namespace ${ref}`);
  }
  if ('handle' in ref) return ref.handle;
  if ('pid' in ref) return handleFromFd(openPidNs(ref.pid), undefined, `namespace of process ${ref.pid}`);
  throw new NsnetError('INVALID_REF', `not a namespace reference: ${JSON.stringify(ref)}`);
}

/** Open a handle on a namespace: `openNetns('blue')`, `openNetns({ pid: 1234 })`, `openNetns()` for the host. */
export async function openNetns(ref?: NsRef): Promise<Handle> {
  return openNetnsSync(ref);
}
