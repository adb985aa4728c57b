/**
 * The lock that serializes `up` and `down` of one lab, /run/nsnet/labs/<lab>.lock, the
 * host-effects lock, and (re-exported from records.ts) the lab's state record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NsnetError } from '../api/errors.js';
import { lockFd, tryLockFd, unlockFd } from '../api/locks.js';
import { runDir } from '../api/rundir.js';
import { checkLabName, labsDir, listRecords, lockPath, readRecord, type LabRecord } from './records.js';

export { checkLabName, labsDir, listRecords, lockPath, newRecord, readRecord, recordPath, removeRecord, writeRecord, RECORD_VERSION, type LabRecord } from './records.js';

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
      throw new NsnetError('BUSY', `lab ${lab} is busy: ${pid ? `process ${pid}` : 'another process'} is still bringing it up or down`, `lab ${lab}`, 'wait for it to finish, or stop it and try again');
    }
    if (!told) {
      told = true;
      opts.onWait?.(pid);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
