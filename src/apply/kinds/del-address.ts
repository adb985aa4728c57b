import type { ActionFor } from '../../plan/actions.js';
import { unless, type ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'del-address'>> = (a, c) => unless(['EADDRNOTAVAIL'], () => c.h(a.netns).addr.del(c.index(a.netns, a.dev), a.cidr));
export default apply;
