/**
 * The lab's effects on the host, undone in one way whether `up` (an edit) or `down` undoes
 * them: an uplink NIC given back, a host sysctl held and restored. Crash safety: what is changed
 * is recorded before the change (see state.ts).
 */
import type { Handle } from '../api/handle.js';
import { isUp } from '../api/flags.js';
import { otherHolders, withHostLock } from './state.js';

/**
 * Give an uplink NIC back: out of the lab's bridge (only one with the lab's `mark`), up or down
 * and with the MTU (when recorded) it had. Returns 'gone' when the NIC is not there, else what was changed.
 */
export async function restoreUplink(host: Handle, nic: string, was: { wasUp: boolean; mtu?: number }, mark: string): Promise<'gone' | { left: boolean; up?: boolean; mtu?: number }> {
  if (!(await host.link.exists(nic))) return 'gone';
  const l = host.link.raw(nic);
  const master = l.master ? host.link.raw(l.master) : undefined;
  const spec: { master?: null; up?: boolean; mtu?: number } = {};
  if (master && master.alias === mark) spec.master = null;
  if (isUp(l) !== was.wasUp) spec.up = was.wasUp;
  if (was.mtu !== undefined && l.mtu !== was.mtu) spec.mtu = was.mtu;
  if (spec.master !== undefined || spec.up !== undefined || spec.mtu !== undefined) await host.link.set(l.index, spec);
  const out: { left: boolean; up?: boolean; mtu?: number } = { left: spec.master === null };
  if (spec.up !== undefined) out.up = spec.up;
  if (spec.mtu !== undefined) out.mtu = spec.mtu;
  return out;
}

/**
 * Set a host sysctl the lab needs. A host sysctl is shared with other labs: the value to restore
 * is the one before any lab changed it, which a lab already holding the key recorded. `held` is
 * the lab's record of them; `save` writes it (before the change).
 */
export function holdHostSysctl(host: Handle, lab: string, held: Record<string, string>, key: string, value: string, save: () => void): void {
  withHostLock(() => {
    if (held[key] === undefined) {
      held[key] = otherHolders(lab, key)[0]?.original ?? host.sysctl.getSync(key);
      save();
    }
    host.sysctl.setSync(key, value);
  });
}

/**
 * Give a host sysctl back its value before, unless another lab still holds it (the last lab to
 * go restores it). `after` runs inside the host lock (to drop it from the record). Returns the
 * labs that still hold it.
 */
export function restoreHostSysctl(host: Handle, lab: string, key: string, value: string, after?: () => void): string[] {
  return withHostLock(() => {
    const others = otherHolders(lab, key);
    if (others.length === 0) host.sysctl.setSync(key, value);
    after?.();
    return others.map((o) => o.lab);
  });
}
