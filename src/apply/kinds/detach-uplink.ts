import type { ActionFor } from '../../plan/actions.js';
import { restoreUplink } from '../effects.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'detach-uplink'>> = async (a, c) => {
  await restoreUplink(c.h(undefined), a.nic, a, c.mark);
  delete c.record.effects.uplinks[a.nic];
  writeRecord(c.record);
};
export default apply;
