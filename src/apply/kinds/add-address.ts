import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

const apply: ApplyFn<ActionFor<'add-address'>> = async (a, c) => {
  const i = a.dev === 'lo' ? 1 : c.index(a.netns, a.dev);
  // IPv6 addresses skip DAD: the lab's addresses are checked unique, and usable at once.
  await c.h(a.netns).addr.add(i, a.cidr, a.cidr.includes(':') ? { nodad: true } : {});
};
export default splittable(apply);
