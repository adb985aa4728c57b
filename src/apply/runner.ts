/**
 * The runner: a plan's actions in order, each through its apply kind (src/apply/kinds/), for
 * `up` (applyPlan) and `down` alike. Before the first action that makes something, it waits for
 * links that go with deleted namespaces; a namespace's handle is closed after its last use.
 */
import { NsnetError } from '../api/errors.js';
import { opSign, type Action } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import { namespacesOf } from '../plan/kinds/index.js';
import type { Handles } from './handles.js';
import { applyAction, type ApplyContext } from './kinds/index.js';
import { Profile } from './profile.js';

export interface Progress {
  /** Actions done so far (this one included). */
  done: number;
  total: number;
  action: Action;
}

/** A kernel refusal (or a failed command) halfway: what was done stays, and the record says so. */
export class ApplyError extends NsnetError {
  override name = 'ApplyError';
  /** "lab router: add-addr h1:eth0 failed": what failed, before the cause. */
  readonly step: string;
  constructor(readonly lab: string, readonly action: Action, readonly done: number, override readonly cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const step = `lab ${lab}: ${action.op} ${action.target} failed`;
    super(cause instanceof NsnetError ? cause.code : 'APPLY', `${step}: ${why}`, action.target,
      `${done} action${done === 1 ? '' : 's'} done before it; fix the cause and call lab.up() again to finish, or lab.down() to remove what was made`);
    this.step = step;
  }
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  profile?: Profile;
}

const isRemoval = (a: Action) => opSign(a.op) === '-';

const SETTLE = 'wait for the kernel to free links';

/** Run `actions` in order with `run`'s handles; an action that fails throws ApplyError (what was done before it stays). */
export async function runActions(actions: readonly Action[], run: ApplyContext, handles: Handles, opts: RunOptions = {}): Promise<{ done: Action[]; counts: { added: number; changed: number; removed: number } }> {
  const counts = { added: 0, changed: 0, removed: 0 };
  const lastUse = new Map<string, number>();
  actions.forEach((a, i) => {
    if (!isRemoval(a)) for (const ns of namespacesOf(a)) if (ns !== HOST) lastUse.set(ns, i);
  });
  const done: Action[] = [];
  const prof = opts.profile ?? new Profile();
  for (const [i, a] of actions.entries()) {
    if (!isRemoval(a) && run.settling) await prof.timeAsync(SETTLE, () => run.settle());
    const t = performance.now();
    try {
      await applyAction(a, run);
    } catch (e) {
      throw new ApplyError(run.lab, a, done.length, e);
    }
    prof.add(`action ${a.op}`, (performance.now() - t) / 1000);
    done.push(a);
    const s = opSign(a.op);
    if (s === '+') counts.added++;
    else if (s === '~') counts.changed++;
    else counts.removed++;
    opts.onProgress?.({ done: done.length, total: actions.length, action: a });
    if (!isRemoval(a)) for (const ns of namespacesOf(a)) if (ns !== HOST && lastUse.get(ns) === i) handles.close(ns);
  }
  if (run.settling) await prof.timeAsync(SETTLE, () => run.settle());
  return { done, counts };
}
