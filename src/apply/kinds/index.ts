/**
 * How each action kind is applied: one file each here (the same name as its plan half in
 * src/plan/kinds/), one line in this table. The table's type lists every op of the plan, so a
 * plan kind without its apply half does not compile (and kinds.test.ts checks it at run time).
 */
import type { Action, ActionFor, Op } from '../../plan/actions.js';
import addAddress from './add-address.js';
import addHostRoute from './add-host-route.js';
import addNat from './add-nat.js';
import addRoute from './add-route.js';
import attachUplink from './attach-uplink.js';
import clearImpair from './clear-impair.js';
import { eachOf, type ApplyEachFn } from './batch.js';
import type { ApplyContext, ApplyFn } from './context.js';
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
import { isSplittable } from './split.js';

export const APPLY: { readonly [O in Op]: ApplyFn<ActionFor<O>> } = {
  'detach-uplink': detachUplink,
  'down-backend': downBackend,
  'delete-netns': deleteNetns,
  'delete-link': deleteLink,
  'delete-ovs-bridge': deleteOvsBridge,
  'del-address': delAddress,
  'del-route': delRoute,
  'del-host-route': delHostRoute,
  'del-nat': delNat,
  'restore-sysctl': restoreSysctl,
  'mark': mark,
  'create-netns': createNetns,
  'create-bridge': createBridge,
  'create-veth': createVeth,
  'create-macvlan': createMacvlan,
  'create-vxlan': createVxlan,
  'create-ovs-bridge': createOvsBridge,
  'set-link': setLink,
  'set-impair': setImpair,
  'clear-impair': clearImpair,
  'add-address': addAddress,
  'add-route': addRoute,
  'replace-route': replaceRoute,
  'set-sysctl': setSysctl,
  'attach-uplink': attachUplink,
  'add-host-route': addHostRoute,
  'add-nat': addNat,
  'run-exec': runExec,
};

/** Apply one action through src/api. */
export async function applyAction(a: Action, c: ApplyContext): Promise<void> {
  const fn = APPLY[a.op] as ApplyFn<Action> | undefined;
  if (!fn) throw new Error(`no apply kind for action ${JSON.stringify(a.op)}`);
  await fn(a, c);
}

/** The run form of an action's kind (kinds/batch.ts), if it has one. */
export function eachOfAction(a: Action): ApplyEachFn<Action> | undefined {
  const fn = APPLY[a.op] as ApplyFn<Action> | undefined;
  return fn === undefined ? undefined : eachOf(fn);
}

/** Whether an action may run on a second thread (its kind says so: see split.ts). */
export function canSplit(a: Action): boolean {
  const fn = APPLY[a.op] as ApplyFn<Action> | undefined;
  return fn !== undefined && isSplittable(fn, a);
}

export { ApplyContext } from './context.js';
