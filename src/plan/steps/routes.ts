/** Routes: the lab's static routes as the file has them. */
import type { RouteSpec } from '../../topology/model.js';
import { tablesOf } from '../desired.js';
import { canonIp, describeRoute, routeFromObserved, routeKey } from '../keys.js';
import { key, type Planner } from '../planner.js';

export function routes(p: Planner): void {
  for (const n of p.d.spec.nodes) {
    const ns = n.netns;
    if (!p.ours.has(ns)) continue;
    const x = p.nsObserved(ns);
    const fresh = p.created.has(ns);
    const seen = new Map<string, (typeof x.routes)[number]>();
    if (!fresh) for (const r of x.routes) if (r.dev === undefined || !p.gone.has(key(ns, r.dev))) seen.set(routeKey(r), r);
    const want = new Map<string, RouteSpec>();
    n.routes.forEach((r) => want.set(routeKey(r), r));
    // Removals: static routes (the lab's protocol) the file does not have, in the tables it uses.
    const tables = new Set([...tablesOf(n.routes), ...p.prev.flatMap((x) => tablesOf(x.nodes.get(n.name)?.routes ?? []))]);
    for (const [k, r] of seen) {
      if (r.protocol !== 'static' || want.has(k) || !tables.has(r.table)) continue;
      p.add({ op: 'del-route', netns: ns, route: routeFromObserved(r), target: `route ${describeRoute(r)} in ${ns}`, reason: 'not in the file any more' });
    }
    for (const [k, r] of want) {
      const s = seen.get(k);
      const target = `route ${describeRoute(r)} in ${ns}`;
      if (!s) {
        p.add({ op: 'add-route', netns: ns, route: r, target, reason: fresh ? `new node ${n.name}` : 'in the file, not in the kernel' });
        continue;
      }
      const diffs: string[] = [];
      if (r.via !== undefined && (s.via === undefined || canonIp(s.via) !== canonIp(r.via))) diffs.push(`the kernel has ${s.via ? `via ${s.via}` : 'no gateway'}, the file says via ${r.via}`);
      if (r.via === undefined && s.via !== undefined) diffs.push(`the kernel has via ${s.via}, the file says no gateway`);
      if (r.dev !== undefined && s.dev !== r.dev) diffs.push(`the kernel has dev ${s.dev ?? 'none'}, the file says dev ${r.dev}`);
      if (diffs.length) p.add({ op: 'replace-route', netns: ns, route: r, target, reason: diffs.join('; ') });
    }
  }
}
