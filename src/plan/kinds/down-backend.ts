/**
 * `down` only: what the lab owns in a bridge backend outside the kernel's links (OVS: its marked
 * bridges, and its hold on nsnet's daemons) goes. The backend finds what carries the lab's mark
 * (src/apply/bridges.ts removeLab). Rank 15: after the uplinks leave (10), before the lab's
 * namespaces go (20), as the backends expect.
 */
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DownBackend extends ActionBase {
  op: 'down-backend';
  /** The backend's type, as in src/plan/bridges/ ('ovs'). */
  backend: string;
}

export default defineKind<DownBackend>({
  op: 'down-backend',
  sign: '-',
  order: 15,
  namespaces: () => [],
  sim() { /* not the kernel's links */ },
  locate: nowhere,
});
