import { NsnetError } from '../../api/errors.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'run-exec'>> = async (a, c) => {
  const h = c.h(a.netns);
  for (const cmd of a.commands) {
    const r = await h.exec(cmd);
    if (r.code !== 0) {
      const err = (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';
      throw new NsnetError('EXEC', `command ${JSON.stringify(cmd.join(' '))} in node ${a.node} ${r.code === null ? `was killed by ${r.signal}` : `exited with ${r.code}`}${err ? `: ${err}` : ''}`, `node ${a.node}`);
    }
  }
  c.record.execDone[a.node] = a.commands;
};
export default apply;
