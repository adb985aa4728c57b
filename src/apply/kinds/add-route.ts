import type { RouteSpec as ApiRoute } from '../../api/types.js';
import type { ActionFor } from '../../plan/actions.js';
import type { RouteSpec } from '../../topology/model.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

/** A route of the file in the api's terms; the lab's own routes carry protocol static. */
export function apiRoute(r: RouteSpec, ours = false): ApiRoute {
  return {
    to: r.to, via: r.via, dev: r.dev, metric: r.metric, table: r.table,
    ...(ours ? { protocol: 'static' as const } : {}),
  };
}

const apply: ApplyFn<ActionFor<'add-route'>> = (a, c) => c.h(a.netns).route.add(apiRoute(a.route, true));
export default splittable(apply);
