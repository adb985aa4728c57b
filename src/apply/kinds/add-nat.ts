import type { ActionFor } from '../../plan/actions.js';
import { addNat } from '../nft.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'add-nat'>> = (a, c) => {
  c.record.effects.nat = { table: a.table, subnets: a.subnets, ...(a.out !== undefined ? { out: a.out } : {}) };
  writeRecord(c.record);
  addNat(a.table, a.subnets, a.out);
};
export default apply;
