import { netns } from '../../api/namespaces.js';
import type { ActionFor } from '../../plan/actions.js';
import { unless, type ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'delete-netns'>> = async (a, c) => {
  c.handles.close(a.netns);
  c.forget(a.netns);
  if (await unless(['ENOENT'], () => netns.del(a.netns))) c.done.namespaces.push(a.netns);
  delete c.record.namespaces[a.netns];
  c.willFree(a.frees);
};
export default apply;
