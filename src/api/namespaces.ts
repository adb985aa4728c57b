import * as fs from 'node:fs';
import {
  attachNamed, createNamed, deleteNamed, homeNetnsFd, identify, listNamed, openNamed, pidsOf,
} from '../kernel/netns.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { decodeNsid, encodeGetNsid, encodeNewNsid, RTM_NEWNSID } from '../wire/rtnl/index.js';
import { handleFromFd, hostNetns, type Handle } from './handle.js';
import type { NamespaceInfo } from './types.js';

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

/** The nsid that `h`'s namespace has for the named namespace, if any (RTM_GETNSID by fd). */
export function nsidOf(h: Handle, name: string): number | undefined {
  let fd: number;
  try {
    fd = openNamed(name);
  } catch {
    return undefined;
  }
  try {
    return nsidOfFd(h, fd, `namespace ${name}`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The nsid `h`'s namespace has for the namespace open on `fd`, assigning one when there is
 * none (same as: ip netns set NAME auto). Listeners need it: NETLINK_LISTEN_ALL_NSID hears only
 * namespaces with an id. Undefined when `fd` is no longer a namespace.
 */
export function ensureNsidOfFd(h: Handle, fd: number, label: string): number | undefined {
  const have = nsidOfFd(h, fd, label);
  if (have !== undefined) return have;
  try {
    h.sock.request(encodeNewNsid(-1, { fd }), { op: 'assign an nsid to', object: label });
  } catch {
    // Another process may have assigned one meanwhile (EEXIST): asked again below.
  }
  return nsidOfFd(h, fd, label);
}

export function nsidOfFd(h: Handle, fd: number, label: string): number | undefined {
  try {
    const r = h.sock.request(encodeGetNsid({ fd }), { op: 'get nsid of', object: label });
    const m = r.find((x) => x.type === RTM_NEWNSID);
    if (!m) return undefined;
    const { nsid } = decodeNsid(m);
    return nsid >= 0 ? nsid : undefined;
  } catch {
    return undefined; // a stale file under /run/netns is not a namespace: no nsid
  }
}

/**
 * nsid → name, as `h`'s namespace numbers them: 'host' for this process's own namespace, then
 * the named namespaces. With `wanted`, the search stops once every wanted nsid is named (one
 * RTM_GETNSID per namespace asked, so a host with many namespaces is not walked in full).
 */
export function nsidNamesFor(h: Handle, wanted?: ReadonlySet<number>): Map<number, string> {
  const out = new Map<number, string>();
  const done = (): boolean => wanted !== undefined && [...wanted].every((id) => out.has(id));
  if (!h.isHost) {
    const id = nsidOfFd(h, homeNetnsFd(), 'host namespace');
    if (id !== undefined) out.set(id, 'host');
  }
  for (const name of listNamed()) {
    if (done()) break;
    const id = nsidOf(h, name);
    if (id !== undefined && !out.has(id)) out.set(id, name);
  }
  return out;
}
