import type { ActionFor } from '../../plan/actions.js';
import { restoreUplink } from '../effects.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'detach-uplink'>> = async (a, c) => {
  const r = await restoreUplink(c.h(undefined), a.nic, a, c.mark);
  if (r === 'gone') c.done.skipped.push(`host NIC ${a.nic}: gone, nothing to restore`);
  else if (r.left || r.up !== undefined || r.mtu !== undefined) {
    c.done.restored.push(`${a.nic} left ${a.bridge}${r.up === false ? ' and is down again' : ''}${r.mtu !== undefined ? ` with mtu ${r.mtu} again` : ''}`);
  }
  delete c.record.effects.uplinks[a.nic];
  writeRecord(c.record);
};
export default apply;
