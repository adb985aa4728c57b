/**
 * The plan: an ordered list of actions, each with its target and the reason for it. One plan
 * object serves `nsnet plan`, `nsnet up --dry-run` and `nsnet up`. Plain data (JSON).
 *
 * The actions themselves are kinds, one file each in ./kinds/ (registry: ./kinds/index.ts).
 */
import type { Hint } from '../api/errors.js';
import type { Action } from './kinds/index.js';

export type { Action, ActionFor, Op, VethEnd, FreedLink } from './kinds/index.js';
export { opSign } from './kinds/index.js';

/**
 * Something `up` will not do because it would take over or change an object the lab does not
 * own, or because the host lacks what the file refers to. A plan with refusals is not applied.
 */
export interface Refusal {
  code: 'FOREIGN_NETNS' | 'FOREIGN_LINK' | 'OTHER_LAB' | 'STALE_NETNS' | 'MISSING_NIC' | 'NIC_IN_USE' | 'NIC_CARRIES_HOST' | 'UNSUPPORTED' | 'NO_NFT' | 'HOST_ROUTE_TAKEN'
    | 'FOREIGN_OVS_BRIDGE' | 'OVS_MISSING' | 'OVS_PORT_IN_USE' | 'KERNEL_FEATURE';
  /** The object: "namespace h1", "link br0 in the host namespace". */
  object: string;
  /** One line: what is wrong. */
  detail: string;
  /**
   * What to do, in the library's words (`lib`: its calls, `Lab.byName('x').down()`) and the
   * command line's (`cli`: `nsnet down --lab x`); refusalText() joins detail and one of them.
   */
  hint: Hint;
  /** Where in the topology file the object comes from: ['nodes', 'h1'], ['links', 3]. */
  path: (string | number)[];
}

/** Something up does but the user may not want (it goes ahead): located and worded like a refusal. */
export interface PlanWarning {
  code: 'HOST_SUBNET_OVERLAP';
  object: string;
  detail: string;
  hint: Hint;
  path: (string | number)[];
}

/** A refusal or warning as a planner step writes it: a hint that reads the same for both callers may be one string. */
export type Draft<T extends { hint: Hint }> = Omit<T, 'hint'> & { hint: string | Hint };

export interface Plan {
  lab: string;
  actions: Action[];
  refusals: Refusal[];
  /** Said on stderr by plan and up; they do not stop up. */
  warnings?: PlanWarning[];
  /** Nothing to do and nothing refused: the kernel matches the file. */
  noop: boolean;
  /** Size of the desired lab, for messages ("lab X is up to date (N nodes, M links)"). */
  counts: { nodes: number; links: number; bridges: number };
}
