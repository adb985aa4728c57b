import { clearImpairment } from '../../api/impair.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'clear-impair'>> = async (a, c) => {
  await clearImpairment({ handle: c.h(a.netns), dev: a.name }, { handle: c.h(a.peer.netns), dev: a.peer.name });
};
export default apply;
