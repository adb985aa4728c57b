/**
 * Comparable forms of addresses, CIDRs and routes, so that what the file says and what the
 * kernel reports compare equal when they mean the same thing ("2001:DB8::1" vs "2001:db8::1",
 * "10.0.0.5" vs "10.0.0.5/32", "default" vs "0.0.0.0/0", no metric vs metric 0).
 */
import { isIP } from 'node:net';
import { formatIp, parseIp } from '../wire/ip.js';
import type { RouteSpec } from '../topology/model.js';
import type { ObservedRoute } from './observed.js';

/** The kernel's main routing table. */
export const MAIN_TABLE = 254;

/** An address as iproute2 prints it (dotted quad; RFC 5952 IPv6); unchanged if it is not one. */
export function canonIp(s: string): string {
  return isIP(s) ? formatIp(parseIp(s)) : s;
}

/** "addr/len" with a canonical address; a bare address gets its full length. */
export function canonCidr(s: string): string {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const fam = isIP(addr);
  const len = slash < 0 ? (fam === 6 ? 128 : 32) : Number(s.slice(slash + 1));
  return `${canonIp(addr)}/${len}`;
}

/** A route destination in one form: 'default' becomes 0.0.0.0/0 or ::/0. */
export function canonDst(to: string, family: 4 | 6): string {
  if (to === 'default') return family === 6 ? '::/0' : '0.0.0.0/0';
  return canonCidr(to);
}

/** The kernel's default metric when none is given: 0 for IPv4, 1024 for IPv6. */
export const defaultMetric = (family: 4 | 6): number => (family === 6 ? 1024 : 0);

/**
 * The identity of a route as the kernel keys it (family, table, destination, metric): two
 * routes with the same key cannot both exist; a different gateway or device is a change.
 */
export function routeKey(r: { to: string; family: 4 | 6; table?: number; metric?: number }): string {
  return `${r.family}|${r.table ?? MAIN_TABLE}|${canonDst(r.to, r.family)}|${r.metric ?? defaultMetric(r.family)}`;
}

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
