/**
 * Namespace ids (nsids): what one namespace calls another. Needs only a handle's socket, so
 * the verbs (links.ts) use it without importing namespaces.ts or handle.ts.
 */
import * as fs from 'node:fs';
import { homeNetnsFd, listNamed, openNamed } from '../kernel/netns.js';
import { decodeNsid, encodeGetNsid, encodeNewNsid, RTM_NEWNSID } from '../wire/rtnl/index.js';
import type { Handle } from './handle.js';

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
