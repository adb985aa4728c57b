/** A route of the file that the kernel has with another gateway or device is replaced. */
import type { RouteSpec } from '../../topology/model.js';
import { routePath, simRoute } from './add-route.js';
import { defineKind, type ActionBase } from './kind.js';

export interface ReplaceRoute extends ActionBase {
  op: 'replace-route';
  netns: string;
  route: RouteSpec;
}

export default defineKind<ReplaceRoute>({
  op: 'replace-route',
  sign: '~',
  order: 150,
  namespaces: (a) => [a.netns],
  sim: (w, a) => simRoute(w, a.netns, a.route, true),
  locate: (spec, a) => routePath(spec, a.netns, a.route),
});
