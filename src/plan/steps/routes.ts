/** Routes: the lab's static routes as the file has them. */
import type { RouteSpec } from '../../topology/model.js';
import { HOST, tablesOf } from '../desired.js';
import { canonCidr, canonIp, describeRoute, routeFromObserved, routeKey } from '../keys.js';
import { key, type Planner } from '../planner.js';

export function routes(p: Planner): void {
  for (const n of p.d.spec.nodes) {
    const ns = n.netns;
    if (!p.ours.has(ns)) continue;
    const x = p.nsObserved(ns);
    const fresh = p.created.has(ns);
    const seen = new Map<string, (typeof x.routes)[number]>();
    const flushed = fresh ? new Set<string>() : losesIpv4(p, ns);
    const stays = (r: (typeof x.routes)[number]) => r.dev === undefined || (!p.gone.has(key(ns, r.dev)) && !(r.family === 4 && flushed.has(r.dev)));
    if (!fresh) for (const r of x.routes) if (stays(r)) seen.set(routeKey(r), r);
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

/**
 * Links of a namespace that the plan leaves without any IPv4 address for a moment (it deletes
 * every one they have before adding the file's): the kernel then drops every IPv4 route out of
 * them, so those routes are added again after the addresses.
 */
function losesIpv4(p: Planner, ns: string): Set<string> {
  const deleted = new Set<string>();
  for (const a of p.planned) if (a.op === 'del-address' && (a.netns ?? HOST) === ns) deleted.add(`${a.dev}\0${canonCidr(a.cidr)}`);
  const kept = new Map<string, boolean>();
  for (const a of p.nsObserved(ns).addresses) {
    if (a.family !== 4) continue;
    kept.set(a.dev, (kept.get(a.dev) ?? false) || !deleted.has(`${a.dev}\0${canonCidr(a.cidr)}`));
  }
  return new Set([...kept].filter(([, k]) => !k).map(([dev]) => dev));
}
