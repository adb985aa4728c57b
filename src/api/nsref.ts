/**
 * File descriptors of network namespaces from a reference (a /run/netns name, a PID or an open
 * handle). Kernel-level only, so the verbs can use it without importing handle.ts.
 */
import * as fs from 'node:fs';
import { NsnetError } from '../kernel/errors.js';
import { openNamed } from '../kernel/netns.js';
import type { NsRef } from './types.js';

export function openPidNs(pid: number): number {
  if (!Number.isInteger(pid) || pid <= 0) throw new NsnetError('INVALID_PID', `invalid process id ${pid}`, `process ${pid}`);
  try {
    return fs.openSync(`/proc/${pid}/ns/net`, 'r');
  } catch {
    throw new NsnetError('ESRCH', `process ${pid} does not exist or its namespace cannot be opened`, `process ${pid}`, 'check the PID');
  }
}

/**
 * An fd for a namespace reference, for IFLA_NET_NS_FD. `release()` closes it when it was
 * opened here (a name or a PID), not when it belongs to a handle.
 */
export function nsFdFor(ref: NsRef): { fd: number; label: string; release(): void } {
  if (typeof ref === 'string') {
    const fd = openNamed(ref);
    return { fd, label: `namespace ${ref}`, release: () => fs.closeSync(fd) };
  }
  if ('handle' in ref) {
    ref.handle.check();
    return { fd: ref.handle.fd, label: ref.handle.label, release: () => {} };
  }
  const fd = openPidNs(ref.pid);
  return { fd, label: `namespace of process ${ref.pid}`, release: () => fs.closeSync(fd) };
}
