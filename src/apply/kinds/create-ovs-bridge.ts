import { txChecksumOff } from '../../api/ethtool.js';
import { isUp } from '../../api/flags.js';
import { createBridge, deleteBridge, openOvs } from '../../api/ovs/index.js';
import type { ActionFor } from '../../plan/actions.js';
import { HOST } from '../../plan/desired.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'create-ovs-bridge'>> = async (a, c) => {
  // Uplink NICs: their state before is recorded (before the change, for down) the first time.
  const host = c.h(HOST);
  for (const nic of a.uplinks ?? []) {
    const l = host.link.raw(nic);
    c.record.effects.uplinks[nic] ??= { bridge: a.name, wasUp: isUp(l), ...(l.mtu !== undefined ? { mtu: l.mtu } : {}) };
    c.record.effects.uplinks[nic]!.bridge = a.name;
    writeRecord(c.record);
  }
  const s = await openOvs(c.lab);
  try {
    if (a.replace) await deleteBridge(s.client, c.lab, a.name);
    await createBridge(s.client, c.lab, { name: a.name, datapathType: s.datapathType, ports: a.ports });
  } finally {
    s.close();
  }
  for (const e of a.offload) txChecksumOff(c.h(e.netns), e.name);
  for (const nic of a.uplinks ?? []) await host.link.set(nic, { up: true });
};
export default apply;
