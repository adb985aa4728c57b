import type { ActionFor } from '../../plan/actions.js';
import { holdHostSysctl } from '../effects.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

const apply: ApplyFn<ActionFor<'set-sysctl'>> = (a, c) => {
  const h = c.h(a.netns);
  if (a.netns !== undefined) {
    h.sysctl.setSync(a.key, a.value);
    return;
  }
  holdHostSysctl(h, c.lab, c.record.effects.sysctls, a.key, a.value, () => writeRecord(c.record));
};
// A node's sysctl only: the host's is a shared effect, recorded (holdHostSysctl).
export default splittable(apply, (a) => a.netns !== undefined);
