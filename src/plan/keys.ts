/**
 * Comparable forms of addresses, CIDRs and routes, so that what the file says and what the
 * kernel reports compare equal when they mean the same thing ("2001:DB8::1" vs "2001:db8::1",
 * "10.0.0.5" vs "10.0.0.5/32", "default" vs "0.0.0.0/0", no metric vs metric 0).
 */
import type { RouteSpec } from '../topology/model.js';
import { RT_TABLE_MAIN } from '../wire/rtnl/constants.js';
import type { ObservedRoute } from './observed.js';

export { canonCidr, canonIp } from '../wire/cidr.js';

/** The kernel's main routing table. */
export const MAIN_TABLE = RT_TABLE_MAIN;

export { canonDst, defaultMetric, routeKey } from '../topology/routekey.js';

/** A desired route in the form del/replace need, from what the kernel reports. */
export function routeFromObserved(r: ObservedRoute): RouteSpec {
  const out: RouteSpec = { to: r.to, family: r.family };
  if (r.via !== undefined) out.via = r.via;
  if (r.dev !== undefined) out.dev = r.dev;
  if (r.metric !== undefined) out.metric = r.metric;
  if (r.table !== MAIN_TABLE) out.table = r.table;
  return out;
}

/** "default via 10.0.1.1 dev eth0 table 100 metric 5" */
export function describeRoute(r: { to: string; via?: string; dev?: string; table?: number; metric?: number }): string {
  const parts = [r.to];
  if (r.via !== undefined) parts.push(`via ${r.via}`);
  if (r.dev !== undefined) parts.push(`dev ${r.dev}`);
  if (r.table !== undefined && r.table !== MAIN_TABLE) parts.push(`table ${r.table}`);
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`);
  return parts.join(' ');
}

/** Sysctl values compare without the tabs and runs of spaces the kernel prints between fields. */
export const canonSysctl = (v: string): string => String(v).trim().split(/\s+/u).join(' ');
