import type { ActionFor } from '../../plan/actions.js';
import { apiRoute } from './add-route.js';
import { unless, type ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'del-route'>> = (a, c) => unless(['ESRCH'], () => c.h(a.netns).route.del(apiRoute(a.route)));
export default apply;
