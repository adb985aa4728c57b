/**
 * The state record of a lab, /run/nsnet/labs/<lab>.json, and the lock that serializes `up` and
 * `down` of one lab, /run/nsnet/labs/<lab>.lock.
 *
 * The record keeps the last spec applied, the spec an unfinished `up` was applying and what it
 * said it would create (the journal), the host-side effects `down` must undo, the namespaces'
 * nsfs identities and the exec commands already run. It is written atomically (tmp + rename):
 * a reader sees the old record or the new one, never half of one.
 *
 * The record is a convenience, not the source of truth for ownership: the marks in the kernel
 * are (see src/plan/observed.ts). A lost record costs only the ability to restore host effects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NsnetError } from '../api/errors.js';
import { lockFd, tryLockFd, unlockFd } from '../api/locks.js';
import { runDir } from '../api/rundir.js';
import { emptyEffects, type HostEffects } from '../plan/observed.js';
import type { LabSpec } from '../topology/model.js';
import { LAB_NAME_RE } from '../topology/names.js';

export const RECORD_VERSION = 1;

export interface LabRecord {
  version: number;
  lab: string;
  /** The topology file, absolute, when the lab came from one. */
  file?: string;
  /** 'up': `spec` is in the kernel. 'applying': an up is running or was killed. 'failed': an up stopped on an error. */
  state: 'up' | 'applying' | 'failed';
  /** The last spec applied in full. */
  spec?: LabSpec;
  /** The spec an unfinished up was applying. */
  pending?: LabSpec;
  /** Journal: what the unfinished up said it would create (it may exist without a mark). */
  intended: { namespaces: string[]; hostLinks: string[] };
  /** nsfs identity of each namespace made (a cheap ownership check for down). */
  namespaces: Record<string, { dev: number; ino: number }>;
  effects: HostEffects;
  execDone: Record<string, string[][]>;
  /** The error that stopped the last up. */
  error?: string;
  updated: string;
  pid: number;
}

/** /run/nsnet, or NSNET_RUN_DIR (tests). */
export const labsDir = (): string => path.join(runDir(), 'labs');
export const recordPath = (lab: string): string => path.join(labsDir(), `${lab}.json`);
export const lockPath = (lab: string): string => path.join(labsDir(), `${lab}.lock`);

/** Lab names end up in file names and marks: refuse anything else. */
export function checkLabName(lab: string): void {
  if (!LAB_NAME_RE.test(lab)) {
    throw new NsnetError('INVALID_NAME', `invalid lab name ${JSON.stringify(lab)}`, `lab ${lab}`, 'lab names are 1-24 characters: lower-case letters, digits, - and _, starting with a letter or digit');
  }
}

export function newRecord(lab: string, file?: string): LabRecord {
  const r: LabRecord = {
    version: RECORD_VERSION, lab, state: 'applying', intended: { namespaces: [], hostLinks: [] },
    namespaces: {}, effects: emptyEffects(), execDone: {}, updated: new Date().toISOString(), pid: process.pid,
  };
  if (file !== undefined) r.file = file;
  return r;
}

/** The record of a lab, or undefined when there is none. A record that cannot be read is an error naming the file. */
export function readRecord(lab: string): LabRecord | undefined {
  checkLabName(lab);
  const p = recordPath(lab);
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new NsnetError((e as NodeJS.ErrnoException).code ?? 'EIO', `cannot read the record of lab ${lab} (${p}): ${(e as Error).message}`, `lab ${lab}`);
  }
  let r: LabRecord;
  try {
    r = JSON.parse(text) as LabRecord;
  } catch (e) {
    throw new NsnetError('BAD_RECORD', `the record of lab ${lab} (${p}) is not valid JSON: ${(e as Error).message}`, `lab ${lab}`, `move it away; nsnet down --lab ${lab} still finds the lab's objects by their marks`);
  }
  if (r.version !== RECORD_VERSION || r.lab !== lab) {
    throw new NsnetError('BAD_RECORD', `the record of lab ${lab} (${p}) is of another version or lab`, `lab ${lab}`, `move it away; nsnet down --lab ${lab} still finds the lab's objects by their marks`);
  }
  r.intended ??= { namespaces: [], hostLinks: [] };
  r.namespaces ??= {};
  r.effects ??= emptyEffects();
  r.execDone ??= {};
  return r;
}

/** Write the record atomically: a temporary file in the same directory, fsync, rename. */
export function writeRecord(r: LabRecord): void {
  fs.mkdirSync(labsDir(), { recursive: true, mode: 0o755 });
  r.updated = new Date().toISOString();
  r.pid = process.pid;
  const p = recordPath(r.lab);
  const tmp = `${p}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify(r));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, p);
}

/** Remove the record, and the temporary files of writes that were killed before their rename (`<lab>.json.<pid>.tmp`). */
export function removeRecord(lab: string): void {
  fs.rmSync(recordPath(lab), { force: true });
  let names: string[] = [];
  try {
    names = fs.readdirSync(labsDir());
  } catch {
    return;
  }
  const tmp = new RegExp(`^${lab.replace(/[^a-z0-9_-]/g, '')}\\.json\\.\\d+\\.tmp$`);
  for (const n of names) if (tmp.test(n)) fs.rmSync(path.join(labsDir(), n), { force: true });
}

/** Names of the labs that have a record on this host, sorted. */
export function listRecords(): string[] {
  try {
    return fs.readdirSync(labsDir())
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => LAB_NAME_RE.test(n))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

// ------------------------------------------------------------------- host effects shared by labs

/**
 * Run `fn` holding the host-effects lock (flock on /run/nsnet/host.lock). Host sysctls such as
 * net.ipv4.ip_forward are shared by every lab with a NAT uplink: the lock makes "who else holds
 * this key, what was its value before any lab, set or restore it" one step. Synchronous on
 * purpose (no await while held): two labs in one process can never wait on each other here.
 */
export function withHostLock<T>(fn: () => T): T {
  fs.mkdirSync(runDir(), { recursive: true, mode: 0o755 });
  const fd = fs.openSync(path.join(runDir(), 'host.lock'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  try {
    lockFd(fd, path.join(runDir(), 'host.lock'));
    return fn();
  } finally {
    unlockFd(fd);
    fs.closeSync(fd);
  }
}

/**
 * Labs other than `lab` whose record holds host sysctl `key` (they changed it and will restore
 * it), each with the value it recorded as the one before. Unreadable records are skipped.
 */
export function otherHolders(lab: string, key: string): Array<{ lab: string; original: string }> {
  const out: Array<{ lab: string; original: string }> = [];
  for (const other of listRecords()) {
    if (other === lab) continue;
    let r: LabRecord | undefined;
    try {
      r = readRecord(other);
    } catch {
      continue;
    }
    const v = r?.effects.sysctls[key];
    if (v !== undefined) out.push({ lab: other, original: v });
  }
  return out;
}

// ---------------------------------------------------------------------------------------- lock

export interface LabLock {
  readonly lab: string;
  /** Release the lock; with `removeFile`, unlink the lock file first (while still holding it). */
  release(removeFile?: boolean): void;
}

export interface LockOptions {
  /** How long to wait for another process that holds the lock (default 60 s). */
  waitMs?: number;
  /** Called once when the lock is busy, with the holder's pid when it wrote one. */
  onWait?: (pid: number | undefined) => void;
}

/**
 * Take the lab's lock (flock on /run/nsnet/labs/<lab>.lock). Another `up`/`down` of the same lab
 * holding it makes this wait up to `waitMs`, then fail with a message naming its pid. Different
 * labs never wait for each other. A lock file unlinked by its holder (down) is not used: the
 * lock is taken again on the new file.
 */
export async function lockLab(lab: string, opts: LockOptions = {}): Promise<LabLock> {
  checkLabName(lab);
  fs.mkdirSync(labsDir(), { recursive: true, mode: 0o755 });
  const p = lockPath(lab);
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  let told = false;
  for (;;) {
    const fd = fs.openSync(p, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    let got: boolean;
    try {
      got = tryLockFd(fd, p);
    } catch (e) {
      fs.closeSync(fd);
      throw new NsnetError('LOCK', `cannot lock lab ${lab} (${p}): ${(e as Error).message}`, `lab ${lab}`);
    }
    if (got) {
      // The holder before us may have unlinked the file (down): then lock the new one.
      let same = false;
      try {
        const a = fs.fstatSync(fd);
        const b = fs.statSync(p);
        same = a.ino === b.ino && a.dev === b.dev;
      } catch {
        same = false;
      }
      if (!same) {
        fs.closeSync(fd);
        continue;
      }
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, `${process.pid}\n`, 0);
      let released = false;
      return {
        lab,
        release(removeFile = false) {
          if (released) return;
          released = true;
          if (removeFile) fs.rmSync(p, { force: true });
          unlockFd(fd);
          fs.closeSync(fd);
        },
      };
    }
    // Busy: someone else holds it.
    let pid: number | undefined;
    try {
      pid = Number(fs.readFileSync(p, 'utf8').trim()) || undefined;
    } catch {
      pid = undefined;
    }
    fs.closeSync(fd);
    if (Date.now() >= deadline) {
      throw new NsnetError('BUSY', `lab ${lab} is busy: ${pid ? `process ${pid}` : 'another process'} still runs nsnet up or down on it`, `lab ${lab}`, 'wait for it to finish, or stop it and run the command again');
    }
    if (!told) {
      told = true;
      opts.onWait?.(pid);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
