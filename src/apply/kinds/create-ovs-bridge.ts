import { txChecksumOff } from '../../api/ethtool.js';
import { createBridge, deleteBridge, openOvs } from '../../api/ovs/index.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'create-ovs-bridge'>> = async (a, c) => {
  const s = await openOvs(c.lab);
  try {
    if (a.replace) await deleteBridge(s.client, c.lab, a.name);
    await createBridge(s.client, c.lab, { name: a.name, datapathType: s.datapathType, ports: a.ports });
  } finally {
    s.close();
  }
  for (const e of a.offload) txChecksumOff(c.h(e.netns), e.name);
};
export default apply;
