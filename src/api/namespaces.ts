import * as fs from 'node:fs';
import {
  attachNamed, createNamed, deleteNamed, deleteNamedEach, identify, listNamed, pidsOf,
} from '../kernel/netns.js';
import type { NsnetError } from '../kernel/errors.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { handleFromFd, hostNetns, type Handle } from './handle.js';
import { nsidOf } from './nsids.js';
import type { NamespaceInfo } from './types.js';

export { ensureNsidOfFd, nsidNamesFor, nsidOf, nsidOfFd } from './nsids.js';

export interface AddNetnsOptions {
  /** Turn IPv6 off in the new namespace before anything is made in it (no link-local, DAD or MLD traffic). */
  disableIpv6?: boolean;
  /**
   * No duplicate address detection in the new namespace (accept_dad 0 for all and default, set
   * before any link exists): every IPv6 address, link-locals included, is usable at once instead
   * of tentative for a second or more. For addresses known to be unique (a lab's).
   */
  noDad?: boolean;
}

/**
 * Named network namespaces, interoperable with `ip netns` both ways: what nsnet makes,
 * `ip netns list` and `ip netns exec` see, and nsnet uses what `ip netns add` made.
 */
export const netns = {
  /** Same as: ip netns add NAME. */
  async add(name: string, opts: AddNetnsOptions = {}): Promise<void> {
    const { fd } = createNamed(name, { disableIpv6: opts.disableIpv6, noDad: opts.noDad });
    fs.closeSync(fd);
  },

  /** ip netns add NAME, returning an open handle on it (its socket is opened while inside, with no extra switch). */
  async create(name: string, opts: AddNetnsOptions = {}): Promise<Handle> {
    return createNetnsSync(name, opts);
  },

  /** Same as: ip netns del NAME. */
  async del(name: string): Promise<void> {
    deleteNamed(name);
  },

  /**
   * del of each name, for many at once (a lab's teardown): for each name, undefined when it was
   * deleted, else the error del would have thrown (code ENOENT: there is no such namespace).
   * Faster than del in a loop: the kernel frees a namespace in a worker while the next is
   * deleted, and deletes made in one burst do not wait on that work.
   */
  async delEach(names: readonly string[]): Promise<(NsnetError | undefined)[]> {
    return deleteNamedEach(names);
  },

  /**
   * Same as: ip netns list, with the nsid this process's namespace has for each ("(id: N)");
   * with `from`, the nsids as that handle's namespace numbers them (ip -n NS netns list).
   */
  async list(opts: { from?: Handle } = {}): Promise<NamespaceInfo[]> {
    const from = opts.from ?? hostNetns();
    return listNamed().map((name) => {
      const nsid = nsidOf(from, name);
      return nsid === undefined ? { name } : { name, nsid };
    });
  },

  /** Whether /run/netns/NAME exists. */
  async exists(name: string): Promise<boolean> {
    return listNamed().includes(name);
  },

  /** Same as: ip netns attach NAME PID. */
  async attach(name: string, pid: number): Promise<void> {
    attachNamed(name, pid);
  },

  /** Same as: ip netns identify PID. */
  async identify(pid: number = process.pid): Promise<string[]> {
    return identify(pid);
  },

  /** Same as: ip netns pids NAME. */
  async pids(name: string): Promise<number[]> {
    return pidsOf(name);
  },
};

export function createNetnsSync(name: string, opts: AddNetnsOptions = {}): Handle {
  const { fd, inside } = createNamed(name, { disableIpv6: opts.disableIpv6, noDad: opts.noDad, inside: () => NetlinkSocket.open() });
  return handleFromFd(fd, name, `namespace ${name}`, inside);
}
