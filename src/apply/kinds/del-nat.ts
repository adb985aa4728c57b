import type { ActionFor } from '../../plan/actions.js';
import { delNat } from '../nft.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'del-nat'>> = (a, c) => {
  delNat(a.table);
  c.done.restored.push(`nftables table ${a.table}`);
  if (!c.record.effects.nat) return; // down without a record found the table by looking
  delete c.record.effects.nat;
  writeRecord(c.record);
};
export default apply;
