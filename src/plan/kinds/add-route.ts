/** A route of the file is added (protocol static: the lab's own). */
import type { LabSpec, RouteSpec } from '../../topology/model.js';
import { canonDst, MAIN_TABLE, routeKey } from '../keys.js';
import type { ObservedRoute } from '../observed.js';
import { defineKind, type ActionBase, type DocPath } from './kind.js';
import type { SimWorld } from './sim.js';
import { nodeOfNs } from './where.js';

export interface AddRoute extends ActionBase {
  op: 'add-route';
  netns: string;
  route: RouteSpec;
}

/** The simulated kernel adds (or, with `replace`, replaces) a static route. */
export function simRoute(w: SimWorld, netns: string, route: RouteSpec, replace: boolean): void {
  const s = w.get(netns);
  const k = routeKey(route);
  const i = s.routes.findIndex((r) => routeKey(r) === k);
  if (i >= 0 && !replace) throw new Error(`sim: route ${route.to} exists`);
  const r: ObservedRoute = { to: route.to === 'default' ? 'default' : canonDst(route.to, route.family), family: route.family, table: route.table ?? MAIN_TABLE, protocol: 'static' };
  if (route.via) r.via = route.via;
  if (route.dev) r.dev = route.dev;
  else if (route.via) r.dev = [...s.links.keys()].find((d) => d !== 'lo');
  if (route.metric !== undefined) r.metric = route.metric;
  if (i >= 0) s.routes[i] = r;
  else s.routes.push(r);
}

/** The route's entry in its node's routes. */
export function routePath(spec: LabSpec, netns: string, route: RouteSpec): DocPath | undefined {
  const n = nodeOfNs(spec, netns);
  if (!n) return undefined;
  const k = n.routes.findIndex((r) => routeKey(r) === routeKey(route));
  return k < 0 ? ['nodes', n.name, 'routes'] : ['nodes', n.name, 'routes', k];
}

export default defineKind<AddRoute>({
  op: 'add-route',
  sign: '+',
  order: 150,
  namespaces: (a) => [a.netns],
  sim: (w, a) => simRoute(w, a.netns, a.route, false),
  locate: (spec, a) => routePath(spec, a.netns, a.route),
});
