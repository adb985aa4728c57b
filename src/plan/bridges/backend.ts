/**
 * A bridge is a backend: the Linux bridge (./linux.ts) is the first, others (Open vSwitch) are
 * added as one file each and one line in ./index.ts. What a backend says, on the plan side (pure):
 *
 * - `kernelMaster`: whether its bridge is a kernel link in its namespace whose ports join it by
 *   IFLA_MASTER. Then indexLab makes the bridge a DesiredLink (kind 'bridge') and gives each port
 *   `master`, so the generic link steps make ports with their master in the creating request and
 *   fix membership with set-link. A backend whose ports join otherwise (OVSDB rows) says false:
 *   its bridges are not kernel links of the plan and its ports carry no `master`; its own `plan`
 *   step makes the bridge and its ports (with their VLANs).
 * - `plan(p)`: the planner step for its bridges (made, kept, replaced, removed; refusals for
 *   foreign ones), with the ownership rule of the rest of the plan: only what carries the lab's
 *   mark (ifalias for Linux, external_ids for OVS) is changed or removed.
 *
 * On the apply side a backend has its action kinds (src/plan/kinds + src/apply/kinds, as every
 * kind) and, when the kernel's link dump does not show it, an observer (src/apply/bridges.ts)
 * that fills its part of the ObservedLab.
 */
import type { BridgeSpec } from '../../topology/model.js';
import type { Planner } from '../planner.js';

export interface BridgeBackend {
  /** The bridge's `type` in the file; 'linux' when it says none. */
  type: string;
  /** Its bridge is a kernel link and its ports join by IFLA_MASTER. */
  kernelMaster: boolean;
  /** The planner step for its bridges (see above). */
  plan(p: Planner): void;
}

/** The `type:` a bridge of the file has ('linux' when absent). */
export function bridgeType(b: BridgeSpec): string {
  return (b as BridgeSpec & { type?: string }).type ?? 'linux';
}
