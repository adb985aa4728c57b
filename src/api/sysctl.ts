import { NsnetError } from '../kernel/errors.js';
import { readNet, usingOwnProc, writeNet } from '../kernel/ownproc.js';
import { readUnder, writeUnder } from '../kernel/procsys.js';
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

/** How a namespace's /proc/sys/net is read and written: a path relative to /proc/sys/net ('ipv4/ip_forward'). */
interface ProcNet {
  read(rel: string): string;
  write(rel: string, value: string): void;
}

const NET = '/proc/sys/net';

/** In whatever namespace the thread is in (inside a switch, or a scratch namespace); during a burst through nsnet's own procfs instance (kernel/ownproc.ts). */
const byPath: ProcNet = { read: readNet, write: writeNet };

/**
 * Run `fn` as one burst of namespace sysctl work (a lab's apply, its observation): the keys of
 * the namespaces it makes and reads go through one procfs instance of nsnet's own, not /proc/sys,
 * whose lookups grow with every namespace present (kernel/ownproc.ts).
 */
export const sysctlBurst: <T>(fn: () => Promise<T>) => Promise<T> = usingOwnProc;

/** The host's, under its /proc/sys/net opened once (kernel/procsys.ts: a full path from the host walks a chain as long as the namespaces). */
const hostNet: ProcNet = {
  read: (rel) => readUnder(NET, rel),
  write: (rel, value) => writeUnder(NET, rel, value),
};

/** A key's path under /proc/sys/net, checked as sysctlPath checks it. */
const netRel = (key: string): string => sysctlPath(key).slice(NET.length + 1);

/** `sysctl` of a namespace: net.* keys, through /proc/sys (the host's without a namespace switch). */
export class Sysctls {
  constructor(private readonly h: Handle) {}

  /** Run `fn` with this namespace's /proc/sys/net. */
  private with<T>(fn: (p: ProcNet) => T): T {
    return this.h.isHost ? fn(hostNet) : this.h.inside(() => fn(byPath));
  }

  /** Same as: ip netns exec NS sysctl -n KEY. */
  async get(key: string): Promise<string> {
    return this.getSync(key);
  }

  getSync(key: string): string {
    const rel = netRel(key);
    return this.with((p) => {
      try {
        return p.read(rel);
      } catch (e) {
        throw this.err(key, e);
      }
    });
  }

  /** Several keys in one switch into the namespace; keys this namespace does not have are left out. */
  readManySync(keys: string[]): Record<string, string> {
    const read = readKeys(keys);
    return this.with(read);
  }

  /** Same as: ip netns exec NS sysctl -w KEY=VALUE; returns the value it had before. */
  async set(key: string, value: string | number): Promise<string> {
    return this.setSync(key, value);
  }

  setSync(key: string, value: string | number): string {
    const rel = netRel(key);
    return this.with((p) => {
      try {
        const before = p.read(rel);
        if (before !== String(value)) p.write(rel, String(value));
        return before;
      } catch (e) {
        throw this.err(key, e);
      }
    });
  }

  /**
   * Write KEY=VALUE without reading it first: for a value set on something just made, such as
   * IPv6 off on a new bridge port (a thousand of them in a big lab's up).
   */
  writeSync(key: string, value: string | number): void {
    const rel = netRel(key);
    this.with((p) => {
      try {
        p.write(rel, String(value));
      } catch (e) {
        throw this.err(key, e);
      }
    });
  }

  private err(key: string, e: unknown): NsnetError {
    const code = (e as { code?: string }).code ?? 'EIO';
    const why = code === 'ENOENT' ? 'no such key in this namespace' : code === 'EINVAL' ? 'the kernel refused the value' : (e as Error).message;
    return new NsnetError(code, `sysctl ${key} in ${this.h.label}: ${why}`, `sysctl ${key}`);
  }
}

/**
 * The values a new network namespace has for `keys` (what `ip netns add` would give now: some
 * are the kernel's, some copied from the host's, per net.core.devconf_inherit_init_net), read
 * in a throwaway namespace; keys it does not have are left out.
 */
export function freshNamespaceSysctls(keys: string[]): Record<string, string> {
  const read = readKeys(keys);
  return inScratchNetns(() => read(byPath));
}

/** A reader of `keys` (checked first) through a namespace's /proc/sys/net; keys it lacks are left out. */
function readKeys(keys: string[]): (p: ProcNet) => Record<string, string> {
  const rels = keys.map((k) => [k, netRel(k)] as const);
  return (p) => {
    const out: Record<string, string> = {};
    for (const [k, rel] of rels) {
      try {
        out[k] = p.read(rel);
      } catch {
        /* no such key here */
      }
    }
    return out;
  };
}
