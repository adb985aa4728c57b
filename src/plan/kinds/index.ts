/**
 * The registry of action kinds: one line each. A new kind is a file here (see kind.ts), its
 * line below, and its apply half in src/apply/kinds/ (registered there by the same op).
 */
import type { ActionOf, DocPath, PlanKind, Sign } from './kind.js';
import type { LabSpec } from '../../topology/model.js';
import type { SimWorld } from './sim.js';
import addAddress from './add-address.js';
import addHostRoute from './add-host-route.js';
import addNat from './add-nat.js';
import addRoute from './add-route.js';
import attachUplink from './attach-uplink.js';
import clearImpair from './clear-impair.js';
import createBridge from './create-bridge.js';
import createMacvlan from './create-macvlan.js';
import createNetns from './create-netns.js';
import createOvsBridge from './create-ovs-bridge.js';
import createVeth from './create-veth.js';
import createVxlan from './create-vxlan.js';
import delAddress from './del-address.js';
import delHostRoute from './del-host-route.js';
import delNat from './del-nat.js';
import delRoute from './del-route.js';
import deleteLink from './delete-link.js';
import deleteNetns from './delete-netns.js';
import deleteOvsBridge from './delete-ovs-bridge.js';
import detachUplink from './detach-uplink.js';
import downBackend from './down-backend.js';
import mark from './mark.js';
import replaceRoute from './replace-route.js';
import restoreSysctl from './restore-sysctl.js';
import runExec from './run-exec.js';
import setImpair from './set-impair.js';
import setLink from './set-link.js';
import setSysctl from './set-sysctl.js';

export const KINDS = [
  detachUplink,
  downBackend,
  deleteNetns,
  deleteLink,
  deleteOvsBridge,
  delAddress,
  delRoute,
  delHostRoute,
  delNat,
  restoreSysctl,
  mark,
  createNetns,
  createBridge,
  createVeth,
  createMacvlan,
  createVxlan,
  createOvsBridge,
  setLink,
  setImpair,
  clearImpair,
  addAddress,
  addRoute,
  replaceRoute,
  setSysctl,
  attachUplink,
  addHostRoute,
  addNat,
  runExec,
] as const;

/** Every action a plan can hold: the union of the kinds' action types. */
export type Action = ActionOf<(typeof KINDS)[number]>;
export type Op = Action['op'];
/** The action of one op: ActionFor<'create-veth'>. */
export type ActionFor<O extends Op> = Extract<Action, { op: O }>;

const byOp = new Map<string, PlanKind<Action>>(KINDS.map((k) => [k.op, k as unknown as PlanKind<Action>]));

/** The kind of an op (every op of an Action has one). */
export function kindOf(op: Op): PlanKind<Action> {
  const k = byOp.get(op);
  if (!k) throw new Error(`no action kind ${JSON.stringify(op)}`);
  return k;
}

/** How an op shows in a rendered plan: + makes, ~ changes, - removes. */
export function opSign(op: Op): Sign {
  return kindOf(op).sign;
}

/** The action's rank in a plan. */
export function orderOf(a: Action): number {
  const o = kindOf(a.op).order;
  return typeof o === 'number' ? o : o(a);
}

/** Actions in plan order (stable: equal ranks keep the order they were planned in). */
export function sortActions(actions: Action[]): Action[] {
  return actions.map((a, i) => ({ a, i, r: orderOf(a) })).sort((x, y) => x.r - y.r || x.i - y.i).map((x) => x.a);
}

/** The namespaces (netns names; HOST for the host) an action works in. */
export function namespacesOf(a: Action): string[] {
  return kindOf(a.op).namespaces(a);
}

/** What an action creates that the journal lists before it runs. */
export function createdBy(a: Action): { namespaces: string[]; hostLinks: string[] } {
  const c = kindOf(a.op).creates?.(a);
  return { namespaces: c?.namespaces ?? [], hostLinks: c?.hostLinks ?? [] };
}

/** Where in the file the action's object comes from (undefined for removals). */
export function locateAction(spec: LabSpec, a: Action): DocPath | undefined {
  return kindOf(a.op).locate(spec, a);
}

/** Run an action on the simulated kernel (unit tests). */
export function simulate(w: SimWorld, a: Action, mark: string): void {
  kindOf(a.op).sim(w, a, mark);
}

export type { ActionBase, DocPath, PlanKind, Sign } from './kind.js';
export type { VethEnd } from './create-veth.js';
export type { FreedLink } from './delete-netns.js';
export type { SimLink, SimNs, SimWorld } from './sim.js';
