import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'mark'>> = (a, c) => c.markLink(c.h(a.netns), a.name === 'lo' ? 1 : c.index(a.netns, a.name));
export default apply;
