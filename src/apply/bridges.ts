/**
 * The apply side of bridge backends (the plan side: src/plan/bridges/): what a backend needs
 * beyond its action kinds. The Linux bridge needs nothing here: its bridges and memberships are
 * in the kernel's link dump (observe.ts reads IFLA_MASTER). A backend whose state lives
 * elsewhere (Open vSwitch: OVSDB) adds one file with a BridgeObserver and one line below.
 */
import type { ObservedLab } from '../plan/observed.js';
import type { LabSpec } from '../topology/model.js';
import { ovsObserver } from './ovs.js';

export interface BridgeObserver {
  /** The backend's `type` (as in src/plan/bridges/). */
  type: string;
  /**
   * Fill the backend's part of `o` (its bridges, ports, owners), for the file `spec` and the
   * specs whose objects may exist (`previous`). Through src/api; no writes.
   */
  observe(spec: LabSpec, previous: LabSpec[], o: ObservedLab): Promise<void>;
  /**
   * `down`: remove what the lab owns in this backend (only what carries its mark) and say what
   * went, one line each ("OVS bridge sw1"). Runs before the lab's namespaces are deleted.
   */
  removeLab?(lab: string): Promise<string[]>;
}

export const BRIDGE_OBSERVERS: readonly BridgeObserver[] = [
  // The Linux bridge: nothing (the link dump shows it).
  ovsObserver,
];
