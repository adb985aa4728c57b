/**
 * Kinds that apply a run of their actions at once: a kind says so in its own file with
 * `export default batched(apply, applyEach)`. The runner (apply/runner.ts) hands `applyEach`
 * every run of two or more consecutive actions of that kind on the main thread, in plan order.
 *
 * For work the kernel does better in one burst than spread between the runner's own per-action
 * steps (delete-netns: see kernel/netns.ts deleteNamedEach). `applyEach` returns, for each
 * action, undefined when it was done, else its error; `apply` of one action must mean the same
 * as `applyEach` of a run of one.
 */
import type { ApplyContext, ApplyFn } from './context.js';

const EACH = Symbol('nsnet.batched');

export type ApplyEachFn<A> = (as: readonly A[], c: ApplyContext) => Promise<unknown[]>;

type Marked<A> = ApplyFn<A> & { [EACH]?: ApplyEachFn<A> };

/** Mark a kind's apply function as one that also applies runs of its actions (`each`). */
export function batched<A>(fn: ApplyFn<A>, each: ApplyEachFn<A>): ApplyFn<A> {
  (fn as Marked<A>)[EACH] = each;
  return fn;
}

/** The run form of `fn`, if its kind has one. */
export function eachOf<A>(fn: ApplyFn<A>): ApplyEachFn<A> | undefined {
  return (fn as Marked<A>)[EACH];
}
