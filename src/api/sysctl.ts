import * as fs from 'node:fs';
import { NsnetError } from '../kernel/errors.js';
import { writeUnder } from '../kernel/procsys.js';
import { inScratchNetns } from '../kernel/scratch.js';
import type { Handle } from './handle.js';

/**
 * The /proc/sys path of a network sysctl key. Keys use dots ('net.ipv4.ip_forward') or, as
 * sysctl(8) allows for interface names with dots, slashes ('net/ipv4/conf/eth0.1/forwarding').
 * Only `net.` keys are accepted: they are the ones that belong to a network namespace.
 */
export function sysctlPath(key: string): string {
  const parts = key.includes('/') ? key.split('/') : key.split('.');
  const bad = parts.length < 2 || parts[0] !== 'net' || parts.some((p) => p === '' || p === '.' || p === '..' || /[\s\0]/u.test(p));
  if (bad) {
    throw new NsnetError('INVALID_SYSCTL', `invalid sysctl key ${JSON.stringify(key)}: only network keys such as net.ipv4.ip_forward belong to a namespace`, `sysctl ${key}`);
  }
  return `/proc/sys/${parts.join('/')}`;
}

/** `sysctl` inside a namespace: net.* keys, read and written through /proc/sys while inside it. */
export class Sysctls {
  constructor(private readonly h: Handle) {}

  /** Same as: ip netns exec NS sysctl -n KEY. */
  async get(key: string): Promise<string> {
    return this.getSync(key);
  }

  getSync(key: string): string {
    const path = sysctlPath(key);
    return this.h.inside(() => {
      try {
        return fs.readFileSync(path, 'utf8').trim();
      } catch (e) {
        throw this.err(key, e);
      }
    });
  }

  /** Several keys in one switch into the namespace; keys this namespace does not have are left out. */
  readManySync(keys: string[]): Record<string, string> {
    const read = readKeys(keys);
    return this.h.inside(read);
  }

  /** Same as: ip netns exec NS sysctl -w KEY=VALUE; returns the value it had before. */
  async set(key: string, value: string | number): Promise<string> {
    return this.setSync(key, value);
  }

  setSync(key: string, value: string | number): string {
    const path = sysctlPath(key);
    return this.h.inside(() => {
      try {
        const before = fs.readFileSync(path, 'utf8').trim();
        if (before !== String(value)) fs.writeFileSync(path, String(value));
        return before;
      } catch (e) {
        throw this.err(key, e);
      }
    });
  }

  private err(key: string, e: unknown): NsnetError {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'ENOENT' ? 'no such key in this namespace' : code === 'EINVAL' ? 'the kernel refused the value' : (e as Error).message;
    return new NsnetError(code, `sysctl ${key} in ${this.h.label}: ${why}`, `sysctl ${key}`);
  }
}

/**
 * Turn IPv6 off on a link of the host namespace (net.ipv6.conf.DEV.disable_ipv6 = 1): for a
 * link that is only a layer-2 port, such as a lab's veth end on a bridge. It then gets no
 * link-local address and no routes, and the kernel skips it in IPv6's reaction to link
 * changes; see kernel/procsys.ts for why the write goes under a directory opened once.
 */
export function hostLinkIpv6Off(dev: string): void {
  if (dev === '' || dev.includes('/') || dev === '.' || dev === '..') {
    throw new NsnetError('INVALID_NAME', `invalid interface name ${JSON.stringify(dev)}`, `link ${dev}`);
  }
  try {
    writeUnder('/proc/sys/net/ipv6/conf', `${dev}/disable_ipv6`, '1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as { code?: string }).code;
    // A kernel without IPv6 has no such directory: nothing to turn off.
    if (code === 'ENOENT' && !fs.existsSync('/proc/sys/net/ipv6/conf')) return;
    throw e;
  }
}

/**
 * The values a new network namespace has for `keys` (what `ip netns add` would give now: some
 * are the kernel's, some copied from the host's, per net.core.devconf_inherit_init_net), read
 * in a throwaway namespace; keys it does not have are left out.
 */
export function freshNamespaceSysctls(keys: string[]): Record<string, string> {
  return inScratchNetns(readKeys(keys));
}

/** A reader of `keys` in the namespace it runs in (keys checked first); keys it lacks are left out. */
function readKeys(keys: string[]): () => Record<string, string> {
  const paths = keys.map((k) => [k, sysctlPath(k)] as const);
  return () => {
    const out: Record<string, string> = {};
    for (const [k, p] of paths) {
      try {
        out[k] = fs.readFileSync(p, 'utf8').trim();
      } catch {
        /* no such key here */
      }
    }
    return out;
  };
}
