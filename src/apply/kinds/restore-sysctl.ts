import type { ActionFor } from '../../plan/actions.js';
import { restoreHostSysctl } from '../effects.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'restore-sysctl'>> = (a, c) => {
  // Shared with other labs (ip_forward for NAT): the last lab holding it restores it.
  const others = restoreHostSysctl(c.h(undefined), c.lab, a.key, a.value, () => {
    delete c.record.effects.sysctls[a.key];
    writeRecord(c.record);
  });
  if (others.length) c.done.skipped.push(`host ${a.key}: left as it is, lab ${others.join(', ')} still needs it (the last lab to go restores ${a.value})`);
  else c.done.restored.push(`${a.key}=${a.value}`);
};
export default apply;
