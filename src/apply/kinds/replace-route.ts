import type { ActionFor } from '../../plan/actions.js';
import { apiRoute } from './add-route.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'replace-route'>> = (a, c) => c.h(a.netns).route.replace(apiRoute(a.route, true));
export default apply;
