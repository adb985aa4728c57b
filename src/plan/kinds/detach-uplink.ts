/** An uplink NIC the file no longer joins to a bridge leaves the lab's bridge and goes back up or down as it was. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DetachUplink extends ActionBase {
  op: 'detach-uplink';
  nic: string;
  bridge: string;
  wasUp: boolean;
  /** Its MTU before, when recorded (an OVS uplink records it). */
  mtu?: number;
}

export default defineKind<DetachUplink>({
  op: 'detach-uplink',
  sign: '-',
  order: 10, // first: the NIC leaves the bridge before the bridge goes
  namespaces: () => [HOST],
  sim(w, a) {
    const l = w.link(HOST, a.nic);
    delete l.master;
    l.up = a.wasUp;
    if (a.mtu !== undefined) l.mtu = a.mtu;
    delete w.effects.uplinks[a.nic];
  },
  locate: nowhere,
});
