/**
 * The runner: a plan's actions in order, each through its apply kind (src/apply/kinds/), for
 * `up` (applyPlan) and `down` alike. Before the first action that makes something, it waits for
 * links that go with deleted namespaces; a namespace's handle is closed after its last use.
 * Consecutive actions of a kind that applies runs (kinds/batch.ts: delete-netns) go to it as one
 * run, then count one by one in plan order.
 *
 * With a crew (crew.ts), a big rank group of kinds that may be split is shared between the main
 * thread and the workers (split.ts): every thread runs its share in order, and the group ends
 * on all of them before the next action. A failure on any thread stops the others before their
 * next action; the ApplyError names the action that failed and counts what all threads did.
 */
import { NsnetError, type Caller, type Hint } from '../api/errors.js';
import { opSign, type Action } from '../plan/actions.js';
import type { Crew } from './crew.js';
import { fromWire, type RunReply } from './crew-wire.js';
import type { Handles } from './handles.js';
import { applyAction, canSplit, eachOfAction, type ApplyContext } from './kinds/index.js';
import { HOST } from '../plan/desired.js';
import { namespacesOf } from '../plan/kinds/index.js';
import { Profile } from './profile.js';
import { layoutActions, type Layout, type Segment } from './split.js';

export interface Progress {
  /** Actions done so far (this one included). */
  done: number;
  total: number;
  action: Action;
}

/**
 * A kernel refusal (or a failed command) halfway: what was done stays, and the record says so.
 * Its message is the step that failed, the cause and the way on, in the library's words
 * (`lab.up()`, `lab.down()`); messageFor('cli') says the same in the command line's (`nsnet up`).
 */
export class ApplyError extends NsnetError {
  override name = 'ApplyError';
  /** "lab router: add-addr h1:eth0 failed": what failed, before the cause. */
  readonly step: string;
  constructor(readonly lab: string, readonly action: Action, readonly done: number, override readonly cause: unknown) {
    const step = `lab ${lab}: ${action.op} ${action.target} failed`;
    // The cause's own hint (in both wordings) comes first, then what this error adds.
    const why = cause instanceof NsnetError ? cause.detail : cause instanceof Error ? cause.message : String(cause);
    const before = `${done} action${done === 1 ? '' : 's'} done before it`;
    const hint = (c: Caller) => [cause instanceof NsnetError ? cause.hints?.[c] : undefined, before, WAY_ON[c]].filter(Boolean).join('; ');
    super(cause instanceof NsnetError ? cause.code : 'APPLY', `${step}: ${why}`, action.target, { lib: hint('lib'), cli: hint('cli') });
    this.step = step;
  }
}

/** The way on after a refusal halfway through up. */
const WAY_ON: Hint = {
  lib: 'fix the cause and call lab.up() again to finish, or lab.down() to remove what was made',
  cli: 'fix the cause and run nsnet up again to finish, or nsnet down to remove what was made',
};

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  profile?: Profile;
  /** Worker threads for big rank groups (none: everything on the main thread). */
  crew?: Crew;
  /** Namespaces whose handles stay open after their last action (the caller uses and closes them). */
  keepOpen?: ReadonlySet<string>;
}

type Counts = { added: number; changed: number; removed: number };

const isRemoval = (a: Action) => opSign(a.op) === '-';

const SETTLE = 'wait for the kernel to free links';

/** What one run shares between its steps. */
interface Run {
  actions: readonly Action[];
  ctx: ApplyContext;
  handles: Handles;
  layout: Layout;
  prof: Profile;
  /** Plan indices of the actions done (a split group's shares one after the other). */
  done: number[];
  counts: Counts;
  opts: RunOptions;
}

/** Run `actions` in order with `run`'s handles; an action that fails throws ApplyError (what was done before it stays). */
export async function runActions(actions: readonly Action[], ctx: ApplyContext, handles: Handles, opts: RunOptions = {}): Promise<{ done: Action[]; counts: Counts }> {
  const layout = layoutActions(actions, opts.crew?.threads ?? 1, canSplit);
  const r: Run = { actions, ctx, handles, layout, prof: opts.profile ?? new Profile(), done: [], counts: { added: 0, changed: 0, removed: 0 }, opts };
  for (const seg of layout.segments) {
    if (seg.split) {
      if (ctx.settling) await r.prof.timeAsync(SETTLE, () => ctx.settle());
      await runSplit(r, seg, opts.crew!);
      continue;
    }
    for (let i = seg.start; i < seg.end; i++) {
      const a = actions[i]!;
      if (!isRemoval(a) && ctx.settling) await r.prof.timeAsync(SETTLE, () => ctx.settle());
      const run = runOf(r, i, seg.end);
      if (run > 1) {
        await runEach(r, i, run);
        i += run - 1;
        continue;
      }
      const t = performance.now();
      try {
        await applyAction(a, ctx);
      } catch (e) {
        throw new ApplyError(ctx.lab, a, r.done.length, e);
      }
      r.prof.add(`action ${a.op}`, (performance.now() - t) / 1000);
      finish(r, i, r.done.length + 1);
    }
  }
  if (ctx.settling) await r.prof.timeAsync(SETTLE, () => ctx.settle());
  return { done: [...r.done].sort((x, y) => x - y).map((i) => actions[i]!), counts: r.counts };
}

/** How many actions from `i` (before `end`) the main thread applies as one run of their kind (kinds/batch.ts): 1 when none. */
function runOf(r: Run, i: number, end: number): number {
  const a = r.actions[i]!;
  if (!eachOfAction(a) || r.layout.thread[i] !== 0) return 1;
  let j = i + 1;
  while (j < end && r.actions[j]!.op === a.op && r.layout.thread[j] === 0) j++;
  return j - i;
}

/** Actions i .. i+count-1, one run of one kind: those done are counted in order; the first that failed throws ApplyError. */
async function runEach(r: Run, i: number, count: number): Promise<void> {
  const as = r.actions.slice(i, i + count);
  const t = performance.now();
  let errors: unknown[];
  try {
    errors = await eachOfAction(as[0]!)!(as, r.ctx);
  } catch (e) {
    throw new ApplyError(r.ctx.lab, as[0]!, r.done.length, e);
  }
  r.prof.add(`action ${as[0]!.op}`, (performance.now() - t) / 1000, count);
  let failed: number | undefined;
  for (let k = 0; k < count; k++) {
    if (errors[k] !== undefined) failed ??= k;
    else finish(r, i + k, r.done.length + 1);
  }
  if (failed !== undefined) throw new ApplyError(r.ctx.lab, as[failed]!, r.done.length, errors[failed]);
}

/** Count action `i` as done, report progress; `close`: close the handles the main thread no longer needs after it. */
function finish(r: Run, i: number, doneSoFar: number, close = true): void {
  const a = r.actions[i]!;
  r.done.push(i);
  const s = opSign(a.op);
  if (s === '+') r.counts.added++;
  else if (s === '~') r.counts.changed++;
  else r.counts.removed++;
  r.opts.onProgress?.({ done: doneSoFar, total: r.actions.length, action: a });
  if (close && r.layout.thread[i] === 0) for (const ns of r.layout.closeAfter[i]!) release(r, ns);
}

/** The main thread is done with a namespace: its handle is closed, unless the caller keeps it (RunOptions.keepOpen). */
function release(r: Run, ns: string): void {
  if (!r.opts.keepOpen?.has(ns)) r.handles.close(ns);
}

/**
 * One rank group on every thread: the workers' shares are sent first, then the main thread runs
 * its own and, once done, takes what the workers have not begun from the end of their shares.
 */
async function runSplit(r: Run, seg: Segment, crew: Crew): Promise<void> {
  const t0 = performance.now();
  const shares = seg.shares!;
  crew.reset();
  const replies = shares.slice(1).map((cs, w) => crew.run(w, r.ctx.lab, cs.map((c) => c.map((i) => r.actions[i]!)), cs.map((c) => c.map((i) => r.layout.closeAfter[i]!))));
  const othersDone = (): number => shares.slice(1).reduce((n, _, w) => n + crew.doneBy(w), 0);
  let failed: { i: number; error: unknown } | undefined;
  const runCluster = async (c: number[], stolen: boolean): Promise<boolean> => {
    for (const i of c) {
      if (crew.stopped) return false;
      try {
        await applyAction(r.actions[i]!, r.ctx);
      } catch (e) {
        crew.stop();
        failed = { i, error: e };
        return false;
      }
      finish(r, i, r.done.length + 1 + othersDone(), !stolen);
    }
    if (stolen) for (const i of c) for (const ns of namespacesOf(r.actions[i]!)) if (ns !== HOST) release(r, ns);
    return true;
  };
  let going = true;
  for (const c of shares[0]!) if (!(going = await runCluster(c, false))) break;
  const stolen = shares.map(() => 0);
  const took = new Set<number>();
  for (let w = 0; going && w < shares.length - 1; w++) {
    for (let c = crew.takeBack(w); going && c >= 0; c = crew.takeBack(w)) {
      stolen[w + 1]! += shares[w + 1]![c]!.length;
      for (const i of shares[w + 1]![c]!) took.add(i);
      going = await runCluster(shares[w + 1]![c]!, true);
    }
  }
  // A worker whose whole share the main thread took has done nothing (it may not even have started).
  const noReply: RunReply = { type: 'ran', id: 0, took: [], seconds: 0, cpu: { user: 0, system: 0 } };
  let got: RunReply[];
  try {
    got = await Promise.all(replies.map((p, w) => (stolen[w + 1] === shares[w + 1]!.flat().length ? (p.catch(() => undefined), noReply) : p)));
  } catch (e) {
    throw new ApplyError(r.ctx.lab, r.actions[seg.start]!, r.done.length, e);
  }
  for (const [w, reply] of got.entries()) {
    for (const [c, n] of reply.took) for (const i of shares[w + 1]![c]!.slice(0, n)) finish(r, i, r.done.length + 1, false);
    if (!failed && reply.failed) failed = { i: shares[w + 1]![reply.failed.cluster]![reply.failed.at]!, error: fromWire(reply.failed.error) };
  }
  noteSplit(r, seg, got, took, (performance.now() - t0) / 1000, crew);
  if (failed) throw new ApplyError(r.ctx.lab, r.actions[failed.i]!, r.done.length, failed.error);
}

/**
 * Per-kind seconds of a split group are its wall time (shared by count among its kinds); the
 * profile also keeps, per kind, the actions each thread took (its share, less what the main
 * thread took from it: `took`), and the workers' CPU.
 */
function noteSplit(r: Run, seg: Segment, got: RunReply[], took: Set<number>, wall: number, crew: Crew): void {
  const perOp = new Map<string, number[]>();
  seg.shares!.forEach((cs, t) => {
    for (const i of cs.flat()) {
      const op = r.actions[i]!.op;
      const c = perOp.get(op) ?? new Array<number>(seg.shares!.length).fill(0);
      c[took.has(i) ? 0 : t]!++;
      perOp.set(op, c);
    }
  });
  const total = seg.end - seg.start;
  for (const [op, c] of perOp) {
    const n = c.reduce((x, y) => x + y, 0);
    r.prof.add(`action ${op}`, (wall * n) / total, n);
    r.prof.addSplit(op, c);
  }
  for (const g of got) r.prof.addWorker(g.seconds, g.cpu);
  r.prof.noteCrew(crew.readyAfter, took.size);
}
