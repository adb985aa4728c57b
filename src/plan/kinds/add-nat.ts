/** The lab's nftables table masquerades its subnets (a NAT uplink); recorded before it is made. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { uplinkPath } from './where.js';

export interface AddNat extends ActionBase {
  op: 'add-nat';
  table: string;
  subnets: string[];
  out?: string;
}

export default defineKind<AddNat>({
  op: 'add-nat',
  sign: '+',
  order: 170,
  namespaces: () => [HOST],
  sim(w, a) {
    w.natTables.add(a.table);
    w.effects.nat = { table: a.table, subnets: a.subnets, ...(a.out ? { out: a.out } : {}) };
  },
  locate: (spec) => uplinkPath(spec, (u) => u.kind === 'nat'),
});
