/**
 * applyPlan(plan): run a plan's actions in order, through src/api, marking what it makes.
 * upLab(spec): lock the lab, observe, plan, apply, record.
 *
 * Crash safety: before the first action the record says what this up is applying (`pending`)
 * and which namespaces and host links it will create (`intended`); host-side effects (uplink
 * NIC state, host sysctls, the NAT table) are recorded before they are made. So a killed up
 * leaves nothing the next up or down cannot find: marked objects by their mark, the few made
 * between creation and marking through the journal.
 *
 * Speed: a namespace is made with its netlink socket opened inside (no extra switch); its lo is
 * marked and brought up in one request; a veth is made with its peer straight in the other
 * namespace, joined to its bridge and up in the same request; ifindexes are resolved once and
 * nothing just made is listed again; handles are closed after their last use.
 */
import * as fs from 'node:fs';
import { NsnetError, type Caller } from '../api/errors.js';
import { netnsFile, netnsIdentity } from '../api/netns-files.js';
import { sysctlBurst } from '../api/sysctl.js';
import type { Action, Plan, Refusal } from '../plan/actions.js';
import { createdBy } from '../plan/kinds/index.js';
import { planLab } from '../plan/plan.js';
import { refusalText } from '../plan/render.js';
import type { LabSpec } from '../topology/model.js';
import { checkWorkers, Crew, defaultWorkers } from './crew.js';
import { Handles } from './handles.js';
import { ApplyContext, canSplit } from './kinds/index.js';
import { finishStart, namespacesToKeepOpen, startedLinks } from './linkwatch.js';
import { observeLab } from './observe.js';
import { Profile } from './profile.js';
import { runActions, type Progress } from './runner.js';
import { anySplit, MIN_SPLIT } from './split.js';
import { lockLab, newRecord, readRecord, recordPath, writeRecord, type LabRecord, type LockOptions } from './state.js';

export { ApplyError, type Progress } from './runner.js';

export interface ApplyResult {
  lab: string;
  /** Nothing was to be done. */
  noop: boolean;
  /** The actions run, in order. */
  actions: Action[];
  counts: { added: number; changed: number; removed: number };
  /** Size of the lab. */
  size: { nodes: number; links: number; bridges: number };
  ms: number;
}

function refusedText(lab: string, refusals: readonly Refusal[], caller: Caller): string {
  const each = refusals.map((r) => refusalText(r, caller));
  return each.length === 1 ? each[0]! : `lab ${lab}: ${each.length} problems: ${each.join('; ')}`;
}

/**
 * `up` will not go ahead: objects with the lab's names that it does not own, missing NICs...
 * Nothing was changed. message: each refusal in the library's words; messageFor('cli'): in nsnet's.
 */
export class RefusedError extends NsnetError {
  override name = 'RefusedError';
  constructor(readonly lab: string, readonly refusals: Refusal[]) {
    super('REFUSED', refusedText(lab, refusals, 'lib'), `lab ${lab}`);
  }

  /** Every refusal, each with what to do in the words of `caller`. */
  override messageFor(caller: Caller): string {
    return refusedText(this.lab, this.refusals, caller);
  }
}

export interface ApplyOptions {
  spec: LabSpec;
  /** The lab's record; updated and written as the apply goes. */
  record: LabRecord;
  /** Handles opened by observe (reused, and closed when done). */
  handles?: Handles;
  onProgress?: (p: Progress) => void;
  /** Where the time goes (nsnet up --profile). */
  profile?: Profile;
  /** Worker threads for big rank groups (crew.ts); the caller closes it. */
  crew?: Crew;
}

export async function applyPlan(plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const t0 = performance.now();
  const { spec, record } = opts;
  if (plan.refusals.length) throw new RefusedError(plan.lab, plan.refusals);
  let counts = { added: 0, changed: 0, removed: 0 };
  const result = (actions: Action[]): ApplyResult => ({ lab: plan.lab, noop: plan.noop, actions, counts, size: plan.counts, ms: Math.round(performance.now() - t0) });
  const handles = opts.handles ?? new Handles();
  if (plan.noop) {
    handles.closeAll();
    return result([]);
  }

  // Journal: what this up applies and what it creates, before anything is made.
  const intendedNs = new Set(record.intended.namespaces);
  const intendedHost = new Set(record.intended.hostLinks);
  for (const a of plan.actions) {
    const c = createdBy(a);
    for (const ns of c.namespaces) intendedNs.add(ns);
    for (const l of c.hostLinks) intendedHost.add(l);
  }
  record.pending = spec;
  record.intended = { namespaces: [...intendedNs], hostLinks: [...intendedHost] };
  record.state = 'applying';
  delete record.error;
  writeRecord(record);

  const run = new ApplyContext(plan.lab, record, handles);
  let done: Action[];
  try {
    const started = startedLinks(plan.actions);
    const keepOpen = namespacesToKeepOpen(started);
    ({ done, counts } = await sysctlBurst(() => runActions(plan.actions, run, handles, { onProgress: opts.onProgress, profile: opts.profile, crew: opts.crew, keepOpen })));
    // The links it started are started when up returns: their carrier change done (linkwatch.ts).
    await (opts.profile ?? new Profile()).timeAsync('wait for the kernel to start the links', () => finishStart(handles, started));
  } catch (e) {
    handles.closeAll();
    record.state = 'failed';
    // What failed, without what to do: whoever reads the record (status, labs) words that itself.
    record.error = e instanceof NsnetError ? e.detail : (e as Error).message;
    writeRecord(record);
    throw e;
  }
  handles.closeAll();

  // Done: the spec is in the kernel.
  record.spec = spec;
  delete record.pending;
  record.intended = { namespaces: [], hostLinks: [] };
  record.state = 'up';
  record.namespaces = {};
  for (const n of spec.nodes) {
    const f = netnsFile(n.netns);
    if (f) record.namespaces[n.netns] = netnsIdentity(f); // gone: down will not need it
  }
  const nodes = new Set(spec.nodes.map((n) => n.name));
  for (const k of Object.keys(record.execDone)) if (!nodes.has(k)) delete record.execDone[k];
  writeRecord(record);
  return result(done);
}

// ------------------------------------------------------------------------------------- upLab

export interface UpOptions {
  file?: string;
  /** Where the time goes (nsnet up --profile): lock, observe, plan, each action kind, kernel waits. */
  profile?: Profile;
  onProgress?: (p: Progress) => void;
  /** Plan only: nothing is locked, written or changed. */
  dryRun?: boolean;
  lock?: LockOptions;
  /**
   * Threads that apply a big lab (containerlab's --max-workers): 1 runs every action on the main
   * thread; N > 1 shares big groups of independent actions (namespaces, veths, addresses,
   * routes of distinct nodes) with N-1 worker threads. Default: 1 (crew.ts defaultWorkers
   * says why). A lab too small to gain (no group of MIN_SPLIT actions) starts no thread.
   */
  workers?: number;
  /** @internal Workers already started (the CLI starts them before it reads a big file); up closes them. */
  crew?: Crew;
}

export interface UpResult extends ApplyResult {
  plan: Plan;
}

/** Lock the lab, observe, plan, apply, record. Refusals throw RefusedError before anything changes. */
export async function upLab(spec: LabSpec, opts: UpOptions = {}): Promise<UpResult> {
  if (opts.dryRun) {
    const plan = await planFor(spec);
    return { lab: spec.name, noop: plan.noop, actions: [], counts: { added: 0, changed: 0, removed: 0 }, size: plan.counts, ms: 0, plan };
  }
  const workers = checkWorkers(opts.workers ?? defaultWorkers());
  const t0 = performance.now();
  const prof = opts.profile ?? new Profile();
  const lock = await prof.timeAsync('lock the lab', () => lockLab(spec.name, opts.lock));
  let handles: Handles | undefined;
  let crew = workers > 1 ? opts.crew : undefined;
  try {
    const existing = readRecord(spec.name);
    // A big lab that is not up yet: start the workers now, so they load while the kernel is observed and the plan made.
    if (workers > 1 && spec.nodes.length >= MIN_SPLIT && existing?.state !== 'up') crew ??= new Crew(workers - 1);
    const { observed, handles: hs, index } = await prof.timeAsync('observe the kernel', () => observeLab(spec, existing));
    handles = hs;
    const plan = prof.time('plan', () => planLab(spec, observed, index));
    if (plan.refusals.length) throw new RefusedError(spec.name, plan.refusals);
    if (plan.noop && existing && existing.state === 'up' && (opts.file === undefined || existing.file === opts.file)) {
      handles.closeAll();
      return { lab: spec.name, noop: true, actions: [], counts: { added: 0, changed: 0, removed: 0 }, size: plan.counts, ms: Math.round(performance.now() - t0), plan };
    }
    const split = workers > 1 && anySplit(plan.actions, workers, canSplit);
    if (split) crew ??= new Crew(workers - 1);
    const record = existing ?? newRecord(spec.name, opts.file);
    if (opts.file !== undefined) record.file = opts.file;
    const r = await applyPlan(plan, { spec, record, handles, onProgress: opts.onProgress, profile: prof, ...(split ? { crew } : {}) });
    if (plan.noop) {
      // The kernel matched but the record did not say so (lost, or from another file): write it.
      record.spec = spec;
      record.state = 'up';
      delete record.pending;
      record.intended = { namespaces: [], hostLinks: [] };
      writeRecord(record);
    }
    return { ...r, ms: Math.round(performance.now() - t0), plan };
  } finally {
    handles?.closeAll();
    await (opts.crew ?? crew)?.close();
    // A refused first up leaves no trace: no record, no lock file.
    lock.release(!fs.existsSync(recordPath(spec.name)));
  }
}

/** The plan `up` would run now (read-only: no lock, no writes). */
export async function planFor(spec: LabSpec): Promise<Plan> {
  const { observed, handles, index } = await observeLab(spec, readRecord(spec.name));
  try {
    return planLab(spec, observed, index);
  } finally {
    handles.closeAll();
  }
}
