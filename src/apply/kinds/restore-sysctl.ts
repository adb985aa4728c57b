import type { ActionFor } from '../../plan/actions.js';
import { restoreHostSysctl } from '../effects.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'restore-sysctl'>> = (a, c) => {
  restoreHostSysctl(c.h(undefined), c.lab, a.key, a.value, () => {
    delete c.record.effects.sysctls[a.key];
    writeRecord(c.record);
  });
};
export default apply;
