import type { ActionFor } from '../../plan/actions.js';
import { unless, type ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'delete-link'>> = async (a, c) => {
  await unless(['ENODEV'], () => c.h(a.netns).link.del(a.name));
  c.forget(a.netns, a.name);
  if (a.peer) c.forget(a.peer.netns, a.peer.name);
};
export default apply;
