import type { ActionFor } from '../../plan/actions.js';
import { bridgeMtuDetour } from '../../plan/constants.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'create-bridge'>> = async (a, c) => {
  const h = c.h(a.netns);
  // Made with a neighbouring MTU and then set: only a set MTU is kept when ports join.
  await h.link.add({ kind: 'bridge', name: a.name, up: true, mtu: a.mtu === undefined ? undefined : bridgeMtuDetour(a.mtu), stp: a.stp });
  const i = c.index(a.netns, a.name);
  if (a.mtu !== undefined) await h.link.set(i, { mtu: a.mtu });
  if (a.netns === undefined) await c.markLink(h, i);
  if (a.altname !== undefined) await h.link.addAltnames(i, [a.altname]);
};
export default apply;
