import type { ActionFor } from '../../plan/actions.js';
import { unless, type ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'delete-link'>> = async (a, c) => {
  if (await unless(['ENODEV'], () => c.h(a.netns).link.del(a.index ?? a.name))) c.done.links.push(a.name);
  c.forget(a.netns, a.name);
  if (a.peer) c.forget(a.peer.netns, a.peer.name);
};
export default apply;
