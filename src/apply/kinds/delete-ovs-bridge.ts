import { deleteBridge, openOvs } from '../../api/ovs/index.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'delete-ovs-bridge'>> = async (a, c) => {
  const s = await openOvs(c.lab);
  try {
    await deleteBridge(s.client, c.lab, a.name);
  } finally {
    s.close();
  }
};
export default apply;
