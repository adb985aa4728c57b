/**
 * The identity of a route, as the kernel keys it: two routes with the same key cannot both
 * exist (the second `ip route add` fails with EEXIST; in a plan, one would replace the other).
 * The one definition, used by the validator (DUPLICATE_ROUTE) and the planner alike.
 */
import { canonCidr } from '../wire/cidr.js';
import { RT_TABLE_MAIN } from '../wire/rtnl/constants.js';

/** A route destination in one form: 'default' becomes 0.0.0.0/0 or ::/0; a CIDR its canonical text. */
export function canonDst(to: string, family: 4 | 6): string {
  if (to === 'default') return family === 6 ? '::/0' : '0.0.0.0/0';
  return canonCidr(to);
}

/** The kernel's default metric when none is given: 0 for IPv4, 1024 for IPv6. */
export const defaultMetric = (family: 4 | 6): number => (family === 6 ? 1024 : 0);

/**
 * The metric the kernel gives a route: as written, else the default. IPv6 also turns an
 * explicit 0 into 1024 (ip6_route_info_create: IP6_RT_PRIO_USER), so metric 0 and no metric
 * are one route there.
 */
export function effectiveMetric(family: 4 | 6, metric: number | undefined): number {
  return metric === undefined || (family === 6 && metric === 0) ? defaultMetric(family) : metric;
}

/**
 * The identity of a route (family, table, canonical destination, effective metric). A different
 * gateway or device is a change of the same route, not another route.
 */
export function routeKey(r: { to: string; family: 4 | 6; table?: number; metric?: number }): string {
  return `${r.family}|${r.table ?? RT_TABLE_MAIN}|${canonDst(r.to, r.family)}|${effectiveMetric(r.family, r.metric)}`;
}
