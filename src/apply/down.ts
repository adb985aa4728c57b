/**
 * downLab(name): remove everything the lab made, and nothing else, then restore the host-side
 * effects it recorded (uplink NICs' bridge membership and up state, host sysctls, the NAT table).
 *
 * Fast: the host-side links that do not go with a namespace are deleted (bridges, host-only
 * veths, vxlan/macvlan), then the lab's namespaces (the kernel frees all their devices in one
 * batch, the veth peers in the host included); then it waits until no device with the lab's mark
 * is left, so an `up` right after never collides with a device still being freed.
 *
 * What goes is decided by planDown (src/plan/down.ts) from what this file observes, with the
 * ownership rule `up` uses, and applied by the same runner as `up` (apply/runner.ts).
 *
 * Only marked objects are removed: a namespace whose lo carries `nsnet:<lab>` (or whose nsfs
 * identity is the one recorded, or, from the journal, an empty unmarked one an `up` killed
 * between creating and marking it left), a host link with that ifalias (or from the journal).
 * Without a record (lost) the namespaces are found by scanning /run/netns for the mark.
 */
import * as fs from 'node:fs';
import { openNetnsSync } from '../api/handle.js';
import { LOOPBACK_IFINDEX } from '../api/links.js';
import { KernelError, NsnetError } from '../api/errors.js';
import { namedNetns, netnsFile, sameNetnsFile } from '../api/netns-files.js';
import { HOST } from '../plan/desired.js';
import { downsHostLink, planDown, type DownHostLink, type DownNamespace, type DownObserved, type DownPlan } from '../plan/down.js';
import { labOfMark } from '../plan/observed.js';
import { natTableName } from '../plan/constants.js';
import { forgetLab } from '../topology/speccache.js';
import { BRIDGE_OBSERVERS } from './bridges.js';
import { Handles } from './handles.js';
import { ApplyContext } from './kinds/index.js';
import { nftAvailable, nftTableExists } from './nft.js';
import { ApplyError, runActions } from './runner.js';
import { waitFreed } from './settle.js';
import { checkLabName, lockLab, newRecord, readRecord, recordPath, removeRecord, type LabRecord, type LockOptions } from './state.js';
import { LabError } from './errors.js';

export interface DownResult {
  lab: string;
  /** Namespaces deleted. */
  namespaces: string[];
  /** Host links deleted explicitly (veth peers that went with their namespace are not listed). */
  links: string[];
  /** Bridges outside the kernel's links (Open vSwitch) removed: "OVS bridge sw1". */
  bridges: string[];
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

type Phase = keyof DownResult['phases'];
const PHASE_OF: Record<string, Phase> = { 'delete-netns': 'namespaces', 'delete-link': 'links' };

export async function downLab(lab: string, opts: DownOptions = {}): Promise<DownResult> {
  checkLabName(lab);
  const t0 = performance.now();
  const lock = await lockLab(lab, opts.lock);
  const handles = new Handles();
  try {
    const record = readRecord(lab);
    const phases = { prepare: 0, namespaces: 0, links: 0, settle: 0 };
    let last = t0;
    const lap = (k: Phase) => {
      const now = performance.now();
      phases[k] += Math.round(now - last);
      last = now;
    };
    const plan = planDown(observeDown(lab, record, handles));
    lap('prepare');
    const run = new ApplyContext(lab, record ?? newRecord(lab), handles, 'down');
    try {
      await runActions(plan.actions, run, handles, { onProgress: (p) => lap(PHASE_OF[p.action.op] ?? 'prepare') });
    } catch (e) {
      throw e instanceof ApplyError ? e.cause : e; // down says what the kernel said, as before
    }
    const out: DownResult = { lab, ...run.done, skipped: [...run.done.skipped, ...plan.skipped], nothing: false, ms: 0, phases };
    out.links.push(...(await settle(lab, plan, record, handles, opts.settleMs)));
    lap('settle');
    out.nothing = !record && !out.namespaces.length && !out.links.length && !out.bridges.length && !out.restored.length;
    removeRecord(lab);
    forgetLab(lab);
    out.ms = Math.round(performance.now() - t0);
    return out;
  } finally {
    handles.closeAll();
    lock.release(!fs.existsSync(recordPath(lab)));
  }
}

/** What `down` of `lab` would do now (nsnet down --dry-run): read-only, no lock, nothing written. */
export async function planDownFor(lab: string): Promise<DownPlan> {
  checkLabName(lab);
  const handles = new Handles();
  try {
    return planDown(observeDown(lab, readRecord(lab), handles));
  } finally {
    handles.closeAll();
  }
}

/**
 * Wait for the host veths that go with the lab's namespaces; then one dump to be sure nothing
 * with the mark is left (made meanwhile, or missed). Returns those deleted because they did not go.
 */
function settle(lab: string, plan: DownPlan, record: LabRecord | undefined, handles: Handles, timeoutMs?: number): Promise<string[]> {
  const host = handles.get(HOST);
  const intended = new Set(record?.intended.hostLinks ?? []);
  return waitFreed(handles, plan.going, {
    timeoutMs,
    more: () => host.link.briefList().filter((l) => downsHostLink(lab, l, intended)).map((l) => ({ index: l.index, name: l.name })),
    timeout: (left, ms) => new LabError('DOWN_STUCK', lab, `lab ${lab}: ${left.length} device(s) with its mark are still in the host namespace after ${ms / 1000} s (${left.slice(0, 5).map((l) => l.name).join(', ')})`),
  });
}

/** What down needs to know to plan (read-only). */
function observeDown(lab: string, record: LabRecord | undefined, handles: Handles): DownObserved {
  const table = natTableName(lab);
  const hostLinks: DownHostLink[] = handles.get(HOST).link.briefList().map((l) => ({
    index: l.index, name: l.name, ...(l.kind !== undefined ? { kind: l.kind } : {}), ...(l.alias !== undefined ? { alias: l.alias } : {}),
    peerElsewhere: l.linkNetnsId !== undefined, ...(l.link ? { peer: l.link } : {}),
  }));
  return {
    lab,
    ...(record ? { record: { effects: record.effects, intended: record.intended } } : {}),
    // With a record its effects name the table (recorded before the table is made); without one, look.
    ...(!record && nftAvailable() && nftTableExists(table) ? { natTable: table } : {}),
    backends: BRIDGE_OBSERVERS.filter((b) => b.removeLab).map((b) => b.type),
    namespaces: [...candidates(record)].flatMap((ns) => observeNamespace(ns, record) ?? []),
    hostLinks,
  };
}

/** The namespaces that may be the lab's: those the record names, or (lost) every named one. */
function candidates(record: LabRecord | undefined): Set<string> {
  const out = new Set<string>();
  if (!record) {
    for (const n of namedNetns()) out.add(n);
    return out;
  }
  for (const s of [record.spec, record.pending]) for (const n of s?.nodes ?? []) out.add(n.netns);
  for (const n of record.intended.namespaces) out.add(n);
  for (const n of Object.keys(record.namespaces)) out.add(n);
  return out;
}

/** What down needs to know of namespace `ns`; undefined when it is not there. */
function observeNamespace(ns: string, record: LabRecord | undefined): DownNamespace | undefined {
  const st = netnsFile(ns);
  if (!st) return undefined;
  const known = record?.namespaces[ns];
  // The one up made (not one made again by hand under its name: its inode number may be the same).
  if (known && sameNetnsFile(known, st)) return { name: ns, recorded: true };
  let h;
  try {
    h = openNetnsSync(ns);
  } catch (e) {
    const emptyFile = e instanceof KernelError && e.code === 'EINVAL' && st.emptyFile;
    return { name: ns, openFailed: { emptyFile, ...(e instanceof NsnetError ? { message: e.message } : {}) } };
  }
  try {
    const lo = h.link.raw(LOOPBACK_IFINDEX);
    const owner = labOfMark(lo.alias);
    const loUnmarked = lo.alias === undefined;
    // Whether nothing but lo is in it matters only for an unmarked one the journal names (a dump: only then).
    const onlyLo = loUnmarked && record?.intended.namespaces.includes(ns) === true && h.link.briefList().length === 1;
    return { name: ns, ...(owner !== undefined ? { owner } : {}), loUnmarked, onlyLo };
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return { name: ns, unreadable: e.message };
  } finally {
    h.close();
  }
}
