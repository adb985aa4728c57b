import { impair } from '../../api/impair.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'set-impair'>> = async (a, c) => {
  await impair({ handle: c.h(a.netns), dev: a.name }, a.impair, { handle: c.h(a.peer.netns), dev: a.peer.name });
};
export default apply;
