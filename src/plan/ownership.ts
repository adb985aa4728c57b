/**
 * The ownership rule, in one place for observe, the planner (up) and down: what is a lab's to
 * change or remove. A namespace is the lab's when its lo carries the mark `nsnet:<lab>`; a host
 * link when its ifalias is that mark. What a killed `up` made but had not marked yet is taken back
 * only when the journal names it and it carries no mark of anyone (a namespace: nothing but lo in
 * it). Everything else is left alone. Pure.
 */
import { labOfMark, markFor } from './observed.js';

export type Ownership =
  /** Carries this lab's mark. */
  | { is: 'ours' }
  /** Unmarked, named by the lab's journal, and (a namespace) empty: an interrupted up's; the mark goes on. */
  | { is: 'take-back' }
  /** Another lab's mark. */
  | { is: 'other-lab'; lab: string }
  /** Not made by any lab, or not clearly this lab's. */
  | { is: 'foreign' };

/**
 * A namespace's owner: `owner` is the lab its lo's mark names (labOfMark), `emptyUnmarked` that
 * lo carries no alias at all and nothing but lo is in it.
 */
export function namespaceOwnership(lab: string, owner: string | undefined, inJournal: boolean, emptyUnmarked: boolean): Ownership {
  if (owner === lab) return { is: 'ours' };
  if (owner !== undefined) return { is: 'other-lab', lab: owner };
  if (inJournal && emptyUnmarked) return { is: 'take-back' };
  return { is: 'foreign' };
}

/** Whether observe reads a namespace in full: it is the lab's, or may be (unmarked and named by the journal). */
export function mayBeOurs(lab: string, owner: string | undefined, inJournal: boolean): boolean {
  return owner === lab || (owner === undefined && inJournal);
}

/** A host link's owner, from its ifalias and whether the lab's journal names it. */
export function hostLinkOwnership(lab: string, alias: string | undefined, inJournal: boolean): Ownership {
  if (alias === markFor(lab)) return { is: 'ours' };
  const other = labOfMark(alias);
  if (other !== undefined) return { is: 'other-lab', lab: other };
  if (alias === undefined && inJournal) return { is: 'take-back' };
  return { is: 'foreign' };
}
