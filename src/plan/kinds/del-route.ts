/** A static route (the lab's protocol) the file no longer has. */
import type { RouteSpec } from '../../topology/model.js';
import { routeKey } from '../keys.js';
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DelRoute extends ActionBase {
  op: 'del-route';
  netns: string;
  route: RouteSpec;
}

export default defineKind<DelRoute>({
  op: 'del-route',
  sign: '-',
  order: 50,
  namespaces: (a) => [a.netns],
  sim(w, a) {
    const s = w.get(a.netns);
    const i = s.routes.findIndex((r) => routeKey(r) === routeKey(a.route));
    if (i < 0) throw new Error(`sim: no route ${a.route.to}`);
    s.routes.splice(i, 1);
  },
  locate: nowhere,
});
