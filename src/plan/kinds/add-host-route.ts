/** A host main-table route to a subnet behind a router on a NAT uplink's bridge; recorded before it is made. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { uplinkPath } from './where.js';

export interface AddHostRoute extends ActionBase {
  op: 'add-host-route';
  to: string;
  via: string;
  dev: string;
}

export default defineKind<AddHostRoute>({
  op: 'add-host-route',
  sign: '+',
  order: 165, // after the bridge is up with its address: the gateway must be on-link
  namespaces: () => [HOST],
  sim(w, a) {
    w.get(HOST).routes.push({ to: a.to, via: a.via, dev: a.dev, table: 254, family: 4, protocol: 'static' });
    w.effects.routes = { ...w.effects.routes, [a.to]: { via: a.via, dev: a.dev } };
  },
  locate: (spec, a) => uplinkPath(spec, (u) => u.kind === 'nat' && (u.routes ?? []).some((r) => r.to === a.to)),
});
