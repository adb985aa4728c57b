/**
 * The state record of a lab, /run/nsnet/labs/<lab>.json (the locks are in state.ts; this file
 * loads no native code, so `nsnet labs` never loads koffi).
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
import type { NetnsIdentity } from '../api/netns-files.js';
import { emptyEffects, type HostEffects } from '../plan/observed.js';
import type { LabSpec } from '../topology/model.js';
import { LAB_NAME_RE } from '../topology/labname.js';
import { labsDir, recordPath } from './labdir.js';
import { LabError } from './errors.js';

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
  /**
   * nsfs identity of each namespace made (a cheap ownership check for down: api/netns-files.ts
   * sameNetnsFile). `made` is absent in records of nsnet before 2026-12-03; then down checks the mark.
   */
  namespaces: Record<string, NetnsIdentity>;
  effects: HostEffects;
  execDone: Record<string, string[][]>;
  /** The error that stopped the last up. */
  error?: string;
  updated: string;
  pid: number;
}

export { labsDir, listRecords, lockPath, recordPath } from './labdir.js';

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
    throw new LabError('BAD_RECORD', lab, `the record of lab ${lab} (${p}) is not valid JSON: ${(e as Error).message}`);
  }
  if (r.version !== RECORD_VERSION || r.lab !== lab) {
    throw new LabError('BAD_RECORD', lab, `the record of lab ${lab} (${p}) is of another version or lab`);
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


