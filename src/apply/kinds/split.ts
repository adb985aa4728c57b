/**
 * Which actions may run on a second thread (apply/split.ts, apply/crew.ts): a kind says so in its
 * own file with `export default splittable(apply)`, optionally only for some of its actions.
 *
 * A kind may be split when its apply half works only through the context's handles and ifindex
 * cache (each thread has its own), touches no shared state of the run (the record, host
 * effects, processes) and makes or changes only objects of the namespaces it names: two
 * actions of the same rank on disjoint namespaces then never depend on each other.
 */
import type { ApplyFn } from './context.js';

const SPLIT = Symbol('nsnet.splittable');

type Marked<A> = ApplyFn<A> & { [SPLIT]?: (a: A) => boolean };

/** Mark a kind's apply function as safe on a second thread (for the actions `when` accepts). */
export function splittable<A>(fn: ApplyFn<A>, when: (a: A) => boolean = () => true): ApplyFn<A> {
  (fn as Marked<A>)[SPLIT] = when;
  return fn;
}

/** Whether `fn` was marked splittable for action `a`. */
export function isSplittable<A>(fn: ApplyFn<A>, a: A): boolean {
  const when = (fn as Marked<A>)[SPLIT];
  return when !== undefined && when(a);
}
