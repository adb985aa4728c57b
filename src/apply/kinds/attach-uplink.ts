import { isUp } from '../../api/flags.js';
import type { ActionFor } from '../../plan/actions.js';
import { HOST } from '../../plan/desired.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'attach-uplink'>> = async (a, c) => {
  const host = c.h(HOST);
  const l = host.link.raw(a.nic);
  const prev = c.record.effects.uplinks[a.nic];
  if (prev === undefined) c.record.effects.uplinks[a.nic] = { bridge: a.bridge, wasUp: isUp(l) };
  else prev.bridge = a.bridge;
  writeRecord(c.record);
  await host.link.set(l.index, { master: c.index(HOST, a.bridge), up: true });
};
export default apply;
