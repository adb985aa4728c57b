/** The bridge backends, one line each (see backend.ts for what one is and how to add one). */
import type { BridgeSpec } from '../../topology/model.js';
import { bridgeType, type BridgeBackend } from './backend.js';
import { linuxBridge } from './linux.js';
import { ovsBridge } from './ovs.js';

export const BRIDGES: readonly BridgeBackend[] = [
  linuxBridge,
  ovsBridge,
];

/** The backend of a bridge of the file (by its `type:`). */
export function bridgeBackend(b: BridgeSpec): BridgeBackend {
  const t = bridgeType(b);
  const k = BRIDGES.find((x) => x.type === t);
  if (!k) throw new Error(`no bridge backend for type ${JSON.stringify(t)}`);
  return k;
}

/** The planner step of every backend, in registry order. */
export function planBridges(p: import('../planner.js').Planner): void {
  for (const b of BRIDGES) b.plan(p);
}

export { bridgeType, type BridgeBackend } from './backend.js';
