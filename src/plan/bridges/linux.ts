/**
 * The Linux bridge backend: a bridge device in the host or in a node's namespace, marked with the
 * lab's ifalias in the host; ports join by IFLA_MASTER (in the request that makes them, or by
 * set-link), read back from the link dump (ObservedLink.master). Its plan step makes the bridges
 * that are not there as they should be; replacing and removing them is the generic link steps'
 * work (a bridge is a DesiredLink of kind 'bridge').
 */
import type { Action } from '../actions.js';
import { HOST, linkKey as key } from '../host.js';
import type { Planner } from '../planner.js';
import { bridgeType, type BridgeBackend } from './backend.js';

export const linuxBridge: BridgeBackend = {
  type: 'linux',
  kernelMaster: true,
  plan(p: Planner): void {
    for (const b of p.d.spec.bridges) {
      if (bridgeType(b) !== 'linux') continue;
      const ns = b.node !== undefined ? p.d.nsOfNode.get(b.node)! : HOST;
      if (ns !== HOST && !p.ours.has(ns)) continue;
      const k = key(ns, b.name);
      if (p.kept.has(k)) continue;
      if (ns === HOST && p.views.get(HOST)?.byName.has(b.name) && !p.gone.has(k)) continue; // refused
      p.making.add(k);
      const a: Action = { op: 'create-bridge', name: b.name, target: `bridge ${b.name}${ns === HOST ? '' : ` in ${ns}`}`, reason: p.replace.has(k) ? `replacing: ${p.replace.get(k)}` : `new bridge ${b.logical}` };
      if (ns !== HOST) a.netns = ns;
      if (b.altname !== undefined) a.altname = b.altname;
      if (b.mtu !== undefined) a.mtu = b.mtu;
      if (b.stp !== undefined) a.stp = b.stp;
      p.add(a);
    }
  },
};
