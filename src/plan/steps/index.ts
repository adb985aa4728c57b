/**
 * The planner's steps, in the order they run: one line each. A step reads the Planner (what the
 * file wants, what the kernel has, what earlier steps decided) and adds actions or refusals; the
 * order of the actions in the plan is their kinds' ranks, not the steps'. A new capability that
 * plans its own objects (qdiscs, OVS ports...) is a step file here and its line below.
 */
import { planBridges } from '../bridges/index.js';
import type { Planner } from '../planner.js';
import { addresses } from './addresses.js';
import { exec } from './exec.js';
import { impairments } from './impairments.js';
import { createLinkEnds, createNamespaces, deleteStale, linkSettings, linkStates } from './links.js';
import { hostNets } from './hostnets.js';
import { hostLinks, namespaces } from './ownership.js';
import { routes } from './routes.js';
import { sysctls } from './sysctls.js';
import { uplinks } from './uplinks.js';

export type Step = (p: Planner) => void;

export const STEPS: readonly Step[] = [
  namespaces,
  hostLinks,
  linkStates,
  deleteStale,
  createNamespaces,
  planBridges, // each bridge backend's step (src/plan/bridges/)
  createLinkEnds,
  linkSettings,
  impairments,
  addresses,
  routes,
  sysctls,
  uplinks,
  hostNets,
  exec,
];
