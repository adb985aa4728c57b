/**
 * downLab(name): remove everything the lab made, and nothing else, then restore the host-side
 * effects it recorded (uplink NICs' bridge membership and up state, host sysctls, the NAT table).
 *
 * Fast: the lab's namespaces are deleted (the kernel frees all their devices in one batch, the
 * veth peers in the host included), then the host-side links that do not go with them (bridges,
 * host-only veths, vxlan/macvlan); then it waits until no device with the lab's mark is left, so
 * an `up` right after never collides with a device still being freed.
 *
 * Only marked objects are removed: a namespace whose lo carries `nsnet:<lab>` (or whose nsfs
 * identity is the one recorded, or, from the journal, an empty unmarked one an `up` killed
 * between creating and marking it left), a host link with that ifalias (or from the journal).
 * Without a record (lost) the namespaces are found by scanning /run/netns for the mark.
 */
import * as fs from 'node:fs';
import type { Handle } from '../api/handle.js';
import { openNetnsSync } from '../api/handle.js';
import { LOOPBACK_IFINDEX } from '../api/links.js';
import { netns } from '../api/namespaces.js';
import { KernelError, NsnetError } from '../api/errors.js';
import { namedNetns, netnsFile } from '../api/netns-files.js';
import { HOST } from '../plan/desired.js';
import { labOfMark, markFor } from '../plan/observed.js';
import { hostLinkOwnership, namespaceOwnership } from '../plan/ownership.js';
import { natTableName } from '../plan/constants.js';
import { BRIDGE_OBSERVERS } from './bridges.js';
import { restoreHostSysctl, restoreUplink } from './effects.js';
import { Handles } from './handles.js';
import { waitFreed } from './settle.js';
import { forgetLab } from '../topology/speccache.js';
import { delNat, nftAvailable, nftTableExists } from './nft.js';
import { checkLabName, lockLab, readRecord, recordPath, removeRecord, type LabRecord, type LockOptions } from './state.js';

export interface DownResult {
  lab: string;
  /** Namespaces deleted. */
  namespaces: string[];
  /** Host links deleted explicitly (veth peers that went with their namespace are not listed). */
  links: string[];
  /** Host-side effects undone: "eth1 left br0", "net.ipv4.ip_forward=0", "nftables table nsnet-x". */
  restored: string[];
  /** Objects named by the record that are not the lab's (any more), left alone, with why. */
  skipped: string[];
  /** There was nothing of the lab on this host. */
  nothing: boolean;
  ms: number;
  /** Milliseconds per phase: lock, record and host effects; namespace deletion; host links; waiting for the kernel to free the lab's devices. */
  phases: { prepare: number; namespaces: number; links: number; settle: number };
}

export interface DownOptions {
  lock?: LockOptions;
  /** How long to wait for the kernel to free the lab's devices (default 30 s). */
  settleMs?: number;
}

export async function downLab(lab: string, opts: DownOptions = {}): Promise<DownResult> {
  checkLabName(lab);
  const t0 = performance.now();
  const lock = await lockLab(lab, opts.lock);
  const handles = new Handles();
  try {
    const record = readRecord(lab);
    const out: DownResult = { lab, namespaces: [], links: [], restored: [], skipped: [], nothing: false, ms: 0, phases: { prepare: 0, namespaces: 0, links: 0, settle: 0 } };
    const mark = markFor(lab);
    const host = handles.get(HOST);

    // 1. Host effects first: the uplink NIC leaves the bridge before the bridge goes.
    if (record) await undoEffects(record, host, mark, out);
    // Bridges of backends outside the kernel's links (OVS): what the lab owns there.
    for (const b of BRIDGE_OBSERVERS) if (b.removeLab) out.links.push(...(await b.removeLab(lab)));
    const table = natTableName(lab);
    // With a record its effects name the table (recorded before the table is made); without one, look.
    if (!record && nftAvailable() && nftTableExists(table)) {
      delNat(table);
      out.restored.push(`nftables table ${table}`);
    }

    const lap = (k: keyof DownResult['phases']) => {
      const now = performance.now();
      out.phases[k] = Math.round(now - last);
      last = now;
    };
    let last = t0;
    lap('prepare');
    // 2. Namespaces.
    for (const ns of findNamespaces(lab, record, out)) {
      try {
        await netns.del(ns);
        out.namespaces.push(ns);
      } catch (e) {
        if (!(e instanceof NsnetError && e.code === 'ENOENT')) throw e;
      }
    }

    lap('namespaces');
    // 3. Host links that do not go with the namespaces; wait for those that do.
    const intended = new Set(record?.intended.hostLinks ?? []);
    const ours = (l: { name: string; alias?: string }) => {
      const own = hostLinkOwnership(lab, l.alias, intended.has(l.name));
      return own.is === 'ours' || own.is === 'take-back';
    };
    const deleted = new Set<number>();
    const deleteLink = async (index: number, name: string) => {
      if (deleted.has(index)) return;
      deleted.add(index);
      try {
        await host.link.del(index);
        out.links.push(name);
      } catch (e) {
        if (!(e instanceof NsnetError && e.code === 'ENODEV')) throw e;
      }
    };
    /** Veths that go with their peer's namespace: waited for by ifindex (a GETLINK each, not a dump). */
    const going: { index: number; name: string }[] = [];
    for (const l of host.link.rawList()) {
      if (!ours(l)) continue;
      // A veth whose peer is in another namespace goes with it; one with both ends here does not.
      if (l.kind === 'veth' && l.linkNetnsId !== undefined) {
        going.push({ index: l.index, name: l.name });
        continue;
      }
      await deleteLink(l.index, l.name);
      if (l.kind === 'veth' && l.link) deleted.add(l.link);
    }
    lap('links');
    // Wait for the veths that go with the namespaces; then one dump to be sure: nothing with the
    // mark is left (made meanwhile, or missed).
    const forced = await waitFreed(handles, going, {
      timeoutMs: opts.settleMs,
      more: () => host.link.rawList().filter(ours).map((l) => ({ index: l.index, name: l.name })),
      timeout: (left, ms) => new NsnetError('ETIMEDOUT', `lab ${lab}: ${left.length} device(s) with its mark are still in the host namespace after ${ms / 1000} s (${left.slice(0, 5).map((l) => l.name).join(', ')})`, `lab ${lab}`, 'a process may hold one of its namespaces open; see nsnet labs, then run down again'),
    });
    out.links.push(...forced);

    lap('settle');
    out.nothing = !record && !out.namespaces.length && !out.links.length && !out.restored.length;
    removeRecord(lab);
    forgetLab(lab);
    out.ms = Math.round(performance.now() - t0);
    return out;
  } finally {
    handles.closeAll();
    lock.release(!fs.existsSync(recordPath(lab)));
  }
}

/** Undo what the record says the lab changed on the host. */
async function undoEffects(record: LabRecord, host: Handle, mark: string, out: DownResult): Promise<void> {
  for (const [nic, e] of Object.entries(record.effects.uplinks)) {
    const r = await restoreUplink(host, nic, e, mark);
    if (r === 'gone') out.skipped.push(`host NIC ${nic}: gone, nothing to restore`);
    else if (r.left || r.up !== undefined || r.mtu !== undefined) out.restored.push(`${nic} left ${e.bridge}${r.up === false ? ' and is down again' : ''}${r.mtu !== undefined ? ` with mtu ${r.mtu} again` : ''}`);
  }
  for (const [k, v] of Object.entries(record.effects.sysctls)) {
    // Shared with other labs (ip_forward for NAT): the last lab holding it restores it.
    const others = restoreHostSysctl(host, record.lab, k, v);
    if (others.length) out.skipped.push(`host ${k}: left as it is, lab ${others.join(', ')} still needs it (the last lab to go restores ${v})`);
    else out.restored.push(`${k}=${v}`);
  }
  if (record.effects.nat) {
    delNat(record.effects.nat.table);
    out.restored.push(`nftables table ${record.effects.nat.table}`);
  }
}

/** The lab's namespaces that exist: from the record (checked), or by scanning for the mark. */
function findNamespaces(lab: string, record: LabRecord | undefined, out: DownResult): string[] {
  const candidates = new Set<string>();
  const intended = new Set(record?.intended.namespaces ?? []);
  if (record) {
    for (const s of [record.spec, record.pending]) for (const n of s?.nodes ?? []) candidates.add(n.netns);
    for (const n of intended) candidates.add(n);
    for (const n of Object.keys(record.namespaces)) candidates.add(n);
  } else {
    for (const n of namedNetns()) candidates.add(n);
  }
  const found: string[] = [];
  for (const ns of candidates) {
    const st = netnsFile(ns);
    if (!st) continue; // not there
    const known = record?.namespaces[ns];
    if (known && known.dev === st.dev && known.ino === st.ino) {
      found.push(ns);
      continue;
    }
    let h: Handle;
    try {
      h = openNetnsSync(ns);
    } catch (e) {
      // An empty file that is not a namespace, named by the record: what an up or down killed
      // between making the file and mounting on it (or unmounting and removing it) leaves.
      if (record && e instanceof KernelError && e.code === 'EINVAL' && st.emptyFile) {
        found.push(ns);
        continue;
      }
      if (record && e instanceof NsnetError) out.skipped.push(`namespace ${ns}: ${e.message}`);
      continue;
    }
    try {
      const lo = h.link.raw(LOOPBACK_IFINDEX);
      const owner = labOfMark(lo.alias);
      const own = namespaceOwnership(lab, owner, intended.has(ns), lo.alias === undefined && intended.has(ns) && h.link.rawList().length === 1);
      if (own.is === 'ours' || own.is === 'take-back') found.push(ns);
      else if (record) out.skipped.push(`namespace ${ns}: ${own.is === 'other-lab' ? `belongs to lab ${own.lab}` : `not made by lab ${lab}`}, left alone`);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      out.skipped.push(`namespace ${ns}: ${e.message}`);
    } finally {
      h.close();
    }
  }
  return found;
}
