import { setMac, randomMac } from '../../api/mac.js';
import type { ActionFor } from '../../plan/actions.js';
import { bridgeMtuDetour } from '../../plan/constants.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

const apply: ApplyFn<ActionFor<'set-link'>> = async (a, c) => {
  const i = a.name === 'lo' ? 1 : c.index(a.netns, a.name);
  const h = c.h(a.netns);
  if (a.pinMtu && a.mtu !== undefined) await h.link.set(i, { mtu: bridgeMtuDetour(a.mtu) });
  // A new MAC moves the link-local address with it (api/mac.ts), as a new link has it.
  if (a.mac !== undefined || a.randomMac) await setMac(h, i, a.mac ?? randomMac());
  await h.link.set(i, {
    up: a.up, mtu: a.mtu,
    ...(a.master === null ? { master: null } : a.master !== undefined ? { master: c.index(a.netns, a.master) } : {}),
  });
};
export default splittable(apply);
