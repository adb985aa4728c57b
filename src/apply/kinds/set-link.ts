import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'set-link'>> = async (a, c) => {
  const i = a.name === 'lo' ? 1 : c.index(a.netns, a.name);
  await c.h(a.netns).link.set(i, {
    up: a.up, mtu: a.mtu, address: a.mac,
    ...(a.master === null ? { master: null } : a.master !== undefined ? { master: c.index(a.netns, a.master) } : {}),
  });
};
export default apply;
