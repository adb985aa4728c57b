/**
 * planLab(desired, observed): the ordered actions that make the kernel match the file, each
 * with its reason, or the refusals that stop it. Pure: no I/O, same input → same plan.
 *
 * Rules:
 * - Only objects the lab owns are changed or deleted: namespaces whose lo carries the mark
 *   `nsnet:<lab>`, host links with that ifalias, and what lives inside an owned namespace.
 *   What a killed `up` created but had not marked yet (listed as intended in the journal) is
 *   taken back with a `mark` action when it is clearly the lab's (an empty namespace; a host link
 *   of that name).
 * - A name the file needs that is held by something else is a refusal naming it, not an action.
 * - Inside an owned namespace, links the file never described are left alone; links an earlier
 *   version of the file made (`observed.previous`) and the file no longer has are deleted.
 *   Routes the lab adds carry protocol static; a static route the file does not have is deleted.
 * - Only what the file sets is compared ("not set" is not zero).
 * - Order: each action kind has its rank (./kinds/kind.ts): removals first (uplinks, namespaces,
 *   links, addresses, routes, NAT, host sysctls), then marks, namespaces, bridges, links, link
 *   settings, addresses, routes, sysctls, uplinks, exec.
 */
import type { LabSpec } from '../topology/model.js';
import type { Plan } from './actions.js';
import type { ObservedLab } from './observed.js';
import type { LabIndex } from './desired.js';
import { Planner } from './planner.js';
import { STEPS } from './steps/index.js';

export { IPV6_SYSCTLS, IP_FORWARD, natTableName } from './constants.js';

/** The plan that makes the kernel match `desired`; `index`: observe's indexes of the specs (Observation.index), spared a second indexing. */
export function planLab(desired: LabSpec, observed: ObservedLab, index?: LabIndex): Plan {
  const p = new Planner(desired, observed, index);
  for (const step of STEPS) step(p);
  return p.plan();
}
