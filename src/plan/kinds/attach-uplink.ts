/** A host NIC joins a lab bridge (an uplink); its state before is recorded for down. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { uplinkPath } from './where.js';

export interface AttachUplink extends ActionBase {
  op: 'attach-uplink';
  nic: string;
  bridge: string;
}

export default defineKind<AttachUplink>({
  op: 'attach-uplink',
  sign: '+',
  order: 170, // after the lab's own objects
  namespaces: () => [HOST],
  sim(w, a) {
    const l = w.link(HOST, a.nic);
    if (!w.effects.uplinks[a.nic]) w.effects.uplinks[a.nic] = { bridge: a.bridge, wasUp: l.up };
    w.effects.uplinks[a.nic]!.bridge = a.bridge;
    l.master = a.bridge;
    l.up = true;
  },
  locate: (spec, a) => uplinkPath(spec, (u) => u.kind === 'bridge' && u.nic === a.nic),
});
