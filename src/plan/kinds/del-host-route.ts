/** A host route the lab made (NAT uplink) goes: down, or the file no longer routes that subnet. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DelHostRoute extends ActionBase {
  op: 'del-host-route';
  to: string;
  via: string;
  dev: string;
}

export default defineKind<DelHostRoute>({
  op: 'del-host-route',
  sign: '-',
  order: 55, // before the bridge goes (which would take the route with it)
  namespaces: () => [HOST],
  sim(w, a) {
    const s = w.get(HOST);
    s.routes = s.routes.filter((r) => !(r.table === 254 && r.to === a.to && r.via === a.via));
    if (w.effects.routes) delete w.effects.routes[a.to];
  },
  locate: nowhere,
});
