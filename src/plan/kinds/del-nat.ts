/** The lab's nftables NAT table goes (no NAT uplink in the file any more). */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DelNat extends ActionBase {
  op: 'del-nat';
  table: string;
}

export default defineKind<DelNat>({
  op: 'del-nat',
  sign: '-',
  order: 60,
  namespaces: () => [HOST],
  sim(w, a) {
    w.natTables.delete(a.table);
    delete w.effects.nat;
  },
  locate: nowhere,
});
